"""Every connector bounds its calls in flight by default, and says so in its settings."""

from __future__ import annotations

import pytest

from survey_common.http.inflight import DEFAULT_MAX_CONCURRENT_REQUESTS
from survey_common.platforms.feedbackapi import PUSH_MAX_CONCURRENT_REQUESTS
from tap_buenno.tap import TapBuenno
from tap_feedbackapi.tap import TapFeedbackAPI
from tap_hellocustomer.tap import TapHelloCustomer
from target_buenno.target import TargetBuenno
from target_feedbackapi.target import TargetFeedbackAPI
from target_hellocustomer.target import TargetHelloCustomer

CONNECTORS = {
    "tap-buenno": (TapBuenno, DEFAULT_MAX_CONCURRENT_REQUESTS),
    "tap-feedbackapi": (TapFeedbackAPI, DEFAULT_MAX_CONCURRENT_REQUESTS),
    "tap-hellocustomer": (TapHelloCustomer, DEFAULT_MAX_CONCURRENT_REQUESTS),
    "target-buenno": (TargetBuenno, DEFAULT_MAX_CONCURRENT_REQUESTS),
    # A new customer costs up to three calls: the same customers in flight as the others.
    "target-feedbackapi": (TargetFeedbackAPI, PUSH_MAX_CONCURRENT_REQUESTS),
    "target-hellocustomer": (TargetHelloCustomer, DEFAULT_MAX_CONCURRENT_REQUESTS),
}


@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_each_connector_declares_a_modest_default_bound(name: str) -> None:
    connector, default = CONNECTORS[name]
    setting = connector.config_jsonschema["properties"]["max_concurrent_requests"]

    assert setting["default"] == default
    assert 1 <= default <= 16
    assert "429 halves" in setting["description"]
