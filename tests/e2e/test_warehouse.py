"""The three taps into a real PostgreSQL with `meltano run`, twice, as a warehouse loads them.

Each tap runs ``meltano run <tap> target-postgres`` (MeltanoLabs target-postgres 0.8.1, as
meltano.yml declares it) against its own sandbox, into its own schema, with its state in
a temporary Meltano system database. Between the two runs, records are created, changed
and deleted in the sandbox through its API and admin endpoints. Then:

- every table in PostgreSQL holds exactly the records the sandbox's own database holds,
  each once, with the values that matter (Buenno's answers, FeedbackAPI's opt-outs and
  account counts, Hello Customer's scores and NPS figures), after each run;
- the second run emitted, per stream, exactly what the README says it reads: streams
  read whole every record, incremental streams only what is at or after the bookmark the
  first run left in Meltano's state (minus the documented lookback windows). What was
  emitted is counted from the tap's own ``record_count`` metrics in Meltano's log, and
  identified by the rows whose ``_sdc_extracted_at`` is from the second run;
- a record deleted in the sandbox from a stream read whole (a FeedbackAPI location and a
  user) gets ``_sdc_deleted_at``, and no other row does;
- Hello Customer's camelCase fields are quoted mixed-case columns, queried as users will.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import sqlite3
import subprocess
import time
import typing as t
from contextlib import closing
from dataclasses import dataclass, field

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.languages import LANGUAGES
from survey_sandbox.hellocustomer.queries import nps_counts
from survey_sandbox.hellocustomer.render import nps_figures
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.timefmt import epoch_of, format_zulu
from tests.helpers.meltano import clean_env, record_counts, run_meltano

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.helpers.meltano import Postgres

SIZE = 10
#: What meltano.yml's sandbox environment gives tap-hellocustomer as start_date.
HELLOCUSTOMER_START = epoch_of(2025, 1, 1)
#: The taps' lookback defaults (README): Buenno's invitations, Hello Customer's responses.
BUENNO_LOOKBACK = 30 * 86400
HELLOCUSTOMER_LOOKBACK = 27 * 86400
#: What new records are stamped with: a minute before the second run, after every bookmark.
RECENTLY = 60

Rows = list[tuple[t.Any, ...]]


def epoch(column: str) -> str:
    """SQL for a PostgreSQL timestamp column in whole Unix seconds, named as the column."""
    return f'EXTRACT(EPOCH FROM "{column}")::bigint AS "{column}"'


@dataclass(frozen=True)
class Table:
    """One stream's table: the columns compared, read from PostgreSQL and from the sandbox.

    The first ``key`` columns are the primary key. ``sandbox`` is SQLite over the
    sandbox's database, with the parameters of :data:`SANDBOX_PARAMETERS`, listing what
    the API lists now.
    """

    columns: str
    sandbox: str
    key: int = 1


SANDBOX_PARAMETERS = {
    "buenno": BUENNO_TOKEN,
    "hellocustomer": HELLOCUSTOMER_TOKEN,
    "start": HELLOCUSTOMER_START,
}

TABLES: dict[str, dict[str, Table]] = {
    "tap-buenno": {
        "forms": Table("id, name", "SELECT id, name FROM buenno_forms WHERE token = :buenno"),
        "invitations": Table(
            f"id, form_id, email, {epoch('created_at')}, {epoch('opened_at')}",
            "SELECT i.id, i.form_id, i.email, i.created_at, i.opened_at"
            " FROM buenno_invitations i JOIN buenno_forms f ON f.id = i.form_id"
            " WHERE f.token = :buenno",
        ),
        "replies": Table(
            f"id, email, score_sum, {epoch('created_at')}",
            "SELECT r.id, coalesce(r.email, ''), r.score_sum, r.created_at"
            " FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id"
            " WHERE f.token = :buenno",
        ),
        "reply_answers": Table(
            "reply_id, question_id, points, answer",
            "SELECT a.reply_id, a.question_id, a.points, a.answer FROM buenno_answers a"
            " JOIN buenno_replies r ON r.id = a.reply_id JOIN buenno_forms f ON f.id = r.form_id"
            " WHERE f.token = :buenno",
            key=2,
        ),
    },
    "tap-feedbackapi": {
        "customers": Table(
            "id, email, opt_out::int AS opt_out",
            "SELECT id, email, opt_out FROM feedbackapi_customers WHERE deleted = 0",
        ),
        "locations": Table(
            "id, name", "SELECT id, name FROM feedbackapi_locations WHERE deleted = 0"
        ),
        "reviews": Table(
            "id, location, rating", "SELECT id, location, rating FROM feedbackapi_reviews"
        ),
        "feedback": Table(
            f"id, nps_score, {epoch('created')}",
            "SELECT id, nps_score, created FROM feedbackapi_feedback",
        ),
        "feedback_requests": Table(
            f"id, message_opened::int AS message_opened, {epoch('updated')}",
            "SELECT id, message_opened, updated FROM feedbackapi_feedback_requests",
        ),
        "accounts": Table(
            "id, active_locations, active_users",
            "SELECT a.id,"
            " (SELECT count(*) FROM feedbackapi_locations l"
            "  WHERE l.account_id = a.id AND l.deleted = 0),"
            " (SELECT count(*) FROM feedbackapi_users u"
            "  WHERE u.account_id = a.id AND u.deleted = 0 AND u.status = 'active')"
            " FROM feedbackapi_accounts a WHERE a.deleted = 0",
        ),
        "users": Table(
            "id, email",
            "SELECT id, email FROM feedbackapi_users WHERE deleted = 0 AND status = 'active'",
        ),
    },
    "tap-hellocustomer": {
        "responses": Table(
            f'"uniqueID", campaign_id, {epoch("dateAnswer")},'
            ' "hasBeenContacted"::int AS "hasBeenContacted"',
            "SELECT r.guid, r.touchpoint_guid, r.date_answer, r.has_been_contacted"
            " FROM hellocustomer_responses r"
            " JOIN hellocustomer_touchpoints t ON t.guid = r.touchpoint_guid"
            " WHERE t.token = :hellocustomer AND r.date_answer >= :start",
        ),
        "response_answers": Table(
            '"uniqueID", response_id, "answer_Value"',
            "SELECT a.guid, r.guid, a.value FROM hellocustomer_answers a"
            " JOIN hellocustomer_responses r ON r.id = a.response_id"
            " JOIN hellocustomer_touchpoints t ON t.guid = r.touchpoint_guid"
            " WHERE t.token = :hellocustomer AND r.date_answer >= :start",
        ),
        # Compared with the sandbox by test_hello_customer_nps_is_the_sandboxs_figure.
        "nps": Table(
            f"campaign_id, {epoch('period_start')}, {epoch('period_end')},"
            " nps, promoters, detractors",
            "",
        ),
        "languages": Table('"language_UniqueID", iso_639_1', ""),
    },
}


@dataclass(frozen=True)
class Snapshot:
    """After one run: each table's live rows, rows marked deleted, and the sandbox's lists."""

    loaded: dict[str, Rows]
    deleted: dict[str, Rows]
    expected: dict[str, Rows]


@dataclass
class Pipeline:
    """Two runs of one tap into PostgreSQL and what the test changed in between."""

    tap: str
    schema: str
    first: Snapshot
    second: Snapshot
    #: Per stream: what the second run emitted, from the tap's record_count metrics.
    emitted: collections.Counter[str]
    #: Per stream: keys of the rows the second run wrote (``_sdc_extracted_at``).
    refreshed: dict[str, Rows]
    #: Per stream: keys the second run had to read, from the first run's bookmarks.
    to_reread: dict[str, Rows]
    #: Keys of records created or changed between the runs, per stream, with values.
    changed: dict[str, Rows] = field(default_factory=dict)
    #: Keys of records deleted between the runs, per stream.
    removed: dict[str, set[t.Any]] = field(default_factory=dict)
    bookmarks: dict[str, t.Any] = field(default_factory=dict)
    db_path: Path | None = None


def ordered(rows: t.Iterable[tuple[t.Any, ...]]) -> Rows:
    """Rows in one order whatever their values' types (``None`` among numbers)."""
    return sorted(rows, key=lambda row: tuple(str(value) for value in row))


