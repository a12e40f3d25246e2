"""A connector that stops on an API failure says so in one line, without a traceback.

Each connector runs as a process at DEBUG against a stub that fails every call: with a
429 asking to retry at once (so retries run out without waiting), with JSON of a shape
no platform sends, or with a captive portal's HTML page. It must exit with code 1 and
name the call (method and path) and the HTTP status, and show neither a traceback nor
a token.
"""

from __future__ import annotations

import re
import typing as t

import pytest

from survey_common.http import retry
from survey_sandbox.hellocustomer.seed import TOUCHPOINT_STORE_VISIT
from tests.helpers.integration import run_tap_process
from tests.helpers.secret_scan import assert_no_secrets
from tests.helpers.stub_api import Answer, StubAPI
from tests.helpers.target_runner import record, run_target_process, schema

if t.TYPE_CHECKING:
    from pathlib import Path

TOKEN = "stub-token-5f0c1e"
#: At once, so that the retries run out without waiting.
NOW = (("Retry-After", "0"),)

THROTTLED = Answer(429, '{"message": "Too many requests"}', headers=NOW)
WRONG_SHAPE = Answer(200, "[1, 2, 3]")
PORTAL = Answer(200, "<html><body>Sign in</body></html>", "text/html", headers=NOW)

#: Each tap's own settings, and the call it makes first.
TAPS: dict[str, tuple[dict[str, t.Any], str]] = {
    "tap_buenno": ({}, "GET /api/token-info"),
    "tap_feedbackapi": ({}, "GET /api/accounts"),
    "tap_hellocustomer": (
        {
            "campaign_ids": [TOUCHPOINT_STORE_VISIT],
            "start_date": "2025-01-01T00:00:00Z",
            "min_request_interval": 0,
        },
        f"POST /api/campaign/{TOUCHPOINT_STORE_VISIT}/analysis/nps/getnpsscore/",
    ),
}

#: What each tap says about each failure, after naming the call.
TAP_FAILURES: dict[str, tuple[Answer, str]] = {
    "429": (THROTTLED, rf"Gave up after {retry.MAX_ATTEMPTS} attempts: .* HTTP 429"),
    "wrong-shape": (WRONG_SHAPE, r"HTTP 200"),
    "html-200": (PORTAL, r"HTTP 200 but a body that is not valid JSON \(text/html\)"),
}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "| ERROR " in line]


def assert_one_clean_line(stderr: str, stdout: str, endpoint: str, says: str) -> None:
    """One error line names the call and what went wrong; no traceback, no token."""
    assert "Traceback" not in stderr
    named = [line for line in error_lines(stderr) if endpoint in line and re.search(says, line)]
    assert named, stderr[-3000:]
    assert_no_secrets({"stdout": stdout, "stderr": stderr}, [TOKEN])


@pytest.mark.parametrize("failure", sorted(TAP_FAILURES))
@pytest.mark.parametrize("module", sorted(TAPS))
def test_a_tap_stops_with_one_line_naming_the_call_and_status(
    module: str, failure: str, tmp_path: Path
) -> None:
    settings, endpoint = TAPS[module]
    answer, says = TAP_FAILURES[failure]
    with StubAPI(answer) as stub:
        config = {"api_token": TOKEN, "api_url": f"{stub.url}/api", **settings}
        run = run_tap_process(module, config, tmp_path, check=False)

    assert run.returncode == 1
    assert_one_clean_line(run.stderr, run.stdout, endpoint, says)


#: Each target's settings, one record it pushes first, and the call that pushes it.
TARGETS: dict[str, tuple[dict[str, t.Any], str, dict[str, t.Any], str]] = {
    "target_buenno": ({"form_id": 2}, "invitations", {"email": "a@example.com"}, "POST /api/"),
    "target_feedbackapi": (
        {"default_location": "xS4rtY"},
        "customers",
        {"email": "a@example.com"},
        "GET /api/customers",  # the look-up before a create
    ),
    "target_hellocustomer": (
        {
            "campaign_id": TOUCHPOINT_STORE_VISIT,
            "default_language": "nl",
            "min_request_interval": 0,
        },
        "respondents",
        {"email": "a@example.com"},
        f"POST /api/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/addmultipletocache",
    ),
}


@pytest.mark.parametrize("module", sorted(TARGETS))
def test_a_target_stops_with_one_line_naming_the_call_and_status(
    module: str, tmp_path: Path
) -> None:
    settings, stream, values, endpoint = TARGETS[module]
    messages = [schema(stream, *values), record(stream, **values)]
    with StubAPI(THROTTLED) as stub:
        config = {"api_token": TOKEN, "api_url": f"{stub.url}/api", **settings}
        run = run_target_process(module, config, messages, tmp_path)

    assert run.returncode == 1
    assert_one_clean_line(run.stderr, run.stdout, endpoint, r"HTTP 429")
    assert run.dead_letters == []  # the run stopped: the record is pushed by the next run
