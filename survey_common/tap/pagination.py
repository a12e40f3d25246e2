"""Paginators the platforms need beyond those singer-sdk ships."""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.pagination import BaseAPIPaginator, OffsetPaginator
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import requests


class ShortPageOffsetPaginator(OffsetPaginator):
    """Offset paging that ends at the first page shorter than the page size.

    Asking for one more page just to receive an empty one costs a request per
    partition; a short page already says there is nothing after it, and so does a
    full page that reaches the total an endpoint reports. The stream reports how many
    records the page held through ``page_length`` (and the total, where the endpoint
    gives one, through ``reported_total``), so the body is decoded only once.
    """

    def __init__(
        self,
        page_size: int,
        page_length: Callable[[], int],
        reported_total: Callable[[], int | None] = lambda: None,
    ) -> None:
        """Start at offset 0 with a fixed page size."""
        super().__init__(start_value=0, page_size=page_size)
        self._page_length = page_length
        self._reported_total = reported_total

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether the page just read was full and short of the reported total."""
        del response
        if self._page_length() < self.page_size:
            return False
        total = self._reported_total()
        return total is None or self.current_value + self.page_size < total


class DateWindow(t.NamedTuple):
    """A span of time ``[start, end)`` asked for in one call."""

    start: dt.datetime
    end: dt.datetime


class DateWindowPaginator(BaseAPIPaginator[DateWindow]):
    """Walks ``[start, end)`` in consecutive windows of at most ``max_days`` days.

    For APIs that cap the span one date-filtered call may cover and do not page
    within it: each window starts where the previous one ended, the last one ends at
    ``end``. A window without records does not end the walk (singer-sdk stops at the
    first empty page otherwise), so a quiet month between busy ones is not the end.
    Subclasses change where windows end by overriding ``window_end``.
    """

    def __init__(self, start: dt.datetime, end: dt.datetime, max_days: int) -> None:
        """Start at the window that begins at ``start``; the span must not be empty."""
        if end <= start:
            raise ValueError(f"the span to read is empty: {start.isoformat()} to {end.isoformat()}")
        if max_days < 1:
            raise ValueError(f"windows must last at least one day, got {max_days}")
        self.end = end
        self.max_days = max_days
        super().__init__(self.window_from(start))

    def window_end(self, start: dt.datetime) -> dt.datetime:
        """Return where the window beginning at ``start`` ends, before clipping to the span."""
        return start + dt.timedelta(days=self.max_days)

    def window_from(self, start: dt.datetime) -> DateWindow:
        """Return the window that begins at ``start``, clipped to the end of the span."""
        return DateWindow(start, min(self.window_end(start), self.end))

    def windows(self) -> Iterator[DateWindow]:
        """Yield every window of the span without requests, from the current one on."""
        window = self.current_value
        while True:
            yield window
            if window.end >= self.end:
                return
            window = self.window_from(window.end)

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether the span goes on after the current window."""
        del response
        return self.current_value.end < self.end

    @override
    def get_next(self, response: requests.Response) -> DateWindow:
        """Return the window that begins where the current one ends."""
        del response
        return self.window_from(self.current_value.end)

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        """Go on past a window without records: later windows may hold some."""
        del response
        return True
