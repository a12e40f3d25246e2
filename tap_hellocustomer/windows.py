"""The windows responses are read in, and the responses already read in them.

A first run reads from ``start_date``. If getall filters on the survey date, responses
answered after ``start_date`` but surveyed before it come only from windows before
``start_date``: those are read last, and only while the run has not seen that the API
filters on the answer date. A window whose answer may have been cut short is read again
in halves, inserted after it.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from survey_common.tap.pagination import DateWindow, DateWindowPaginator

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

    def split_current(self) -> tuple[DateWindow, DateWindow]:
        """Read the current window again next, in two halves; return them."""
        window = self._windows[self._index]
        middle = window.start + (window.end - window.start) / 2
        halves = (DateWindow(window.start, middle), DateWindow(middle, window.end))
        self._windows[self._index + 1 : self._index + 1] = halves
        if self._index < self._first_margin:
            self._first_margin += 2
        return halves

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether a window of the span, or a needed one of the margin, is left."""
        del response
        following = self._index + 1
        if following >= len(self._windows):
            return False
        return following < self._first_margin or self._margin_needed()

    @override
    def get_next(self, response: requests.Response) -> DateWindow:
        """Return the next window."""
        del response
        self._index += 1
        return self._windows[self._index]

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        """Go on past a window without responses: later windows may hold some."""
        del response
        return True


class SeenResponses:
    """The ``uniqueID`` of the responses a touchpoint's calls returned, while they may recur.

    Calls move forward in time, so a response whose dates both lie before the start of
    the current call (with the margin any time zone needs) cannot come again and is
    forgotten: memory holds about one window of responses. Those near the span's start
    are kept apart, for the lookback before ``start_date`` read last.
    """

    def __init__(self, span_start: dt.datetime, margin: dt.timedelta) -> None:
        """Remember nothing yet; ``margin`` is how far a call's dates may be from UTC."""
        self._latest: dict[str, dt.datetime] = {}
        self._near_start: set[str] = set()
        self._near = span_start + 2 * margin
        self._margin = margin

    def forget_before(self, call_start: dt.datetime) -> None:
        """Forget responses no call from ``call_start`` on can return."""
        horizon = call_start - self._margin
        self._latest = {key: date for key, date in self._latest.items() if date >= horizon}

    def add(self, key: str, earliest: dt.datetime, latest: dt.datetime) -> bool:
        """Note a response by its earlier and later date; return whether it is new."""
        new = key not in self._latest and key not in self._near_start
        self._latest[key] = max(latest, self._latest.get(key, latest))
        if earliest <= self._near:
            self._near_start.add(key)
        return new
