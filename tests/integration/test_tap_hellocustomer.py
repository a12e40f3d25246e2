"""tap-hellocustomer against the sandbox over real sockets, with the sandbox enforcing its throttle.

The sandbox refuses calls less than ``INTERVAL`` apart, and the tap is told the same
interval: every response and answer must arrive without a single 429.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import typing as t

import pytest
import requests

from survey_common.timestamps import UTC, parse_timestamp
from survey_sandbox.hellocustomer.queries import nps_counts
from survey_sandbox.hellocustomer.render import nps_figures
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_STORE_VISIT,
)
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import run_tap_process

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Seconds between calls, on both sides: short to keep the suite fast.
INTERVAL = 0.2
TOUCHPOINTS = [TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE]
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
END = dt.datetime(2025, 5, 1, tzinfo=UTC)  # 120 days: 5 windows of responses, 4 months of NPS
MONTHS = [dt.datetime(2025, month, 1, tzinfo=UTC) for month in range(1, 6)]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(
        tmp_path / "sandbox.db", seed=11, size=300, hellocustomer_min_interval=INTERVAL
    ) as server:
        yield server


@pytest.fixture
def db(sandbox: SandboxServer, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "sandbox.db")
    yield connection
    connection.close()


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": sandbox.base_url("hellocustomer"),
        "campaign_ids": TOUCHPOINTS,
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "min_request_interval": INTERVAL,
        **extra,
    }


def stats(sandbox: SandboxServer) -> dict[str, int]:
    answer = requests.get(f"{sandbox.url}/_sandbox/hellocustomer/stats", timeout=10)
    return t.cast("dict[str, int]", answer.json())


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def responses_in(
    db: sqlite3.Connection, touchpoint: str, after: dt.datetime, before: dt.datetime
) -> set[str]:
    """GUIDs of a touchpoint's responses answered after ``after`` and before ``before``."""
    rows = db.execute(
        "SELECT guid FROM hellocustomer_responses"
        " WHERE touchpoint_guid = ? AND date_answer > ? AND date_answer < ?",
        (touchpoint, epoch(after), epoch(before)),
    )
    return {row[0] for row in rows}


