"""The Hello Customer API as streams see it: token header, pacing, date windows in paths, errors.

Hello Customer refuses more than one call per second per client, writes date filters
into the path as ``yyyyMMddHHmmss`` and lets one call cover "not more than 31 days",
without paging. The document leaves open the time zone of path dates, whether their
ends are included and whether 31 days is a duration or calendar days: readers of
responses widen each window by :data:`EDGE_MARGIN` and keep windows short enough for
every counting (:data:`MAX_WINDOW_DAYS`). Every stream derives from ``HelloCustomerStream``,
which sends the token, waits for the tap's one limiter before every attempt and words
the API's errors; streams that read a span of time per touchpoint derive from
``WindowedStream``, which reads the span one window per call.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from functools import cached_property
from http import HTTPStatus

from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams.rest import HTTPRequest
from typing_extensions import override

from survey_common.platforms.hellocustomer import authenticator, error_message
from survey_common.schemas import platform_schemas
from survey_common.tap.pagination import DateWindow, DateWindowPaginator
from survey_common.tap.stream import SurveyAPIStream
from survey_common.timestamps import UTC, to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams.rest import PageContext

    from survey_common.http.ratelimit import MinIntervalLimiter
    from tap_hellocustomer.learned import LearnedReadings

#: How the API writes a moment in a path: 15/12/2018 at 3 pm UTC is ``20181215150000``.
API_DATE_FORMAT = "%Y%m%d%H%M%S"
#: The longest span of responses one call reads. With :data:`EDGE_MARGIN` on both sides
#: its path dates stay under 30 days apart, which no reading of "not more than 31 days
#: apart" refuses: neither a duration of 31 x 24 h nor 31 calendar days counted from
#: the start date's day to the end date's day, both included.
MAX_WINDOW_DAYS = 28
#: How far path dates may be from UTC if the API reads them in the account's local
#: time: the widest offsets in use are UTC+14 and UTC-12. One more second covers an
#: excluded start or end.
EDGE_MARGIN = dt.timedelta(hours=14, seconds=1)


def api_date(moment: dt.datetime) -> str:
    """Write an aware moment as the API's path date, ``yyyyMMddHHmmss`` in UTC."""
    return moment.astimezone(UTC).strftime(API_DATE_FORMAT)


def whole_second(moment: dt.datetime) -> dt.datetime:
    """Drop the fraction of a second, the finest the API's path dates can say."""
    return moment.replace(microsecond=0)


class HelloCustomerRun(t.Protocol):
    """What the streams read from their tap: what one run shares, not the tap class itself."""

    @property
    def request_limiter(self) -> MinIntervalLimiter:
        """The one limiter every call of the run waits for."""
        ...

    @property
    def learned(self) -> LearnedReadings:
        """What the run learns about the API's readings, shared by every stream."""
        ...

    @property
    def sync_end(self) -> dt.datetime:
        """The moment every stream reads up to."""
        ...


class HelloCustomerStream(SurveyAPIStream):
    """A Hello Customer endpoint: ``Authorization: basic <token>``, paced by the tap's limiter."""

    platform_name = "Hello Customer"
    schema = platform_schemas("hellocustomer")

    @property
    def hellocustomer_tap(self) -> HelloCustomerRun:
        """The tap this stream belongs to, which owns the limiter and the end of the sync."""
        return t.cast("HelloCustomerRun", self._tap)

    @cached_property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        """Send the token in the ``Authorization`` header, never in the URL."""
        return authenticator(str(self.config["api_token"]))

    @property
    def request_limiter(self) -> MinIntervalLimiter:
        """The tap's one limiter: every call of every stream and partition waits for it."""
        return self.hellocustomer_tap.request_limiter

    def api_error_message(self, body: t.Any) -> str | None:
        """Hello Customer's validation message, whatever shape it came in."""
        return error_message(body)


