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

The file holds whole records, names, emails and phone numbers included, since a user
must be able to fix and resend them: it is created owner-only (0600) whatever the
umask, and an existing file readable by others is tightened, with a warning. Its lines
are kept until removed: ``survey-deadletter prune`` drops those older than a number of
days, and ``survey-deadletter resend`` turns the lines back into Singer messages to
pipe into the target once the source is fixed (``survey_common.push.deadletter_cli``).
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

from singer_sdk.singerlib.json import serialize_json

from survey_common.push.private_files import open_private_append
from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from survey_common.http.redact import Redactor


_logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(tz=UTC)


class DeadLetterFile:
    """Appends rejected records to a JSON Lines file, created at the first one."""

    def __init__(
        self,
        path: Path,
        redact: Redactor,
        *,
        clock: Callable[[], dt.datetime] = _now,
        logger: logging.Logger = _logger,
    ) -> None:
        """Write to ``path`` (created owner-only, with its folder, at the first rejection)."""
        self.path = path
        self._redact = redact
        self._clock = clock
        self._logger = logger

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
        with open_private_append(self.path, self._logger) as file:
            file.write(self._redact(line) + "\n")
