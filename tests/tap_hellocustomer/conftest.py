"""Fixtures for tap-hellocustomer unit tests: a mocked Hello Customer API built from the document."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.tap_hellocustomer import API, CAMPAIGN, TOKEN, FakeHelloCustomer

if t.TYPE_CHECKING:
    import requests_mock as rm


@pytest.fixture
def api(requests_mock: rm.Mocker) -> FakeHelloCustomer:
    return FakeHelloCustomer().install(requests_mock)


@pytest.fixture
def config() -> dict[str, t.Any]:
    """One touchpoint over the first 10 days of 2024, with no pacing and no lookback."""
    return {
        "api_token": TOKEN,
        "api_url": API,
        "campaign_ids": [CAMPAIGN],
        "start_date": "2024-01-01T00:00:00Z",
        "end_date": "2024-01-11T00:00:00Z",
        "min_request_interval": 0,
        "lookback_days": 0,
    }
