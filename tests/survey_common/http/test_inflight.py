"""The in-flight limit bounds concurrent calls, halves on 429 and regrows slowly."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from survey_common.http.inflight import InFlightLimit, is_rate_limited


def answer(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    return response


def fill(limit: InFlightLimit) -> int:
    """Have as many calls in flight as the bound allows, all answered calmly; return how many."""
    calls = limit.bound
    with contextlib.ExitStack() as in_flight:
        for _ in range(calls):
            in_flight.enter_context(limit.slot())
    return calls


def rate_limited() -> None:
    raise RetriableAPIError("429", answer(429))


def server_error() -> None:
    raise RetriableAPIError("503", answer(503))


def test_no_more_calls_than_the_bound_are_in_flight_at_once() -> None:
    limit = InFlightLimit(3, start=3)
    peak = 0
    lock = threading.Lock()
    current = 0

    @limit.bounded
    def call() -> None:
        nonlocal peak, current
        with lock:
            current += 1
            peak = max(peak, current)
        time.sleep(0.02)
        with lock:
            current -= 1

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert peak == 3
    assert limit.in_flight == 0


def test_a_429_halves_the_bound_and_it_never_drops_below_one() -> None:
    limit = InFlightLimit(8, start=8)
    bounds = []
    for _ in range(4):
        with pytest.raises(RetriableAPIError):
            limit.bounded(rate_limited)()
        bounds.append(limit.bound)

    assert bounds == [4, 2, 1, 1]


def test_other_failures_do_not_shrink_the_bound() -> None:
    limit = InFlightLimit(8, start=8)
    with pytest.raises(RetriableAPIError):
        limit.bounded(server_error)()
    with pytest.raises(ValueError, match="bad"):
        limit.bounded(lambda: (_ for _ in ()).throw(ValueError("bad")))()

    assert limit.bound == 8


def test_the_bound_grows_back_by_one_per_run_of_calm_answers_for_each_call_it_allows() -> None:
    limit = InFlightLimit(4, start=4, recovery_calls=5)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    assert limit.bound == 2

    calm = limit.bounded(lambda: None)
    for _ in range(9 - fill(limit)):
        calm()
    assert limit.bound == 2  # one answer short of 5 per call allowed
    calm()
    assert limit.bound == 3
    for _ in range(59 - fill(limit)):
        calm()
    assert limit.bound == 3  # to 4, the bound the 429 came under: 4 x 15 answers, one short
    calm()
    assert limit.bound == 4
    for _ in range(50):
        calm()
    assert limit.bound == 4


def test_once_back_at_the_refused_bound_it_grows_at_the_usual_pace() -> None:
    limit = InFlightLimit(8, start=2, recovery_calls=5)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()  # refused at 2: down to 1
    calm = limit.bounded(lambda: None)
    for _ in range(4 * 5 - 1):
        calm()
    assert limit.bound == 1
    calm()
    assert limit.bound == 2
    for _ in range(2 * 5 - fill(limit)):
        calm()
    assert limit.bound == 3


def test_a_429_restarts_the_run_of_calm_answers() -> None:
    limit = InFlightLimit(4, start=4, recovery_calls=3)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    calm = limit.bounded(lambda: None)
    for _ in range(5 - fill(limit)):
        calm()  # one short of 3 per call allowed
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    fill(limit)
    calm()

    assert limit.bound == 1


def test_only_a_429_answer_counts_as_rate_limited() -> None:
    assert is_rate_limited(RetriableAPIError("x", answer(429)))
    assert not is_rate_limited(RetriableAPIError("x", answer(500)))
    assert not is_rate_limited(RetriableAPIError("x", None))
    assert not is_rate_limited(requests.ConnectionError("reset"))


def test_the_bound_starts_small_and_doubles_after_each_run_of_calm_answers() -> None:
    limit = InFlightLimit(12)
    bounds = [limit.bound]
    for _ in range(4):
        fill(limit)
        bounds.append(limit.bound)

    assert bounds == [2, 4, 8, 12, 12]  # held at the maximum


def test_the_bound_grows_only_once_as_many_calls_as_it_allows_were_in_flight() -> None:
    limit = InFlightLimit(8)
    calm = limit.bounded(lambda: None)
    for _ in range(50):
        calm()  # one call at a time: a bound of two says nothing about more
    assert limit.bound == 2
    fill(limit)
    assert limit.bound == 4
    for _ in range(50):
        calm()
    assert limit.bound == 4


def test_after_a_429_the_bound_no_longer_doubles() -> None:
    limit = InFlightLimit(16, start=8, recovery_calls=2)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    calm = limit.bounded(lambda: None)
    for _ in range(8 - fill(limit)):
        calm()

    assert limit.bound == 5  # halved to 4, then one more: not doubled to 8


def test_the_429s_of_calls_sent_together_halve_the_bound_once() -> None:
    limit = InFlightLimit(8, start=8)
    all_in_flight = threading.Barrier(4)
    refused: list[RetriableAPIError] = []

    @limit.bounded
    def call() -> None:
        all_in_flight.wait(timeout=5)  # no answer comes before all four went out
        rate_limited()

    def send() -> None:
        try:
            call()
        except RetriableAPIError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(refused) == 4
    assert limit.bound == 4
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()  # sent after the halving: halves again
    assert limit.bound == 2


@pytest.mark.parametrize(("maximum", "start", "recovery"), [(0, 1, 1), (1, 0, 1), (1, 1, 0)])
def test_a_limit_that_allows_nothing_is_refused(maximum: int, start: int, recovery: int) -> None:
    with pytest.raises(ValueError, match="at least"):
        InFlightLimit(maximum, start=start, recovery_calls=recovery)
