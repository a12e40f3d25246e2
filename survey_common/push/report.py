"""What became of each record a target read: counted per stream, rejected ones kept.

Every record ends in exactly one of three outcomes: accepted by the platform, already
present there (the platform said so, or the same person came earlier in the run), or
rejected (bad input, or refused by the platform). Rejected records go to the
dead-letter file with their reason; the counts end the run as one summary line per
stream, and decide its exit code when ``fail_on_rejected`` is set. Pushes running side
by side report from their worker threads, one at a time.
"""

from __future__ import annotations

import enum
import threading
import typing as t
from dataclasses import dataclass

from survey_common.http.redact import mask_personal

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Mapping

    from survey_common.push.deadletter import DeadLetterFile


class Outcome(enum.Enum):
    """How the platform took a record that was not rejected."""

    ACCEPTED = "accepted"
    ALREADY_PRESENT = "already present"


class RecordRejectedError(Exception):
    """A record that cannot be pushed: bad input, or refused by the platform."""

    def __init__(self, reason: str, status: int | None = None, *, uncertain: bool = False) -> None:
        """Say why, with the HTTP status when the platform answered.

        Args:
            reason: Why the record was rejected, without secrets.
            status: The platform's HTTP status, None when nothing was sent or answered.
            uncertain: The record may have reached the platform all the same.
        """
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.uncertain = uncertain


@dataclass
class StreamTally:
    """The counts of one input stream."""

    accepted: int = 0
    already_present: int = 0
    rejected: int = 0
    uncertain: int = 0

    def summary(self) -> str:
        """Word the counts as they appear in the run's last log lines."""
        text = (
            f"{self.accepted} accepted, {self.already_present} already present, "
            f"{self.rejected} rejected"
        )
        if self.uncertain:
            text += f" ({self.uncertain} of them uncertain: they may have reached the platform)"
        return text


class RunReport:
    """The outcome of every record of a run, across all sinks of the target."""

    def __init__(self, dead_letter: DeadLetterFile, logger: logging.Logger) -> None:
        """Report to ``logger`` and write rejected records to ``dead_letter``."""
        self.dead_letter = dead_letter
        self._logger = logger
        self.tallies: dict[str, StreamTally] = {}
        self._lock = threading.RLock()

    def tally(self, stream: str) -> StreamTally:
        """Return the counts of a stream, starting at zero."""
        with self._lock:
            return self.tallies.setdefault(stream, StreamTally())

    def count(self, stream: str, outcome: Outcome) -> None:
        """Count a record the platform accepted or already had."""
        with self._lock:
            tally = self.tally(stream)
            if outcome is Outcome.ACCEPTED:
                tally.accepted += 1
            else:
                tally.already_present += 1

    def reject(self, stream: str, record: Mapping[str, t.Any], error: RecordRejectedError) -> None:
        """Count a rejected record, write it to the dead-letter file and log why."""
        with self._lock:
            self._reject(stream, record, error)

    def _reject(self, stream: str, record: Mapping[str, t.Any], error: RecordRejectedError) -> None:
        tally = self.tally(stream)
        tally.rejected += 1
        tally.uncertain += error.uncertain
        self.dead_letter.write(
            stream=stream,
            record=record,
            reason=error.reason,
            status=error.status,
            uncertain=error.uncertain,
        )
        self._logger.warning(
            "Stream '%s': record rejected%s: %s (written to %s)",
            stream,
            " but uncertain" if error.uncertain else "",
            mask_personal(error.reason, [record]),
            self.dead_letter.path,
        )

    @property
    def rejected(self) -> int:
        """Records rejected in this run, over all streams."""
        return sum(tally.rejected for tally in self.tallies.values())

    def log_summary(self) -> None:
        """Log one line per stream with its counts, and where rejected records went."""
        with self._lock:
            self._log_summary()

    def _log_summary(self) -> None:
        for stream, tally in self.tallies.items():
            self._logger.info("Stream '%s': %s", stream, tally.summary())
        if self.rejected:
            self._logger.warning(
                "%d rejected record(s) with their reasons are in %s",
                self.rejected,
                self.dead_letter.path,
            )
