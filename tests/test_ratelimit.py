"""The shared limiter keeps calls apart without sleeping more than it must."""

from __future__ import annotations

import threading
import time

import pytest

from survey_common.ratelimit import MinIntervalLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_calls_faster_than_the_interval_wait_for_the_rest_of_it() -> None:
    clock = FakeClock()
    limiter = MinIntervalLimiter(1.0, clock=clock.time, sleep=clock.sleep)

    limiter.wait()  # first call goes at once
    clock.now += 0.25
    limiter.wait()
    limiter.wait()

    assert clock.slept == [pytest.approx(0.75), pytest.approx(1.0)]


def test_calls_slower_than_the_interval_never_wait() -> None:
    clock = FakeClock()
    limiter = MinIntervalLimiter(1.0, clock=clock.time, sleep=clock.sleep)

    for _ in range(3):
        limiter.wait()
        clock.now += 1.5

    assert clock.slept == []


def test_threads_share_one_budget() -> None:
    interval = 0.02
    limiter = MinIntervalLimiter(interval)
    finished: list[float] = []
    lock = threading.Lock()

    def call() -> None:
        limiter.wait()
        with lock:
            finished.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Six calls through one limiter need at least five intervals, whatever the threads.
    assert max(finished) - started >= 5 * interval


def test_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="interval"):
        MinIntervalLimiter(-1)
