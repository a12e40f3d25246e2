"""Answers tap-hellocustomer cannot read: retried while they may be passing, then one clear error.

An HTML page or a truncated body with status 200 is retried, then the tap gives up
naming the call and the status. JSON of another shape than the document's fails at
once, naming the call, its status and what was wrong, also when the wrong part is
read by ``response_answers`` from the responses' page.
"""

from __future__ import annotations

import contextlib
import io
import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.tap.stream import SurveyAPIStream
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.secret_scan import assert_no_secrets
from tests.helpers.tap_hellocustomer import CAMPAIGN, TOKEN, response

if t.TYPE_CHECKING:
    import requests_mock as rm

    from tests.helpers.tap_hellocustomer import FakeHelloCustomer

WINDOW = "20231231095959/20240111140001"
ENDPOINT = f"GET /V1.0/EN/campaign/{CAMPAIGN}/answers/getall/{WINDOW}"


def sync(config: dict[str, t.Any]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        TapHelloCustomer(config=config, parse_env_config=False).sync_all()


def responses_url(config: dict[str, t.Any]) -> str:
    return f"{config['api_url']}/campaign/{CAMPAIGN}/answers/getall/{WINDOW}"


def calls_to(requests_mock: rm.Mocker, fragment: str) -> int:
    return len([r for r in requests_mock.request_history if fragment in r.path])


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ("<html><body>Sign in to the network</body></html>", "text/html"),
        ('[{"uniqueID": "r1", "dateAns', "application/json"),
    ],
    ids=["html-200", "truncated-json"],
)
def test_a_200_that_is_not_json_is_retried_then_named_with_its_call(
    api: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    text: str,
    content_type: str,
) -> None:
    requests_mock.get(responses_url(config), text=text, headers={"Content-Type": content_type})

    with pytest.raises(FatalAPIError) as failure:
        sync(config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])

    assert str(failure.value) == (
        f"Gave up after {SurveyAPIStream.max_attempts} attempts: Hello Customer answered "
        f"{ENDPOINT} with HTTP 200 but a body that is not valid JSON ({content_type})"
    )
    assert calls_to(requests_mock, "/answers/getall/") == SurveyAPIStream.max_attempts


def nested_not_a_list() -> list[dict[str, t.Any]]:
    record = response("r1", "2024-01-05T12:00:00Z")
    record["answerQuestions"] = 42
    return [record]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"data": []}, rf"answered {ENDPOINT} with HTTP 200 but without the expected responses"),
        (
            [1, 2],
            rf"answered {ENDPOINT} \(HTTP 200\) in a shape stream 'responses' does not know: "
            r"AttributeError",
        ),
        (
            nested_not_a_list(),
            rf"answered {ENDPOINT} \(HTTP 200\) in a shape stream 'response_answers' does not "
            r"know: TypeError",
        ),
    ],
    ids=["object-for-list", "record-not-object", "nested-not-list"],
)
def test_json_of_another_shape_fails_at_once_naming_the_call(
    api: FakeHelloCustomer,
    config: dict[str, t.Any],
    requests_mock: rm.Mocker,
    body: t.Any,
    message: str,
) -> None:
    requests_mock.get(responses_url(config), json=body)

    with pytest.raises(FatalAPIError, match=message) as failure:
        sync(config)
    assert_no_secrets({"exception": str(failure.value)}, [TOKEN])
    assert calls_to(requests_mock, "/answers/getall/") == 1
