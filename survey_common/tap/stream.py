"""The HTTP base stream every tap of the suite builds on.

singer-sdk's ``RESTStream`` does the protocol; this class adds what the three
platforms need alike: one retry policy that honours ``Retry-After`` and ends with
a clear message, error messages that quote the API's own words but never a token,
a body that is decoded once (and retried when it arrives truncated or as an HTML
error page), the length of the last page for short-page pagination, and one clear
error, naming the endpoint, for an answer whose JSON has a shape the tap does not know.
"""

from __future__ import annotations

import functools
import time
import typing as t
from functools import cached_property
from http import HTTPStatus

import requests
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter
from singer_sdk import RESTStream
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.pagination import SinglePagePaginator
from singer_sdk.streams.rest import HTTPRequest, PageContext
from typing_extensions import override

from survey_common.http import errors as api_errors
from survey_common.http import retry
from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.http.session import EnvironmentOnceSession
from survey_common.settings import DEFAULT_REQUEST_TIMEOUT
from survey_common.tap.conform import RecordConformer
from survey_common.tap.decoding import decode_json
from survey_common.tap.readahead import (
    AheadDepth,
    LockedWeakKeyDictionary,
    PageAt,
    PredictsPages,
    ReadAhead,
)
from survey_common.tap.records import PlainRecordMessages

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from backoff.types import Details
    from singer_sdk.helpers.types import Context
    from singer_sdk.pagination import BaseAPIPaginator

    from survey_common.tap.tap import SurveyTap


#: What reading a body of an unexpected shape raises: a list where an object was expected
#: (TypeError, AttributeError), a missing key (KeyError), a value that is not a number
#: (ValueError).
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError, IndexError)


#: Records that may wait in pages read ahead: two of Buenno's pages of 1000 replies, which
#: hide a round trip of 100 ms behind writing them, twenty of FeedbackAPI's pages of 100.
RECORDS_READ_AHEAD = 2000


