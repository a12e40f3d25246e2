"""One limiter per tap keeps every call apart, across streams, touchpoints and retries."""

from __future__ import annotations

import contextlib
import io
import itertools
import time
import typing as t

import pytest

from survey_common.http.ratelimit import MinIntervalLimiter
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.tap_hellocustomer import CAMPAIGN, CAMPAIGN_2, FakeHelloCustomer, response

if t.TYPE_CHECKING:
    import requests_mock as rm

    from tap_hellocustomer.client import HelloCustomerStream


class FakeClock:
    """Time that moves only when the limiter sleeps, so pacing is measured without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def sync(tap: TapHelloCustomer) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        tap.sync_all()


@pytest.fixture
def busy_config(api: FakeHelloCustomer, config: dict[str, t.Any]) -> dict[str, t.Any]:
    """Two touchpoints over 45 days: two windows of responses and two months of NPS each."""
    api.responses = [
        response("a", "2024-01-10T00:00:00Z"),
        response("b", "2024-02-10T00:00:00Z", CAMPAIGN_2),
    ]
    config = {**config, "campaign_ids": [CAMPAIGN, CAMPAIGN_2]}
    config["end_date"] = "2024-02-15T00:00:00Z"
    del config["min_request_interval"]  # the default: 1 second
    return config


def test_streams_share_the_one_limiter_of_their_tap(config: dict[str, t.Any]) -> None:
    tap = TapHelloCustomer(config=config, parse_env_config=False)
    other = TapHelloCustomer(config=config, parse_env_config=False)

    limiters = {
        id(t.cast("HelloCustomerStream", tap.streams[name]).request_limiter)
        for name in ("responses", "nps")
    }

    assert limiters == {id(tap.request_limiter)}
    assert other.request_limiter is not tap.request_limiter
    assert tap.request_limiter.interval == 0


def test_every_call_and_retry_is_a_full_interval_after_the_previous_answer(
    busy_config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    clock = FakeClock()
    tap = TapHelloCustomer(config=busy_config, parse_env_config=False)
    assert tap.request_limiter.interval == 1.0
    tap.__dict__["request_limiter"] = MinIntervalLimiter(1.0, clock=clock.time, sleep=clock.sleep)
    failing_once = f"{busy_config['api_url']}/campaign/{CAMPAIGN_2}/answers/getall/20231231095959/20240129140001"
    requests_mock.get(
        failing_once, [{"status_code": 503, "json": {"message": "busy"}}, {"json": []}]
    )
    sent_at: list[float] = []
    # Matchers added last are asked first; this one answers nothing and sees every call.
    requests_mock.add_matcher(lambda request: sent_at.append(clock.now))

    sync(tap)

    # 2 touchpoints x (2 windows + 2 months) + 1 retry
    assert len(sent_at) == len(requests_mock.request_history) == 9
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert all(gap >= 1.0 for gap in gaps), gaps
    assert max(gaps) == pytest.approx(1.0)  # and never more than needed


def test_spacing_measured_in_real_time(
    busy_config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    interval = 0.05
    sent_at: list[float] = []
    requests_mock.add_matcher(lambda request: sent_at.append(time.monotonic()))
    tap = TapHelloCustomer(
        config={**busy_config, "min_request_interval": interval}, parse_env_config=False
    )

    started = time.monotonic()
    sync(tap)
    elapsed = time.monotonic() - started

    assert len(sent_at) == 8
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert min(gaps) >= interval
    assert elapsed < 8 * interval + 2.0  # pacing, not extra sleeping


def test_no_interval_means_no_waiting(
    busy_config: dict[str, t.Any], requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    tap = TapHelloCustomer(
        config={**busy_config, "min_request_interval": 0}, parse_env_config=False
    )
    slept: list[float] = []
    tap.__dict__["request_limiter"] = MinIntervalLimiter(0, sleep=slept.append)

    sync(tap)

    assert len(requests_mock.request_history) == 8
    assert slept == []
