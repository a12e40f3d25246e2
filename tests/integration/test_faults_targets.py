"""Every target through every kind of fault: each good record delivered once, or flagged.

The sandbox's tables say what arrived. Buenno invitations (looked up after a lost answer,
whether or not Buenno answers 409) and FeedbackAPI customers must arrive exactly once
whatever happens. A push that is not
(FeedbackAPI locations and feedback requests, Hello Customer respondents and answers)
must never arrive twice: after an outcome the target cannot know (a read timeout, a
dropped connection, a 5xx other than 503, an HTML page or a truncated answer) the record
goes to the dead-letter file as uncertain, with the reason, and is not sent again; with
only answers by which the server declines (429), every record arrives exactly once.
"""

from __future__ import annotations

import contextlib
import sqlite3
import typing as t

import pytest

from survey_common.readings import readings_from_text
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.faults import FAULT_KINDS
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer
from tests.helpers.faults import (
    ALL_FAULTS,
    NOT_ACTED_ON,
    assert_target_left_no_secret,
    faults_met,
    log_faults,
    timeout_for,
    uncertain_records,
)
from tests.helpers.target_runner import (
    Message,
    TargetProcess,
    record,
    run_target_process,
    schema,
    state,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from survey_common.readings.point import Readings
    from survey_sandbox.faults import FaultPlan

BUENNO_FORM = 2  # active, and not the token's default form
FEEDBACKAPI_TEMPLATE = "em41Lt"
HELLOCUSTOMER_COMPANY = "ec28d381-4883-4731-9462-74c3dc82aff1"
#: Seconds between Hello Customer calls.
INTERVAL = 0.05
#: A seed whose faults include every kind in the few calls of the Hello Customer run.
HELLOCUSTOMER_SEED = 6


def seeds(long_run: bool) -> tuple[int, ...]:
    """The sandbox's seeds: 2, whose faults include every kind; more with ``--long``."""
    return (2, 3, 4, 5, 6, 7) if long_run else (2,)


def query(db_path: Path, sql: str, *args: t.Any) -> list[tuple[t.Any, ...]]:
    """Read the sandbox's database, as a test of what the platform now holds."""
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(sql, args).fetchall()


def counts(rows: Iterable[tuple[t.Any, ...]]) -> dict[t.Any, int]:
    """Map the first column of ``(key, count)`` rows to the count."""
    return {row[0]: int(row[1]) for row in rows}


def push(
    module: str,
    faults: FaultPlan,
    config: dict[str, t.Any],
    messages: list[Message],
    folder: Path,
) -> TargetProcess:
    """Run a target against a sandbox with ``faults``; its working directory is ``folder``."""
    config = {**config, "request_timeout": timeout_for(faults)}
    run = run_target_process(module, config, messages, folder)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert_target_left_no_secret(run)
    return run


def assert_once_or_uncertain(
    delivered: dict[str, int], uncertain: list[str], expected: list[str]
) -> None:
    """Never twice; each record once, or not at all and dead-lettered as uncertain."""
    assert all(count == 1 for count in delivered.values()), delivered
    assert set(delivered) <= set(expected)
    assert len(uncertain) == len(set(uncertain))
    assert sorted(set(expected) - set(delivered)) == sorted(set(uncertain) - set(delivered))


def assert_summary_counts_uncertain(run: TargetProcess, stream: str, uncertain: int) -> None:
    """The run's summary of ``stream`` says how many rejected records are uncertain."""
    [summary] = [
        line
        for line in run.stderr.splitlines()
        if f"Stream '{stream}': " in line and " accepted, " in line
    ]
    if uncertain:
        assert f"({uncertain} of them uncertain" in summary, summary
    else:
        assert "0 rejected" in summary, summary


# Buenno: invitations arrive once, whether Buenno answers 409 to one it has or not.


def check_buenno(
    folder: Path, seed: int, faults: FaultPlan, readings: Readings | None = None
) -> None:
    """Push invitations under ``faults``: each arrives exactly once, none is dead-lettered."""
    folder.mkdir(parents=True)
    emails = [f"fault{n}@example.com" for n in range(14)]
    messages = [
        schema("invitations", "email"),
        *[record("invitations", email=email) for email in emails],
        state(crm=1),
    ]
    with SandboxServer(
        folder / "sandbox.db", seed=seed, size=5, faults=faults, readings=readings
    ) as sandbox:
        config = {
            "api_token": BUENNO_TOKEN,
            "api_url": sandbox.base_url("buenno"),
            "form_id": BUENNO_FORM,
        }
        run = push("target_buenno", faults, config, messages, folder)

    delivered = counts(
        query(
            folder / "sandbox.db",
            "SELECT email, COUNT(*) FROM buenno_invitations"
            " WHERE form_id = ? AND email LIKE 'fault%' GROUP BY email",
            BUENNO_FORM,
        )
    )
    assert delivered == dict.fromkeys(emails, 1)
    assert run.dead_letters == []
    assert run.states == [{"bookmarks": {"crm": 1}}]


def test_buenno_invitations_arrive_exactly_once_through_every_kind_of_fault(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, long_run: bool
) -> None:
    log_faults(caplog)
    for seed in seeds(long_run):
        check_buenno(tmp_path / f"seed-{seed}", seed, ALL_FAULTS)
    assert faults_met(caplog) == set(FAULT_KINDS)


def test_buenno_invitations_arrive_once_through_every_fault_when_buenno_answers_no_409(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, long_run: bool
) -> None:
    """Under the other reading a lost answer's POST, sent again blindly, invites twice."""
    log_faults(caplog)
    no_409 = readings_from_text("buenno.invitation-409-key")
    for seed in seeds(long_run):
        check_buenno(tmp_path / f"seed-{seed}", seed, ALL_FAULTS, no_409)
    assert faults_met(caplog) == set(FAULT_KINDS)


# FeedbackAPI: customers are upserts; locations and feedback requests are not.


def feedbackapi_messages(customer_ids: list[str], location: str) -> list[Message]:
    """Customers, locations and feedback requests, each set told apart by a name or id."""
    return [
        schema("customers", "email", "location"),
        *[record("customers", email=f"fault{n}@example.com", location=location) for n in range(5)],
        schema("locations", "name", "country_code"),
        *[record("locations", name=f"Fault shop {n}", country_code="FI") for n in range(5)],
        schema("feedback_requests", "subscriber", "template", "location", "suppress_message"),
        *[
            record(
                "feedback_requests",
                subscriber=customer,
                template=FEEDBACKAPI_TEMPLATE,
                location=location,
                suppress_message=True,
            )
            for customer in customer_ids
        ],
        state(crm=1),
    ]


def check_feedbackapi(folder: Path, seed: int, faults: FaultPlan) -> None:
    """Push the three streams under ``faults``: customers once; the others once, or uncertain."""
    folder.mkdir(parents=True)
    db_path = folder / "sandbox.db"
    with SandboxServer(db_path, seed=seed, size=20, faults=faults) as sandbox:
        [[location]] = query(db_path, "SELECT id FROM feedbackapi_locations ORDER BY seq LIMIT 1")
        customers = [row[0] for row in query(db_path, "SELECT id FROM feedbackapi_customers")][:5]
        [[last_request]] = query(db_path, "SELECT MAX(seq) FROM feedbackapi_feedback_requests")
        config = {"api_token": FEEDBACKAPI_TOKEN, "api_url": sandbox.base_url("feedbackapi")}
        run = push(
            "target_feedbackapi",
            faults,
            config,
            feedbackapi_messages(customers, location),
            folder,
        )

    customers_delivered = counts(
        query(
            db_path,
            "SELECT email, COUNT(*) FROM feedbackapi_customers"
            " WHERE email LIKE 'fault%' GROUP BY email",
        )
    )
    assert customers_delivered == {f"fault{n}@example.com": 1 for n in range(5)}
    locations = counts(
        query(
            db_path,
            "SELECT name, COUNT(*) FROM feedbackapi_locations"
            " WHERE name LIKE 'Fault shop%' GROUP BY name",
        )
    )
    requests = counts(
        query(
            db_path,
            "SELECT subscriber, COUNT(*) FROM feedbackapi_feedback_requests"
            " WHERE seq > ? GROUP BY subscriber",
            last_request,
        )
    )
    uncertain_locations = [r["name"] for r in uncertain_records(run, "locations")]
    uncertain_requests = [r["subscriber"] for r in uncertain_records(run, "feedback_requests")]
    assert_once_or_uncertain(locations, uncertain_locations, [f"Fault shop {n}" for n in range(5)])
    assert_once_or_uncertain(requests, uncertain_requests, customers)
    assert uncertain_records(run, "customers") == []
    assert_summary_counts_uncertain(run, "locations", len(uncertain_locations))
    assert_summary_counts_uncertain(run, "feedback_requests", len(uncertain_requests))
    if faults is NOT_ACTED_ON:
        assert run.dead_letters == []
    assert run.states == [{"bookmarks": {"crm": 1}}]


@pytest.mark.parametrize("faults", [ALL_FAULTS, NOT_ACTED_ON], ids=["all-faults", "only-429"])
def test_feedbackapi_pushes_arrive_once_or_are_dead_lettered_as_uncertain(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, long_run: bool, faults: FaultPlan
) -> None:
    log_faults(caplog)
    for seed in seeds(long_run):
        check_feedbackapi(tmp_path / f"seed-{seed}", seed, faults)
    assert faults_met(caplog) == set(faults.kinds)


# Hello Customer: neither respondents nor answers are safe to repeat.


def hellocustomer_messages(question: str) -> list[Message]:
    """Respondents in batches of 3, and one filled-in survey per person."""
    return [
        schema("respondents", "email"),
        *[record("respondents", email=f"fault-respondent{n}@example.com") for n in range(12)],
        schema("answers", "company_unique_id", "language", "respondent", "answers"),
        *[
            record(
                "answers",
                company_unique_id=HELLOCUSTOMER_COMPANY,
                language="en",
                respondent={"email": f"fault-answer{n}@example.com"},
                answers=[{"QuestionItemUniqueID": question, "Score": 5}],
            )
            for n in range(15)
        ],
        state(crm=1),
    ]


def check_hellocustomer(folder: Path, seed: int, faults: FaultPlan) -> None:
    """Push respondents and answers under ``faults``: each once, or uncertain."""
    folder.mkdir(parents=True)
    db_path = folder / "sandbox.db"
    with SandboxServer(
        db_path, seed=seed, size=5, faults=faults, hellocustomer_min_interval=0
    ) as sandbox:
        [[question]] = query(
            db_path,
            "SELECT q.guid FROM hellocustomer_questions q"
            " JOIN hellocustomer_surveys s ON q.survey_guid = s.guid"
            " WHERE s.touchpoint_guid = ? AND s.language_guid = ? AND q.sort_order = 1",
            TOUCHPOINT_STORE_VISIT,
            "df88d743-1b99-44ef-b47f-260c78030ee7",  # English
        )
        config = {
            "api_token": HELLOCUSTOMER_TOKEN,
            "api_url": sandbox.base_url("hellocustomer"),
            "campaign_id": TOUCHPOINT_STORE_VISIT,
            "default_language": "nl",
            "batch_size": 3,
            "min_request_interval": INTERVAL,
        }
        run = push("target_hellocustomer", faults, config, hellocustomer_messages(question), folder)

    respondents = counts(
        query(
            db_path,
            "SELECT email, COUNT(*) FROM hellocustomer_respondents"
            " WHERE email LIKE 'fault-respondent%' GROUP BY email",
        )
    )
    answers = counts(
        query(
            db_path,
            "SELECT p.email, COUNT(*) FROM hellocustomer_responses r"
            " JOIN hellocustomer_respondents p ON r.respondent_id = p.id"
            " WHERE p.email LIKE 'fault-answer%' GROUP BY p.email",
        )
    )
    uncertain_respondents = [r["email"] for r in uncertain_records(run, "respondents")]
    uncertain_answers = [r["respondent"]["email"] for r in uncertain_records(run, "answers")]
    assert_once_or_uncertain(
        respondents, uncertain_respondents, [f"fault-respondent{n}@example.com" for n in range(12)]
    )
    assert_once_or_uncertain(
        answers, uncertain_answers, [f"fault-answer{n}@example.com" for n in range(15)]
    )
    assert_summary_counts_uncertain(run, "respondents", len(uncertain_respondents))
    assert_summary_counts_uncertain(run, "answers", len(uncertain_answers))
    if faults is NOT_ACTED_ON:
        assert run.dead_letters == []
    assert run.states == [{"bookmarks": {"crm": 1}}]


@pytest.mark.parametrize("faults", [ALL_FAULTS, NOT_ACTED_ON], ids=["all-faults", "only-429"])
def test_hellocustomer_pushes_arrive_once_or_are_dead_lettered_as_uncertain(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, long_run: bool, faults: FaultPlan
) -> None:
    log_faults(caplog)
    for seed in seeds(long_run):
        check_hellocustomer(tmp_path / f"seed-{seed}", seed, faults)
    assert faults_met(caplog) == set(faults.kinds)
