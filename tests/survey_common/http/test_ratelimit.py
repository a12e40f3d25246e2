"""The shared limiter keeps calls apart without sleeping more than it must."""

from __future__ import annotations

import threading
import time

import pytest

from survey_common.http.ratelimit import MinIntervalLimiter


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


def test_the_interval_starts_again_when_a_call_is_answered() -> None:
    clock = FakeClock()
    limiter = MinIntervalLimiter(1.0, clock=clock.time, sleep=clock.sleep)

    limiter.wait()
    clock.now += 0.4  # the call takes 0.4 s to be answered
    limiter.call_ended()
    clock.now += 0.5
    limiter.wait()  # 0.9 s after the first call started, 0.5 s after its answer

    # Counted from the answer, so the server never sees two calls less than 1 s apart.
    assert clock.slept == [pytest.approx(0.5)]


def test_an_answer_never_brings_forward_a_slot_another_thread_claimed() -> None:
    now = [100.0]
    slept: list[float] = []
    # Sleeping does not move this clock: the sleeping thread waits while others run.
    limiter = MinIntervalLimiter(1.0, clock=lambda: now[0], sleep=slept.append)

    limiter.wait()  # thread A calls at 100
    limiter.wait()  # thread B is due at 101
    now[0] = 100.3
    limiter.call_ended()  # A is answered at 100.3
    limiter.wait()  # thread C must still come after B's slot, at 102

    assert slept == [pytest.approx(1.0), pytest.approx(1.7)]
