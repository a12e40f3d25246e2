"""survey-probe feedbackapi against the sandbox: each point settled as the sandbox reads it."""

from __future__ import annotations

import sqlite3
import typing as t

import pytest

from survey_common.readings import readings_from_text
from survey_common.readings.feedbackapi import FEEDBACKAPI_POINTS
from survey_probe.cli import run
from survey_probe.feedbackapi import probe
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.server import SandboxServer

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(params=["ours", "all"])
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    readings = None if request.param == "ours" else readings_from_text(request.param)
    with SandboxServer(tmp_path / "sandbox.db", size=20, readings=readings) as server:
        yield server


def config_for(sandbox: SandboxServer) -> dict[str, str]:
    return {"api_token": FEEDBACKAPI_TOKEN, "api_url": sandbox.base_url("feedbackapi")}


def test_every_point_is_settled_as_the_sandbox_reads_it(
    sandbox: SandboxServer, request: pytest.FixtureRequest
) -> None:
    expected = "other" if request.node.callspec.params["sandbox"] == "all" else "ours"

    findings = {finding.key: finding for finding in probe(config_for(sandbox))}

    assert set(findings) == {point.key for point in FEEDBACKAPI_POINTS}
    assert {key: f.reading for key, f in findings.items()} == dict.fromkeys(findings, expected)


def test_the_report_holds_no_token_and_no_record_data(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    lines: list[str] = []

    run("feedbackapi", config_for(sandbox), lines.append)

    report = "\n".join(lines)
    assert FEEDBACKAPI_TOKEN not in report
    with sqlite3.connect(tmp_path / "sandbox.db") as db:
        emails = [row[0] for row in db.execute("SELECT email FROM feedbackapi_customers")]
        ids = [row[0] for row in db.execute("SELECT id FROM feedbackapi_customers")]
    assert not [value for value in emails + ids if value and value in report]


@pytest.mark.parametrize("key", [point.key for point in FEEDBACKAPI_POINTS])
def test_each_point_alone_is_settled_as_other_and_no_other_point_moves(
    tmp_path: Path, key: str
) -> None:
    with SandboxServer(
        tmp_path / "sandbox.db", size=20, readings=readings_from_text(key)
    ) as sandbox:
        findings = {finding.key: finding.reading for finding in probe(config_for(sandbox))}

    assert findings == {
        point.key: "other" if point.key == key else "ours" for point in FEEDBACKAPI_POINTS
    }
