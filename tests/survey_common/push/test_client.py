"""The push client: which failures are retried, which stop the run, which make a push uncertain."""

from __future__ import annotations

import logging
import socket
import typing as t

import pytest
import requests
import urllib3.exceptions
from singer_sdk.exceptions import RetriableAPIError

from survey_common.http import retry
from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.http.redact import Redactor
from survey_common.platforms.buenno import authenticator, error_message
from survey_common.push.client import (
    PushClient,
    PushRequest,
    PushStoppedError,
    UncertainDeliveryError,
)

if t.TYPE_CHECKING:
    import requests_mock as rm

API = "https://push.test/api"
TOKEN = "push-client-token-5b1e"
PUSH = PushRequest("POST", "/things", form={"email": "a@example.com"})


def client(limiter: MinIntervalLimiter | None = None, api: str = API) -> PushClient:
    return PushClient(
        platform="Buenno",
        api_url=api,
        auth=authenticator(TOKEN),
        error_message=error_message,
        redact=Redactor([TOKEN]),
        logger=logging.getLogger("test-push"),
        limiter=limiter,
    )


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the backoff waits instead of sleeping them."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


def test_sends_the_form_with_the_token_header(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/things", status_code=201, json={})

    response = client().send(PUSH, idempotent=True)

    assert response.status_code == 201
    sent = requests_mock.request_history[-1]
    assert sent.headers["api-auth-token"] == TOKEN
    assert sent.text == "email=a%40example.com"
    assert TOKEN not in sent.url


def test_a_4xx_is_returned_for_the_sink_to_judge(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/things", status_code=409, json={"error_message": "exists"})

    assert client().send(PUSH, idempotent=False).status_code == 409
    assert requests_mock.call_count == 1


def test_401_stops_the_run_without_the_token_and_without_retrying(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.post(f"{API}/things", status_code=401, json={"error_message": f"bad {TOKEN}"})

    with pytest.raises(PushStoppedError, match="Buenno rejected the API token") as stop:
        client().send(PUSH, idempotent=True)

    assert "api_token setting" in str(stop.value)
    assert TOKEN not in str(stop.value)
    assert TOKEN not in caplog.text
    assert requests_mock.call_count == 1


def test_429_waits_as_long_as_retry_after_asks(
    requests_mock: rm.Mocker, waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.post(
        f"{API}/things",
        [
            {"status_code": 429, "headers": {"Retry-After": "7"}, "json": {}},
            {"status_code": 201, "json": {}},
        ],
    )

    assert client().send(PUSH, idempotent=False).status_code == 201
    assert waits == [7.0]
    assert "HTTP 429" in caplog.text
    assert "attempt 1 of 6 failed, retrying in 7.0 s" in caplog.text


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_idempotent_pushes_retry_5xx_with_growing_waits(
    requests_mock: rm.Mocker, waits: list[float], status: int
) -> None:
    requests_mock.post(
        f"{API}/things",
        [{"status_code": status, "json": {}}] * 3 + [{"status_code": 200, "json": {}}],
    )

    assert client().send(PUSH, idempotent=True).status_code == 200
    assert requests_mock.call_count == 4
    assert len(waits) == 3
    assert waits[0] < waits[2]  # exponential, whatever the jitter


@pytest.mark.parametrize(
    "error",
    [requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError, ConnectionResetError],
)
def test_idempotent_pushes_retry_timeouts_and_dropped_connections(
    requests_mock: rm.Mocker, waits: list[float], error: type[Exception]
) -> None:
    requests_mock.post(f"{API}/things", [{"exc": error}, {"status_code": 200, "json": {}}])

    assert client().send(PUSH, idempotent=True).status_code == 200
    assert requests_mock.call_count == 2


def test_giving_up_stops_the_run_with_the_last_answer(
    requests_mock: rm.Mocker, waits: list[float]
) -> None:
    requests_mock.post(f"{API}/things", status_code=502, json={"error_message": "Bad gateway"})

    with pytest.raises(PushStoppedError) as stop:
        client().send(PUSH, idempotent=True)

    assert requests_mock.call_count == retry.MAX_ATTEMPTS
    assert str(stop.value) == (
        "Buenno did not take the push after 6 attempts, the last one failing with: "
        "Buenno answered HTTP 502: Bad gateway to POST /api/things"
    )


@pytest.mark.parametrize("status", [429, 503])
def test_non_idempotent_pushes_retry_answers_that_say_nothing_was_done(
    requests_mock: rm.Mocker, waits: list[float], status: int
) -> None:
    requests_mock.post(
        f"{API}/things", [{"status_code": status, "json": {}}, {"status_code": 200, "json": {}}]
    )

    assert client().send(PUSH, idempotent=False).status_code == 200
    assert requests_mock.call_count == 2


@pytest.mark.parametrize("status", [500, 502, 504])
def test_non_idempotent_pushes_are_not_resent_after_a_server_error(
    requests_mock: rm.Mocker, status: int
) -> None:
    requests_mock.post(f"{API}/things", status_code=status, json={"error_message": "Oops"})

    with pytest.raises(UncertainDeliveryError) as uncertain:
        client().send(PUSH, idempotent=False)

    assert requests_mock.call_count == 1
    assert uncertain.value.status == status
    assert f"HTTP {status}: Oops" in uncertain.value.reason
    assert "may have been acted on" in uncertain.value.reason


def test_non_idempotent_pushes_are_not_resent_after_a_read_timeout(
    requests_mock: rm.Mocker,
) -> None:
    requests_mock.post(f"{API}/things", exc=requests.exceptions.ReadTimeout)

    with pytest.raises(UncertainDeliveryError) as uncertain:
        client().send(PUSH, idempotent=False)

    assert requests_mock.call_count == 1
    assert uncertain.value.status is None
    assert uncertain.value.reason.startswith("ReadTimeout on POST /api/things to Buenno")


def test_non_idempotent_pushes_retry_a_connect_timeout(
    requests_mock: rm.Mocker, waits: list[float]
) -> None:
    requests_mock.post(
        f"{API}/things",
        [{"exc": requests.exceptions.ConnectTimeout}, {"status_code": 200, "json": {}}],
    )

    assert client().send(PUSH, idempotent=False).status_code == 200


def test_a_refused_connection_is_retried_then_stops_the_run(waits: list[float]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(PushStoppedError, match="after 6 attempts") as stop:
        client(api=f"http://127.0.0.1:{port}").send(PUSH, idempotent=False)

    assert "ConnectionError on POST /things" in str(stop.value)
    assert len(waits) == retry.MAX_ATTEMPTS - 1


@pytest.mark.parametrize(
    ("error", "reached"),
    [
        (requests.exceptions.ConnectTimeout(), False),
        (
            requests.exceptions.ConnectionError(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.NewConnectionError(None, "refused"),  # type: ignore[arg-type]
                )
            ),
            False,
        ),
        (requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("reset")), True),
        (requests.exceptions.ReadTimeout(), True),
        (requests.exceptions.ChunkedEncodingError(), True),
        (RetriableAPIError("busy", None), True),
    ],
)
def test_may_have_reached_server(error: Exception, reached: bool) -> None:
    assert retry.may_have_reached_server(error) is reached


def test_every_attempt_waits_for_the_limiter(requests_mock: rm.Mocker, waits: list[float]) -> None:
    now = [100.0]
    paced: list[float] = []
    limiter = MinIntervalLimiter(1.0, clock=lambda: now[0], sleep=paced.append)
    requests_mock.post(
        f"{API}/things", [{"status_code": 429, "json": {}}, {"status_code": 200, "json": {}}]
    )

    client(limiter).send(PUSH, idempotent=True)

    assert paced == [1.0]  # the retry waited a full interval after the first answer


def test_messages_redact_a_token_the_api_echoes(requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        f"{API}/things", status_code=400, json={"error_message": f"token {TOKEN} cannot do that"}
    )

    response = client().send(PUSH, idempotent=True)

    assert client().explain(response) == (
        "Buenno answered HTTP 400: token [redacted] cannot do that to POST /api/things"
    )
