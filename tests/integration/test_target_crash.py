"""Each target killed with SIGKILL mid-stream, then rerun as Meltano would: nothing pushed twice.

Meltano keeps the last STATE a target passed on; after a crash the tap restarts from it,
so the target receives again every record after that state (or the whole input when
none was passed on). The runs of a pipeline share one working directory, as they share
Meltano's project folder, so the dead-letter file, the push journal and Hello Customer's
ledger keep their default paths there.

Over the killed runs and the run that completes:

- no record is in the sandbox twice (counted per key in its database), although pushes
  of locations, feedback requests and respondents are not idempotent;
- every good record arrives, except those whose push was on its way when the run was
  killed: each may or may not have arrived, and the rerun dead-letters it as uncertain
  instead of sending it again (at most one call's records per call in flight, per kill:
  pushes run side by side, up to ``max_concurrent_requests`` calls at once).

The kill points are counts of API calls the sandbox received, drawn with a fixed seed:
a few by default, more with ``--long``.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import typing as t
from dataclasses import dataclass

import pytest

from survey_common.http.inflight import DEFAULT_MAX_CONCURRENT_REQUESTS
from survey_common.platforms.feedbackapi import PUSH_MAX_CONCURRENT_REQUESTS
from survey_common.readings import readings_from_text
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer
from tests.helpers.kill import KilledRun, run_target_killed_when
from tests.helpers.secret_scan import assert_no_personal_data, assert_no_secrets, personal_data
from tests.helpers.target_runner import Message, assert_kept_private, record, schema, state

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

#: Records per input stream.
RECORDS = 40
#: Records between two STATE messages of the input.
STATE_EVERY = 7
#: Respondents per Hello Customer call: not a divisor of STATE_EVERY, so that states wait.
BATCH_SIZE = 6
#: Killed runs per pipeline, by default and with ``--long``.
KILLS, LONG_KILLS = 4, 16
BUENNO_FORM = 2
EMAIL_TEMPLATE = "em41Lt"
COMPANY = "ec28d381-4883-4731-9462-74c3dc82aff1"
DUTCH = "1b5c1275-4f92-422f-b1fc-799bf8e30598"
FEEDBACK_REQUEST_FIELDS = ("subscriber", "template", "location", "due", "suppress_message")
#: Epoch seconds of 2031-01-01: the due times of the pushed feedback requests, one a minute.
DUE = 1924992000


@dataclass(frozen=True)
class Pipeline:
    """One target's input, and how to count in the sandbox what each record left there."""

    module: str
    platform: str
    config: Callable[[SandboxServer, sqlite3.Connection], dict[str, t.Any]]
    messages: Callable[[sqlite3.Connection], list[Message]]
    #: SQL giving (key, count) of every pushed record, by the key ``key_of`` gives a record.
    count_sql: str
    key_of: Callable[[dict[str, t.Any]], str]
    #: The calls an undisturbed run makes, over which the kill points are drawn.
    calls: int
    #: Records one call carries at most.
    per_call: int = 1
    #: Calls in flight at once: with ``per_call``, the most a kill can leave uncertain.
    in_flight: int = DEFAULT_MAX_CONCURRENT_REQUESTS


def with_states(*streams: list[Message]) -> list[Message]:
    """Each stream's records after its SCHEMA, a STATE (numbered) every few records."""
    messages: list[Message] = []
    for records in streams:
        for position, message in enumerate(records):
            messages.append(message)
            if position % STATE_EVERY == STATE_EVERY - 1:
                messages.append(state(position=len(messages)))
    schemas = [message for message in messages if message["type"] == "SCHEMA"]
    rest = [message for message in messages if message["type"] != "SCHEMA"]
    return [*schemas, *rest, state(position="end")]


