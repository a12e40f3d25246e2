"""tap-feedbackapi against the sandbox: all seven resources, typed, then only what is new."""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.integration.conftest import run_tap_process

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from survey_sandbox.server import SandboxServer

TOKEN = "sandbox-feedbackapi-token"
TABLES = {
    "customers": "feedbackapi_customers",
    "locations": "feedbackapi_locations",
    "reviews": "feedbackapi_reviews",
    "feedback": "feedbackapi_feedback",
    "feedback_requests": "feedbackapi_feedback_requests",
    "accounts": "feedbackapi_accounts",
    "users": "feedbackapi_users",
}
LISTED = {  # what each list endpoint shows: deleted records and pending users are not listed
    "customers": "deleted = 0",
    "locations": "deleted = 0",
    "accounts": "deleted = 0",
    "users": "deleted = 0 AND status = 'active'",
}


def config_for(sandbox: SandboxServer) -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": sandbox.base_url("feedbackapi")}


def listed_ids(db: sqlite3.Connection, stream: str) -> set[str]:
    where = LISTED.get(stream, "1 = 1")
    return {row[0] for row in db.execute(f"SELECT id FROM {TABLES[stream]} WHERE {where}")}  # noqa: S608 - fixed names


def test_full_sync_extracts_every_record_of_all_seven_resources(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_feedbackapi", config_for(sandbox), tmp_path)

    for stream in TABLES:
        records = run.output.records(stream)
        expected = listed_ids(sandbox_db, stream)
        assert expected, stream
        assert {r["id"] for r in records} == expected, stream
        assert len(records) == len(expected), f"{stream}: a record was emitted twice"
        for record in records:
            assert record["created"].endswith("+00:00")
            assert not [key for key in record if "-" in key]
    feedback = run.output.records("feedback")
    assert any(f["nps_score"] is not None for f in feedback)
    assert any(f["star_rating"] is not None for f in feedback)
    nested = [r["feedback"] for r in run.output.records("feedback_requests") if r["feedback"]]
    assert nested
    assert all("nps-score" not in f and f["created"].endswith("+00:00") for f in nested)
    assert all(
        isinstance(a["sms_allowance"], (int, type(None))) for a in run.output.records("accounts")
    )
    assert TOKEN not in run.stdout + run.stderr


def test_rerun_with_state_reads_only_new_and_changed_records(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    first = run_tap_process("tap_feedbackapi", config_for(sandbox), tmp_path)
    admin = f"{sandbox.url}/_sandbox/feedbackapi"
    customer = requests.post(
        f"{sandbox.base_url('feedbackapi')}/customers",
        auth=(TOKEN, ""),
        json={
            "email": "uusi.asiakas@example.com",
            "fname": "Äijä",
            "location": first.output.records("locations")[0]["id"],
        },
        timeout=10,
    )
    customer.raise_for_status()
    changed_request = first.output.records("feedback_requests")[0]["id"]
    requests.post(
        f"{admin}/feedback-request/{changed_request}",
        json={"message_opened": True, "message_clicked": True},
        timeout=10,
    ).raise_for_status()

    second = run_tap_process(
        "tap_feedbackapi", config_for(sandbox), tmp_path, state=first.output.final_state
    )

    new_customers = second.output.records("customers")
    assert customer.json()["id"] in {c["id"] for c in new_customers}
    assert len(new_customers) <= 2  # the new one, and the bookmark's own second read again
    requests_ = second.output.records("feedback_requests")
    assert changed_request in {r["id"] for r in requests_}
    assert len(requests_) <= 2
    for stream in ("locations", "reviews", "feedback", "accounts", "users"):
        assert len(second.output.records(stream)) <= 1, stream


@pytest.mark.parametrize("status", [429, 503])
def test_injected_failures_are_retried(sandbox: SandboxServer, tmp_path: Path, status: int) -> None:
    requests.post(
        f"{sandbox.url}/_sandbox/feedbackapi/faults",
        json={"status": status, "count": 2},
        timeout=10,
    ).raise_for_status()

    run = run_tap_process("tap_feedbackapi", config_for(sandbox), tmp_path)

    assert run.output.records("customers")
    assert f"HTTP {status}" in run.stderr
