"""The SQLite file behind the sandbox: one connection, one lock, one seeding record per platform.

All request threads share a single connection guarded by a lock, which keeps writes
serialised and ids strictly increasing. The file is in WAL mode so tests and users can
open it read-only while the server runs.

Each platform owns its tables (named with the platform's prefix, e.g. ``buenno_``) and
registers them through :meth:`Store.ensure_seeded`. The table ``sandbox_meta`` records,
per platform, the schema version, seed and size the data was generated with: a file
seeded the same way is reused as it is, so data created through the API survives a
restart; anything else is wiped and seeded again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from typing import Protocol

_META_DDL = """
CREATE TABLE IF NOT EXISTS sandbox_meta (
    platform TEXT PRIMARY KEY,
    schema_version INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    size INTEGER NOT NULL
)
"""


class Populate(Protocol):
    """Writes a platform's seed data through a connection."""

    def __call__(self, connection: sqlite3.Connection, *, seed: int, size: int) -> None:
        """Generate ``size`` records of each kind from ``seed``."""


@dataclass(frozen=True)
class PlatformData:
    """A platform's tables and how to fill them, for :meth:`Store.ensure_seeded`."""

    schema_version: int
    """Bumped whenever the platform's tables change shape, so old files are reseeded."""

    tables: Sequence[str]
    """The platform's tables, children before parents (the drop order)."""

    ddl: Sequence[str]
    """Statements that create the tables and indexes."""

    populate: Populate
    """Writes the seed data."""


class Store:
    """A thread-safe handle on the sandbox's SQLite database."""

    def __init__(self, path: str | PathLike[str]) -> None:
        """Open (or create) the database file and prepare the metadata table.

        Args:
            path: Where the database file lives.
        """
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.execute("PRAGMA foreign_keys=ON")
        self._connection.execute(_META_DDL)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and a transaction; commit on success, roll back on error."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def ensure_seeded(
        self, platform: str, data: PlatformData, *, seed: int, size: int, reset: bool
    ) -> bool:
        """Create and seed a platform's tables unless the file already holds that seeding.

        Args:
            platform: The platform's name, the key in ``sandbox_meta``.
            data: The platform's tables and how to fill them.
            seed: The random seed the data is generated from.
            size: How many records of each kind to generate.
            reset: Wipe and seed again even when the recorded seeding matches.

        Returns:
            ``True`` when the data was (re)generated, ``False`` when it was reused.
        """
        with self.transaction() as connection:
            recorded = connection.execute(
                "SELECT schema_version, seed, size FROM sandbox_meta WHERE platform = ?",
                (platform,),
            ).fetchone()
            wanted = (data.schema_version, seed, size)
            if not reset and recorded is not None and tuple(recorded) == wanted:
                return False
            for table in data.tables:
                connection.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in data.ddl:
                connection.execute(statement)
            data.populate(connection, seed=seed, size=size)
            connection.execute(
                "INSERT OR REPLACE INTO sandbox_meta (platform, schema_version, seed, size)"
                " VALUES (?, ?, ?, ?)",
                (platform, data.schema_version, seed, size),
            )
            return True

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._connection.close()
