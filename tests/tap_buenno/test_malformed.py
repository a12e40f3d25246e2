"""Answers tap-buenno cannot read: retried while they may be passing, then one clear error.

An HTML page or a truncated body with status 200 is what a proxy or a broken connection
sends: it is retried, then the tap gives up naming the call and the status. JSON of
another shape than the document's is no passing trouble: it fails at once, naming the
call, its status and what was missing.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tests.helpers.secret_scan import assert_no_secrets
from tests.helpers.tap_buenno import API, EMPTY_REPLIES, TOKEN, fixture, reply, sync

if t.TYPE_CHECKING:
    import requests_mock as rm


def calls_to(requests_mock: rm.Mocker, path: str) -> int:
    return len([r for r in requests_mock.request_history if r.path.endswith(path)])


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ("<html><body>Sign in to the network</body></html>", "text/html"),
        ('{"invitations": [{"id": 1, "form', "application/json"),
    ],
    ids=["html-200", "truncated-json"],
)
def test_a_200_that_is_not_json_is_retried_then_named_with_its_call(
    healthy: rm.Mocker, config: dict[str, t.Any], text: str, content_type: str
) -> None:
    healthy.get(f"{API}/invitations", text=text, headers={"Content-Type": content_type})

    with pytest.raises(FatalAPIError) as failure:
        sync(config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])

    assert str(failure.value) == (
        f"Gave up after {SurveyAPIStream.max_attempts} attempts: Buenno answered "
        f"GET /api/v01/invitations with HTTP 200 but a body that is not valid JSON "
        f"({content_type})"
    )
    assert calls_to(healthy, "/invitations") == SurveyAPIStream.max_attempts


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            "/invitations",
            [fixture("invitations")],
            r"answered GET /api/v01/invitations with HTTP 200 but without the expected "
            r"'invitations' list",
        ),
        (
            "/invitations",
            {"invitations": [1, 2]},
            r"answered GET /api/v01/invitations \(HTTP 200\) in a shape stream 'invitations' "
            r"does not know: TypeError: a record is 1",
        ),
        (
            "/token-info",
            {"api_token": {"forms": [{"name": "A form without its id"}]}},
            r"answered GET /api/v01/token-info \(HTTP 200\) in a shape stream 'forms' does not "
            r"know: KeyError: 'id'",
        ),
        (
            "/replies",
            {**EMPTY_REPLIES, "total": "1", "replies": [{**reply(7), "answers": 42}]},
            r"answered GET /api/v01/replies \(HTTP 200\) in a shape stream 'reply_answers' "
            r"does not know: TypeError",
        ),
    ],
    ids=["list-for-object", "record-not-object", "missing-key", "nested-not-list"],
)
def test_json_of_another_shape_fails_at_once_naming_the_call(
    healthy: rm.Mocker, config: dict[str, t.Any], path: str, body: t.Any, message: str
) -> None:
    healthy.get(f"{API}{path}", json=body)

    with pytest.raises(FatalAPIError, match=message) as failure:
        sync(config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])
    assert calls_to(healthy, path) == 1
