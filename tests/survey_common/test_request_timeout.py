"""The request_timeout setting: how long every connector waits for each answer."""

from __future__ import annotations

import contextlib
import io
import typing as t

import pytest
from singer_sdk.exceptions import ConfigValidationError

from survey_common.settings import DEFAULT_REQUEST_TIMEOUT
from tap_buenno.tap import TapBuenno
from target_feedbackapi.target import TargetFeedbackAPI
from tests.helpers.tap_buenno import API, first_page_only, fixture

if t.TYPE_CHECKING:
    import requests_mock as rm

EMPTY_REPLIES = {"replies": [], "total": "0", "limit": "1000", "offset": "0"}


@pytest.mark.parametrize(
    ("settings", "expected"), [({}, DEFAULT_REQUEST_TIMEOUT), ({"request_timeout": 2}, 2)]
)
def test_a_tap_waits_request_timeout_for_each_answer(
    requests_mock: rm.Mocker, settings: dict[str, int], expected: int
) -> None:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(
        f"{API}/invitations", json=first_page_only(fixture("invitations"), "invitations")
    )
    requests_mock.get(f"{API}/replies", json=EMPTY_REPLIES)
    config = {"api_token": "timeout-test-token", "api_url": API, **settings}

    with contextlib.redirect_stdout(io.StringIO()):
        TapBuenno(config=config, parse_env_config=False).sync_all()

    assert {request.timeout for request in requests_mock.request_history} == {expected}


def test_a_request_timeout_below_one_second_is_refused() -> None:
    with pytest.raises(ConfigValidationError, match=r"request_timeout"):
        TargetFeedbackAPI(
            config={"api_token": "t", "api_url": "https://x.test", "request_timeout": 0},
            parse_env_config=False,
        )