def sandbox_rows(db_path: Path, sql: str, **parameters: t.Any) -> Rows:
    with closing(sqlite3.connect(db_path)) as db:
        return ordered(db.execute(sql, {**SANDBOX_PARAMETERS, **parameters}).fetchall())


def snapshot(postgres: Postgres, schema: str, tap: str, db_path: Path) -> Snapshot:
    """Read every table of the tap from PostgreSQL and from the sandbox."""
    loaded, deleted, expected = {}, {}, {}
    for stream, table in TABLES[tap].items():
        query = f"SELECT {table.columns} FROM {schema}.{stream}"  # noqa: S608 - fixed names
        loaded[stream] = ordered(postgres.rows(f"{query} WHERE _sdc_deleted_at IS NULL"))
        deleted[stream] = ordered(postgres.rows(f"{query} WHERE _sdc_deleted_at IS NOT NULL"))
        expected[stream] = sandbox_rows(db_path, table.sandbox) if table.sandbox else []
    if tap == "tap-hellocustomer":
        expected["languages"] = ordered((language.guid, language.iso) for language in LANGUAGES)
    return Snapshot(loaded, deleted, expected)


def keys_written_since(postgres: Postgres, schema: str, tap: str, since: float) -> dict[str, Rows]:
    """Per stream, the keys of the rows extracted at or after ``since`` (Unix seconds)."""
    refreshed = {}
    for stream, table in TABLES[tap].items():
        key = ", ".join(table.columns.split(",")[: table.key])
        refreshed[stream] = ordered(
            postgres.rows(
                f"SELECT {key} FROM {schema}.{stream}"  # noqa: S608 - fixed names
                f" WHERE EXTRACT(EPOCH FROM _sdc_extracted_at) >= {since}"
            )
        )
    return refreshed


