"""The in-flight limit bounds concurrent calls, halves on 429 and regrows slowly."""

from __future__ import annotations

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


def rate_limited() -> None:
    raise RetriableAPIError("429", answer(429))


def server_error() -> None:
    raise RetriableAPIError("503", answer(503))


def test_no_more_calls_than_the_bound_are_in_flight_at_once() -> None:
    limit = InFlightLimit(3)
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
    limit = InFlightLimit(8)
    bounds = []
    for _ in range(4):
        with pytest.raises(RetriableAPIError):
            limit.bounded(rate_limited)()
        bounds.append(limit.bound)

    assert bounds == [4, 2, 1, 1]


def test_other_failures_do_not_shrink_the_bound() -> None:
    limit = InFlightLimit(8)
    with pytest.raises(RetriableAPIError):
        limit.bounded(server_error)()
    with pytest.raises(ValueError, match="bad"):
        limit.bounded(lambda: (_ for _ in ()).throw(ValueError("bad")))()

    assert limit.bound == 8


def test_the_bound_grows_back_by_one_per_run_of_calm_answers_up_to_the_maximum() -> None:
    limit = InFlightLimit(4, recovery_calls=5)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    assert limit.bound == 2

    calm = limit.bounded(lambda: None)
    for _ in range(4):
        calm()
    assert limit.bound == 2  # one answer short of a run
    calm()
    assert limit.bound == 3
    for _ in range(50):
        calm()
    assert limit.bound == 4


def test_a_429_restarts_the_run_of_calm_answers() -> None:
    limit = InFlightLimit(4, recovery_calls=3)
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    calm = limit.bounded(lambda: None)
    calm()
    calm()
    with pytest.raises(RetriableAPIError):
        limit.bounded(rate_limited)()
    calm()
    calm()

    assert limit.bound == 1


def test_only_a_429_answer_counts_as_rate_limited() -> None:
    assert is_rate_limited(RetriableAPIError("x", answer(429)))
    assert not is_rate_limited(RetriableAPIError("x", answer(500)))
    assert not is_rate_limited(RetriableAPIError("x", None))
    assert not is_rate_limited(requests.ConnectionError("reset"))


@pytest.mark.parametrize(("maximum", "recovery"), [(0, 1), (1, 0)])
def test_a_limit_that_allows_nothing_is_refused(maximum: int, recovery: int) -> None:
    with pytest.raises(ValueError, match="at least"):
        InFlightLimit(maximum, recovery_calls=recovery)
