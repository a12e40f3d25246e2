"""HTTP failures: clear messages, retries for what is transient, never the token."""

from __future__ import annotations

import logging
import typing as t

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tests.helpers.tap_buenno import API, TOKEN, fixture, sync

if t.TYPE_CHECKING:
    import requests_mock as rm


def test_401_says_the_token_was_rejected_without_showing_it(
    requests_mock: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(f"{API}/token-info", status_code=401, json={"error_message": "Invalid token"})

    with pytest.raises(FatalAPIError) as failure:
        sync(config)

    assert "rejected the API token" in str(failure.value)
    assert "api_token" in str(failure.value)
    assert TOKEN not in str(failure.value)
    assert TOKEN not in caplog.text
    assert requests_mock.call_count == 1  # not retried


@pytest.mark.parametrize("status", [403, 404])
def test_403_and_404_fail_with_the_api_message(
    healthy: rm.Mocker, config: dict[str, t.Any], status: int
) -> None:
    # The document's own error example.
    healthy.get(f"{API}/invitations", status_code=status, json=fixture("error"))

    expected = rf"HTTP {status}: Whoops! Something went wrong\. to GET /api/v01/invitations"
    with pytest.raises(FatalAPIError, match=expected):
        sync(config)
    assert len([r for r in healthy.request_history if r.path.endswith("/invitations")]) == 1


def test_429_is_retried_after_the_wait_the_server_asks_for(
    healthy: rm.Mocker, config: dict[str, t.Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    healthy.get(
        f"{API}/invitations",
        [
            {
                "status_code": 429,
                "headers": {"Retry-After": "7"},
                "json": {"error_message": "Slow down"},
            },
            {"status_code": 429, "json": {"error_message": "Slow down"}},
            {"json": fixture("invitations")},
            {"json": {"invitations": []}},
        ],
    )

    output = sync(config)

    assert '"stream":"invitations"' in output.replace(" ", "")
    assert waits[0] == 7.0  # Retry-After honoured exactly
    assert 0 < waits[1] < 1  # no header: exponential backoff with jitter (waits shrunk in tests)


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 500, "json": {"error_message": "Internal error"}},
        {"status_code": 503, "text": "<html>Service Unavailable</html>"},
        {"exc": requests.exceptions.ConnectionError("connection reset by peer")},
        {"exc": requests.exceptions.ReadTimeout("read timed out")},
        {"status_code": 200, "text": '{"invitations": [{"id": 1, "form'},
        {
            "status_code": 200,
            "text": "<html>maintenance</html>",
            "headers": {"Content-Type": "text/html"},
        },
    ],
    ids=["500", "503-html", "dropped", "timeout", "truncated-json", "html-200"],
)
def test_transient_failures_are_retried_until_they_pass(
    healthy: rm.Mocker, config: dict[str, t.Any], failure: dict[str, t.Any]
) -> None:
    healthy.get(
        f"{API}/invitations",
        [failure, failure, {"json": fixture("invitations")}, {"json": {"invitations": []}}],
    )

    output = sync(config)

    assert '"type":"RECORD","stream":"invitations"' in output.replace(" ", "")
    # Two failures, the page, and the empty page that ends a list a server may cap.
    assert len([r for r in healthy.request_history if r.path.endswith("/invitations")]) == 4


def test_persistent_server_errors_fail_clearly_after_the_last_attempt(
    healthy: rm.Mocker, config: dict[str, t.Any]
) -> None:
    healthy.get(f"{API}/invitations", status_code=502, json={"error_message": "Bad gateway"})

    with pytest.raises(FatalAPIError) as failure:
        sync(config)

    message = str(failure.value)
    assert f"Gave up after {SurveyAPIStream.max_attempts} attempts" in message
    assert "HTTP 502: Bad gateway to GET /api/v01/invitations" in message
    calls = [r for r in healthy.request_history if r.path.endswith("/invitations")]
    assert len(calls) == SurveyAPIStream.max_attempts


def test_unreachable_api_fails_clearly(healthy: rm.Mocker, config: dict[str, t.Any]) -> None:
    healthy.get(f"{API}/token-info", exc=requests.exceptions.ConnectionError("refused"))

    with pytest.raises(
        FatalAPIError, match=r"Buenno could not be reached .* attempts: ConnectionError"
    ):
        sync(config)


def test_envelope_without_the_record_list_names_the_endpoint(
    healthy: rm.Mocker, config: dict[str, t.Any]
) -> None:
    healthy.get(f"{API}/invitations", json={"unexpected": []})

    with pytest.raises(
        FatalAPIError, match=r"GET /api/v01/invitations .* expected 'invitations' list"
    ):
        sync(config)


def test_malformed_timestamp_names_the_record_and_field(
    healthy: rm.Mocker, config: dict[str, t.Any]
) -> None:
    page = fixture("invitations")
    page["invitations"][0]["opened_at"] = "yesterday"
    healthy.get(f"{API}/invitations", json=page)

    with pytest.raises(
        FatalAPIError, match=r"stream 'invitations', record \{'id': 1\}, field 'opened_at'"
    ):
        sync(config)


def test_no_token_in_any_output_at_debug_level(
    healthy: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    healthy.get(
        f"{API}/invitations",
        [
            {"status_code": 500, "json": {"error_message": "oops"}},
            {"json": fixture("invitations")},
            {"json": {"invitations": []}},
        ],
    )
    caplog.set_level(logging.DEBUG)

    output = sync(config)

    assert TOKEN not in output
    assert TOKEN not in caplog.text
    assert all(r.headers["api-auth-token"] == TOKEN for r in healthy.request_history)
    assert all(TOKEN not in r.url for r in healthy.request_history)