def bookmarks(env: dict[str, str], tap: str) -> dict[str, t.Any]:
    """The singer state's bookmarks the last run left, as `meltano state get` shows them."""
    result = run_meltano("state", "get", f"sandbox:{tap}-to-target-postgres", env=env)
    state = json.loads(result.stdout)
    return t.cast("dict[str, t.Any]", state["singer_state"]["bookmarks"])


def partition_bookmarks(bookmark: dict[str, t.Any], key: str) -> dict[t.Any, int]:
    """A partitioned stream's bookmarks in Unix seconds, by the partition's ``key``."""
    return {
        partition["context"][key]: to_epoch(partition["replication_key_value"])
        for partition in bookmark["partitions"]
    }


def to_epoch(value: str) -> int:
    return int(dt.datetime.fromisoformat(value).timestamp())


def iso_ago(seconds: int) -> str:
    return t.cast("str", format_zulu(int(time.time()) - seconds))


def pipeline_env(
    postgres: Postgres, sandbox: SandboxServer, tmp_path: Path, schema: str
) -> dict[str, str]:
    """Meltano's environment: the sandbox's URLs, the warehouse, a state database of its own."""
    return clean_env(
        MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
        TAP_BUENNO_API_URL=sandbox.base_url("buenno"),
        TAP_FEEDBACKAPI_API_URL=sandbox.base_url("feedbackapi"),
        TAP_HELLOCUSTOMER_API_URL=sandbox.base_url("hellocustomer"),
        TARGET_POSTGRES_HOST=postgres.host,
        TARGET_POSTGRES_PORT=str(postgres.port),
        TARGET_POSTGRES_USER=postgres.user,
        TARGET_POSTGRES_PASSWORD=postgres.password,
        TARGET_POSTGRES_DATABASE="postgres",
        TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA=schema,
    )


@pytest.fixture(scope="module")
def plugins_installed() -> None:
    """Only the plugins these pipelines run, from this checkout and PyPI."""
    run_meltano(
        "install",
        "extractor",
        "tap-buenno",
        "tap-feedbackapi",
        "tap-hellocustomer",
        env=clean_env(),
        timeout=1200,
    )
    run_meltano("install", "loader", "target-postgres", env=clean_env(), timeout=1200)


