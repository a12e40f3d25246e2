"""singer-sdk's standard tap tests for tap-hellocustomer, against a throttling sandbox.

The SDK builds the test class, with its config, when the module is collected; the sandbox
binds a free port in a module fixture before any test, and the config is aimed at it then. One touchpoint
over 40 days keeps each of the suite's syncs to four calls.
"""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.integration import UNBOUND, point_at

if t.TYPE_CHECKING:
    from collections.abc import Iterator

INTERVAL = 0.2
CONFIG = {
    "api_token": HELLOCUSTOMER_TOKEN,
    "api_url": f"{UNBOUND}/hellocustomer/V1.0/EN",
    "campaign_ids": [TOUCHPOINT_STORE_VISIT],
    "start_date": "2025-01-01T00:00:00Z",
    "end_date": "2025-02-10T00:00:00Z",
    "min_request_interval": INTERVAL,
}

TestTapHelloCustomer = get_tap_test_class(
    TapHelloCustomer,
    config=CONFIG,
    suite_config=SuiteConfig(max_records_limit=None),
    parse_env_config=False,
)


@pytest.fixture(scope="module", autouse=True)
def standard_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("standard-hellocustomer") / "sandbox.db"
    with SandboxServer(db, seed=3, size=120, hellocustomer_min_interval=INTERVAL) as server:
        point_at(server, CONFIG)
        yield server