class WindowedStream(HelloCustomerStream):
    """A span of time per touchpoint, read in windows with the dates in the path.

    Each touchpoint (``campaign_ids``) is a partition with its own bookmark. The span
    runs from the bookmark (or ``start_date``) to the end the tap fixed for the whole
    run, and is read one window per call. A 400 names the touchpoint and window.
    """

    #: The path holds ``{campaign_id}``, ``{startDate}`` and ``{endDate}``.
    path: str
    #: Bodies are sent as the JSON text ``request_body`` writes, not encoded again.
    payload_as_json = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with no span or window being read."""
        super().__init__(*args, **kwargs)
        self._span: DateWindow | None = None
        #: The partition and window of the last call, which its response belongs to.
        self.current_context: dict[str, t.Any] = {}
        never = dt.datetime.min.replace(tzinfo=UTC)
        self.current_window = DateWindow(never, never)

    @property
    @override
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per touchpoint, written in lower case as the API writes GUIDs."""
        guids = dict.fromkeys(str(guid).lower() for guid in self.config["campaign_ids"])
        return [{"campaign_id": guid} for guid in guids]

    def read_from(self, context: Context | None) -> dt.datetime:
        """Return the first moment to read: the bookmark or ``start_date``, whichever is later."""
        start = self.get_starting_timestamp(context)
        if start is None:  # settings validation requires start_date; this says so if bypassed
            raise FatalAPIError(f"Stream '{self.name}' needs the start_date setting")
        return start

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> dt.datetime:
        """Never bookmark beyond the end this run reads up to."""
        del context
        return self.hellocustomer_tap.sync_end

    def new_paginator(self, span: DateWindow) -> BaseAPIPaginator[DateWindow]:
        """Return the paginator that cuts ``span`` into the windows of one call each."""
        return DateWindowPaginator(span.start, span.end, MAX_WINDOW_DAYS)

    def planned_calls(self, span: DateWindow) -> int:
        """Return how many calls reading ``span`` takes at least, for the log."""
        return sum(1 for _ in DateWindowPaginator(span.start, span.end, MAX_WINDOW_DAYS).windows())

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read one touchpoint's span, or nothing when it is already read up to the end."""
        start = whole_second(self.read_from(context))
        end = self.hellocustomer_tap.sync_end
        campaign = (context or {}).get("campaign_id")
        if start >= end:
            self.logger.info(
                "Touchpoint %s is read up to %s already: no call for '%s'",
                campaign,
                to_iso_utc(end),
                self.name,
            )
            return
        self._span = DateWindow(start, end)
        windows = self.planned_calls(self._span)
        self.logger.info(
            "Touchpoint %s: reading '%s' from %s to %s in %d call(s)",
            campaign,
            self.name,
            to_iso_utc(start),
            to_iso_utc(end),
            windows,
        )
        yield from super().get_records(context)

    @override
    def get_new_paginator(self) -> BaseAPIPaginator[DateWindow]:
        """Walk the span of the touchpoint being read."""
        if self._span is None:
            raise RuntimeError("get_records sets the span before the first request")
        return self.new_paginator(self._span)

    def path_dates(self, window: DateWindow) -> tuple[dt.datetime, dt.datetime]:
        """Return the ``startDate`` and ``endDate`` to request for a window."""
        return window.start, window.end

    def request_body(self, context: Context | None) -> str | None:
        """Return the body to send, for endpoints that take one."""
        del context
        return None

    @override
    def get_http_request(self, *, page: PageContext[DateWindow]) -> HTTPRequest:
        """Build the call for one window: the touchpoint and both dates go in the path."""
        context = dict(page.stream_context or {})
        window = page.next_page_token
        if window is None:
            raise RuntimeError("a windowed stream always has a window to request")
        self.current_context, self.current_window = context, window
        start, end = self.path_dates(window)
        url = self.get_url({**context, "startDate": api_date(start), "endDate": api_date(end)})
        headers = dict(self.http_headers)
        body = self.request_body(page.stream_context)
        if body is not None:
            headers["Content-Type"] = "application/json"
        return HTTPRequest(url=url, method=self.http_method, headers=headers, data=body)

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Fail a 400 with the API's message and the touchpoint and window that caused it."""
        try:
            super().validate_response(response)
        except FatalAPIError as exc:
            if response.status_code != HTTPStatus.BAD_REQUEST:
                raise
            start, end = self.path_dates(self.current_window)
            raise FatalAPIError(
                f"{exc} (while reading touchpoint {self.current_context.get('campaign_id')}, "
                f"{to_iso_utc(start)} to {to_iso_utc(end)})"
            ) from exc