def test_every_response_answer_and_monthly_nps_arrives_without_a_single_429(
    sandbox: SandboxServer, db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_hellocustomer", config_for(sandbox), tmp_path)

    responses = run.output.records("responses")
    for touchpoint in TOUCHPOINTS:
        expected = responses_in(db, touchpoint, START - dt.timedelta(seconds=1), END)
        got = [r["uniqueID"] for r in responses if r["campaign_UniqueID"] == touchpoint]
        assert len(expected) > 50
        assert len(got) == len(expected)  # nothing read twice
        assert set(got) == expected
    answers = run.output.records("response_answers")
    expected_answers = {
        row[0]
        for row in db.execute(
            "SELECT a.guid FROM hellocustomer_answers a"
            " JOIN hellocustomer_responses r ON r.id = a.response_id"
            " WHERE r.touchpoint_guid IN (?, ?) AND r.date_answer >= ? AND r.date_answer < ?",
            (*TOUCHPOINTS, epoch(START), epoch(END)),
        )
    }
    assert len(answers) == len(expected_answers)
    assert {a["uniqueID"] for a in answers} == expected_answers
    assert_nps_matches_the_sandbox(run.output.records("nps"), db, [])
    assert stats(sandbox) == {"calls": 18, "rate_limited": 0}  # 2 x (5 windows + 4 months)
    assert HELLOCUSTOMER_TOKEN not in run.stdout
    assert HELLOCUSTOMER_TOKEN not in run.stderr


def assert_nps_matches_the_sandbox(
    records: list[dict[str, t.Any]],
    db: sqlite3.Connection,
    filters: list[tuple[str, list[str]]],
) -> None:
    """Each month's figure is the one the sandbox computes from its own data."""
    assert len(records) == len(TOUCHPOINTS) * 4
    for record in records:
        start = parse_timestamp(record["period_start"])
        end = parse_timestamp(record["period_end"])
        assert start in MONTHS
        assert end == MONTHS[MONTHS.index(start) + 1]
        counts = nps_counts(db, record["campaign_id"], epoch(start), epoch(end) - 1, filters)
        assert counts.total > 0
        own = nps_figures(counts)
        figures = ("nps", "detractors", "passive", "promoters")
        assert {k: record[k] for k in figures} == {k: own[k] for k in figures}


def test_nps_of_a_filter_set_matches_the_sandboxs_own_figure(
    sandbox: SandboxServer, db: sqlite3.Connection, tmp_path: Path
) -> None:
    filters = [{"key": "store", "filterValues": ["Antwerpen", "Gent"]}]

    run = run_tap_process("tap_hellocustomer", config_for(sandbox, nps_filters=filters), tmp_path)

    records = run.output.records("nps")
    assert {r["filter_set"] for r in records} == {
        '[{"filterValues":["Antwerpen","Gent"],"key":"store"}]'
    }
    assert_nps_matches_the_sandbox(records, db, [("store", ["Antwerpen", "Gent"])])
    assert stats(sandbox)["rate_limited"] == 0


def test_a_rerun_with_state_reads_only_new_responses(
    sandbox: SandboxServer, db: sqlite3.Connection, tmp_path: Path
) -> None:
    # Without a lookback: a rerun reads from its bookmark on (the lookback is tested in
    # test_readings_hellocustomer).
    first = run_tap_process("tap_hellocustomer", config_for(sandbox, lookback_days=0), tmp_path)
    state = first.output.final_state
    first_ids = {r["uniqueID"] for r in first.output.records("responses")}
    added = requests.post(
        f"{sandbox.url}/_sandbox/hellocustomer/responses",
        json={"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "dateAnswer": "2025-05-05T12:00:00Z"},
        timeout=10,
    ).json()
    calls_before = stats(sandbox)["calls"]
    later = END + dt.timedelta(days=20)

    second = run_tap_process(
        "tap_hellocustomer",
        config_for(sandbox, end_date=later.isoformat(), lookback_days=0),
        tmp_path,
        state,
    )

    responses = second.output.records("responses")
    assert added["uniqueID"] in {r["uniqueID"] for r in responses}
    assert not first_ids & {r["uniqueID"] for r in responses}
    for touchpoint in TOUCHPOINTS:
        bookmark = next(
            p["replication_key_value"]
            for p in state["bookmarks"]["responses"]["partitions"]
            if p["context"] == {"campaign_id": touchpoint}
        )
        got = [r["uniqueID"] for r in responses if r["campaign_UniqueID"] == touchpoint]
        assert len(got) == len(set(got))
        assert set(got) == responses_in(db, touchpoint, parse_timestamp(bookmark), later)
    new_answers = {a["response_id"] for a in second.output.records("response_answers")}
    assert new_answers == {r["uniqueID"] for r in responses}
    # One window of responses per touchpoint; NPS for April again (it was the last period
    # read) and May.
    assert stats(sandbox) == {"calls": calls_before + 6, "rate_limited": 0}
    assert [r["period_start"][:7] for r in second.output.records("nps")] == [
        "2025-04",
        "2025-05",
    ] * 2

    third = run_tap_process(
        "tap_hellocustomer",
        config_for(sandbox, end_date=later.isoformat(), lookback_days=0),
        tmp_path,
        second.output.final_state,
    )
    assert third.output.records("responses") == []


def test_no_429_at_the_platforms_real_interval(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "real.db", seed=11, size=100) as sandbox:  # 1 call a second
        config = config_for(
            sandbox,
            campaign_ids=[TOUCHPOINT_STORE_VISIT],
            end_date="2025-02-10T00:00:00Z",
            min_request_interval=1.0,
            lookback_days=0,
        )
        run = run_tap_process("tap_hellocustomer", config, tmp_path)

        assert run.output.records("responses")
        assert stats(sandbox) == {"calls": 4, "rate_limited": 0}  # 2 windows + 2 months


def test_rejected_token_fails_with_a_clear_message(sandbox: SandboxServer, tmp_path: Path) -> None:
    wrong = "not-the-right-token-77c1"
    run = run_tap_process(
        "tap_hellocustomer", config_for(sandbox, api_token=wrong), tmp_path, check=False
    )

    assert run.returncode != 0
    assert "Hello Customer rejected the API token (HTTP 401" in run.stderr
    assert wrong not in run.stderr
    assert wrong not in run.stdout


def test_a_wrong_token_fails_before_any_record_so_a_connection_test_fails(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    # Meltano's connection test passes at the first record: the language table, which
    # needs no call, must not come before the first call that uses the token.
    config = config_for(sandbox, api_token="not-the-token")

    run = run_tap_process("tap_hellocustomer", config, tmp_path, check=False)

    assert run.returncode == 1
    assert '"type": "RECORD"' not in run.stdout
    assert '"type":"RECORD"' not in run.stdout
