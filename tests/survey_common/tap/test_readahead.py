"""ReadAhead: an answer fetched ahead serves only its own request, and a detour drops the rest."""

from __future__ import annotations

import threading
import typing as t

import requests
from singer_sdk.streams.rest import HTTPRequest, PageContext

from survey_common.tap.readahead import AheadDepth, ReadAhead
from survey_common.tap.stream import _PagesAhead


def get(page: int) -> requests.PreparedRequest:
    return requests.Request("GET", "https://api.test/items", params={"page": page}).prepare()


class Answers:
    """Counts the attempts made for each page, on whichever thread."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, request: requests.PreparedRequest, context: t.Any) -> requests.Response:
        with self._changed:
            self.sent.append(str(request.url))
            self._changed.notify_all()
        response = requests.Response()
        response.status_code = 200
        response.url = str(request.url)
        return response

    def wait_sent(self, request: requests.PreparedRequest) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: str(request.url) in self.sent, timeout=10)


def reader(answers: Answers) -> ReadAhead:
    return ReadAhead(answers, lambda attempt: attempt, context=None, workers=4)


def test_an_answer_fetched_ahead_is_taken_for_the_same_request_without_sending_it_again() -> None:
    answers = Answers()
    pages = reader(answers)
    try:
        first = pages.next(get(0), [get(1), get(2)])
        second = pages.next(get(1), [get(2), get(3)])
        third = pages.next(get(2), [get(3)])
    finally:
        pages.close()

    assert [first.url, second.url, third.url] == [get(i).url for i in range(3)]
    assert sorted(answers.sent) == sorted(str(get(i).url) for i in (0, 1, 2, 3))
    assert pages.wasted == 1  # page 3, fetched ahead and never asked


def test_a_request_not_fetched_ahead_drops_every_answer_fetched_ahead() -> None:
    answers = Answers()
    pages = reader(answers)
    try:
        pages.next(get(0), [get(1), get(2)])
        answers.wait_sent(get(2))
        detour = pages.next(get(7), [get(2)])  # page 2 is fetched again: not used out of turn
        again = pages.next(get(2), [])
    finally:
        pages.close()

    assert (detour.url, again.url) == (get(7).url, get(2).url)
    assert answers.sent.count(str(get(2).url)) == 2


class LearningStream:
    """A stream whose requests change once it learns how the API numbers its pages."""

    def __init__(self) -> None:
        self.base = 0
        self.prepared = 0

    def get_http_request(self, *, page: t.Any) -> HTTPRequest:
        return HTTPRequest(
            url="http://api.test/x", params={"page": page.next_page_token + self.base}
        )

    def _prepare_request(self, *, context: t.Any, page: t.Any) -> requests.PreparedRequest:
        self.prepared += 1
        described = self.get_http_request(
            page=PageContext(stream_context=context, next_page_token=page.current_value)
        )
        return requests.Request("GET", described.url, params=described.params).prepare()


class Pages:
    """A paginator at page ``current_value`` that predicts the pages after it."""

    def __init__(self) -> None:
        self.current_value = 0

    def upcoming(self, count: int) -> list[int]:
        return [self.current_value + n for n in range(1, count + 1)]


def test_a_page_prepared_ahead_is_reused_while_its_request_stays_the_same() -> None:
    stream, pages = LearningStream(), Pages()
    ahead = _PagesAhead(t.cast("t.Any", stream), None, t.cast("t.Any", pages))
    ahead.prepare(2)  # page 0, then 1 and 2 ahead
    pages.current_value = 1
    _, current = ahead.prepare(2)  # page 3 is new; page 1 was prepared ahead

    assert stream.prepared == 4
    assert current.url == "http://api.test/x?page=1"


def test_pages_prepared_ahead_are_prepared_again_once_the_requests_changed() -> None:
    stream, pages = LearningStream(), Pages()
    ahead = _PagesAhead(t.cast("t.Any", stream), None, t.cast("t.Any", pages))
    ahead.prepare(2)
    stream.base = 1  # the walk learned that pages count from 1
    pages.current_value = 1
    upcoming, current = ahead.prepare(2)

    assert current.url == "http://api.test/x?page=2"
    assert [request.url for request in upcoming] == [
        "http://api.test/x?page=3",
        "http://api.test/x?page=4",
    ]


def depth_after(pages: list[tuple[float, float, bool]], *, writing: float = 0.002) -> int:
    """Feed ``AheadDepth`` pages of (waited, own CPU, unready ahead), each written in ``writing``."""
    depth = AheadDepth(maximum=8)
    for waited, own_cpu, unready_ahead in pages:
        depth.asked(waited=waited, own_cpu=own_cpu, unready_ahead=unready_ahead)
        depth.wrote(writing)
    return depth.pages


def test_an_api_answering_at_once_is_not_read_ahead_however_long_its_pages_take_to_read() -> None:
    # Most of each wait is the walk's own work on the answer, the rest a loopback's.
    assert depth_after([(0.004, 0.0038, False)] * 50) == 0


def test_one_slow_answer_is_not_a_slow_api_but_two_in_a_row_are() -> None:
    fast, slow = (0.001, 0.0009, False), (0.1, 0.001, False)
    assert depth_after([fast, fast, slow, fast, slow, fast]) == 0
    assert depth_after([fast, fast, slow, slow]) == 1


def test_read_ahead_deepens_while_the_walk_still_waits_and_never_past_the_maximum() -> None:
    slow, waited_ahead, ready_ahead = (0.1, 0.001, False), (0.05, 0.0, True), (0.0, 0.0, False)
    assert depth_after([slow, slow, waited_ahead, waited_ahead]) == 4
    assert depth_after([slow, slow, waited_ahead, ready_ahead, ready_ahead]) == 2
    assert depth_after([slow, slow] + [waited_ahead] * 10) == 8
