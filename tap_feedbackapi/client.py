"""The FeedbackAPI as streams see it: Basic auth, list envelope, error object, paging.

Every FeedbackAPI stream derives from ``FeedbackAPIStream``; stream classes only
declare their path and replication key. Basic auth and the error object are also
what target-feedbackapi uses, so they are module functions.

The document can be read two ways on how lists are paged, filtered, sorted and counted
(``docs/readings.md``). The stream works under both readings of each: it advances by
what came back, stops on an empty page or when the distinct records read reach the
total the API reported, and learns the API's reading from its answers
(:mod:`tap_feedbackapi.learned`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import typing as t
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from singer_sdk.authenticators import BasicAuthenticator
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from survey_common.platforms.feedbackapi import authenticator, error_message
from survey_common.schemas import platform_schemas
from survey_common.tap.stream import SurveyAPIStream
from survey_common.timestamps import epoch_microseconds
from tap_feedbackapi.frontier import (
    ASCENDING,
    DESCENDING,
    UNKNOWN,
    ReadFrontier,
    UnorderedListError,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_feedbackapi.learned import LearnedReadings

#: Suffixes of the list filters on an instant; their values go out in one format.
DATE_FILTER_SUFFIXES = ("_after", "_before")
#: Bounds are widened by this much so a bound's own second is read however it is counted.
BOUND_MARGIN = dt.timedelta(seconds=1)
BAD_REQUEST = 400
INCREMENTAL = "INCREMENTAL"


def filter_value(moment: dt.datetime, *, iso: bool) -> str:
    """Write a date filter's value: whole epoch seconds (the examples) or ISO 8601 (the text)."""
    if iso:
        return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(math.floor(moment.timestamp()))


def with_iso_filters(url: str) -> str:
    """Rewrite the epoch values of a URL's date filters as ISO 8601, leaving the rest."""
    parts = urlsplit(url)
    query = [
        (
            name,
            filter_value(dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc), iso=True)
            if name.endswith(DATE_FILTER_SUFFIXES) and value.isdigit()
            else value,
        )
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _id_of(record: t.Any) -> str:
    """A record's id as text; a record that is not an object fails later, named."""
    return str(record.get("id")) if isinstance(record, dict) else ""


class FeedbackAPIRun(t.Protocol):
    """What the streams read from their tap: what one run shares, not the tap class itself."""

    @property
    def learned(self) -> LearnedReadings:
        """What the run learns about the API's readings, shared by every stream."""
        ...


class FilterFormatRefusedError(FatalAPIError):
    """A 400 naming a date filter that went out as epoch seconds: the API wants ISO 8601."""

    def __init__(self, param: str) -> None:
        """Name the refused filter."""
        super().__init__(f"FeedbackAPI refused the epoch value of '{param}'")
        self.param = param