def two_runs(
    postgres: Postgres,
    tmp_path: Path,
    tap: str,
    between: t.Callable[[SandboxServer, Path, dict[str, t.Any]], Pipeline],
) -> Pipeline:
    """Run the tap into PostgreSQL, let ``between`` change the sandbox, run it again.

    ``between`` gets the first run's bookmarks and returns a partial Pipeline: what it
    changed and which keys the second run must read again.
    """
    schema = "warehouse_" + tap.removeprefix("tap-")
    db_path = tmp_path / "sandbox.db"
    with SandboxServer(db_path, size=SIZE, hellocustomer_min_interval=0.05) as sandbox:
        env = pipeline_env(postgres, sandbox, tmp_path, schema)
        run_meltano("run", tap, "target-postgres", env=env)
        first = snapshot(postgres, schema, tap, db_path)
        state = bookmarks(env, tap)
        plan = between(sandbox, db_path, state)
        # New records are stamped a minute ago, so they are older than the second run's
        # start to the second; an invitation created through the API is stamped now.
        time.sleep(1.1)
        since = time.time()
        result = run_meltano("run", tap, "target-postgres", env=env)
        second = snapshot(postgres, schema, tap, db_path)
        refreshed = keys_written_since(postgres, schema, tap, since)
    plan.tap, plan.schema, plan.first, plan.second = tap, schema, first, second
    plan.emitted = record_counts(result.stderr, tap)
    plan.refreshed = refreshed
    plan.bookmarks = state
    plan.db_path = db_path
    return plan


def partial_pipeline(
    to_reread: dict[str, Rows],
    changed: dict[str, Rows] | None = None,
    removed: dict[str, set[t.Any]] | None = None,
) -> Pipeline:
    empty = Snapshot({}, {}, {})
    return Pipeline(
        tap="",
        schema="",
        first=empty,
        second=empty,
        emitted=collections.Counter(),
        refreshed={},
        to_reread={stream: ordered(keys) for stream, keys in to_reread.items()},
        changed=changed or {},
        removed=removed or {},
    )


# --- tap-buenno ----------------------------------------------------------------------------


def buenno_between(sandbox: SandboxServer, db_path: Path, state: dict[str, t.Any]) -> Pipeline:
    """A new reply with chosen answers, a new invitation, an invitation opened."""
    api, admin = sandbox.base_url("buenno"), f"{sandbox.url}/_sandbox/buenno"
    invitation_marks = partition_bookmarks(state["invitations"], "form_id")
    reply_mark = to_epoch(state["replies"]["replication_key_value"])
    # The first run's bookmarks are the newest records (checked by a test of their own).
    newest_invitation = sandbox_rows(
        db_path,
        "SELECT id FROM buenno_invitations WHERE form_id = 2 ORDER BY created_at DESC LIMIT 1",
    )[0][0]
    opened_at = iso_ago(RECENTLY)
    requests.post(
        f"{admin}/invitations/{newest_invitation}", json={"opened_at": opened_at}, timeout=10
    ).raise_for_status()
    reply = requests.post(
        f"{admin}/replies",
        json={
            "form_id": 1,
            "created_at": iso_ago(RECENTLY),
            "email": "warehouse.test@example.com",
            "answers": [
                {"question_id": 103, "points": 10},
                {"question_id": 104, "answer": "Great | fast\nservice"},
            ],
        },
        timeout=10,
    )
    reply.raise_for_status()
    reply_id = reply.json()["reply"]["id"]
    invitation = requests.post(
        f"{api}/invitations",
        headers={"api-auth-token": BUENNO_TOKEN},
        json={"form_id": 1, "email": "new.invitee@example.com"},
        timeout=10,
    )
    invitation.raise_for_status()
    invitation_id = invitation.json()["invitation"]["id"]

    to_reread: dict[str, Rows] = {
        "forms": sandbox_rows(db_path, "SELECT id FROM buenno_forms WHERE token = :buenno")
    }
    to_reread["invitations"] = [
        row
        for form_id, mark in invitation_marks.items()
        for row in sandbox_rows(
            db_path,
            "SELECT id FROM buenno_invitations WHERE form_id = :form AND created_at >= :after",
            form=form_id,
            after=mark - BUENNO_LOOKBACK,
        )
    ]
    replies = (
        "SELECT r.id FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id"
        " WHERE f.token = :buenno AND r.created_at >= :after"
    )
    to_reread["replies"] = sandbox_rows(db_path, replies, after=reply_mark)
    to_reread["reply_answers"] = sandbox_rows(
        db_path,
        f"SELECT reply_id, question_id FROM buenno_answers WHERE reply_id IN ({replies})",  # noqa: S608 - fixed text
        after=reply_mark,
    )
    return partial_pipeline(
        to_reread,
        changed={
            "invitations": [
                (newest_invitation, to_epoch(opened_at)),
                (invitation_id, None),
            ],
            "reply_answers": [
                (reply_id, 103, 10, None),
                (reply_id, 104, None, "Great | fast\nservice"),
            ],
        },
    )


