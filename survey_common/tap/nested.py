"""Flattening nested items into a child stream from the parent's pages, without requests.

Replies carry answers and responses carry answered questions; warehouses want
both the parent rows (answers kept as an array) and one row per nested item.
Reading the endpoint twice would double the requests, and singer-sdk's usual
child stream syncs once per parent record, writing a SCHEMA message and log lines
for each. Instead the parent keeps the page it just parsed and hands it to the
child once, at the page's first record the user's stream maps keep; the child
flattens the kept records of that page. Memory holds one page.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context, Record
    from singer_sdk.streams import Stream

    _Stream = Stream
else:
    _Stream = object


class HandsPagesToChild(_Stream):
    """Mixed into a parent stream (before its HTTP base) whose pages feed a child stream."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with no page waiting for its child."""
        super().__init__(*args, **kwargs)
        self.current_page: list[dict[str, t.Any]] = []
        self.pages_read = 0
        self._page_pending = False

    def hand_off(self, page: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """Keep a parsed page for the child and return it for the parent to yield."""
        self.current_page = page
        self.pages_read += 1
        self._page_pending = True
        return page

    def page_context(self, context: Context | None) -> Context:
        """Name the child's sync of the current page in logs and metrics."""
        del context
        return {f"{self.name}_page": self.pages_read}

    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        """Hand each page to the child once, at its first record that is kept."""
        if self._page_pending and self.keeps(record):
            self._page_pending = False
            yield self.page_context(context)

    def keeps(self, record: Record) -> bool:
        """Return whether the user's stream maps keep this record (``__filter__``)."""
        return bool(self.stream_maps[0].get_filter_result(record))

    def kept_records(self) -> Iterator[dict[str, t.Any]]:
        """Yield the current page's records that the user's stream maps keep."""
        for record in self.current_page:
            if self.keeps(record):
                yield record


class FlattensParentPages(_Stream):
    """Mixed into a child stream that emits nested items of its parent's current page.

    The parent decides what is read, so the child keeps one bookmark rather than
    one per page.
    """

    state_partitioning_keys: t.ClassVar[list[str]] = []

    def flatten(self, parent_record: dict[str, t.Any]) -> Iterable[dict[str, t.Any]]:
        """Return the child records of one parent record."""
        raise NotImplementedError

    @cached_property
    def parent(self) -> HandsPagesToChild:
        """The tap's instance of the parent stream."""
        return next(
            t.cast("HandsPagesToChild", stream)
            for stream in self._tap.streams.values()
            if type(stream) is self.parent_stream_type
        )

    def request_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Flatten the kept records of the parent's current page, in place of requests.

        Overriding this rather than ``get_records`` keeps the HTTP base's handling of
        the records, such as its errors for nested items of an unexpected shape.
        """
        del context
        for record in self.parent.kept_records():
            yield from self.flatten(record)
