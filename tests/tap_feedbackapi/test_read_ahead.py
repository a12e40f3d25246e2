"""Pages read ahead: several in flight, records in the walk's order, nothing past a failure."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import logging
import threading
import time
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import parse_messages, run_tap
from tests.helpers.tap_feedbackapi import API, calls, envelope

if t.TYPE_CHECKING:
    import requests_mock as rm

PAGE = 100
#: A round trip long enough for a walk to read ahead (a loopback takes far less).
LATENCY = 0.005


def customer(number: int) -> dict[str, t.Any]:
    return {"id": f"c{number:05d}", "created": 1_700_000_000 + number}


def ids(count: int) -> list[str]:
    return [f"c{i:05d}" for i in range(count)]


class CustomersAPI:
    """Customers served a hundred to a page, counting the calls answered at once.

    Each call waits, up to a short while, for ``wait_for`` calls to be in flight with it,
    so calls that are sent together are seen together however the threads are scheduled.
    """

    def __init__(
        self, count: int, *, total: int | None = None, wait_for: int = 1, latency: float = 0.0
    ) -> None:
        self.count = count
        self.latency = latency
        self.total = count if total is None else total
        self.wait_for = wait_for
        self.in_flight = 0
        self.most_in_flight = 0
        self.pages: list[int] = []
        #: The thread that asked each call, as requests_mock answers on the caller's thread.
        self.askers: list[str] = []
        self.failing: dict[int, tuple[int, dict[str, t.Any]]] = {}
        self._changed = threading.Condition()

    def answer(self, url: str) -> tuple[int, dict[str, t.Any]]:
        """Answer one call, a request for the page its URL names."""
        with self._changed:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._changed.notify_all()
            self._changed.wait_for(lambda: self.in_flight >= self.wait_for, timeout=0.2)
        time.sleep(self.latency)
        try:
            number = int(parse_qs(urlsplit(url).query)["page"][0])
            self.pages.append(number)
            self.askers.append(threading.current_thread().name)
            if number in self.failing:
                return self.failing[number]
            data = [customer(i) for i in range(self.count)][number * PAGE : (number + 1) * PAGE]
            return 200, envelope(data, total=self.total, page=number)
        finally:
            with self._changed:
                self.in_flight -= 1

    def __call__(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        """Answer a call made through requests_mock (which sends one call at a time)."""
        context.status_code, body = self.answer(request.url)
        return body


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        status, body = self.server.api.answer(self.path)
        text = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002 - base class name
        """Keep the test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: CustomersAPI) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


@contextlib.contextmanager
def served_over_http(api: CustomersAPI) -> t.Iterator[str]:
    """Serve ``api`` over HTTP on 127.0.0.1, answering calls side by side; yield its URL."""
    server = _Server(api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve(empty_api: rm.Mocker, api: CustomersAPI) -> CustomersAPI:
    empty_api.get(f"{API}/customers", json=api)
    return api


def customers_stream(config: dict[str, t.Any]) -> SurveyAPIStream:
    tap = TapFeedbackAPI(config=config, parse_env_config=False)
    return t.cast("SurveyAPIStream", tap.streams["customers"])


def read_ahead_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("read-ahead")]


def test_pages_are_in_flight_together_up_to_the_limit_and_come_out_in_order(
    config: dict[str, t.Any],
) -> None:
    api = CustomersAPI(2_000, wait_for=4)

    with served_over_http(api) as url:
        stream = customers_stream({**config, "api_url": url, "max_concurrent_requests": 4})
        records = list(stream.request_records(None))

    assert [r["id"] for r in records] == ids(2_000)
    assert api.most_in_flight == 4
    assert sorted(api.pages) == list(range(20))


