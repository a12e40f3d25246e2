"""`make demo` end to end: its real `meltano run` pipelines, checked against the sandbox's data.

The demo script is run as `make demo` runs it, twice into one output folder: the first run
loads the three platforms into DuckDB and pushes FeedbackAPI's people to Hello Customer;
the second is incremental from the first one's state. Every count is compared with the
sandbox's own SQLite database, never taken from an exit code. What the second run read is
counted from the taps' own ``record_count`` metrics in Meltano's log, not from DuckDB (its
upserts would hide a full read again): streams read whole every record, incremental ones
only what is at or after the first run's bookmark, less the documented lookback.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
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
from survey_sandbox.hellocustomer.languages import LANGUAGES
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN
from survey_sandbox.hellocustomer.store import ADDED_BY_CACHE
from survey_sandbox.timefmt import epoch_of
from tests.helpers.meltano import ROOT, clean_env, record_counts

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


#: The taps of the demo job, each by the state id Meltano keeps its pipeline's state under.
PIPELINES = {
    "tap-buenno": "sandbox:tap-buenno-to-target-duckdb--buenno",
    "tap-feedbackapi": "sandbox:tap-feedbackapi-to-target-duckdb--feedbackapi",
    "tap-feedbackapi--contacts": (
        "sandbox:tap-feedbackapi--contacts-to-target-hellocustomer--from-feedbackapi"
    ),
    "tap-hellocustomer": "sandbox:tap-hellocustomer-to-target-duckdb--hellocustomer",
}
#: The taps' lookback defaults (README), in seconds: how far before its bookmark a stream
#: filtered on creation only is read again.
BUENNO_LOOKBACK = 30 * 86400
HELLOCUSTOMER_LOOKBACK = 27 * 86400


@dataclass(frozen=True)
class DemoRun:
    """How one run of the demo ended, and the state of its files right after it."""

    returncode: int
    stdout: str
    loaded: dict[str, list[tuple[t.Any, ...]]]
    expected: dict[str, list[tuple[t.Any, ...]]]
    respondents: list[tuple[t.Any, ...]]
    #: Per tap: what it emitted, per stream, from its record_count metrics.
    emitted: dict[str, collections.Counter[str]]
    #: Per tap: the bookmarks Meltano kept for its pipeline after the run.
    bookmarks: dict[str, dict[str, t.Any]]


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
    log = (output / "meltano.log").read_text(encoding="utf-8")
    return DemoRun(
        result.returncode,
        result.stdout + result.stderr,
        loaded,
        expected,
        respondents,
        emitted={tap: record_counts(log, tap) for tap in PIPELINES},
        bookmarks=pipeline_bookmarks(output / "meltano.db"),
    )


def pipeline_bookmarks(system_db: Path) -> dict[str, dict[str, t.Any]]:
    """Per tap, the singer state's bookmarks in Meltano's system database."""
    with closing(sqlite3.connect(system_db)) as meltano:
        rows = dict(meltano.execute("SELECT state_id, completed_state FROM state").fetchall())
    return {
        tap: json.loads(rows[state_id])["singer_state"]["bookmarks"]
        for tap, state_id in PIPELINES.items()
    }


def to_epoch(value: str) -> int:
    return int(dt.datetime.fromisoformat(value).timestamp())


def count(sandbox: sqlite3.Connection, sql: str, **parameters: t.Any) -> int:
    """How many rows ``sql`` selects from the sandbox's database."""
    return len(sandbox.execute(sql, {**SANDBOX_PARAMETERS, **parameters}).fetchall())


