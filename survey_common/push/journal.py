"""The push journal: a write-ahead record of pushes not yet covered by a passed-on STATE.

A push that is not idempotent must not be sent twice, yet a target that dies (killed,
out of memory, the machine rebooted) between sending a record and passing on a STATE
after it is rerun from the previous state: the tap sends that record again. Without a
memory of its own the target would push it again and the platform would hold it twice.

The journal is that memory. Before a push is sent its keys are written as *sending*
and committed; once the platform answered they become *sent*, or are forgotten when
the push provably changed nothing there (a refusal, a run that stopped before it was
taken). A rerun that meets a record whose keys are:

- *sent*: counts it as already present and does not send it;
- *sending*: cannot know whether it arrived, so rejects it as uncertain, with the
  reason, instead of sending it again.

Only pushes after the last STATE passed on matter (a rerun starts from that state).
Each row belongs to the run that wrote it, and to its record's position in that run's
input; a run that meets the record of an earlier run's row takes the row over. Each
time a run passes on a STATE it deletes its own rows of the records before that STATE,
which the state covers; records after it may be on their way already (pushes run side
by side), and keep theirs. Rows of an earlier run stay until their record comes again:
the tap's rerun passes on the saved state before it sends the records after it, so that
first STATE must not delete them. The file stays as small as the records between two
states.

Table ``journal(stream, key, sent, run, at)``: ``key`` is the keyed digest of the
push's key (``survey_common.push.keyed_sqlite``: a record's key holds its email or phone
number, which the journal need not know), ``sent`` 0 while the push is on its way and
1 once answered, ``run`` a random id of the run that wrote the row and the record's
position in its input (``<id>:<position>``, the position in twelve digits so that rows
compare in input order), ``at`` ISO 8601 in UTC. The file is owner-only; several
threads share one connection, one statement at a time (``KeyedSqlite.lock``).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import sqlite3
import threading
import typing as t
import uuid
import weakref

from survey_common.push.keyed_sqlite import KeyedSqlite, open_keyed
from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping
    from pathlib import Path

_logger = logging.getLogger(__name__)

#: Digits of a record's position in the ``run`` column: positions compare as text.
_POSITION_DIGITS = 12

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    stream TEXT NOT NULL,
    key TEXT NOT NULL,
    sent INTEGER NOT NULL,
    run TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (stream, key)
)
"""

#: Why a record found on its way in the journal is not sent again, for the dead-letter file.
INTERRUPTED_REASON = (
    "an earlier run was stopped while this record was being pushed, so it may have reached "
    "the platform; it was not sent again"
)


class Journaled(enum.Enum):
    """What the journal knows of a push."""

    SENDING = "sending"
    SENT = "sent"


class PushJournal:
    """One SQLite file with the pushes of every stream since the last STATE passed on.

    The file is opened, and created with its folder, at the first push that asks it;
    a run that sends nothing through it leaves no file behind.
    """

    def __init__(self, path: Path, logger: logging.Logger = _logger) -> None:
        """Keep the journal in ``path``, as a run of its own; report on ``logger``."""
        self.path = path
        self._logger = logger
        self._run = uuid.uuid4().hex
        self._file: KeyedSqlite | None = None
        self._opening = threading.Lock()

    @property
    def _keyed(self) -> KeyedSqlite:
        with self._opening:  # the first pushes of a run may come from several threads
            if self._file is None:
                keyed = open_keyed(self.path, _SCHEMA, table="journal", logger=self._logger)
                # WAL with synchronous=NORMAL: a commit survives the process being killed
                # at any point, without a disk flush per push.
                keyed.connection.execute("PRAGMA journal_mode=WAL")
                keyed.connection.execute("PRAGMA synchronous=NORMAL")
                weakref.finalize(self, keyed.close)
                self._file = keyed
            return self._file

    @property
    def _db(self) -> sqlite3.Connection:
        return self._keyed.connection

    def status(self, stream: str, keys: Iterable[Hashable]) -> Journaled | None:
        """Return what the journal holds of any of a push's keys: sent wins over sending."""
        encoded = [self._keyed.digest(key) for key in keys]
        if not encoded:
            return None
        marks = ",".join("?" * len(encoded))
        with self._keyed.lock:
            row = self._db.execute(
                f"SELECT MAX(sent) FROM journal WHERE stream = ? AND key IN ({marks})",  # noqa: S608 - placeholders only
                (stream, *encoded),
            ).fetchone()
        if row is None or row[0] is None:
            return None
        return Journaled.SENT if row[0] else Journaled.SENDING

    def sending(self, stream: str, positions: Mapping[Hashable, int]) -> None:
        """Record, durably and before the request leaves, that a push is on its way.

        ``positions`` maps each key of the push to its record's position in the input.
        Also takes over the row of an earlier run's push that never got its answer.
        """
        self._write(stream, positions, sent=False)

    def sent(self, stream: str, positions: Mapping[Hashable, int]) -> None:
        """Record that the platform answered a push; also takes over an earlier run's row."""
        self._write(stream, positions, sent=True)

    def forget(self, stream: str, keys: Iterable[Hashable]) -> None:
        """Drop a push that provably changed nothing, so that a rerun may send it."""
        rows = [(stream, self._keyed.digest(key)) for key in keys]
        with self._keyed.lock, self._db as connection:
            connection.executemany("DELETE FROM journal WHERE stream = ? AND key = ?", rows)

    def clear(self, before: int | None = None) -> None:
        """Drop this run's rows of the records before position ``before`` (None: all of them).

        A STATE passed on covers every record before it, and none after it.
        """
        if self._file is None:
            return  # this run wrote nothing, and took over nothing
        upper = f"{self._run};" if before is None else self._tag(before)
        with self._keyed.lock, self._db as connection:
            connection.execute(
                "DELETE FROM journal WHERE run >= ? AND run < ?", (f"{self._run}:", upper)
            )

    def close(self) -> None:
        """Close the file, if it was opened; every change was committed already."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _tag(self, position: int) -> str:
        """The ``run`` column of this run's row for the record at ``position``."""
        return f"{self._run}:{position:0{_POSITION_DIGITS}d}"

    def _write(self, stream: str, positions: Mapping[Hashable, int], *, sent: bool) -> None:
        at = to_iso_utc(dt.datetime.now(tz=UTC))
        rows = [
            (stream, self._keyed.digest(key), int(sent), self._tag(position), at)
            for key, position in positions.items()
        ]
        with self._keyed.lock, self._db as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO journal (stream, key, sent, run, at) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
