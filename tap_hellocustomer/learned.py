"""What a run learns about the API from its answers, where the document leaves it open.

The document does not say which date ``answers/getall`` filters on, nor whether one
answer holds every response of its window. The tap reads so
that it loses nothing either way, and meanwhile looks at what comes back: a response
surveyed well before the window asked for shows the API filters on the answer date; one
answered well after it shows it filters on the survey date. Whichever it sees first is
logged once and kept for the rest of the run, so that reads needed only under the other
reading are skipped.
"""

from __future__ import annotations

import logging
import typing as t

#: The two dates a response carries, by their field names.
GetallDate = t.Literal["dateAnswer", "dateSurveyed"]


class LearnedReadings:
    """The readings one run has seen the API take; each is logged the first time only."""

    def __init__(self, logger: logging.Logger) -> None:
        """Start knowing nothing."""
        self._logger = logger
        self.getall_date: GetallDate | None = None
        #: The most responses one getall answer holds, once seen cut short.
        self.getall_cap: int | None = None
        self._lag_warned = False

    def saw_getall_date(self, date: GetallDate, evidence: str) -> None:
        """Note which date getall filters on, logging it when it is news."""
        if self.getall_date is not None:
            return
        self.getall_date = date
        self._logger.info(
            "Hello Customer's answers/getall filters on %s: %s. Read accordingly from here on.",
            date,
            evidence,
        )

    def saw_getall_cap(self, count: int) -> None:
        """Note that getall cut an answer at ``count`` responses, logging it the first time."""
        if self.getall_cap is not None:
            return
        self.getall_cap = count
        self._logger.info(
            "Hello Customer's answers/getall cut an answer at %d responses: the halves of "
            "its window held more. Windows whose answer reaches %d are read again in halves.",
            count,
            count,
        )

    def saw_long_lag(self, days: float, lookback_days: int) -> None:
        """Warn once that responses are answered longer after their survey than the lookback.

        When getall filters on the survey date, a run finds a new response only when it
        was surveyed after the run's lookback start.
        """
        if self._lag_warned:
            return
        self._lag_warned = True
        self._logger.warning(
            "A response was answered %.1f days after its survey, more than lookback_days "
            "(%d), while answers/getall filters on dateSurveyed: responses like it can be "
            "missed by incremental runs. Raise lookback_days above that.",
            days,
            lookback_days,
        )
