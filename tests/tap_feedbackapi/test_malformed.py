"""Answers tap-feedbackapi cannot read: retried while they may be passing, then one clear error.

An HTML page or a truncated body with status 200 is retried, then the tap gives up
naming the call and the status. JSON of another shape than the document's envelope
fails at once, naming the call, its status and what was wrong.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.secret_scan import assert_no_secrets
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_feedbackapi import API, TOKEN, calls, envelope

if t.TYPE_CHECKING:
    import requests_mock as rm


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ("<html><body>Sign in to the network</body></html>", "text/html"),
        ('{"page": 0, "total_count": 3, "data": [{"id": "a', "application/json"),
    ],
    ids=["html-200", "truncated-json"],
)
def test_a_200_that_is_not_json_is_retried_then_named_with_its_call(
    empty_api: rm.Mocker, config: dict[str, t.Any], text: str, content_type: str
) -> None:
    empty_api.get(f"{API}/accounts", text=text, headers={"Content-Type": content_type})

    with pytest.raises(FatalAPIError) as failure:
        run_tap(TapFeedbackAPI, config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])

    assert str(failure.value) == (
        f"Gave up after {SurveyAPIStream.max_attempts} attempts: FeedbackAPI answered "
        f"GET /v1.3/accounts with HTTP 200 but a body that is not valid JSON ({content_type})"
    )
    assert len(calls(empty_api, "accounts")) == SurveyAPIStream.max_attempts


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            [{"id": "a", "created": 1734134400}],
            r"answered GET /v1.3/accounts with HTTP 200 but without the expected 'data' list",
        ),
        (
            {**envelope([]), "data": ["a", "b"]},
            r"answered GET /v1.3/accounts \(HTTP 200\) in a shape stream 'accounts' does not "
            r"know: TypeError",
        ),
        (
            {**envelope([]), "total_count": "many"},
            r"answered GET /v1.3/accounts \(HTTP 200\) in a shape stream 'accounts' does not "
            r"know: ValueError",
        ),
    ],
    ids=["list-for-object", "record-not-object", "total-not-a-number"],
)
def test_json_of_another_shape_fails_at_once_naming_the_call(
    empty_api: rm.Mocker, config: dict[str, t.Any], body: t.Any, message: str
) -> None:
    empty_api.get(f"{API}/accounts", json=body)

    with pytest.raises(FatalAPIError, match=message) as failure:
        run_tap(TapFeedbackAPI, config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])
    assert len(calls(empty_api, "accounts")) == 1