class ListPaginator(BaseAPIPaginator[tuple[int, int]]):
    """Goes to whichever page the stream decided on after reading the last one.

    The stream decides (next page, a step back, or the end) because only it has read
    the answer. The token is ``(page, requests so far)``: page 0 must not read as "no
    more pages" to singer-sdk, and reading a page again must not read as a loop.
    """

    def __init__(
        self,
        first_page: int,
        next_page: Callable[[], int | None],
        pages_ahead: Callable[[int, int], list[int]],
    ) -> None:
        """Start at ``first_page``; ``next_page`` tells where to go, ``None`` to stop.

        ``pages_ahead(page, count)`` tells up to ``count`` pages sure to be read after ``page``.
        """
        super().__init__(start_value=(first_page, 0))
        self._next_page = next_page
        self._pages_ahead = pages_ahead

    def upcoming(self, count: int) -> list[tuple[int, int]]:
        """Return the tokens of up to ``count`` pages sure to be read after the current one."""
        page, asked = self.current_value
        return [
            (ahead, asked + i) for i, ahead in enumerate(self._pages_ahead(page, count), start=1)
        ]

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether the stream wants another page."""
        del response
        return self._next_page() is not None

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        """Go on past a page that yielded nothing because it was discarded or read before."""
        return self.has_more(response)

    @override
    def get_next(self, response: requests.Response) -> tuple[int, int]:
        """Return the page the stream wants next."""
        del response
        page = self._next_page()
        return (self.current_value[0] if page is None else page), self.current_value[1] + 1


class FeedbackAPIStream(SurveyAPIStream):
    """A FeedbackAPI list endpoint, read oldest first, whole or incrementally.

    Lists are asked for oldest first (``sort_by=<key>-asc``) so an incremental bookmark
    advances record by record and a run that stops half-way resumes where it stopped.
    Streams without a replication key are read whole every run and announced with
    ``ACTIVATE_VERSION`` so loaders can retire the records that are gone.
    """

    platform_name = "FeedbackAPI"
    schema = platform_schemas("feedbackapi")
    primary_keys = ["id"]
    replication_key: str | None = None
    #: A bookmark every thousand records, so a failed run resumes close to where it stopped.
    STATE_MSG_FREQUENCY = 1000

    #: The API's maximum ``limit``.
    page_size: t.ClassVar[int] = 100

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start before any read."""
        super().__init__(*args, **kwargs)
        self._sorted_answers = True
        self._start_read()

    def _start_read(self) -> None:
        """Forget what the last read of the list saw."""
        self._frontier = ReadFrontier()
        self._asked = 0
        self._previous: tuple[int, list[str]] | None = None
        self._last_total: int | None = None
        self._largest_total: int | None = None
        self._largest_page = 0
        self._last_page_full = False
        self._next_page: int | None = None
        #: Whether records read before may come again unrecognised (an unordered list
        #: stepped back): the distinct count then overstates, so only an empty page ends.
        self._count_uncertain = False
        self._read_until = dt.datetime.now(tz=dt.timezone.utc)
        #: The bookmark, in epoch microseconds: records older were emitted by earlier runs.
        self._emit_floor: int | None = None

    @property
    def learned(self) -> LearnedReadings:
        """What this run has learned of the API's readings, shared by every stream."""
        return t.cast("FeedbackAPIRun", self._tap).learned

    @property
    def order_key(self) -> str:
        """The key lists are sorted by: the replication key, else the creation time."""
        return self.replication_key or "created"

    @property
    def first_page(self) -> int:
        """The number of a list's first page, 0 until the API showed it counts from 1."""
        return self.learned.first_page or 0

    @property
    @override
    def is_sorted(self) -> bool:
        """Sorted until the API's answers showed it does not honour ``sort_by``."""
        return self._sorted_answers and self.learned.sort_honoured is not False

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        """Announce each whole read unless the setting turns it off."""
        return bool(self.config.get("emit_activate_version_messages", True))

    @cached_property
    @override
    def authenticator(self) -> BasicAuthenticator:
        """HTTP Basic with the token as user name and an empty password."""
        return authenticator(str(self.config["api_token"]))

    @override
    def api_error_message(self, body: t.Any) -> str | None:
        """FeedbackAPI explains errors as ``{"type", "message", "param"}``."""
        return error_message(body)

    @override
    def get_new_paginator(self) -> ListPaginator:
        """Page from the first page, wherever the last answer says to go next."""
        return ListPaginator(self.first_page, lambda: self._next_page, self._pages_ahead)

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read the list once; a whole read then tells loaders its set is complete.

        singer-sdk announces a whole read's version before its records only; loaders
        such as target-postgres retire older rows when the announcement arrives, so it
        is sent again after the last record, when the set really is complete.
        """
        self._start_read()
        if self.replication_method == INCREMENTAL:
            bookmark = self.stream_state.get("replication_key_value")
            self._emit_floor = None if bookmark is None else epoch_microseconds(bookmark)
        yield from super().get_records(context)
        # singer-sdk 0.54 keeps the version of a whole read in a private attribute only.
        version = self._stream_version
        if version is not None and self.emit_activate_version_messages:
            self._write_activate_version_message(version)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for a page, oldest first, between the bookmark and the sync's start.

        Both bounds are widened by a second, so a bound's own second is read whether the
        API counts bounds in or out.
        """
        self._asked = next_page_token[0] if next_page_token else self.first_page
        key, iso = self.order_key, self.learned.iso_filters
        params: dict[str, t.Any] = {
            "limit": self.page_size,
            "page": self._asked,
            "sort_by": f"{key}-asc",
        }
        if self.replication_key and (start := self.get_starting_timestamp(context)) is not None:
            params[f"{key}_after"] = filter_value(start - BOUND_MARGIN, iso=iso)
        until = self.get_replication_key_signpost(context) or self._read_until
        params[f"{key}_before"] = filter_value(until + BOUND_MARGIN, iso=iso)
        return params

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Tell a date filter refused for its format from other failures."""
        if response.status_code == BAD_REQUEST and not self.learned.iso_filters:
            try:
                param = response.json().get("param")
            except (ValueError, AttributeError):
                param = None
            if isinstance(param, str) and param.endswith(DATE_FILTER_SUFFIXES):
                raise FilterFormatRefusedError(param)
        super().validate_response(response)

    @override
    def request_decorator(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Send a call again with ISO 8601 filters when the API refused epoch seconds."""
        decorated = super().request_decorator(func)

        @functools.wraps(func)
        def send(prepared: requests.PreparedRequest, context: Context | None) -> t.Any:
            try:
                return decorated(prepared, context)
            except FilterFormatRefusedError as refused:
                self.learned.filters_as_iso(refused.param)
                prepared.url = with_iso_filters(str(prepared.url))
                return decorated(prepared, context)

        return send

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the records of a page read for the first time, and decide where to go next.

        The list is bounded by the sync's start, so its total can only fall: when it
        does, records before this page may have been removed and this page is shifted.
        It is then discarded and paging steps back far enough to read the shifted
        records; those read before are recognised when they come again.
        """
        body = self.decoded_body(response)
        records = self.expect_list(
            response, body.get("data") if isinstance(body, dict) else None, "'data'"
        )
        total = int(body["total_count"]) if body.get("total_count") is not None else None
        previous_total, self._last_total = self._last_total, total
        if total is not None and previous_total is not None and total < previous_total:
            self._step_back(previous_total - total)
            return
        if total is not None:
            self._largest_total = max(total, self._largest_total or 0)
        self._largest_page = max(self._largest_page, len(records))
        self._last_page_full = len(records) >= self.page_size
        ids = [_id_of(record) for record in records]
        if self._repeats_previous_page(ids):
            self._next_page = self._asked + 1
            return
        self._previous = (self._asked, ids)
        yield from self._first_reads(records, ids)
        self._next_page = self._page_after(bool(records))

    def _step_back(self, gone: int) -> None:
        """Go back as many pages as ``gone`` records fill, discarding the shifted page."""
        back = math.ceil(gone / max(self._largest_page, 1))
        self.logger.info(
            "%d %s left the list while it was read; reading %d page(s) again",
            gone,
            self.name,
            back,
        )
        self._previous = None
        self._frontier.step_back()
        if self._frontier.remembers_every_id:
            self._count_uncertain = True
        self._next_page = max(self.first_page, self._asked - back)

    def _repeats_previous_page(self, ids: list[str]) -> bool:
        """Tell whether this page holds exactly the last page's records, learning the base.

        Page 1 equal to page 0 shows pages count from 1; any other repeat means the
        API ignores ``page``, and reading on would loop or lose records.

        Raises:
            FatalAPIError: When a later page repeats the one before.
        """
        previous = self._previous
        if previous is None or previous[0] != self._asked - 1:
            return False
        if previous[1] != ids or not ids:
            if self._asked == 1:
                self.learned.pages_from(0)
            return False
        if self._asked == 1 and self.learned.first_page is None:
            self.learned.pages_from(1)
            return True
        raise FatalAPIError(
            f"FeedbackAPI answered page {self._asked} of {self.path} with the records of "
            f"page {previous[0]}: the assumption that it honours 'page' failed"
        )

    def _first_reads(
        self, records: list[dict[str, t.Any]], ids: list[str]
    ) -> Iterable[dict[str, t.Any]]:
        """Yield the records read for the first time, newer than what earlier runs emitted.

        What the order seen says is learned when it changes, not again at every record.
        """
        frontier, order_key, noted = self._frontier, self.order_key, UNKNOWN
        for index, record in enumerate(records):
            key = epoch_microseconds(record[order_key])
            try:
                first = frontier.admit(key, ids[index])
            except UnorderedListError:
                self._read_unordered(ids[:index])
                first = frontier.admit(key, ids[index])
            if frontier.direction != noted:
                noted = frontier.direction
                self._note_order()
            if first and (self._emit_floor is None or key >= self._emit_floor):
                yield record

    def _note_order(self) -> None:
        """Learn from the order seen whether ``sort_by`` is honoured."""
        if self._frontier.direction == ASCENDING:
            self.learned.sorting(honoured=True, stream=self.name)
        elif self._frontier.direction == DESCENDING:
            self.learned.sorting(honoured=False, stream=self.name)
            self._unsorted_state()

    def _read_unordered(self, seen_on_page: list[str]) -> None:
        """Go on with a list in no order remembering every id from here on."""
        self.learned.sorting(honoured=False, stream=self.name)
        self._unsorted_state()
        self.logger.info(
            "'%s' came in no order of '%s': remembering every id read from here on",
            self.name,
            self.order_key,
        )
        self._frontier.remember_every_id(seen_on_page)

    def _unsorted_state(self) -> None:
        """Keep the bookmark as singer-sdk does for unsorted streams: set when the stream ends.

        The bookmark already moved by records of an unsorted answer goes back to where
        the run started, so an interrupted run resumes without a gap.
        """
        if not self._sorted_answers or self.replication_method != INCREMENTAL:
            self._sorted_answers = False
            return
        self._sorted_answers = False
        state = self.stream_state
        start = state.get("starting_replication_value")
        if start is None:
            state.pop("replication_key_value", None)
        else:
            state["replication_key_value"] = start
        # singer-sdk 0.54 reads is_sorted once, when it builds the state manager: build
        # it again (the state itself lives in the tap's state and is kept).
        self._state_manager = None

    def _pages_ahead(self, page: int, count: int) -> list[int]:
        """Return up to ``count`` pages sure to be read after ``page``, the page asked next.

        Only while the last page read was full and a total is known: each page then adds
        at most the largest page's records, so every page after ``page`` that the
        distinct records read so far plus that many per page cannot reach the total is
        read. A short page (the end, or a total that counts more than the list), a list
        whose count is uncertain, or no total: nothing is predicted.
        """
        total = None if self._count_uncertain else self._largest_total
        if total is None or not self._last_page_full:
            return []
        size = max(self.page_size, self._largest_page)
        read = self._frontier.distinct
        return [page + i for i in range(1, count + 1) if read + i * size < total]

    def _page_after(self, had_records: bool) -> int | None:
        """Return the next page to read, or ``None`` when the API says the list is done."""
        if not had_records:
            return None
        total = None if self._count_uncertain else self._largest_total
        if total is not None and self._frontier.distinct >= total:
            return None
        return self._asked + 1
