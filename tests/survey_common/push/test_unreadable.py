"""Pushes answered 2xx with a body that is not JSON, and the wait for an answer.

Every platform answers a push with JSON. A 200 HTML page comes from a captive portal
or a proxy that never passed the push on; a truncated body from an answer cut short
after the platform did the work. Neither tells whether the push arrived: a push safe
to repeat is sent again, any other is reported as uncertain, never counted as taken.
"""

from __future__ import annotations

import logging
import typing as t

import pytest

from survey_common.http.redact import Redactor
from survey_common.platforms.buenno import authenticator, error_message
from survey_common.push.client import PushClient, PushRequest, UncertainDeliveryError

if t.TYPE_CHECKING:
    import requests_mock as rm

API = "https://push.test/api"
TOKEN = "push-unreadable-token-2c7d"
PUSH = PushRequest("POST", "/things", json={"email": "a@example.com"})
UNREADABLE = [
    ("<html><body>Sign in to the network</body></html>", "text/html"),
    ('{"id": 12, "ema', "application/json"),
]


def client(timeout: float = 60) -> PushClient:
    return PushClient(
        platform="Buenno",
        api_url=API,
        auth=authenticator(TOKEN),
        error_message=error_message,
        redact=Redactor([TOKEN]),
        logger=logging.getLogger("test-push"),
        timeout=timeout,
    )


@pytest.mark.parametrize(("text", "content_type"), UNREADABLE, ids=["html-200", "truncated"])
def test_a_push_safe_to_repeat_is_sent_again_after_an_unreadable_2xx(
    requests_mock: rm.Mocker, text: str, content_type: str
) -> None:
    requests_mock.post(
        f"{API}/things",
        [
            {"status_code": 200, "text": text, "headers": {"Content-Type": content_type}},
            {"status_code": 201, "json": {"id": 12}},
        ],
    )

    response = client().send(PUSH, idempotent=True)

    assert response.status_code == 201
    assert requests_mock.call_count == 2


@pytest.mark.parametrize(("text", "content_type"), UNREADABLE, ids=["html-200", "truncated"])
def test_any_other_push_is_uncertain_after_an_unreadable_2xx_and_not_sent_again(
    requests_mock: rm.Mocker, text: str, content_type: str
) -> None:
    requests_mock.post(
        f"{API}/things", status_code=200, text=text, headers={"Content-Type": content_type}
    )

    with pytest.raises(UncertainDeliveryError) as uncertain:
        client().send(PUSH, idempotent=False)

    assert requests_mock.call_count == 1
    assert uncertain.value.status == 200
    assert uncertain.value.reason == (
        f"Buenno answered POST /api/things with HTTP 200 but a body that is not valid JSON "
        f"({content_type}); the request may have been acted on, so it was not sent again"
    )


def test_an_empty_2xx_is_an_answer(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/things", status_code=204)

    assert client().send(PUSH, idempotent=False).status_code == 204
    assert requests_mock.call_count == 1


def test_the_wait_for_an_answer_is_the_request_timeout(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/things", status_code=201, json={})

    client(timeout=3).send(PUSH, idempotent=True)

    timeout: object = requests_mock.request_history[-1].timeout  # (connect, read)
    assert timeout == (3, 3)