class SurveyAPIStream(PlainRecordMessages, RESTStream[t.Any]):
    """A stream of one platform's REST API, with the suite's error and retry rules."""

    #: The platform's name as users know it, used in every error message.
    platform_name: t.ClassVar[str] = "The API"

    #: The SDK's own conformance walks every record a second time (a third of a tap's CPU
    #: at every level, a fifth at the top level only); ``post_process`` already conforms
    #: records to the schema, top-level rules included (see ``survey_common.tap.conform``).
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    #: Retry policy; tests shorten the waits.
    max_attempts: t.ClassVar[int] = retry.MAX_ATTEMPTS
    backoff_base_wait: t.ClassVar[float] = retry.BASE_WAIT_SECONDS

    @property
    def request_limiter(self) -> MinIntervalLimiter | None:
        """The pacing every attempt of every call waits for; None where the API sets no limit.

        Platforms with a call-rate limit return one limiter shared by the whole tap.
        """
        return None

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Set up the cache of decoded bodies, filled by ``validate_response``.

        Pages read ahead are decoded on worker threads, so the cache is locked.
        """
        super().__init__(*args, **kwargs)
        self._session = EnvironmentOnceSession()
        self._decoded_bodies: LockedWeakKeyDictionary[requests.Response, t.Any] = (
            LockedWeakKeyDictionary()
        )
        self._pool_sized = False
        #: Records on the last page parsed; paginators read it to spot the last page.
        self.last_page_length = 0

    @property
    def survey_tap(self) -> SurveyTap:
        """The tap this stream belongs to, which keeps the last answer of all its streams."""
        return t.cast("SurveyTap", self._tap)

    @property
    @override
    def timeout(self) -> int:
        """Seconds to wait for a connection, then for an answer: the ``request_timeout`` setting."""
        return int(self.config.get("request_timeout") or DEFAULT_REQUEST_TIMEOUT)

    @property
    @override
    def url_base(self) -> str:
        """The ``api_url`` setting without a trailing slash, so paths can start with one."""
        return str(self.config["api_url"]).rstrip("/")

    # Errors

    def api_error_message(self, body: t.Any) -> str | None:
        """Return the API's own explanation from an error body, if it gave one.

        Platforms override this with their error envelope.
        """
        del body
        return None

    def _endpoint(self, response: requests.Response) -> str:
        """Name the endpoint of a response: method and path, never the query or host."""
        return api_errors.endpoint(response, self.path)

    def _explain(self, response: requests.Response) -> str:
        """Describe a failed response with the API's message when the body has one."""
        return api_errors.explain(self.platform_name, response, self.api_error_message, self.path)

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Sort a response into success, retriable failure or fatal failure.

        Successful bodies are decoded here, inside the retry loop, so that a
        truncated or non-JSON body is retried like any other transient failure.
        """
        self.survey_tap.last_answer = response
        status = response.status_code
        if status == HTTPStatus.UNAUTHORIZED:
            raise FatalAPIError(api_errors.token_rejected(self.platform_name, response, self.path))
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(self._explain(response), response)
        if status >= HTTPStatus.BAD_REQUEST:
            raise FatalAPIError(self._explain(response))
        try:
            self._decoded_bodies[response] = decode_json(response)
        except ValueError as exc:
            content_type = response.headers.get("Content-Type", "no content type")
            raise RetriableAPIError(
                f"{self.platform_name} answered {self._endpoint(response)} with HTTP "
                f"{status} but a body that is not valid JSON ({content_type})",
                response,
            ) from exc

    def decoded_body(self, response: requests.Response) -> t.Any:
        """Return the body ``validate_response`` decoded, decoding it only if it did not."""
        try:
            return self._decoded_bodies.pop(response)
        except KeyError:
            return decode_json(response)

    def expect_list(
        self, response: requests.Response, value: t.Any, what: str
    ) -> list[dict[str, t.Any]]:
        """Return ``value`` as a page of records, failing clearly if the body had no list."""
        if not isinstance(value, list):
            raise FatalAPIError(
                f"{self.platform_name} answered {self._endpoint(response)} with HTTP "
                f"{response.status_code} but without the expected {what} list"
            )
        self.last_page_length = len(value)
        return value

    def records_from(self, response: requests.Response, key: str) -> list[dict[str, t.Any]]:
        """Return the list under ``key`` in the body, failing clearly if it is not there."""
        body = self.decoded_body(response)
        return self.expect_list(
            response, body.get(key) if isinstance(body, dict) else None, f"'{key}'"
        )

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the records of a page; platforms say where they are."""
        raise NotImplementedError

    # Records

    @cached_property
    def conformer(self) -> RecordConformer:
        """The conversions this stream's schema calls for, compiled once."""
        return RecordConformer(self.schema, on_dropped=self._warn_undeclared)

    def _warn_undeclared(self, key: str) -> None:
        """Say once that a key the schema does not declare is left out of the records."""
        self.logger.warning("Stream '%s': dropping key %r, not in its schema", self.name, key)

    @override
    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Conform the record to its schema, naming the record if a field cannot be."""
        del context
        if not isinstance(row, dict):
            raise FatalAPIError(self._unexpected_shape(TypeError(f"a record is {row!r:.80}")))
        try:
            return self.conformer.conform(row)
        except ValueError as exc:
            keys = {key: row.get(key) for key in self.primary_keys or ()}
            raise FatalAPIError(
                f"{self.platform_name} sent a malformed value in stream '{self.name}', "
                f"record {keys}, {exc}"
            ) from exc
        except SHAPE_ERRORS as exc:
            raise FatalAPIError(self._unexpected_shape(exc)) from exc

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Yield the stream's records; an answer of a shape the tap does not know fails clearly.

        A list where an object was expected, or a missing key, surfaces deep in parsing
        or paging code as a ``KeyError`` or ``TypeError`` that says nothing of the API;
        it becomes one ``FatalAPIError`` naming the call whose answer was being read.
        A child stream fed from its parent's pages names the parent's call.
        """
        try:
            yield from super().get_records(context)
        except SHAPE_ERRORS as exc:
            raise FatalAPIError(self._unexpected_shape(exc)) from exc

    # Paging

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Walk the pages as singer-sdk does, with the next ones fetched ahead where known.

        The walk is singer-sdk 0.54's ``RESTStream.request_records``: each page is asked
        for as the paginator decides after the one before, counted, costed, parsed, and
        the paginator advanced, ending on the paginator or an empty page. A paginator
        that predicts its next tokens (``PredictsPages``) has their pages fetched on
        worker threads meanwhile; a page is taken from there only when fetched for the
        very request the walk makes (``survey_common.tap.readahead``).
        """
        paginator = self.get_new_paginator() or SinglePagePaginator()
        limit = self.survey_tap.in_flight_limit
        self._size_pool(limit.maximum)
        reader = ReadAhead(self._request, self.request_decorator, context, workers=limit.maximum)
        ahead = _PagesAhead(self, context, paginator)
        depth = AheadDepth(limit.maximum)
        pages = 0
        try:
            with self.get_http_request_counter() as request_counter:
                request_counter.with_context(context)
                while not paginator.finished:
                    pages_ahead = min(depth.pages, limit.bound, self._pages_in_memory())
                    upcoming, prepared_request = ahead.prepare(pages_ahead)
                    asked_at, working_at = time.perf_counter(), time.thread_time()
                    resp = reader.next(prepared_request, upcoming)
                    answered_at = time.perf_counter()
                    depth.asked(
                        waited=answered_at - asked_at,
                        own_cpu=time.thread_time() - working_at,
                        unready_ahead=reader.waited,
                    )
                    self.survey_tap.last_answer = resp
                    request_counter.increment()
                    self.update_sync_costs(prepared_request, resp, context)
                    records = iter(self.parse_response(resp))
                    try:
                        first_record = next(records)
                    except StopIteration:
                        if paginator.continue_if_empty(resp):
                            paginator.advance(resp)
                            continue
                        self.log(
                            "Pagination stopped after %d pages because no records were "
                            "found in the last response",
                            pages,
                        )
                        break
                    yield first_record
                    yield from records
                    pages += 1
                    paginator.advance(resp)
                    depth.wrote(time.perf_counter() - answered_at)
        finally:
            reader.close()
            if reader.wasted:
                self.logger.info(
                    "Stream '%s': %d page(s) read ahead were not the ones paging asked for",
                    self.name,
                    reader.wasted,
                )

    def _pages_in_memory(self) -> int:
        """Return how many pages may wait read ahead: ``RECORDS_READ_AHEAD`` records' worth.

        A decoded page of a thousand replies takes megabytes; bounding pages ahead by
        the records they hold keeps a tap's memory the same for 10,000 records and for
        200,000, whatever the page size (at least one page).
        """
        return max(1, RECORDS_READ_AHEAD // max(1, self.last_page_length))

    @property
    @override
    def requests_session(self) -> requests.Session:
        """The stream's session: ``requests``' own, with the environment's proxies read once."""
        return self._session

    def _size_pool(self, calls: int) -> None:
        """Let the session keep a connection open for every call the tap may have in flight."""
        if not self._pool_sized:
            pool = HTTPAdapter(pool_maxsize=max(DEFAULT_POOLSIZE, calls))
            self.requests_session.mount("https://", pool)
            self.requests_session.mount("http://", pool)
            self._pool_sized = True

    def last_call(self) -> str:
        """Name the call whose answer is being read, with its status: ``GET /x (HTTP 200)``."""
        answer = self.survey_tap.last_answer
        if answer is None:
            return "the API"
        # Not _endpoint: a child stream fed from its parent's pages has no path of its own.
        return f"{api_errors.endpoint(answer)} (HTTP {answer.status_code})"

    def _unexpected_shape(self, error: Exception) -> str:
        """Word a shape error with the endpoint and status of the answer being read."""
        return (
            f"{self.platform_name} answered {self.last_call()} in a shape stream "
            f"'{self.name}' does not know: {type(error).__name__}: {error}"
        )

    # Retries

    @override
    def request_decorator(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Bound and pace each attempt, retry transient failures, then fail saying what was tried.

        Each attempt holds a place under the tap's in-flight limit (halved by a 429) and
        waits for the platform's pacing, if it has one, only once it holds it.
        """
        limiter = self.request_limiter
        attempt = func if limiter is None else limiter.pace(func)
        retrying = retry.with_retries(
            self.survey_tap.in_flight_limit.bounded(attempt),
            max_attempts=self.max_attempts,
            base_wait=self.backoff_base_wait,
            on_backoff=self.backoff_handler,
        )

        @functools.wraps(func)
        def request_or_fail(*args: t.Any, **kwargs: t.Any) -> t.Any:
            try:
                return retrying(*args, **kwargs)
            except RetriableAPIError as exc:
                raise FatalAPIError(f"Gave up after {self.max_attempts} attempts: {exc}") from exc
            except retry.TRANSIENT_NETWORK_ERRORS as exc:
                raise FatalAPIError(
                    f"{self.platform_name} could not be reached at "
                    f"{api_errors.request_endpoint(args[0], self.path)} "
                    f"for stream '{self.name}' after {self.max_attempts} attempts: "
                    f"{api_errors.network_failure(exc)}"
                ) from exc

        return request_or_fail

    @override
    def backoff_handler(self, details: Details) -> None:
        """Log each retry in one line: what failed, which attempt, how long the wait."""
        exc = details.get("exception")
        if isinstance(exc, RetriableAPIError):
            cause = str(exc)  # validate_response's words: the status, or why the body is bad
        elif isinstance(exc, Exception):
            request = details["args"][0] if details.get("args") else None
            call = api_errors.request_endpoint(request, self.path)
            cause = f"{api_errors.network_failure(exc)} on {call} for stream '{self.name}'"
        else:
            cause = f"a failure on stream '{self.name}'"
        retry.log_retry(self.logger, cause, details, self.max_attempts)


class _Prepared(t.NamedTuple):
    """A page's request as the stream describes it, and as prepared to be sent."""

    token: t.Any
    described: HTTPRequest
    prepared: requests.PreparedRequest


class _PagesAhead:
    """The requests of the pages a walk will ask next, each prepared once.

    Preparing a request (encoding, cookies, authentication) costs about as much as reading
    a small page's records, and a page predicted ahead is prepared before the walk gets
    there: when it does, the stream describes the page again (``get_http_request``, which
    also leaves the stream's request state as that page's) and the request prepared ahead
    is used if the description is the same. One that differs shows that what the walk
    learned changed the requests: everything prepared ahead is prepared again.
    """

    def __init__(
        self, stream: SurveyAPIStream, context: Context | None, paginator: BaseAPIPaginator[t.Any]
    ) -> None:
        """Prepare pages of ``stream``'s walk with ``paginator`` in ``context``."""
        self._stream = stream
        self._context = context
        self._paginator = paginator
        self._predicts = isinstance(paginator, PredictsPages)
        self._prepared: list[_Prepared] = []

    def prepare(
        self, count: int
    ) -> tuple[list[requests.PreparedRequest], requests.PreparedRequest]:
        """Return up to ``count`` requests ahead, then the request of the current page.

        The pages ahead are described first: describing the one asked now last leaves the
        stream's request state (what ``get_url_params`` notes) as that page's.
        """
        token = self._paginator.current_value
        kept = next((entry for entry in self._prepared if entry.token == token), None)
        tokens = t.cast("PredictsPages", self._paginator).upcoming(count) if self._predicts else []
        upcoming = self._ahead(tokens)
        if kept is not None:  # prepared ahead: still the request the walk makes now?
            if kept.described == self._describe(token):
                return [entry.prepared for entry in upcoming], kept.prepared
            self._prepared = []
            upcoming = self._ahead(tokens)
        current = self._stream._prepare_request(context=self._context, page=self._paginator)
        return [entry.prepared for entry in upcoming], current

    def _ahead(self, tokens: list[t.Any]) -> list[_Prepared]:
        """Return the requests of ``tokens``, preparing only those not prepared before."""
        kept = self._prepared
        self._prepared = [
            next((entry for entry in kept if entry.token == token), None) or self._page(token)
            for token in tokens
        ]
        return self._prepared

    def _describe(self, token: t.Any) -> HTTPRequest:
        """Return the stream's description of the request of the page at ``token``."""
        return self._stream.get_http_request(
            page=PageContext(stream_context=self._context, next_page_token=token)
        )

    def _page(self, token: t.Any) -> _Prepared:
        """Prepare the request of the page at ``token`` as the walk would when it gets there."""
        # singer-sdk reads nothing of the paginator here but its current token.
        at_token = t.cast("BaseAPIPaginator[t.Any]", PageAt(token))
        described = self._describe(token)
        prepared = self._stream._prepare_request(context=self._context, page=at_token)
        return _Prepared(token, described, prepared)
