"""SQLite files of push keys, shared by the push journal and the ledgers.

Both remember pushes across runs by their key, and only need to know whether a key
was pushed, never what it says: a respondent's key holds their email address, an
invitation's a phone number. So a key is stored as a keyed digest, HMAC-SHA256 of the
key written as compact JSON, keyed with a random secret kept in the file itself (table
``digest_secret``). The same email gives different digests in two files, so a
digest cannot be looked up in a table of hashed addresses or matched across files,
and the file alone tells nobody who was surveyed. Whoever can read the file can
still test a guessed address against it, which is why the file is owner-only too
(``survey_common.push.private_files``).

A file written before keys were digested (a ``key`` column of JSON arrays, no
``digest_secret`` table) is migrated when it is opened: each key is replaced by its
digest in one transaction, keeping every row and its times, and the file is then
rewritten (``VACUUM``) so that no page still holds the old text.

A connection may be closed by the garbage collector from another thread (seen in
the test suite), hence ``check_same_thread=False``; and pushes run side by side on
worker threads, which share the one connection one statement or transaction at a time
(``KeyedSqlite.lock``), so that one thread's commit never ends another's transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import threading
import typing as t

from survey_common.push.private_files import create_private, tighten_sqlite_side_files

if t.TYPE_CHECKING:
    from collections.abc import Hashable
    from pathlib import Path

_logger = logging.getLogger(__name__)

_SECRET_SCHEMA = "CREATE TABLE IF NOT EXISTS digest_secret (secret BLOB NOT NULL)"  # noqa: S105 - a schema, not a password
#: Bytes of the per-file secret: as long as SHA-256's block of output.
_SECRET_BYTES = 32


def _key_text(key: Hashable) -> str:
    """Write a push key (a tuple of text and numbers) as a compact JSON array.

    This was the stored form before keys were digested; digesting exactly this text
    lets a migrated row match the key a sink asks about.

    Raises:
        TypeError: For a key that is not a tuple, which no sink makes.
    """
    if not isinstance(key, tuple):
        raise TypeError(f"push keys are tuples, got {type(key).__name__}")
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


class KeyedSqlite:
    """An open SQLite file of push keys, with the digest its keys are stored as."""

    def __init__(self, connection: sqlite3.Connection, secret: bytes) -> None:
        """Wrap an open connection and the file's own digest secret."""
        self.connection = connection
        self._secret = secret
        #: Held around each use of the connection: worker threads share it.
        self.lock = threading.RLock()

    def digest(self, key: Hashable) -> str:
        """Return the stored form of a push key: its keyed digest, in hex."""
        return self._digest_text(_key_text(key))

    def _digest_text(self, text: str) -> str:
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def close(self) -> None:
        """Close the connection; every change was committed already."""
        with self.lock:
            self.connection.close()


def open_keyed(
    path: Path, schema: str, *, table: str, logger: logging.Logger = _logger
) -> KeyedSqlite:
    """Open ``path`` owner-only (creating it and its folder) with ``schema`` applied.

    Args:
        path: The SQLite file.
        schema: The ``CREATE TABLE IF NOT EXISTS`` of ``table``.
        table: The table whose ``key`` column holds push keys, migrated when in the
            old (plain) form.
        logger: Where a tightened file mode or a migration is reported.
    """
    create_private(path, logger)
    tighten_sqlite_side_files(path, logger)
    connection = sqlite3.connect(path, check_same_thread=False)
    try:
        secret, migrated = _set_up(connection, schema, table)
        keyed = KeyedSqlite(connection, secret)
        if migrated:
            # The old text may live on in free pages and in the journal file: rewrite.
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            logger.info(
                "%s: %d stored key(s) replaced by keyed digests, history kept", path, migrated
            )
    except BaseException:
        connection.close()
        raise
    return keyed


def _set_up(connection: sqlite3.Connection, schema: str, table: str) -> tuple[bytes, int]:
    """Apply the schema, find or make the file's secret, migrate plain keys; one transaction.

    ``BEGIN IMMEDIATE`` keeps two processes opening a new file at once from making two
    secrets, and a run killed during a migration leaves the file as it was.

    Returns:
        The secret, and how many plain keys were replaced by digests.
    """
    connection.isolation_level = None  # explicit transaction below, DDL included
    try:
        connection.execute("BEGIN IMMEDIATE")
        had_secret_table = _has_table(connection, "digest_secret")
        connection.execute(schema)
        connection.execute(_SECRET_SCHEMA)
        row = connection.execute("SELECT secret FROM digest_secret LIMIT 1").fetchone()
        migrated = 0
        if row is None:
            secret = secrets.token_bytes(_SECRET_BYTES)
            connection.execute("INSERT INTO digest_secret (secret) VALUES (?)", (secret,))
            if not had_secret_table:
                keyed = KeyedSqlite(connection, secret)
                connection.create_function(
                    "survey_key_digest", 1, keyed._digest_text, deterministic=True
                )
                migrated = connection.execute(
                    f"UPDATE {table} SET key = survey_key_digest(key)"  # noqa: S608 - a constant of ours
                ).rowcount
        else:
            secret = bytes(row[0])
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.isolation_level = "DEFERRED"  # back to implicit transactions
    return secret, migrated


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None