@pytest.mark.parametrize(("count", "pages"), [(1_234, 13), (1_300, 13), (1_301, 14)])
def test_no_page_is_asked_beyond_the_total(
    empty_api: rm.Mocker, config: dict[str, t.Any], count: int, pages: int
) -> None:
    serve(empty_api, CustomersAPI(count))

    output = run_tap(TapFeedbackAPI, config)

    assert [r["id"] for r in output.records("customers")] == ids(count)
    assert sorted(int(c["page"]) for c in calls(empty_api, "customers")) == list(range(pages))


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (
            404,
            r"HTTP 404: invalid_request_error: No such page \(param page\) to GET /v1.3/customers",
        ),
        (500, r"Gave up after 6 attempts: .*HTTP 500"),
    ],
)
def test_an_error_on_a_page_read_ahead_stops_the_run_there_with_its_own_words(
    empty_api: rm.Mocker, config: dict[str, t.Any], status: int, words: str
) -> None:
    api = serve(empty_api, CustomersAPI(2_000))
    error = {"type": "invalid_request_error", "message": "No such page", "param": "page"}
    api.failing[7] = (status, error)
    tap = TapFeedbackAPI(config=config, parse_env_config=False)
    out = io.StringIO()

    with contextlib.redirect_stdout(out), pytest.raises(FatalAPIError, match=words):
        tap.sync_all()

    customers = parse_messages(out.getvalue()).records("customers")
    assert [r["id"] for r in customers] == ids(700)  # pages 0 to 6, and nothing after
    assert read_ahead_threads() == []


def test_a_total_larger_than_the_list_loses_nothing_and_asks_within_it(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    serve(empty_api, CustomersAPI(1_000, total=5_000, latency=LATENCY))

    output = run_tap(TapFeedbackAPI, config)

    assert [r["id"] for r in output.records("customers")] == ids(1_000)
    pages = [int(c["page"]) for c in calls(empty_api, "customers")]
    assert len(pages) == len(set(pages))
    assert set(range(11)) <= set(pages)  # every page to the empty one that ends the list
    assert max(pages) < 5_000 // PAGE  # predicted pages lie within the reported total
    assert "page(s) read ahead were not the ones paging asked for" in caplog.text


def test_closing_the_walk_early_ends_its_threads(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve(empty_api, CustomersAPI(2_000, latency=LATENCY))
    stream = customers_stream(config)
    walk = iter(stream.request_records(None))

    first = [record["id"] for record in itertools.islice(walk, 350)]
    assert read_ahead_threads() != []
    t.cast("t.Generator[t.Any, None, None]", walk).close()

    assert first == ids(350)
    assert read_ahead_threads() == []
    # Four pages walked, at most the limit's eight ahead of them: not the whole list.
    assert len(calls(empty_api, "customers")) <= 4 + 8


def test_pages_read_ahead_hold_no_more_records_than_the_bound(
    config: dict[str, t.Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two pages of a hundred may wait ahead: with the page asked now, three in flight.
    monkeypatch.setattr("survey_common.tap.stream.RECORDS_READ_AHEAD", 2 * PAGE)
    api = CustomersAPI(2_000, wait_for=8)

    with served_over_http(api) as url:
        stream = customers_stream({**config, "api_url": url, "max_concurrent_requests": 8})
        records = list(stream.request_records(None))

    assert [r["id"] for r in records] == ids(2_000)
    assert 2 <= api.most_in_flight <= 3


def test_an_api_that_answers_at_once_is_read_page_after_page(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    api = serve(empty_api, CustomersAPI(2_000))
    stream = customers_stream(config)

    records = list(stream.request_records(None))

    assert [r["id"] for r in records] == ids(2_000)
    assert api.pages == list(range(20))
    assert set(api.askers) == {threading.main_thread().name}


def test_an_api_slow_to_answer_has_pages_read_ahead_after_two(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    api = serve(empty_api, CustomersAPI(2_000, latency=LATENCY))
    stream = customers_stream(config)

    records = list(stream.request_records(None))

    assert [r["id"] for r in records] == ids(2_000)
    # Pages 0 and 1 measure the round trip, page 2 is asked with page 3 sent ahead.
    main = threading.main_thread().name
    asked_by = dict(zip(api.pages, api.askers, strict=True))
    assert [asked_by[page] for page in range(3)] == [main] * 3
    assert all(asked_by[page].startswith("read-ahead") for page in range(3, 20))
