"""survey-probe hellocustomer against the sandbox: each point settled as the sandbox reads it."""

from __future__ import annotations

import sqlite3
import typing as t

import pytest

from survey_common.readings import readings_from_text
from survey_probe.cli import run
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

INTERVAL = 0.05
POINTS = (
    "hellocustomer.getall-date",
    "hellocustomer.window-31-days",
    "hellocustomer.path-date-bounds",
    "hellocustomer.path-date-zone",
    "hellocustomer.guid-case",
    "hellocustomer.nps-date",
)


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    switched = request.param
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=5,
        size=300,
        hellocustomer_min_interval=INTERVAL,
        readings=None if switched == "ours" else readings_from_text(switched),
    ) as server:
        yield server


@pytest.mark.parametrize("sandbox", ["ours", *POINTS, "all"], indirect=True)
def test_the_probe_settles_every_point_as_the_sandbox_reads_it(
    sandbox: SandboxServer, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    switched = request.node.callspec.params["sandbox"]
    config = {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": sandbox.base_url("hellocustomer"),
        "campaign_ids": [TOUCHPOINT_STORE_VISIT.upper()],
        "start_date": "2025-03-01T00:00:00Z",
        "min_request_interval": INTERVAL,
    }
    lines: list[str] = []

    assert run("hellocustomer", config, lines.append) == 0

    found = dict(line.split(": ", 1) for line in lines if line.startswith("hellocustomer."))
    expected = {key: "other" if switched in {key, "all"} else "ours" for key in POINTS}
    assert {key: value.split(" ")[0] for key, value in found.items()} == expected
    assert lines[-1] == (
        "not settled by a read-only call: hellocustomer.getall-cap,"
        " hellocustomer.addmultiple-refusal"
    )
    output = "\n".join(lines)
    assert HELLOCUSTOMER_TOKEN not in output
    with sqlite3.connect(tmp_path / "sandbox.db") as db:
        guids = [row[0] for row in db.execute("SELECT guid FROM hellocustomer_responses")]
        emails = [row[0] for row in db.execute("SELECT email FROM hellocustomer_respondents")]
    assert not [value for value in guids + emails if value and value in output]
    assert "found" in found["hellocustomer.path-date-zone"]  # settled by a response's second
