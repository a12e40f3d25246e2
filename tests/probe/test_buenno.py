"""survey-probe buenno against the sandbox: each point settled as the sandbox reads it."""

from __future__ import annotations

import re
import typing as t

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_probe.buenno import probe
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import BUENNO_TOKEN

if t.TYPE_CHECKING:
    from pathlib import Path

    from survey_probe.finding import Finding

WINDOWS_AND_INVITATIONS = (
    "buenno.replies-window-bounds",
    "buenno.replies-date-field",
    "buenno.invitations-bounds",
    "buenno.invitations-page-cap",
)
"""Points settled by calls of their own, each from the records the probe read first."""

SETTLED = (
    "buenno.token-info-envelope",
    "buenno.replies-page-cap",
    "buenno.replies-limit-counts",
    "buenno.envelope-numbers",
    *WINDOWS_AND_INVITATIONS,
)


TRAPS = (
    {"form_id": 1, "created_at": "2023-06-01T00:00:00Z", "updated_at": "2023-06-01T00:00:01Z"},
    {"form_id": 1, "created_at": "2023-06-01T00:00:10Z", "updated_at": "2023-06-01T00:00:12Z"},
    {"form_id": 1, "created_at": "2023-06-01T00:00:12Z"},
)
"""The oldest replies, first in either date's order: edited one second after creation
(too close to tell the dates apart in a two-second window), two seconds after (the
closest edit the probe can use), and one never edited, created in that edit's second:
a check taking the first reply it sees, or counting what a window holds instead of
looking for its reply, is caught."""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database for every reading (the probe only reads), with the traps."""
    path = tmp_path_factory.mktemp("probe-buenno") / "sandbox.db"
    with SandboxServer(path, seed=7, size=700) as server:
        for reply in TRAPS:
            response = requests.post(
                f"{server.url}/_sandbox/buenno/replies", json=reply, timeout=10
            )
            response.raise_for_status()
    return path


def probe_under(database: Path, readings: str | None) -> dict[str, Finding]:
    """Run the probe against a sandbox taking the other reading on ``readings``."""
    switched = None if readings is None else readings_from_text(readings)
    with SandboxServer(database, seed=7, size=700, readings=switched) as server:
        config = {"api_token": BUENNO_TOKEN, "api_url": server.base_url("buenno")}
        return {finding.key: finding for finding in probe(config)}


@pytest.mark.parametrize("reading", ["ours", "other"])
def test_probe_settles_each_point_as_the_sandbox_reads_it(database: Path, reading: str) -> None:
    findings = probe_under(database, None if reading == "ours" else "all")

    for key in SETTLED:
        assert findings[key].reading == reading, findings[key]
    assert findings["buenno.list-order"].reading == reading
    for finding in findings.values():
        assert BUENNO_TOKEN not in finding.evidence
        assert not re.search(r"\d{4}-\d\d-\d\d|@", finding.evidence), finding


@pytest.mark.parametrize("switched", WINDOWS_AND_INVITATIONS)
def test_each_window_and_invitation_check_answers_to_its_own_switch_alone(
    database: Path, switched: str
) -> None:
    findings = probe_under(database, switched)

    assert findings[switched].reading == "other", findings[switched]
    for key in WINDOWS_AND_INVITATIONS:
        if key != switched:
            assert findings[key].reading == "ours", findings[key]


@pytest.mark.parametrize("readings", [None, "buenno.invitations-page-cap"])
def test_a_form_with_less_than_a_page_of_invitations_leaves_the_cap_unsettled(
    tmp_path: Path, readings: str | None
) -> None:
    switched = None if readings is None else readings_from_text(readings)
    with SandboxServer(tmp_path / "sandbox.db", seed=7, size=50, readings=switched) as server:
        config = {"api_token": BUENNO_TOKEN, "api_url": server.base_url("buenno")}
        findings = {finding.key: finding for finding in probe(config)}

    assert findings["buenno.invitations-page-cap"].reading == "unsettled"