def rereads(output: Path, marks: dict[str, dict[str, t.Any]]) -> dict[str, dict[str, int]]:
    """Per tap and stream, what a run after one that left ``marks`` reads, nothing changed.

    Streams the README says are read whole: every record. Buenno's invitations (per form)
    and replies, and Hello Customer's responses (per touchpoint): those created at or
    after the bookmark less the lookback, and their answers. FeedbackAPI's feedback and
    requests: those at or after the bookmark's own second. Hello Customer's NPS: the open
    period of each touchpoint; its language table whole.
    """
    whole = {table.split(".")[1]: query for table, (_, query) in EXPECTED.items()}
    buenno, feedbackapi = marks["tap-buenno"], marks["tap-feedbackapi"]
    contacts, hellocustomer = marks["tap-feedbackapi--contacts"], marks["tap-hellocustomer"]
    replies = whole["replies"] + " AND r.created_at >= :after"
    responses = (
        " FROM hellocustomer_responses r WHERE r.touchpoint_guid = :tp"
        " AND r.date_answer > :after AND r.date_answer >= :start"
    )
    feedback = "SELECT id FROM feedbackapi_feedback WHERE created >= :after"
    requests_ = "SELECT id FROM feedbackapi_feedback_requests WHERE updated >= :after"
    with closing(sqlite3.connect(output / "sandbox.db")) as sandbox:
        reply_after = to_epoch(buenno["replies"]["replication_key_value"]) - BUENNO_LOOKBACK
        touchpoints = {
            partition["context"]["campaign_id"]: to_epoch(partition["replication_key_value"])
            for partition in hellocustomer["responses"]["partitions"]
        }
        return {
            "tap-buenno": {
                "forms": count(sandbox, whole["forms"]),
                "invitations": sum(
                    count(
                        sandbox,
                        "SELECT id FROM buenno_invitations WHERE form_id = :form"
                        " AND created_at >= :after",
                        form=partition["context"]["form_id"],
                        after=to_epoch(partition["replication_key_value"]) - BUENNO_LOOKBACK,
                    )
                    for partition in buenno["invitations"]["partitions"]
                ),
                "replies": count(sandbox, replies, after=reply_after),
                "reply_answers": count(
                    sandbox,
                    f"SELECT reply_id FROM buenno_answers a WHERE a.reply_id IN ({replies})",  # noqa: S608 - fixed text
                    after=reply_after,
                ),
            },
            "tap-feedbackapi": {
                **{
                    stream: count(sandbox, whole[stream])
                    for stream in ("customers", "locations", "reviews", "accounts", "users")
                },
                "feedback": count(
                    sandbox,
                    feedback,
                    after=to_epoch(feedbackapi["feedback"]["replication_key_value"]),
                ),
                "feedback_requests": count(
                    sandbox,
                    requests_,
                    after=to_epoch(feedbackapi["feedback_requests"]["replication_key_value"]),
                ),
            },
            "tap-feedbackapi--contacts": {
                "customers": count(sandbox, whole["customers"]),
                "feedback": count(
                    sandbox, feedback, after=to_epoch(contacts["feedback"]["replication_key_value"])
                ),
            },
            "tap-hellocustomer": {
                "responses": sum(
                    count(
                        sandbox,
                        f"SELECT r.guid {responses}",
                        tp=tp,
                        after=mark - HELLOCUSTOMER_LOOKBACK,
                    )
                    for tp, mark in touchpoints.items()
                ),
                "response_answers": sum(
                    count(
                        sandbox,
                        f"SELECT guid FROM hellocustomer_answers WHERE response_id IN (SELECT r.id {responses})",  # noqa: S608 - fixed text
                        tp=tp,
                        after=mark - HELLOCUSTOMER_LOOKBACK,
                    )
                    for tp, mark in touchpoints.items()
                ),
                "nps": len(touchpoints),
                "languages": len(LANGUAGES),
            },
        }


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
    assert second.bookmarks == first.bookmarks  # nothing changed in between
    assert second.respondents == first.respondents
    assert "Stream 'respondents': 0 accepted" in second.stdout
    assert "Stream 'answers': 0 accepted" in second.stdout


def test_the_second_run_reads_only_what_is_new_or_within_the_lookback(
    first: DemoRun, second: DemoRun, demo_runs: tuple[DemoRun, DemoRun, Path]
) -> None:
    expected = rereads(demo_runs[2], first.bookmarks)
    assert {tap: dict(counts) for tap, counts in second.emitted.items()} == expected
    # An incremental stream reads far less than the first run did: a check that a full
    # read again could not pass.
    incremental = {
        "tap-buenno": ("invitations", "replies", "reply_answers"),
        "tap-feedbackapi": ("feedback", "feedback_requests"),
        "tap-hellocustomer": ("responses", "response_answers"),
    }
    for tap, streams in incremental.items():
        for stream in streams:
            assert second.emitted[tap][stream] * 2 < first.emitted[tap][stream], (tap, stream)


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
