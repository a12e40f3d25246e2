"""Errors: the token is never shown; the API's type and message are."""

from __future__ import annotations

import base64
import logging
import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_feedbackapi import API, TOKEN, calls, envelope

if t.TYPE_CHECKING:
    import requests_mock as rm


def test_basic_auth_with_the_token_as_user_name(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    run_tap(TapFeedbackAPI, config)

    expected = "Basic " + base64.b64encode(f"{TOKEN}:".encode()).decode()
    assert {r.headers["Authorization"] for r in empty_api.request_history} == {expected}


def test_401_says_the_token_was_rejected(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    empty_api.get(
        f"{API}/customers",
        status_code=401,
        json={"type": "authentication_error", "message": "No valid API key provided."},
    )

    with pytest.raises(FatalAPIError, match="FeedbackAPI rejected the API token") as failure:
        run_tap(TapFeedbackAPI, config)
    assert TOKEN not in str(failure.value)
    assert TOKEN not in caplog.text
    assert len(calls(empty_api, "customers")) == 1


@pytest.mark.parametrize("status", [400, 402, 404])
def test_client_errors_fail_with_type_and_message(
    empty_api: rm.Mocker, config: dict[str, t.Any], status: int
) -> None:
    empty_api.get(
        f"{API}/reviews",
        status_code=status,
        json={
            "type": "invalid_request_error",
            "message": "Unknown filter",
            "param": "rating_less_than",
        },
    )

    expected = rf"HTTP {status}: invalid_request_error: Unknown filter \(param rating_less_than\) to GET /v1.3/reviews"
    with pytest.raises(FatalAPIError, match=expected):
        run_tap(TapFeedbackAPI, config)
    assert len(calls(empty_api, "reviews")) == 1


def test_429_backs_off_exponentially_then_succeeds(
    empty_api: rm.Mocker, config: dict[str, t.Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    limited = {
        "status_code": 429,
        "json": {"type": "rate_limit_error", "message": "Too many requests"},
    }
    empty_api.get(
        f"{API}/accounts",
        [limited, limited, limited, {"json": envelope([{"id": "a", "created": 1734134400}])}],
    )

    output = run_tap(TapFeedbackAPI, config)

    assert [a["id"] for a in output.records("accounts")] == ["a"]
    assert len(waits) == 3
    assert waits[0] < waits[2]  # exponential: each wait at least half of a doubling ceiling


def test_500_is_retried(empty_api: rm.Mocker, config: dict[str, t.Any]) -> None:
    empty_api.get(
        f"{API}/users",
        [
            {"status_code": 500, "json": {"type": "api_error"}},
            {"status_code": 503, "text": "unavailable"},
            {"json": envelope([{"id": "u", "created": 1733875200, "last_access": False}])},
        ],
    )

    output = run_tap(TapFeedbackAPI, config)

    assert output.records("users")[0]["last_access"] is None
    assert len(calls(empty_api, "users")) == 3
