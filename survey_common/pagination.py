"""Paginators the platforms need beyond those singer-sdk ships."""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import OffsetPaginator, PageNumberPaginator

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests


class ShortPageOffsetPaginator(OffsetPaginator):
    """Offset paging that ends at the first page shorter than the page size.

    Asking for one more page just to receive an empty one costs a request per
    partition; a short page already says there is nothing after it. The stream
    reports how many records the page held through ``page_length``, so the body
    is decoded only once.
    """

    def __init__(self, page_size: int, page_length: Callable[[], int]) -> None:
        """Start at offset 0 with a fixed page size."""
        super().__init__(start_value=0, page_size=page_size)
        self._page_length = page_length

    def has_more(self, response: requests.Response) -> bool:
        """Return whether the page just read was full."""
        del response
        return self._page_length() >= self.page_size


class ShortPagePageNumberPaginator(PageNumberPaginator):
    """Page-number paging from 0 that ends at a short page or once the total is reached.

    APIs that report a total (``total_count``) let the last full page end paging
    too, instead of asking for a page that would come back empty.
    """

    def __init__(
        self,
        page_size: int,
        page_length: Callable[[], int],
        reported_total: Callable[[], int | None],
    ) -> None:
        """Start at page 0; ``reported_total`` returns the total of the last page, if any."""
        super().__init__(start_value=0)
        self.page_size = page_size
        self._page_length = page_length
        self._reported_total = reported_total

    def has_more(self, response: requests.Response) -> bool:
        """Return whether the page just read was full and short of the reported total."""
        del response
        if self._page_length() < self.page_size:
            return False
        total = self._reported_total()
        return total is None or (self.current_value + 1) * self.page_size < total
