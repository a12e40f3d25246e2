"""What the fault tests of every connector share: the fault plan and what a run left behind.

The sandbox deals fault kinds in rounds, so a run that meets six faults meets every
kind; the seeds of the tests are chosen so that each run does, and each test checks it
in the sandbox's log. A slow answer outlasts the connector's ``request_timeout``, so it
times out. A 429 names no wait or a wait of 0 s, so the retries cost only the
connectors' own backoff.
"""

from __future__ import annotations

import json
import logging
import re
import typing as t

from survey_sandbox.faults import FAULT_KINDS, FaultPlan
from tests.helpers.secret_scan import assert_no_secrets

if t.TYPE_CHECKING:
    import pytest

    from tests.helpers.integration import TapRun
    from tests.helpers.target_runner import TargetProcess

#: Seconds a connector waits for an answer in these tests: short, so a slow answer is cheap.
REQUEST_TIMEOUT = 1
#: Every kind of fault, for 3 calls in 10; slow answers outlast REQUEST_TIMEOUT.
ALL_FAULTS = FaultPlan(rate=0.3, kinds=FAULT_KINDS, slow_seconds=2.5, retry_after=0)
#: Only faults by which the server says it did nothing: a push may always be sent again.
NOT_ACTED_ON = FaultPlan(rate=0.3, kinds=("429",), retry_after=0)
#: The timeout when no answer is slow by design: long enough that a loaded machine's
#: slow answer never times out, which would make a push uncertain.
PATIENT_TIMEOUT = 30


def timeout_for(plan: FaultPlan) -> int:
    """The ``request_timeout`` for a run under ``plan``: short only when slow answers come."""
    return REQUEST_TIMEOUT if "slow" in plan.kinds else PATIENT_TIMEOUT


def log_faults(caplog: pytest.LogCaptureFixture) -> None:
    """Capture the sandbox's line per call, which names the fault a call met."""
    caplog.set_level(logging.INFO, logger="survey_sandbox")


def faults_met(caplog: pytest.LogCaptureFixture) -> set[str]:
    """The kinds of fault the sandbox injected since ``log_faults``."""
    return {
        match.group(1)
        for record in caplog.records
        if record.name.startswith("survey_sandbox")
        and (match := re.search(r" fault=(\S+)$", record.getMessage()))
    }


def retries(stderr: str) -> int:
    """Count the attempts a connector logged as failed and retried."""
    return stderr.count("failed, retrying in")


def assert_tap_left_no_secret(run: TapRun) -> None:
    """Scan what a tap process printed: its records, its state and its log."""
    states = json.dumps(run.output.states)
    assert_no_secrets({"stdout": run.stdout, "stderr": run.stderr, "state": states})


def assert_target_left_no_secret(run: TargetProcess) -> None:
    """Scan a target's stdout (its states), stderr and dead-letter file."""
    dead_letter = (
        run.dead_letter_path.read_text(encoding="utf-8") if run.dead_letter_path.exists() else ""
    )
    assert_no_secrets({"stdout": run.stdout, "stderr": run.stderr, "dead-letter": dead_letter})


def uncertain_records(run: TargetProcess, stream: str) -> list[dict[str, t.Any]]:
    """The records of ``stream`` the target dead-lettered as uncertain, each with a reason.

    Any other dead-lettered record of these tests is a failure: the records are all good.
    """
    lines = [line for line in run.dead_letters if line["stream"] == stream]
    for line in lines:
        assert line["uncertain"] is True, json.dumps(line)
        assert "may have been acted on" in line["reason"], line["reason"]
    return [line["record"] for line in lines]
