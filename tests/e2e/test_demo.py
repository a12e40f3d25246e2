"""`make demo` end to end: its real `meltano run` pipelines, checked against the sandbox's data.

The demo script is run as `make demo` runs it, twice into one output folder: the first run
loads the three platforms into DuckDB and pushes FeedbackAPI's people to Hello Customer;
the second is incremental from the first one's state. Every count is compared with the
sandbox's own SQLite database, never taken from an exit code.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import typing as t
from contextlib import closing
from dataclasses import dataclass

import duckdb
import pytest
import requests

from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN
from survey_sandbox.hellocustomer.store import ADDED_BY_CACHE
from survey_sandbox.timefmt import epoch_of
from tests.e2e.conftest import ROOT, clean_env

if t.TYPE_CHECKING:
    from pathlib import Path

SIZE = 50
HELLOCUSTOMER_START = epoch_of(2025, 1, 1)  # start_date of the sandbox environment

#: Per DuckDB table: its key columns, and the same keys as the sandbox holds them for
#: the sandbox environment's tokens (deleted records and pending users are not listed).
SANDBOX_PARAMETERS = {
    "buenno": BUENNO_TOKEN,
    "hellocustomer": HELLOCUSTOMER_TOKEN,
    "start": HELLOCUSTOMER_START,
}
EXPECTED: dict[str, tuple[str, str]] = {
    "buenno.forms": ("id", "SELECT id FROM buenno_forms WHERE token = :buenno"),
    "buenno.invitations": (
        "id",
        "SELECT i.id FROM buenno_invitations i JOIN buenno_forms f ON f.id = i.form_id"
        " WHERE f.token = :buenno",
    ),
    "buenno.replies": (
        "id",
        "SELECT r.id FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id"
        " WHERE f.token = :buenno",
    ),
    "buenno.reply_answers": (
        "reply_id, question_id",
        "SELECT DISTINCT a.reply_id, a.question_id FROM buenno_answers a"
        " JOIN buenno_replies r ON r.id = a.reply_id JOIN buenno_forms f ON f.id = r.form_id"
        " WHERE f.token = :buenno",
    ),
    "feedbackapi.customers": ("id", "SELECT id FROM feedbackapi_customers WHERE deleted = 0"),
    "feedbackapi.locations": ("id", "SELECT id FROM feedbackapi_locations WHERE deleted = 0"),
    "feedbackapi.reviews": ("id", "SELECT id FROM feedbackapi_reviews"),
    "feedbackapi.feedback": ("id", "SELECT id FROM feedbackapi_feedback"),
    "feedbackapi.feedback_requests": ("id", "SELECT id FROM feedbackapi_feedback_requests"),
    "feedbackapi.accounts": ("id", "SELECT id FROM feedbackapi_accounts WHERE deleted = 0"),
    "feedbackapi.users": (
        "id",
        "SELECT id FROM feedbackapi_users WHERE deleted = 0 AND status = 'active'",
    ),
    "hellocustomer.responses": (
        "uniqueid",
        "SELECT r.guid FROM hellocustomer_responses r"
        " JOIN hellocustomer_touchpoints t ON t.guid = r.touchpoint_guid"
        " WHERE t.token = :hellocustomer AND r.date_answer >= :start",
    ),
    "hellocustomer.response_answers": (
        "uniqueid",
        "SELECT a.guid FROM hellocustomer_answers a"
        " JOIN hellocustomer_responses r ON r.id = a.response_id"
        " JOIN hellocustomer_touchpoints t ON t.guid = r.touchpoint_guid"
        " WHERE t.token = :hellocustomer AND r.date_answer >= :start",
    ),
}


@dataclass(frozen=True)
class DemoRun:
    """How one run of the demo ended, and the state of its files right after it."""

    returncode: int
    stdout: str
    loaded: dict[str, list[tuple[t.Any, ...]]]
    expected: dict[str, list[tuple[t.Any, ...]]]
    respondents: list[tuple[t.Any, ...]]


def run_demo(output: Path) -> DemoRun:
    """Run the demo as `make demo` does, then read DuckDB and the sandbox's database."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.demo", "--output", str(output), "--size", str(SIZE)],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    loaded, expected = {}, {}
    with closing(duckdb.connect(str(output / "survey.duckdb"), read_only=True)) as warehouse:
        for table, (keys, _) in EXPECTED.items():
            query = f"SELECT {keys} FROM {table}"  # noqa: S608 - the fixed names above
            loaded[table] = sorted(warehouse.execute(query).fetchall())
    with closing(sqlite3.connect(output / "sandbox.db")) as sandbox:
        for table, (_, query) in EXPECTED.items():
            expected[table] = sorted(sandbox.execute(query, SANDBOX_PARAMETERS).fetchall())
        respondents = sandbox.execute(
            "SELECT email, custom_id FROM hellocustomer_respondents WHERE added_by = ?"
            " ORDER BY email",
            (ADDED_BY_CACHE,),
        ).fetchall()
    return DemoRun(result.returncode, result.stdout + result.stderr, loaded, expected, respondents)


