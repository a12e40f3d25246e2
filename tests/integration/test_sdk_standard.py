"""singer-sdk's standard tap tests for tap-buenno and tap-feedbackapi, against one sandbox.

The SDK builds the test class when the module is collected, so the sandbox's
port is chosen here and the server started by a module fixture before any test.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from survey_sandbox.server import SandboxServer
from tap_buenno.tap import TapBuenno
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.integration import BUENNO_TOKEN, free_port

if t.TYPE_CHECKING:
    from collections.abc import Iterator


PORT = free_port()

TestTapBuenno = get_tap_test_class(
    TapBuenno,
    config={"api_token": BUENNO_TOKEN, "api_url": f"http://127.0.0.1:{PORT}/buenno/api/v01"},
    # Enough records to cross a page of invitations (250) for every form.
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)

TestTapFeedbackAPI = get_tap_test_class(
    TapFeedbackAPI,
    config={
        "api_token": "sandbox-feedbackapi-token",
        "api_url": f"http://127.0.0.1:{PORT}/feedbackapi/v1.3",
    },
    # Enough records to cross a page of 100 for the larger resources.
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)


@pytest.fixture(scope="module", autouse=True)
def standard_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("standard") / "sandbox.db"
    with SandboxServer(db, port=PORT, seed=3, size=260) as server:
        yield server
