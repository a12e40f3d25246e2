"""Fixtures for target-feedbackapi unit tests: a mocked FeedbackAPI and runs of the target."""

from __future__ import annotations

import typing as t

import pytest

from target_feedbackapi.target import TargetFeedbackAPI
from tests.target_runner import Message, TargetRun, run_target, schema

if t.TYPE_CHECKING:
    from pathlib import Path

API = "https://feedbackapi.test/v1.3"
TOKEN = "feedbackapi-target-unit-token-4d0e"
FIELDS = {
    "customers": ("email", "mobile_number", "fname", "sname", "country_code", "location"),
    "locations": ("name", "address_line_1", "postal_code", "country_code"),
    "feedback_requests": ("subscriber", "template", "location", "due", "suppress_message"),
}
#: The document's answer to a created customer.
CUSTOMER = {
    "id": "gd7TdO",
    "created": 1734134400,
    "email": "subscriber@feedbackapi.com",
    "mobile_number": "+1813555555",
    "fname": None,
    "sname": None,
    "last_sms": None,
    "last_email": None,
    "country_code": "US",
    "invalid": False,
    "opt_out": False,
    "locations": ["xS4rtY"],
}


@pytest.fixture
def config() -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": API}


def push(config: dict[str, t.Any], tmp_path: Path, stream: str, *body: Message) -> TargetRun:
    return run_target(TargetFeedbackAPI, config, [schema(stream, *FIELDS[stream]), *body], tmp_path)
