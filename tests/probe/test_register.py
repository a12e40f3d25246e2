"""What the register says survey-probe settles is what survey-probe settles.

The docs page gives each point's probe line; a point with one must be settled by a run
of the probe against a sandbox under our reading, and a point without one must not be.
"""

from __future__ import annotations

import typing as t

import pytest

from survey_common.readings import REGISTER
from survey_probe import cli
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer

if t.TYPE_CHECKING:
    from collections.abc import Iterator

INTERVAL = 0.05


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("probe-register") / "sandbox.db"
    with SandboxServer(
        db,
        seed=7,
        size=700,
        hellocustomer_min_interval=INTERVAL,
        platform_sizes={"feedbackapi": 20},
    ) as server:
        yield server


def settings(platform: str, sandbox: SandboxServer) -> dict[str, t.Any]:
    api_url = sandbox.base_url(platform)
    if platform == "buenno":
        return {"api_token": BUENNO_TOKEN, "api_url": api_url}
    if platform == "feedbackapi":
        return {"api_token": FEEDBACKAPI_TOKEN, "api_url": api_url}
    return {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": api_url,
        "campaign_ids": [TOUCHPOINT_STORE_VISIT],
        "start_date": "2025-03-01T00:00:00Z",
        "min_request_interval": INTERVAL,
    }


@pytest.mark.parametrize("platform", sorted(cli.PROBES))
def test_the_probe_settles_exactly_the_points_whose_register_entry_says_how(
    platform: str, sandbox: SandboxServer
) -> None:
    settled = {finding.key for finding in cli.PROBES[platform](settings(platform, sandbox))}

    promised = {point.key for point in REGISTER if point.platform == platform and point.probe}
    assert settled == promised
