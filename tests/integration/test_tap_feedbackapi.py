"""tap-feedbackapi against the sandbox under both readings of every register point.

All seven resources, typed, compared with the sandbox's database (same ids, none lost,
none twice); then a rerun from the state: feedback and feedback requests read only what is
new or changed, the other five whole, with their current values.

Under the other reading of ``feedbackapi.accounts-required-filters`` no call lists every
account and the run stops in one line; the tests of every other reading switch all but it.
"""

from __future__ import annotations

import typing as t

import pytest
import requests

from survey_common.readings import REGISTER
from survey_common.readings.feedbackapi import ACCOUNTS_REQUIRED_FILTERS, FEEDBACKAPI_POINTS
from tap_feedbackapi.streams import AccountsFilterRequiredError
from tests.helpers.integration import run_tap_process
from tests.helpers.singer_output import parse_messages

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from survey_sandbox.server import SandboxServer

TOKEN = "sandbox-feedbackapi-token"
#: Every point the tap reads through, switched together: all but the one that stops it.
READ_THROUGH = [point.key for point in REGISTER if point.key != ACCOUNTS_REQUIRED_FILTERS]
BOTH_READINGS = pytest.mark.parametrize(
    "sandbox",
    ["ours", pytest.param(",".join(READ_THROUGH), id="all-read-through")],
    indirect=True,
)
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


def announced_around_records(messages: list[dict[str, t.Any]], stream: str) -> bool:
    """Whether a whole read's version is announced before its first record and after its last."""
    kinds = [m["type"] for m in messages if m.get("stream") == stream and m["type"] != "SCHEMA"]
    return kinds[0] == kinds[-1] == "ACTIVATE_VERSION" and "RECORD" in kinds


@BOTH_READINGS
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


@pytest.mark.parametrize(
    "sandbox",
    [point.key for point in FEEDBACKAPI_POINTS if point.key in READ_THROUGH],
    indirect=True,
)
def test_each_reading_alone_loses_nothing_and_repeats_nothing(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_feedbackapi", config_for(sandbox), tmp_path)

    for stream in TABLES:
        ids = [record["id"] for record in run.output.records(stream)]
        assert set(ids) == listed_ids(sandbox_db, stream), stream
        assert len(ids) == len(set(ids)), stream


@BOTH_READINGS
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
    opted_out = first.output.records("customers")[5]["id"]
    requests.post(
        f"{sandbox.base_url('feedbackapi')}/customers/{opted_out}",
        auth=(TOKEN, ""),
        json={"opt_out": True},
        timeout=10,
    ).raise_for_status()

    second = run_tap_process(
        "tap_feedbackapi", config_for(sandbox), tmp_path, state=first.output.final_state
    )

    for stream in ("customers", "locations", "reviews", "accounts", "users"):
        ids = [r["id"] for r in second.output.records(stream)]
        assert set(ids) == listed_ids(sandbox_db, stream), stream  # read whole: current set
        assert len(ids) == len(set(ids)), stream
        assert announced_around_records(second.output.messages, stream), stream
    customers = {c["id"]: c for c in second.output.records("customers")}
    assert customer.json()["id"] in customers
    assert customers[opted_out]["opt_out"] is True
    requests_ = second.output.records("feedback_requests")
    assert changed_request in {r["id"] for r in requests_}
    assert len(requests_) <= 3  # the changed one, and the bookmark's own second read again
    assert len(second.output.records("feedback")) <= 2


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


#: A state an earlier run left, which a run that stops must not move.
EARLIER_STATE = {
    "bookmarks": {
        "feedback": {
            "replication_key": "created",
            "replication_key_value": "2024-06-01T00:00:00+00:00",
        },
        "feedback_requests": {
            "replication_key": "updated",
            "replication_key_value": "2024-06-01T00:00:00+00:00",
        },
    }
}


@pytest.mark.parametrize("sandbox", ["ours", ACCOUNTS_REQUIRED_FILTERS], indirect=True)
def test_a_list_of_accounts_that_requires_filters_stops_the_run(
    sandbox: SandboxServer,
    sandbox_db: sqlite3.Connection,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    run = run_tap_process(
        "tap_feedbackapi", config_for(sandbox), tmp_path, state=EARLIER_STATE, check=False
    )
    output = parse_messages(run.stdout)

    if request.node.callspec.params["sandbox"] == "ours":
        assert run.returncode == 0
        accounts = [r["id"] for r in output.records("accounts")]
        assert sorted(accounts) == sorted(listed_ids(sandbox_db, "accounts"))
        return
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if "| ERROR " in line]
    said = str(AccountsFilterRequiredError("name"))
    assert [line for line in errors if line.endswith(said)] == errors[-1:]
    # Beside it, only singer-sdk's note of which stream failed.
    assert [line for line in errors[:-1] if "while syncing 'accounts'" not in line] == []
    # Accounts come first (singer-sdk syncs by name): the run stops before any record,
    # and every state it wrote is the one it was given.
    assert [m for m in output.messages if m["type"] == "RECORD"] == []
    assert output.states
    for state in output.states:
        for stream, bookmark in EARLIER_STATE["bookmarks"].items():
            assert state["bookmarks"][stream] == bookmark, stream
