"""survey-probe buenno against the sandbox: each point settled as the sandbox reads it."""

from __future__ import annotations

import typing as t

import pytest

from survey_common.readings import readings_from_text
from survey_probe.buenno import probe
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import BUENNO_TOKEN

if t.TYPE_CHECKING:
    from pathlib import Path

SETTLED = (
    "buenno.token-info-envelope",
    "buenno.replies-page-cap",
    "buenno.replies-limit-counts",
    "buenno.envelope-numbers",
)


@pytest.mark.parametrize("reading", ["ours", "other"])
def test_probe_settles_each_point_as_the_sandbox_reads_it(tmp_path: Path, reading: str) -> None:
    readings = None if reading == "ours" else readings_from_text("all")
    with SandboxServer(tmp_path / "sandbox.db", seed=7, size=700, readings=readings) as server:
        config = {"api_token": BUENNO_TOKEN, "api_url": server.base_url("buenno")}
        findings = {finding.key: finding for finding in probe(config)}

    for key in SETTLED:
        assert findings[key].reading == reading, findings[key]
    assert findings["buenno.list-order"].reading == reading
    assert all(BUENNO_TOKEN not in finding.evidence for finding in findings.values())