def feedbackapi_messages(db: sqlite3.Connection) -> list[Message]:
    pairs = db.execute(
        "SELECT customer_id, location_id FROM feedbackapi_customer_locations "
        "GROUP BY customer_id ORDER BY customer_id LIMIT ?",
        (RECORDS // 2,),
    ).fetchall()
    return with_states(
        [
            schema("locations", "name", "country_code"),
            *[
                record("locations", name=f"crash-location-{n:03}", country_code="FI")
                for n in range(RECORDS)
            ],
        ],
        [
            schema("feedback_requests", *FEEDBACK_REQUEST_FIELDS),
            *[
                record(
                    "feedback_requests",
                    subscriber=subscriber,
                    template=EMAIL_TEMPLATE,
                    location=location,
                    due=DUE + 60 * n,
                    suppress_message=True,
                )
                for n, (subscriber, location) in enumerate(pairs)
            ],
        ],
    )


def hellocustomer_messages(db: sqlite3.Connection) -> list[Message]:
    """Respondents to survey, then filled-in surveys (answers) of the Store visit touchpoint."""
    [question] = db.execute(
        "SELECT q.guid FROM hellocustomer_questions q "
        "JOIN hellocustomer_surveys s ON q.survey_guid = s.guid "
        "WHERE s.touchpoint_guid = ? AND s.language_guid = ? AND q.sort_order = 3",
        (TOUCHPOINT_STORE_VISIT, DUTCH),
    ).fetchone()
    return with_states(
        [
            schema("respondents", "email"),
            *[record("respondents", email=f"crash{n}@example.com") for n in range(RECORDS)],
        ],
        [
            schema("answers", "company_unique_id", "respondent", "answers"),
            *[
                record(
                    "answers",
                    company_unique_id=COMPANY,
                    respondent={"email": f"surveyed{n}@example.com"},
                    answers=[{"QuestionItemUniqueID": question, "Score": 9}],
                )
                for n in range(RECORDS // 2)
            ],
        ],
    )


PIPELINES = {
    "target_buenno": Pipeline(
        module="target_buenno",
        platform="buenno",
        config=lambda sandbox, _db: {
            "api_token": BUENNO_TOKEN,
            "api_url": sandbox.base_url("buenno"),
            "form_id": BUENNO_FORM,
        },
        messages=lambda _db: with_states(
            [
                schema("invitations", "email"),
                *[record("invitations", email=f"crash{n}@example.com") for n in range(RECORDS)],
            ]
        ),
        count_sql=(
            "SELECT email, COUNT(*) FROM buenno_invitations WHERE email LIKE 'crash%' "
            "GROUP BY email"
        ),
        key_of=lambda values: str(values["email"]),
        calls=RECORDS,
    ),
    "target_feedbackapi": Pipeline(
        module="target_feedbackapi",
        platform="feedbackapi",
        config=lambda sandbox, _db: {
            "api_token": FEEDBACKAPI_TOKEN,
            "api_url": sandbox.base_url("feedbackapi"),
        },
        messages=feedbackapi_messages,
        count_sql=(
            "SELECT name, COUNT(*) FROM feedbackapi_locations WHERE name LIKE 'crash-%' "
            "GROUP BY name UNION ALL "
            "SELECT due, COUNT(*) FROM feedbackapi_feedback_requests "
            "WHERE due >= 1924992000 GROUP BY due"  # DUE
        ),
        key_of=lambda values: str(values.get("name") or values.get("due")),
        calls=RECORDS + RECORDS // 2,
        in_flight=PUSH_MAX_CONCURRENT_REQUESTS,
    ),
    "target_hellocustomer": Pipeline(
        module="target_hellocustomer",
        platform="hellocustomer",
        config=lambda sandbox, _db: {
            "api_token": HELLOCUSTOMER_TOKEN,
            "api_url": sandbox.base_url("hellocustomer"),
            "campaign_id": TOUCHPOINT_STORE_VISIT,
            "default_language": "nl",
            "batch_size": BATCH_SIZE,
            "min_request_interval": 0.0,
        },
        messages=hellocustomer_messages,
        count_sql=(
            "SELECT email, COUNT(*) FROM hellocustomer_respondents WHERE email LIKE 'crash%' "
            "AND added_by = 'respondent/addmultipletocache' GROUP BY email UNION ALL "
            "SELECT p.email, COUNT(*) FROM hellocustomer_responses r "
            "JOIN hellocustomer_respondents p ON r.respondent_id = p.id "
            "WHERE p.email LIKE 'surveyed%' GROUP BY p.email"
        ),
        key_of=lambda values: str(values.get("email") or values["respondent"]["email"]),
        calls=-(-RECORDS // BATCH_SIZE) + RECORDS // 2,
        per_call=BATCH_SIZE,
        in_flight=1,  # one call a second for the whole process
    ),
}


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """The sandbox; parametrized indirectly, it takes the other reading of the points named."""
    switched = getattr(request, "param", "ours")
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=9,
        size=20,
        hellocustomer_min_interval=0.0,
        readings=None if switched == "ours" else readings_from_text(switched),
    ) as server:
        yield server


def replay_from(messages: list[Message], passed_on: dict[str, t.Any] | None) -> list[Message]:
    """What the target receives when the tap restarts from the state it passed on last.

    The SCHEMA messages, then the state itself (a tap given a state writes it first),
    then every message after it; the whole input when no state was passed on.
    """
    if passed_on is None:
        return messages
    position = next(
        index
        for index, message in enumerate(messages)
        if message["type"] == "STATE" and message["value"] == passed_on
    )
    schemas = [message for message in messages if message["type"] == "SCHEMA"]
    return [*schemas, *messages[position:]]


def run_pipeline(
    pipeline: Pipeline,
    sandbox: SandboxServer,
    config: dict[str, t.Any],
    messages: list[Message],
    folder: Path,
    *,
    kill_points: Iterator[int],
) -> list[KilledRun]:
    """Run the target, killed after each count of calls in turn, each rerun from its state."""
    runs: list[KilledRun] = []
    passed_on: dict[str, t.Any] | None = None
    for kill_at in [*kill_points, None]:
        calls_before = sandbox.api_calls(pipeline.platform)

        def enough_calls(kill_at: int | None = kill_at, calls_before: int = calls_before) -> bool:
            return kill_at is not None and sandbox.api_calls(pipeline.platform) >= (
                calls_before + kill_at
            )

        lines = [json.dumps(m) + "\n" for m in replay_from(messages, passed_on)]
        run = run_target_killed_when(
            pipeline.module, config, lines, folder, name=f"run{len(runs)}", kill_when=enough_calls
        )
        assert run.killed or run.returncode == 0, run.stderr[-3000:]
        states = [json.loads(line) for line in run.lines if line.strip()]
        passed_on = states[-1] if states else passed_on
        runs.append(run)
    return runs


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_a_killed_target_rerun_from_its_last_state_pushes_nothing_twice(
    name: str, sandbox: SandboxServer, tmp_path: Path, long_run: bool
) -> None:
    check_killed_runs_push_nothing_twice(name, sandbox, tmp_path, long_run)


@pytest.mark.parametrize("sandbox", ["buenno.invitation-409-key"], indirect=True)
def test_a_killed_target_buenno_invites_nobody_twice_when_buenno_answers_no_409(
    sandbox: SandboxServer, tmp_path: Path, long_run: bool
) -> None:
    # Without a 409, only the journal tells a rerun that a killed run's invitation went out.
    check_killed_runs_push_nothing_twice("target_buenno", sandbox, tmp_path, long_run)


def check_killed_runs_push_nothing_twice(
    name: str, sandbox: SandboxServer, tmp_path: Path, long_run: bool
) -> None:
    """Kill the target at random calls, rerun it from its last state, count what arrived."""
    pipeline = PIPELINES[name]
    with contextlib.closing(sqlite3.connect(tmp_path / "sandbox.db")) as db:
        config = pipeline.config(sandbox, db)
        messages = pipeline.messages(db)
    good = {pipeline.key_of(m["record"]) for m in messages if m["type"] == "RECORD"}
    chance = random.Random(f"{name}-crash")  # noqa: S311 - kill points, not secrets
    kills = [chance.randrange(1, pipeline.calls) for _ in range(LONG_KILLS if long_run else KILLS)]
    folder = tmp_path / "project"

    runs = run_pipeline(pipeline, sandbox, config, messages, folder, kill_points=iter(kills))

    assert runs[-1].returncode == 0, runs[-1].stderr[-3000:]
    assert any(run.killed for run in runs)
    with contextlib.closing(sqlite3.connect(tmp_path / "sandbox.db")) as db:
        counts = {str(key): count for key, count in db.execute(pipeline.count_sql)}
    twice = {key: count for key, count in counts.items() if count > 1}
    assert not twice, f"pushed more than once: {twice}"
    dead_letter = folder / "dead-letter.jsonl"
    dead = (
        [json.loads(line) for line in dead_letter.read_text().splitlines()]
        if dead_letter.exists()
        else []
    )
    assert all(line["uncertain"] for line in dead), dead
    uncertain = {pipeline.key_of(line["record"]) for line in dead}
    assert good - set(counts) <= uncertain, "a good record neither arrived nor was dead-lettered"
    in_flight_at_kills = pipeline.in_flight * sum(run.killed for run in runs)
    assert len(uncertain) <= pipeline.per_call * in_flight_at_kills
    for run in runs:
        assert_no_secrets(
            {
                "stderr": run.stderr,
                "state": "".join(run.lines),
                "dead-letter": dead_letter.read_text() if dead_letter.exists() else "",
            }
        )
        assert_no_personal_data(
            {"stderr": run.stderr, "state": "".join(run.lines)}, personal_data(messages)
        )
    # Killed runs leave the journal and its side files behind: owner-only, no contacts.
    assert_kept_private(folder, config, messages, {}, dead_letter)
