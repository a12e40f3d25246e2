"""The dead-letter file: every record a target could not push, one JSON line each, with why.

A rejected record must never stop the others, never vanish silently and never be
retried forever. It is appended here with the platform's reason and HTTP status, so
that someone can fix it at the source and send it again. Each line is appended and
the file closed again at once (a run that dies leaves whole lines, and no file is
left open); earlier lines are kept (a nightly run keeps the nights before it). A
line holds nothing secret: it passes through the connector's redactor.

Line format::

    {"stream": "invitations", "record": {...}, "reason": "...", "status": 400,
     "uncertain": false, "at": "2024-05-01T02:00:00.123456+00:00"}

``status`` is the HTTP status when the platform answered, else null. ``uncertain`` is
true when the record may nevertheless have reached the platform (a request that was
sent but not answered): check before sending it again.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.singerlib.json import serialize_json

from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from survey_common.redact import Redactor


def _now() -> dt.datetime:
    return dt.datetime.now(tz=UTC)


class DeadLetterFile:
    """Appends rejected records to a JSON Lines file, created at the first one."""

    def __init__(
        self, path: Path, redact: Redactor, *, clock: Callable[[], dt.datetime] = _now
    ) -> None:
        """Write to ``path`` (created with its folder when the first record is rejected)."""
        self.path = path
        self._redact = redact
        self._clock = clock

    def write(
        self,
        *,
        stream: str,
        record: Mapping[str, t.Any],
        reason: str,
        status: int | None,
        uncertain: bool,
    ) -> None:
        """Append one rejected record; dates and decimals are written as JSON values."""
        line = serialize_json(
            {
                "stream": stream,
                "record": record,
                "reason": reason,
                "status": status,
                "uncertain": uncertain,
                "at": to_iso_utc(self._clock()),
            }
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(self._redact(line) + "\n")