@pytest.fixture(scope="module")
def buenno(
    postgres: Postgres, plugins_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Pipeline:
    return two_runs(postgres, tmp_path_factory.mktemp("buenno"), "tap-buenno", buenno_between)


# --- tap-feedbackapi -----------------------------------------------------------------------


def feedbackapi_between(sandbox: SandboxServer, db_path: Path, state: dict[str, t.Any]) -> Pipeline:
    """New feedback and a new customer, a request opened, a location and a user deleted."""
    api, admin = sandbox.base_url("feedbackapi"), f"{sandbox.url}/_sandbox/feedbackapi"
    auth = (FEEDBACKAPI_TOKEN, "")
    feedback_mark = to_epoch(state["feedback"]["replication_key_value"])
    request_mark = to_epoch(state["feedback_requests"]["replication_key_value"])
    # A location that no review, feedback, request or customer uses, so that deleting it
    # changes only its own row and its account's count; and the last active user.
    location = sandbox_rows(
        db_path,
        "SELECT id FROM feedbackapi_locations l WHERE deleted = 0"
        " AND NOT EXISTS (SELECT 1 FROM feedbackapi_reviews r WHERE r.location = l.id)"
        " ORDER BY seq DESC LIMIT 1",
    )[0][0]
    user = sandbox_rows(
        db_path,
        "SELECT id FROM feedbackapi_users WHERE status = 'active' ORDER BY seq DESC LIMIT 1",
    )[0][0]
    requests.delete(f"{api}/locations/{location}", auth=auth, timeout=10).raise_for_status()
    requests.delete(f"{api}/users/{user}", auth=auth, timeout=10).raise_for_status()
    any_location = sandbox_rows(
        db_path, "SELECT id FROM feedbackapi_locations WHERE deleted = 0 ORDER BY seq LIMIT 1"
    )[0][0]
    feedback = requests.post(
        f"{admin}/feedback",
        json={
            "location": any_location,
            "type": "nps",
            "nps_score": 3,
            "created": iso_ago(RECENTLY),
        },
        timeout=10,
    )
    feedback.raise_for_status()
    customer = requests.post(
        f"{admin}/customers",
        json={
            "email": "new.customer@example.com",
            "location": any_location,
            "created": iso_ago(RECENTLY),
        },
        timeout=10,
    )
    customer.raise_for_status()
    oldest_request = sandbox_rows(
        db_path, "SELECT id FROM feedbackapi_feedback_requests ORDER BY updated LIMIT 1"
    )[0][0]
    moved = requests.post(
        f"{admin}/feedback-request/{oldest_request}",
        json={"message_opened": True, "updated": iso_ago(RECENTLY)},
        timeout=10,
    )
    moved.raise_for_status()

    to_reread = {
        stream: [
            row[:1] for row in sandbox_rows(db_path, TABLES["tap-feedbackapi"][stream].sandbox)
        ]
        for stream in ("customers", "locations", "reviews", "accounts", "users")
    }
    to_reread["feedback"] = sandbox_rows(
        db_path, "SELECT id FROM feedbackapi_feedback WHERE created >= :after", after=feedback_mark
    )
    to_reread["feedback_requests"] = sandbox_rows(
        db_path,
        "SELECT id FROM feedbackapi_feedback_requests WHERE updated >= :after",
        after=request_mark,
    )
    return partial_pipeline(
        to_reread,
        changed={
            "feedback": [(feedback.json()["id"], 3)],
            "customers": [(customer.json()["id"], "new.customer@example.com", 0)],
            "feedback_requests": [(oldest_request, 1)],
        },
        removed={"locations": {location}, "users": {user}},
    )


@pytest.fixture(scope="module")
def feedbackapi(
    postgres: Postgres, plugins_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Pipeline:
    return two_runs(
        postgres, tmp_path_factory.mktemp("feedbackapi"), "tap-feedbackapi", feedbackapi_between
    )


# --- tap-hellocustomer ---------------------------------------------------------------------


def hellocustomer_between(
    sandbox: SandboxServer, db_path: Path, state: dict[str, t.Any]
) -> Pipeline:
    """A new response with chosen scores, and a response within the lookback contacted."""
    admin = f"{sandbox.url}/_sandbox/hellocustomer"
    marks = partition_bookmarks(state["responses"], "campaign_id")
    response = requests.post(
        f"{admin}/responses",
        json={
            "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
            "dateAnswer": iso_ago(RECENTLY),
            "answers": [{"sortOrder": 1, "score": 2}, {"sortOrder": 3, "score": 10}],
        },
        timeout=10,
    )
    response.raise_for_status()
    new_response = response.json()["uniqueID"]
    # The newest response of the touchpoint: within any lookback, as users follow up.
    followed_up = sandbox_rows(
        db_path,
        "SELECT guid FROM hellocustomer_responses WHERE touchpoint_guid = :tp AND guid <> :new"
        " AND has_been_contacted = 0 ORDER BY date_answer DESC LIMIT 1",
        tp=TOUCHPOINT_STORE_VISIT,
        new=new_response,
    )[0][0]
    requests.patch(
        f"{admin}/responses/{followed_up}", json={"hasBeenContacted": True}, timeout=10
    ).raise_for_status()

    # Answered after the bookmark minus the lookback (exclusive), never before start_date.
    within = (
        " FROM hellocustomer_responses r"
        " WHERE r.touchpoint_guid = :tp AND r.date_answer > :after AND r.date_answer >= :start"
    )
    responses, response_ids = f"SELECT r.guid {within}", f"SELECT r.id {within}"
    answers = f"SELECT guid FROM hellocustomer_answers WHERE response_id IN ({response_ids})"  # noqa: S608 - fixed text
    to_reread: dict[str, Rows] = {"responses": [], "response_answers": []}
    for touchpoint, mark in marks.items():
        after = mark - HELLOCUSTOMER_LOOKBACK
        to_reread["responses"] += sandbox_rows(db_path, responses, tp=touchpoint, after=after)
        to_reread["response_answers"] += sandbox_rows(db_path, answers, tp=touchpoint, after=after)
    # The open period of each touchpoint is read again, and the language table whole.
    to_reread["nps"] = [(touchpoint,) for touchpoint in marks]
    to_reread["languages"] = [(language.guid,) for language in LANGUAGES]
    return partial_pipeline(
        to_reread,
        changed={"responses": [(new_response,), (followed_up,)]},
    )


@pytest.fixture(scope="module")
def hellocustomer(
    postgres: Postgres, plugins_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Pipeline:
    return two_runs(
        postgres,
        tmp_path_factory.mktemp("hellocustomer"),
        "tap-hellocustomer",
        hellocustomer_between,
    )


TAPS = ("buenno", "feedbackapi", "hellocustomer")


@pytest.fixture(params=TAPS)
def pipeline(request: pytest.FixtureRequest) -> Pipeline:
    return t.cast("Pipeline", request.getfixturevalue(request.param))


# --- the tests -----------------------------------------------------------------------------


def compared_streams(pipeline: Pipeline) -> list[str]:
    return [stream for stream, table in TABLES[pipeline.tap].items() if table.sandbox] + (
        ["languages"] if pipeline.tap == "tap-hellocustomer" else []
    )


def test_every_table_equals_the_sandbox_after_the_first_run(pipeline: Pipeline) -> None:
    for stream in compared_streams(pipeline):
        assert pipeline.first.expected[stream], f"the sandbox holds no {stream}"
        assert pipeline.first.loaded[stream] == pipeline.first.expected[stream], stream
        assert pipeline.first.deleted[stream] == [], stream


def test_every_table_equals_the_sandbox_after_the_second_run(pipeline: Pipeline) -> None:
    for stream in compared_streams(pipeline):
        assert pipeline.second.loaded[stream] == pipeline.second.expected[stream], stream


def test_the_first_runs_bookmarks_are_the_newest_records(pipeline: Pipeline) -> None:
    """The second run's expected reads derive from these: a bookmark left behind would
    make a tap that reads too much look right."""
    first = pipeline.first.loaded
    marks = pipeline.bookmarks
    if pipeline.tap == "tap-buenno":
        newest: dict[int, int] = {}
        for _, form_id, _, created_at, _ in first["invitations"]:
            newest[form_id] = max(newest.get(form_id, 0), created_at)
        assert partition_bookmarks(marks["invitations"], "form_id") == newest
        assert to_epoch(marks["replies"]["replication_key_value"]) == max(
            row[3] for row in first["replies"]
        )
    elif pipeline.tap == "tap-feedbackapi":
        assert to_epoch(marks["feedback"]["replication_key_value"]) == max(
            row[2] for row in first["feedback"]
        )
        assert to_epoch(marks["feedback_requests"]["replication_key_value"]) == max(
            row[2] for row in first["feedback_requests"]
        )
    else:
        latest: dict[str, int] = {}
        for _, campaign, answered, _ in first["responses"]:
            latest[campaign] = max(latest.get(campaign, 0), answered)
        assert partition_bookmarks(marks["responses"], "campaign_id") == latest


def test_the_second_run_reads_only_what_is_new_or_within_the_lookback(pipeline: Pipeline) -> None:
    expected_counts = {stream: len(keys) for stream, keys in pipeline.to_reread.items()}
    assert dict(pipeline.emitted) == expected_counts
    for stream, keys in pipeline.to_reread.items():
        assert pipeline.refreshed[stream] == keys, stream


def test_the_second_run_reads_far_less_than_the_first_from_incremental_streams(
    pipeline: Pipeline,
) -> None:
    incremental = {
        "tap-buenno": ("invitations", "replies", "reply_answers"),
        "tap-feedbackapi": ("feedback", "feedback_requests"),
        "tap-hellocustomer": ("responses", "response_answers", "nps"),
    }[pipeline.tap]
    for stream in incremental:
        assert pipeline.emitted[stream] * 2 < len(pipeline.second.loaded[stream]), stream


def test_records_created_or_changed_between_the_runs_arrive(pipeline: Pipeline) -> None:
    assert pipeline.changed
    for stream, rows in pipeline.changed.items():
        loaded = {row[0]: row for row in pipeline.second.loaded[stream]}
        for row in rows:
            assert row[0] in loaded, (stream, row)
            if stream == "invitations":
                assert loaded[row[0]][4] == row[1]
            elif stream == "reply_answers":
                assert (row[0], row[1]) in {r[:2] for r in pipeline.second.loaded[stream]}
            elif stream == "feedback":
                assert loaded[row[0]][1] == row[1]
            elif stream in ("customers", "feedback_requests"):
                assert loaded[row[0]][: len(row)] == row


def test_buenno_reply_answers_keep_their_points_and_text(buenno: Pipeline) -> None:
    answers = {row[:2]: row for row in buenno.second.loaded["reply_answers"]}
    for reply_id, question_id, points, answer in buenno.changed["reply_answers"]:
        assert answers[(reply_id, question_id)] == (reply_id, question_id, points, answer)


def test_deletes_are_marked_and_nothing_else(feedbackapi: Pipeline) -> None:
    for stream in TABLES["tap-feedbackapi"]:
        marked = {row[0] for row in feedbackapi.second.deleted[stream]}
        assert marked == feedbackapi.removed.get(stream, set()), stream
    for stream, removed in feedbackapi.removed.items():
        assert removed <= {row[0] for row in feedbackapi.first.loaded[stream]}, stream


def test_an_accounts_counts_follow_the_deletes(feedbackapi: Pipeline) -> None:
    before = {row[0]: row[1:] for row in feedbackapi.first.loaded["accounts"]}
    after = {row[0]: row[1:] for row in feedbackapi.second.loaded["accounts"]}
    assert sum(locations for locations, _ in before.values()) - 1 == sum(
        locations for locations, _ in after.values()
    )
    assert sum(users for _, users in before.values()) - 1 == sum(
        users for _, users in after.values()
    )


def test_hello_customer_nps_is_the_sandboxs_figure(hellocustomer: Pipeline) -> None:
    rows = hellocustomer.second.loaded["nps"]
    touchpoints = sorted({row[0] for row in rows})
    assert touchpoints == sorted(
        partition_bookmarks(hellocustomer.bookmarks["responses"], "campaign_id")
    )
    now = dt.datetime.now(tz=dt.timezone.utc)
    months = (now.year - 2025) * 12 + now.month
    assert len(rows) == len(touchpoints) * months
    assert hellocustomer.db_path is not None
    with closing(sqlite3.connect(hellocustomer.db_path)) as db:
        for campaign, start, end, nps, promoters, detractors in rows:
            figures = nps_figures(nps_counts(db, campaign, start, end - 1, ()))
            assert (nps, float(promoters), float(detractors)) == (
                figures["nps"],
                float(figures["promoters"]),
                float(figures["detractors"]),
            ), (campaign, start)
    assert any(row[3] != 0 for row in rows), "some month has a figure"
    current = [
        row for row in rows if row[0] == TOUCHPOINT_STORE_VISIT and row[2] > time.time() - 3600
    ]
    assert len(current) == 1, "the open month's figure is replaced, not added"
    assert current[0][4] > 0, "the new response's promoter counts in the open month"


def test_hello_customer_camel_case_fields_are_quoted_mixed_case_columns(
    hellocustomer: Pipeline, postgres: Postgres
) -> None:
    schema = hellocustomer.schema
    query = f"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '{schema}'"  # noqa: S608 - fixed name
    columns = set(postgres.rows(query))
    for table, column in (
        ("responses", "uniqueID"),
        ("responses", "firstName"),
        ("responses", "dateAnswer"),
        ("responses", "campaign_UniqueID"),
        ("responses", "hasBeenContacted"),
        ("response_answers", "answer_Value"),
        ("response_answers", "language_UniqueID"),
        ("languages", "language_UniqueID"),
    ):
        assert (table, column) in columns
        assert (table, column.lower()) not in columns
    # As users query them: quoted; unquoted, PostgreSQL folds the name and finds nothing.
    new_response = hellocustomer.changed["responses"][0][0]
    assert postgres.rows(
        f'SELECT "uniqueID", "dateAnswer" IS NOT NULL AS answered FROM {schema}.responses'  # noqa: S608
        f" WHERE \"uniqueID\" = '{new_response}'"
    ) == [(new_response, True)]
    with pytest.raises(subprocess.CalledProcessError) as unquoted:
        postgres.psql(f"SELECT uniqueID FROM {schema}.responses")  # noqa: S608 - fixed name
    assert 'column "uniqueid" does not exist' in unquoted.value.stderr


def test_hello_customer_scores_of_a_new_response_arrive(hellocustomer: Pipeline) -> None:
    new_response = hellocustomer.changed["responses"][0][0]
    scores = sorted(
        value
        for _, response, value in hellocustomer.second.loaded["response_answers"]
        if response == new_response and value is not None
    )
    assert scores == [2, 10]  # the CES and NPS answers posted between the runs
