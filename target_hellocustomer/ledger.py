"""The ledger: what was pushed to Hello Customer and when, kept across runs in a SQLite file.

Hello Customer cannot tell that a respondent was already added: each add surveys the
person again. A source that sends its whole contact table every night would survey
everyone every night, and an answer sent again is a second response. The ledger
remembers every push by its key (for a respondent, the touchpoint and the email
address) with the time it was made; a push whose key is in it counts as already
present and is not sent. A respondent's key lapses after ``resend_after_days`` whole
days (UTC calendar days, so the hour of the nightly run does not matter); an answer's
never does.

Each stream's keys are a ``MutableSet`` (``LedgerKeys``) that the target returns from
``PushTarget.pushed_keys``, so the sinks ask it as they ask the in-memory set of a run.
What is added is committed at once, a batch's keys in one transaction, so a run that
dies keeps the record of what it pushed.

Table ``pushed(stream, key, pushed_at)``: ``key`` is the push's key as a JSON array
(``["c8dc5f94-...", "email", "john.doe@example.com"]``), ``pushed_at`` ISO 8601 in UTC.
Deleting a row lets that push be sent again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import typing as t
import weakref
from collections.abc import Hashable, MutableSet

from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Set
    from pathlib import Path

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


def _encode(key: Hashable) -> str:
    """Write a key (a tuple of text and numbers) as the JSON array the table holds."""
    if not isinstance(key, tuple):
        raise TypeError(f"ledger keys are tuples, got {type(key).__name__}")
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


class Ledger:
    """One SQLite file holding the pushes of every stream; opened at the first use."""

    def __init__(self, path: Path, *, clock: Callable[[], dt.datetime] = _now) -> None:
        """Keep the ledger in ``path`` (created with its folder if missing)."""
        self.path = path
        self._clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path)
        # Closed by close(), or when the ledger is collected after a run that stopped early.
        self._closed = weakref.finalize(self, self._connection.close)
        with self._connection:
            self._connection.execute(_SCHEMA)
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

    def now(self) -> dt.datetime:
        """The time a push is recorded with, to the second, so that times compare as text."""
        return self._clock().replace(microsecond=0)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open SQLite connection, for the stream sets."""
        return self._connection


class LedgerKeys(MutableSet[Hashable]):
    """The keys of one stream's pushes still in force: those of this run and of the ledger."""

    def __init__(self, ledger: Ledger, stream: str, resend_after_days: int | None) -> None:
        """Drop the stream's lapsed pushes from the file; they may be made again."""
        self._ledger = ledger
        self._stream = stream
        self._resend_after_days = resend_after_days
        #: Pushes of this run, in force whatever ``resend_after_days`` says.
        self._this_run: set[Hashable] = set()
        with ledger.connection as connection:
            connection.execute(
                "DELETE FROM pushed WHERE stream = ? AND pushed_at < ?",
                (stream, self._in_force_since()),
            )

    def _in_force_since(self) -> str:
        """The earliest ``pushed_at`` still in force, as the table writes it.

        A push made on day D lapses at the start of day D + ``resend_after_days`` (UTC).
        """
        if self._resend_after_days is None:
            return ""
        today = self._ledger.now().astimezone(UTC).date()
        first_day = today - dt.timedelta(days=self._resend_after_days - 1)
        return to_iso_utc(dt.datetime.combine(first_day, dt.time(), tzinfo=UTC))

    def __contains__(self, key: object) -> bool:
        """Tell whether a push with this key was made in this run or is in force in the file."""
        if key in self._this_run:
            return True
        if not isinstance(key, tuple):
            return False
        row = self._ledger.connection.execute(
            "SELECT 1 FROM pushed WHERE stream = ? AND key = ? AND pushed_at >= ?",
            (self._stream, _encode(key), self._in_force_since()),
        ).fetchone()
        return row is not None

    def __iter__(self) -> Iterator[Hashable]:
        """Yield every key in force, each once."""
        yield from self._this_run
        rows = self._ledger.connection.execute(
            "SELECT key FROM pushed WHERE stream = ? AND pushed_at >= ?",
            (self._stream, self._in_force_since()),
        )
        for (text,) in rows.fetchall():
            key = tuple(json.loads(text))
            if key not in self._this_run:
                yield key

    def __len__(self) -> int:
        """Count the keys in force."""
        return sum(1 for _ in self)

    def add(self, value: Hashable) -> None:
        """Record one push made now."""
        self.update([value])

    def update(self, keys: Iterable[Hashable]) -> None:
        """Record pushes made now, in one transaction."""
        keys = list(keys)
        pushed_at = to_iso_utc(self._ledger.now())
        with self._ledger.connection as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO pushed (stream, key, pushed_at) VALUES (?, ?, ?)",
                [(self._stream, _encode(key), pushed_at) for key in keys],
            )
        self._this_run.update(keys)

    def __ior__(self, keys: Set[Hashable]) -> LedgerKeys:
        """Record pushes made now, in one transaction (``pushed_keys |= keys``)."""
        self.update(keys)
        return self

    def discard(self, value: Hashable) -> None:
        """Forget a push, so that it may be made again."""
        self._this_run.discard(value)
        if isinstance(value, tuple):
            with self._ledger.connection as connection:
                connection.execute(
                    "DELETE FROM pushed WHERE stream = ? AND key = ?",
                    (self._stream, _encode(value)),
                )
