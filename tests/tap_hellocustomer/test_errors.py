"""HTTP failures: clear messages naming what failed, retries for what is transient, never the token."""

from __future__ import annotations

import contextlib
import io
import logging
import typing as t

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.tap_hellocustomer import CAMPAIGN, TOKEN, FakeHelloCustomer, response

if t.TYPE_CHECKING:
    import requests_mock as rm

WINDOW = "20231231095959/20240111140001"


def responses_url(config: dict[str, t.Any]) -> str:
    return f"{config['api_url']}/campaign/{CAMPAIGN}/answers/getall/{WINDOW}"


def sync(config: dict[str, t.Any]) -> str:
    """Run the tap and return its stdout; raise what the sync raises."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        TapHelloCustomer(config=config, parse_env_config=False).sync_all()
    return buffer.getvalue()


def calls_to(requests_mock: rm.Mocker, fragment: str) -> int:
    return len([r for r in requests_mock.request_history if fragment in r.path])


@pytest.fixture
def served(api: FakeHelloCustomer) -> FakeHelloCustomer:
    api.responses = [response("r1", "2024-01-05T12:00:00Z")]
    return api


def test_401_says_the_token_was_rejected_without_showing_it(
    served: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.get(
        responses_url(config),
        status_code=401,
        json={"message": "The authorisation of the call failed: API token is not valid"},
    )

    with pytest.raises(FatalAPIError) as failure:
        sync(config)

    assert "Hello Customer rejected the API token (HTTP 401" in str(failure.value)
    assert "api_token" in str(failure.value)
    assert TOKEN not in str(failure.value)
    assert TOKEN not in caplog.text
    assert calls_to(requests_mock, "/answers/getall/") == 1  # not retried


@pytest.mark.parametrize(
    "body",
    [
        {"message": "The start date and end date cannot be more than 31 days apart"},
        "The start date and end date cannot be more than 31 days apart",
        [{"message": "The start date and end date cannot be more than 31 days apart"}],
    ],
    ids=["object", "string", "list"],
)
def test_400_fails_with_the_api_message_the_touchpoint_and_the_window(
    served: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker, body: t.Any
) -> None:
    requests_mock.get(responses_url(config), status_code=400, json=body)

    with pytest.raises(FatalAPIError) as failure:
        sync(config)

    message = str(failure.value)
    assert "HTTP 400: The start date and end date cannot be more than 31 days apart" in message
    assert (
        f"while reading touchpoint {CAMPAIGN}, 2023-12-31T09:59:59+00:00 to "
        "2024-01-11T14:00:01+00:00" in message
    )
    assert calls_to(requests_mock, "/answers/getall/") == 1


def test_400_on_nps_names_the_period(
    served: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        f"{config['api_url']}/campaign/{CAMPAIGN}/analysis/nps/getnpsscore/"
        "20240101000000/20240110235959",
        status_code=400,
        json={"message": "The JSON model is not correct"},
    )

    with pytest.raises(
        FatalAPIError,
        match=r"HTTP 400: The JSON model is not correct to POST .*getnpsscore.* \(while reading "
        rf"touchpoint {CAMPAIGN}, 2024-01-01T00:00:00\+00:00 to 2024-01-10T23:59:59\+00:00\)",
    ):
        sync(config)


def test_429_is_retried_after_the_wait_the_server_asks_for(
    served: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    too_many = {"message": "Too many requests are following up on each other"}
    requests_mock.get(
        responses_url(config),
        [
            {"status_code": 429, "headers": {"Retry-After": "2"}, "json": too_many},
            {"status_code": 429, "json": too_many},
            {"json": served.responses},
        ],
    )

    output = sync(config)

    assert '"stream":"responses","record":{' in output.replace(" ", "")
    assert waits[0] == 2.0  # Retry-After honoured exactly
    assert 0 < waits[1] < 1  # no header: exponential backoff with jitter (waits shrunk in tests)
    assert calls_to(requests_mock, "/answers/getall/") == 3


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 500, "json": {"message": "An error has occurred."}},
        {"status_code": 503, "text": "<html>Service Unavailable</html>"},
        {"exc": requests.exceptions.ConnectionError("connection reset by peer")},
        {"exc": requests.exceptions.ReadTimeout("read timed out")},
        {"status_code": 200, "text": '[{"firstName": "John", "lastN'},
    ],
    ids=["500", "503-html", "dropped", "timeout", "truncated-json"],
)
def test_transient_failures_are_retried_until_they_pass(
    served: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    failure: dict[str, t.Any],
) -> None:
    requests_mock.get(responses_url(config), [failure, failure, {"json": served.responses}])

    output = sync(config)

    assert '"stream":"responses","record":{' in output.replace(" ", "")
    assert calls_to(requests_mock, "/answers/getall/") == 3


def test_persistent_server_errors_fail_clearly_after_the_last_attempt(
    served: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    requests_mock.get(responses_url(config), status_code=502, json={"message": "Bad gateway"})

    with pytest.raises(FatalAPIError) as failure:
        sync(config)

    message = str(failure.value)
    assert f"Gave up after {SurveyAPIStream.max_attempts} attempts" in message
    assert f"HTTP 502: Bad gateway to GET /V1.0/EN/campaign/{CAMPAIGN}/answers/getall/" in message
    assert calls_to(requests_mock, "/answers/getall/") == SurveyAPIStream.max_attempts


@pytest.mark.parametrize("date_answer", [None, "yesterday"])
def test_a_response_without_a_valid_answer_time_names_the_response(
    api: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    date_answer: str | None,
) -> None:
    broken = response("broken-1", "2024-01-05T12:00:00Z")
    broken["dateAnswer"] = date_answer
    requests_mock.get(responses_url(config), json=[broken])

    with pytest.raises(
        FatalAPIError,
        match=rf"response 'broken-1' of touchpoint {CAMPAIGN} without a valid dateAnswer",
    ):
        sync(config)


def test_an_answer_that_is_not_a_list_fails_clearly(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    requests_mock.get(responses_url(config), json={"unexpected": []})

    with pytest.raises(
        FatalAPIError, match=r"answers/getall/.* without the expected responses list"
    ):
        sync(config)


def test_no_token_in_any_output_at_debug_level(
    served: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.get(
        responses_url(config),
        [{"status_code": 500, "json": {"message": "oops"}}, {"json": served.responses}],
    )
    caplog.set_level(logging.DEBUG)

    output = sync(config)

    assert TOKEN not in output
    assert TOKEN not in caplog.text
    assert all(
        r.headers["Authorization"] == f"basic {TOKEN}" for r in requests_mock.request_history
    )
    assert all(TOKEN not in r.url for r in requests_mock.request_history)
