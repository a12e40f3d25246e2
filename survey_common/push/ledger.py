"""The ledger: what a target pushed and when, kept across runs in a SQLite file.

Some platforms cannot tell that a push was already made: each Hello Customer add surveys
the person again, and whether Buenno refuses a second invitation of the same person is
not documented. A source that sends its whole contact table every night would survey
everyone every night, and an answer sent again is a second response. The ledger
remembers every push by its key (for a respondent, the touchpoint and the email
address) with the time it was made; a push whose key is in it counts as already
present and is not sent. A respondent's key lapses after ``resend_after_days`` whole
days (UTC calendar days, so the hour of the nightly run does not matter); an answer's
never does.

Each stream's keys are a ``MutableSet`` (``LedgerKeys``) that the target returns from
``PushTarget.pushed_keys``, so the sinks ask it as they ask the in-memory set of a run.
What is added is committed at once, a batch's keys in one transaction, so a run that
dies keeps the record of what it pushed. Pushes running side by side share the file's
one connection, one statement or transaction at a time (``KeyedSqlite.lock``).

Table ``pushed(stream, key, pushed_at)``: ``key`` is the keyed digest of the push's
key (``survey_common.push.keyed_sqlite``), never the email address it was made from; the
key itself is a JSON array such as ``["c8dc5f94-...", "email", "john.doe@example.com"]``.
``pushed_at`` is ISO 8601 in UTC. ``Ledger.forget`` (and ``survey-deadletter forget``)
deletes a key's row, so that push may be sent again. A ledger of the older form, with
the keys in plain text, is migrated when opened. The file is owner-only.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import typing as t
import weakref
from collections.abc import Hashable, MutableSet

from survey_common.push.keyed_sqlite import open_keyed
from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Set
    from pathlib import Path

_logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pushed (
    stream TEXT NOT NULL,
    key TEXT NOT NULL,
    pushed_at TEXT NOT NULL,
    PRIMARY KEY (stream, key)
)
"""


def _now() -> dt.datetime:
    return dt.datetime.now(tz=UTC)


class Ledger:
    """One SQLite file holding the pushes of every stream; opened at the first use."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], dt.datetime] = _now,
        logger: logging.Logger = _logger,
    ) -> None:
        """Keep the ledger in ``path`` (created with its folder if missing, owner-only).

        Args:
            path: The SQLite file.
            clock: The time pushes are recorded with; tests set it.
            logger: Where a tightened file mode or a migration of plain keys is reported.
        """
        self.path = path
        self._clock = clock
        self._file = open_keyed(path, _SCHEMA, table="pushed", logger=logger)
        self._connection = self._file.connection
        # Closed by close(), or when the ledger is collected after a run that stopped early.
        self._closed = weakref.finalize(self, self._connection.close)
        self._streams: dict[str, LedgerKeys] = {}

    def keys(self, stream: str, *, resend_after_days: int | None) -> LedgerKeys:
        """Return the keys of a stream's pushes, the same set for every sink of the stream.

        Args:
            stream: The input stream.
            resend_after_days: Whole days after which a push may be made again; None
                means never.
        """
        if stream not in self._streams:
            self._streams[stream] = LedgerKeys(self, stream, resend_after_days)
        return self._streams[stream]

    def close(self) -> None:
        """Close the file; everything added was committed already."""
        self._closed()

    def digest(self, key: Hashable) -> str:
        """The stored form of a push key: its digest, keyed with this file's secret."""
        return self._file.digest(key)

    def forget(self, stream: str, key: Hashable) -> bool:
        """Delete a push from the file, so that it may be made again; tell whether it was there.

        The way to survey someone again before ``resend_after_days``, or to resend a record
        the dead-letter file marks uncertain once it is known not to have arrived: the
        file holds digests, so a row cannot be found by the address written in it.
        """
        with self.lock, self._connection as connection:
            deleted = connection.execute(
                "DELETE FROM pushed WHERE stream = ? AND key = ?", (stream, self.digest(key))
            ).rowcount
        return bool(deleted)

    def now(self) -> dt.datetime:
        """The time a push is recorded with, to the second, so that times compare as text."""
        return self._clock().replace(microsecond=0)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open SQLite connection, for the stream sets; use it holding ``lock``."""
        return self._connection

    @property
    def lock(self) -> threading.RLock:
        """Held around each use of the connection, which worker threads share."""
        return self._file.lock


class LedgerKeys(MutableSet[Hashable]):
    """The keys of one stream's pushes still in force, kept in the file only.

    Memory does not grow with the run: a key added is in the file at once, and pushes
    of this run are always in force (with ``resend_after_days`` 0, those since the run
    opened the ledger are).
    """

    def __init__(self, ledger: Ledger, stream: str, resend_after_days: int | None) -> None:
        """Fix what is in force for this run; drop the stream's lapsed pushes from the file."""
        self._ledger = ledger
        self._stream = stream
        self._in_force_since = self._cutoff(resend_after_days)
        with ledger.lock, ledger.connection as connection:
            connection.execute(
                "DELETE FROM pushed WHERE stream = ? AND pushed_at < ?",
                (stream, self._in_force_since),
            )

    def _cutoff(self, resend_after_days: int | None) -> str:
        """The earliest ``pushed_at`` in force during this run, as the table writes it.

        A push made on day D lapses at the start of day D + ``resend_after_days`` (UTC),
        and never before the run that made it ends.
        """
        if resend_after_days is None:
            return ""
        opened = self._ledger.now()
        first_day = opened.astimezone(UTC).date() - dt.timedelta(days=resend_after_days - 1)
        return to_iso_utc(min(opened, dt.datetime.combine(first_day, dt.time(), tzinfo=UTC)))

    def __contains__(self, key: object) -> bool:
        """Tell whether a push with this key is in force."""
        if not isinstance(key, tuple):
            return False
        with self._ledger.lock:
            row = self._ledger.connection.execute(
                "SELECT 1 FROM pushed WHERE stream = ? AND key = ? AND pushed_at >= ?",
                (self._stream, self._ledger.digest(key), self._in_force_since),
            ).fetchone()
        return row is not None

    def __iter__(self) -> Iterator[Hashable]:
        """Yield the digest of every key in force: the file does not hold the keys themselves."""
        with self._ledger.lock:
            rows = self._ledger.connection.execute(
                "SELECT key FROM pushed WHERE stream = ? AND pushed_at >= ?",
                (self._stream, self._in_force_since),
            ).fetchall()
        for (digest,) in rows:
            yield str(digest)

    def __len__(self) -> int:
        """Count the keys in force."""
        with self._ledger.lock:
            row = self._ledger.connection.execute(
                "SELECT COUNT(*) FROM pushed WHERE stream = ? AND pushed_at >= ?",
                (self._stream, self._in_force_since),
            ).fetchone()
        return int(row[0])

    def add(self, value: Hashable) -> None:
        """Record one push made now."""
        self.update([value])

    def update(self, keys: Iterable[Hashable]) -> None:
        """Record pushes made now, in one transaction."""
        pushed_at = to_iso_utc(self._ledger.now())
        with self._ledger.lock, self._ledger.connection as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO pushed (stream, key, pushed_at) VALUES (?, ?, ?)",
                [(self._stream, self._ledger.digest(key), pushed_at) for key in keys],
            )

    def __ior__(self, keys: Set[Hashable]) -> LedgerKeys:
        """Record pushes made now, in one transaction (``pushed_keys |= keys``)."""
        self.update(keys)
        return self

    def discard(self, value: Hashable) -> None:
        """Forget a push, so that it may be made again."""
        if isinstance(value, tuple):
            self._ledger.forget(self._stream, value)
