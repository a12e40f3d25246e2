"""tap-hellocustomer against the sandbox under each reading of the document: none lost, none twice.

Each test compares what the tap emitted with the sandbox's own database, under our reading
of every register point and under the other one (``@BOTH_READINGS``), or point by point.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import typing as t

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_common.timestamps import UTC
from survey_sandbox.hellocustomer.queries import nps_counts
from survey_sandbox.hellocustomer.render import nps_figures
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_STORE_VISIT,
)
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import BOTH_READINGS, run_tap_process

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Seconds between calls, on both sides: short to keep the suite fast.
INTERVAL = 0.05
TOUCHPOINTS = [TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE]
START = dt.datetime(2025, 3, 1, tzinfo=UTC)
END = dt.datetime(2025, 6, 1, tzinfo=UTC)
LEARNED = "Hello Customer's answers/getall filters on"


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A seeded sandbox under ``ours``, ``all`` or the register keys the parameter names."""
    switched = getattr(request, "param", "ours")
    readings = None if switched == "ours" else readings_from_text(switched)
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=5,
        size=300,
        hellocustomer_min_interval=INTERVAL,
        readings=readings,
    ) as server:
        yield server


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


def query(tmp_path: Path, sql: str, *args: t.Any) -> list[tuple[t.Any, ...]]:
    connection = sqlite3.connect(f"file:{tmp_path / 'sandbox.db'}?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def answered_between(tmp_path: Path, start: dt.datetime, end: dt.datetime) -> set[str]:
    """GUIDs of the touchpoints' responses answered in ``[start, end)``, by the database."""
    rows = query(
        tmp_path,
        "SELECT guid FROM hellocustomer_responses WHERE touchpoint_guid IN (?, ?)"
        " AND date_answer >= ? AND date_answer < ?",
        *TOUCHPOINTS,
        int(start.timestamp()),
        int(end.timestamp()),
    )
    return {row[0] for row in rows}


def health(sandbox: SandboxServer) -> dict[str, t.Any]:
    answer = requests.get(f"{sandbox.url}/_sandbox/health", timeout=10)
    return t.cast("dict[str, t.Any]", answer.json())


def stats(sandbox: SandboxServer) -> dict[str, int]:
    answer = requests.get(f"{sandbox.url}/_sandbox/hellocustomer/stats", timeout=10)
    return t.cast("dict[str, int]", answer.json())


def add_response(sandbox: SandboxServer, answered: dt.datetime, **fields: t.Any) -> str:
    answer = requests.post(
        f"{sandbox.url}/_sandbox/hellocustomer/responses",
        json={"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "dateAnswer": answered.isoformat()}
        | fields,
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return t.cast("str", answer.json()["uniqueID"])


@BOTH_READINGS
def test_every_response_arrives_once_under_both_readings(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run = run_tap_process("tap_hellocustomer", config_for(sandbox), tmp_path)

    got = [r["uniqueID"] for r in run.output.records("responses")]
    expected = answered_between(tmp_path, START, END)
    assert len(expected) > 100
    assert len(got) == len(set(got))  # none twice
    assert set(got) == expected  # none lost, none extra
    answers = [a["uniqueID"] for a in run.output.records("response_answers")]
    assert len(answers) == len(set(answers))
    assert {a["response_id"] for a in run.output.records("response_answers")} == expected
    other = "hellocustomer.getall-date" in health(sandbox)["other_readings"]
    learned = [line for line in run.stderr.splitlines() if LEARNED in line]
    assert len(learned) == 1
    assert ("dateSurveyed" if other else "dateAnswer") in learned[0]
    months = {r["period_start"][:7] for r in run.output.records("nps")}
    assert months == {"2025-03", "2025-04", "2025-05"}
    assert stats(sandbox)["rate_limited"] == 0


@pytest.mark.parametrize(
    "sandbox",
    ["ours", "hellocustomer.path-date-bounds", "hellocustomer.path-date-zone", "all"],
    indirect=True,
)
def test_responses_on_window_edges_arrive_once_under_each_reading(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    second = dt.timedelta(seconds=1)
    boundary = START + dt.timedelta(days=28)  # where the first window ends
    wanted = {
        add_response(sandbox, START),
        add_response(sandbox, boundary - second),
        add_response(sandbox, boundary),
        add_response(sandbox, END - second),
    }
    unwanted = {add_response(sandbox, START - second), add_response(sandbox, END)}

    run = run_tap_process("tap_hellocustomer", config_for(sandbox), tmp_path)

    got = [r["uniqueID"] for r in run.output.records("responses")]
    assert len(got) == len(set(got))
    assert wanted <= set(got)
    assert not unwanted & set(got)
    assert set(got) == answered_between(tmp_path, START, END)


@BOTH_READINGS
def test_a_response_changed_after_a_run_has_its_new_values_after_the_next_run(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    now = dt.datetime.now(tz=UTC).replace(microsecond=0)
    answered = now - dt.timedelta(days=3)
    guid = add_response(
        sandbox, answered, dateSurveyed=(answered - dt.timedelta(hours=5)).isoformat()
    )
    newer = add_response(sandbox, now - dt.timedelta(days=1))
    config = config_for(
        sandbox,
        campaign_ids=[TOUCHPOINT_STORE_VISIT],
        start_date=(now - dt.timedelta(days=10)).isoformat(),
    )
    del config["end_date"]  # up to now, as scheduled runs read
    first = run_tap_process("tap_hellocustomer", config, tmp_path)
    [before] = [r for r in first.output.records("responses") if r["uniqueID"] == guid]
    changed = requests.patch(
        f"{sandbox.url}/_sandbox/hellocustomer/responses/{guid}",
        json={"hasBeenContacted": True, "hasBeenForwarded": True},
        timeout=10,
    )
    assert changed.status_code == 200
    calls = stats(sandbox)["calls"]

    second = run_tap_process("tap_hellocustomer", config, tmp_path, first.output.final_state)

    assert (before["hasBeenContacted"], before["hasBeenForwarded"]) == (False, False)
    [after] = [r for r in second.output.records("responses") if r["uniqueID"] == guid]
    assert (after["hasBeenContacted"], after["hasBeenForwarded"]) == (True, True)
    assert newer in {r["uniqueID"] for r in second.output.records("responses")}
    # The cost of the lookback: one responses call, and the open NPS month again.
    assert stats(sandbox)["calls"] - calls == 2


@pytest.fixture
def busy(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A sandbox with about 150 responses per touchpoint in every 28 days."""
    switched = request.param
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=9,
        size=2000,
        hellocustomer_min_interval=INTERVAL,
        readings=None if switched == "ours" else readings_from_text(switched),
    ) as server:
        yield server


@pytest.mark.parametrize("busy", ["ours", "hellocustomer.getall-cap", "all"], indirect=True)
def test_a_busy_touchpoint_arrives_whole_under_each_reading_of_the_cap(
    busy: SandboxServer, tmp_path: Path
) -> None:
    end = START + dt.timedelta(days=56)
    config = config_for(busy, end_date=end.isoformat())

    run = run_tap_process("tap_hellocustomer", config, tmp_path)

    got = [r["uniqueID"] for r in run.output.records("responses")]
    expected = answered_between(tmp_path, START, end)
    assert len(expected) > 2 * 200  # more than two answers of 100 per touchpoint
    assert len(got) == len(set(got))
    assert set(got) == expected
    capped = "hellocustomer.getall-cap" in health(busy)["other_readings"]
    assert ("cut an answer at 100 responses" in run.stderr) is capped
    assert stats(busy)["rate_limited"] == 0


@pytest.mark.parametrize("sandbox", ["ours", "hellocustomer.nps-date"], indirect=True)
def test_nps_is_the_apis_figure_of_each_period_under_either_date(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    column = "date_surveyed" if health(sandbox)["other_readings"] else "date_answer"

    run = run_tap_process("tap_hellocustomer", config_for(sandbox), tmp_path)

    records = run.output.records("nps")
    assert len(records) == len(TOUCHPOINTS) * 3  # March, April, May
    figures = ("nps", "detractors", "passive", "promoters")
    connection = sqlite3.connect(f"file:{tmp_path / 'sandbox.db'}?mode=ro", uri=True)
    try:
        for record in records:
            start = int(dt.datetime.fromisoformat(record["period_start"]).timestamp())
            end = int(dt.datetime.fromisoformat(record["period_end"]).timestamp()) - 1
            counts = nps_counts(connection, record["campaign_id"], start, end, [], column=column)
            own = nps_figures(counts)
            assert {k: record[k] for k in figures} == {k: own[k] for k in figures}
    finally:
        connection.close()
