"""singer-sdk's standard tap tests for tap-buenno and tap-feedbackapi, against one sandbox.

The SDK builds the test class, with its config, when the module is collected; the
sandbox binds a free port in a module fixture before any test, and the configs are
aimed at it then.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from survey_sandbox.server import SandboxServer
from tap_buenno.tap import TapBuenno
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.integration import BUENNO_TOKEN, UNBOUND, point_at

if t.TYPE_CHECKING:
    from collections.abc import Iterator


BUENNO_CONFIG = {"api_token": BUENNO_TOKEN, "api_url": f"{UNBOUND}/buenno/api/v01"}
FEEDBACKAPI_CONFIG = {
    "api_token": "sandbox-feedbackapi-token",
    "api_url": f"{UNBOUND}/feedbackapi/v1.3",
}

TestTapBuenno = get_tap_test_class(
    TapBuenno,
    config=BUENNO_CONFIG,
    # Enough records to cross a page of invitations (250) for every form.
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)

TestTapFeedbackAPI = get_tap_test_class(
    TapFeedbackAPI,
    config=FEEDBACKAPI_CONFIG,
    # Enough records to cross a page of 100 for the larger resources.
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)


@pytest.fixture(scope="module", autouse=True)
def standard_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("standard") / "sandbox.db"
    with SandboxServer(db, seed=3, size=260) as server:
        point_at(server, BUENNO_CONFIG, FEEDBACKAPI_CONFIG)
        yield server