@pytest.fixture(scope="module")
def demo_runs(
    meltano_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DemoRun, DemoRun, Path]:
    """Two runs of the demo into one output folder."""
    output = tmp_path_factory.mktemp("demo")
    return run_demo(output), run_demo(output), output


@pytest.fixture(scope="module")
def first(demo_runs: tuple[DemoRun, DemoRun, Path]) -> DemoRun:
    return demo_runs[0]


@pytest.fixture(scope="module")
def second(demo_runs: tuple[DemoRun, DemoRun, Path]) -> DemoRun:
    return demo_runs[1]


def test_the_demo_succeeds_and_stops_its_sandbox(first: DemoRun, second: DemoRun) -> None:
    for run in (first, second):
        assert run.returncode == 0, run.stdout[-4000:]
        assert "survey-sandbox stopped." in run.stdout
        url = re.search(r"seeded data at (http://\S+)", run.stdout)
        assert url is not None
        with pytest.raises(requests.ConnectionError):
            requests.get(url.group(1) + "/_sandbox/health", timeout=5)


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_every_record_of_the_sandbox_lands_in_duckdb_once(first: DemoRun, table: str) -> None:
    assert first.expected[table], f"the sandbox holds no {table}"
    assert first.loaded[table] == first.expected[table]


def test_feedbackapi_customers_with_an_email_are_pushed_as_respondents(
    first: DemoRun, demo_runs: tuple[DemoRun, DemoRun, Path]
) -> None:
    output = demo_runs[2]
    with closing(sqlite3.connect(output / "sandbox.db")) as sandbox:
        customers = sandbox.execute(
            "SELECT email, 'feedbackapi-customer-' || id FROM feedbackapi_customers"
            " WHERE deleted = 0 AND coalesce(email, '') <> '' ORDER BY email"
        ).fetchall()
    assert customers
    assert first.respondents == customers


def test_feedbackapi_nps_ratings_come_back_from_hello_customer_with_their_score(
    demo_runs: tuple[DemoRun, DemoRun, Path],
) -> None:
    output = demo_runs[2]
    with closing(sqlite3.connect(output / "sandbox.db")) as sandbox:
        ratings = sandbox.execute(
            "SELECT 'feedbackapi-feedback-' || id, subscriber_email, nps_score"
            " FROM feedbackapi_feedback"
            " WHERE nps_score IS NOT NULL AND coalesce(subscriber_email, '') <> ''"
        ).fetchall()
    with closing(duckdb.connect(str(output / "survey.duckdb"), read_only=True)) as warehouse:
        read_back = warehouse.execute(
            "SELECT r.custom_uniqueid, r.email, a.answer_value FROM hellocustomer.responses r"
            " JOIN hellocustomer.response_answers a ON a.response_id = r.uniqueid"
            " WHERE r.custom_uniqueid LIKE 'feedbackapi-feedback-%'"
        ).fetchall()
    assert ratings
    assert sorted(read_back) == sorted(ratings)


def test_the_summary_shows_what_landed(first: DemoRun) -> None:
    assert f"buenno.replies{len(first.expected['buenno.replies']):>27}" in first.stdout
    assert "NPS by month" in first.stdout
    assert re.search(r"2025-06 +[+-]\d+ \(\d+\)", first.stdout)
    respondents = len(first.respondents)
    assert f"Hello Customer holds {respondents} respondents pushed" in first.stdout


def test_a_second_run_is_incremental_and_duplicates_nothing(
    first: DemoRun, second: DemoRun
) -> None:
    assert second.loaded == first.loaded
    assert second.respondents == first.respondents
    assert "Stream 'respondents': 0 accepted" in second.stdout
    assert "Stream 'answers': 0 accepted" in second.stdout


def test_a_failed_pipeline_still_stops_the_sandbox(meltano_installed: None, tmp_path: Path) -> None:
    (tmp_path / "survey.duckdb").write_text("not a DuckDB file")

    result = subprocess.run(
        [sys.executable, "-m", "scripts.demo", "--output", str(tmp_path), "--size", "5"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 1
    assert "The demo failed" in result.stdout
    url = re.search(r"seeded data at (http://\S+)", result.stdout)
    assert url is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(url.group(1) + "/_sandbox/health", timeout=5)
    assert (tmp_path / "sandbox.log").read_text().rstrip().endswith("stopped on signal 15")
