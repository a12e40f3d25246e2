"""ReadAhead: an answer fetched ahead serves only its own request, and a detour drops the rest."""

from __future__ import annotations

import threading
import typing as t

import requests

from survey_common.tap.readahead import ReadAhead


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
