"""The windows responses are read in: the span asked for, then the margin before it if needed.

A first run reads from ``start_date``. If getall filters on the survey date, responses
answered after ``start_date`` but surveyed before it come only from windows before
``start_date``: those are read last, and only while the run has not seen that the API
filters on the answer date.
"""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import BaseAPIPaginator

from survey_common.pagination import DateWindow, DateWindowPaginator

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests


def windows_of(span: DateWindow, max_days: int) -> list[DateWindow]:
    """Cut a span into consecutive windows of at most ``max_days`` days."""
    return list(DateWindowPaginator(span.start, span.end, max_days).windows())


class ResponseWindowPaginator(BaseAPIPaginator[DateWindow]):
    """Walks the windows of the span, then those of the margin while ``margin_needed()``."""

    def __init__(
        self,
        windows: list[DateWindow],
        margin: list[DateWindow],
        margin_needed: Callable[[], bool],
    ) -> None:
        """Start at the span's first window; ``windows`` must not be empty."""
        self._windows = [*windows, *margin]
        self._first_margin = len(windows)
        self._margin_needed = margin_needed
        self._index = 0
        super().__init__(self._windows[0])

    def has_more(self, response: requests.Response) -> bool:
        """Return whether a window of the span, or a needed one of the margin, is left."""
        del response
        following = self._index + 1
        if following >= len(self._windows):
            return False
        return following < self._first_margin or self._margin_needed()

    def get_next(self, response: requests.Response) -> DateWindow:
        """Return the next window."""
        del response
        self._index += 1
        return self._windows[self._index]

    def continue_if_empty(self, response: requests.Response) -> bool:
        """Go on past a window without responses: later windows may hold some."""
        del response
        return True
