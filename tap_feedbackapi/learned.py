"""What one run of the tap has learned about how the API reads its document.

The document can be read two ways on page numbering, filter values, ordering and the
filters a list of accounts needs (``docs/readings.md``). The answers tell which reading
the API takes; what one stream learns serves every later stream of the run, and each
finding is logged once.
"""

from __future__ import annotations

import logging
import typing as t

from survey_common.readings.feedbackapi import (
    ACCOUNTS_REQUIRED_FILTERS,
    FILTER_FORMAT,
    PAGE_BASE,
    SORT_BY,
)


class LearnedReadings:
    """The readings found so far in this run; ``None`` where nothing has told yet."""

    def __init__(self, logger: logging.Logger) -> None:
        """Start knowing nothing."""
        self._logger = logger
        #: The number of a list's first page: 0 (the text) or 1 (the examples).
        self.first_page: int | None = None
        #: Whether date filters must be ISO 8601 (the tables) rather than epoch seconds.
        self.iso_filters = False
        #: Whether lists come in the order ``sort_by`` asks for.
        self.sort_honoured: bool | None = None
        #: Whether accounts were listed without the filters the document marks required.
        self.accounts_unfiltered = False

    def _found(self, key: str, reading: t.Literal["ours", "other"], what: str) -> None:
        """Log once which reading of a register point the answers showed."""
        self._logger.info("FeedbackAPI takes the %s reading of %s: %s", reading, key, what)

    def pages_from(self, first: int) -> None:
        """Record the first page's number, saying so the first time it is known."""
        if self.first_page is None:
            self.first_page = first
            if first == 0:
                self._found(PAGE_BASE, "ours", "pages count from 0")
            else:
                self._found(PAGE_BASE, "other", "page 0 is page 1; pages count from 1")

    def filters_as_iso(self, param: str) -> None:
        """Send date filters as ISO 8601 from now on; ``param`` is the one refused."""
        if not self.iso_filters:
            self.iso_filters = True
            self._found(FILTER_FORMAT, "other", f"{param} refused epoch seconds; sending ISO 8601")

    def sorting(self, honoured: bool, stream: str) -> None:
        """Record whether ``sort_by`` is honoured, as ``stream``'s answers showed."""
        if self.sort_honoured is None or (self.sort_honoured and not honoured):
            self.sort_honoured = honoured
            if honoured:
                self._found(SORT_BY, "ours", f"'{stream}' came in the order asked for")
            else:
                self._found(SORT_BY, "other", f"'{stream}' did not come in the order asked for")

    def accounts_listed_unfiltered(self) -> None:
        """Record that a list of accounts without ``name`` or ``active`` was answered."""
        if not self.accounts_unfiltered:
            self.accounts_unfiltered = True
            self._found(ACCOUNTS_REQUIRED_FILTERS, "ours", "accounts listed without name or active")
