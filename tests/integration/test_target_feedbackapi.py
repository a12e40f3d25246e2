"""target-feedbackapi as a process against the sandbox: locations, customers, feedback requests."""

from __future__ import annotations

import typing as t

import requests

from tests.helpers.integration import run_tap_process
from tests.helpers.target_runner import (
    Message,
    TargetProcess,
    record,
    run_target_process,
    schema,
    state,
)

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from survey_sandbox.server import SandboxServer

TOKEN = "sandbox-feedbackapi-token"
EMAIL_TEMPLATE = "em41Lt"
FIELDS = {
    "locations": ("name", "address_line_1", "postal_code", "country_code"),
    "customers": ("email", "mobile_number", "fname", "sname", "country_code", "location"),
    "feedback_requests": ("subscriber", "template", "location", "due", "suppress_message"),
}


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": sandbox.base_url("feedbackapi"), **extra}


def push(
    sandbox: SandboxServer,
    tmp_path: Path,
    name: str,
    stream: str,
    *records: Message,
    **extra: t.Any,
) -> TargetProcess:
    """Run the target over one stream's records in a working directory of its own."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    messages = [schema(stream, *FIELDS[stream]), *records, state(run=name)]
    run = run_target_process("target_feedbackapi", config_for(sandbox, **extra), messages, folder)
    assert TOKEN not in run.stdout + run.stderr
    return run


def count(db: sqlite3.Connection, sql: str, *params: t.Any) -> int:
    return int(db.execute(sql, params).fetchone()[0])


GOOD_CUSTOMERS = [
    record("customers", email="maija@example.com", fname="Maija", sname="Meikäläinen"),
    record("customers", mobile_number="+358 40 765 4321", country_code="fi"),
    record("customers", mobile_number="040 765 4322", country_code="FI"),  # read in Finland
    record("customers", email="ciro@example.com", mobile_number="07810 123456", country_code="GB"),
    record("customers", email="bobby@example.com"),
]
BAD_CUSTOMERS = [
    record("customers", fname="Nobody"),
    record("customers", mobile_number="12", country_code="FI"),
    record("customers", email="nobody@"),
]


def test_customers_arrive_once_bad_ones_are_dead_lettered_and_a_rerun_adds_nothing(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    seeded = count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_customers")
    [location] = sandbox_db.execute(
        "SELECT id FROM feedbackapi_locations ORDER BY seq LIMIT 1"
    ).fetchone()
    customers = [*GOOD_CUSTOMERS, *BAD_CUSTOMERS, GOOD_CUSTOMERS[0]]

    first = push(sandbox, tmp_path, "first", "customers", *customers, default_location=location)

    assert first.returncode == 0, first.stderr[-2000:]
    assert count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_customers") == seeded + len(
        GOOD_CUSTOMERS
    )
    assert (
        count(
            sandbox_db,
            "SELECT COUNT(*) FROM feedbackapi_customers WHERE mobile_number IN (?, ?, ?)",
            "+358407654321",
            "+358407654322",
            "+447810123456",
        )
        == 3
    )
    attached = count(
        sandbox_db,
        "SELECT COUNT(*) FROM feedbackapi_customer_locations l JOIN feedbackapi_customers c "
        "ON c.id = l.customer_id WHERE l.location_id = ? AND c.seq > ?",
        location,
        seeded,
    )
    assert attached == len(GOOD_CUSTOMERS)
    assert "Stream 'customers': 5 accepted, 1 already present, 3 rejected" in first.stderr
    assert [line["record"] for line in first.dead_letters] == [m["record"] for m in BAD_CUSTOMERS]
    assert first.states == [{"bookmarks": {"run": "first"}}]

    second = push(sandbox, tmp_path, "second", "customers", *customers, default_location=location)

    assert second.returncode == 0, second.stderr[-2000:]
    assert count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_customers") == seeded + len(
        GOOD_CUSTOMERS
    )
    assert len(second.dead_letters) == len(BAD_CUSTOMERS)


def test_locations_and_feedback_requests_are_created_once(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    locations = push(
        sandbox,
        tmp_path,
        "locations",
        "locations",
        record("locations", name="Kahvila Kallio", postal_code="00530", country_code="fi"),
        record("locations", name="Kahvila Kallio", postal_code="00530", country_code="FI"),
        record("locations", name="Kahvila Töölö", country_code="FI"),
        record("locations", name="Nowhere", country_code="FIN"),
    )
    assert locations.returncode == 0, locations.stderr[-2000:]
    new_locations = dict(
        sandbox_db.execute(
            "SELECT name, id FROM feedbackapi_locations WHERE name LIKE 'Kahvila K%' "
            "OR name LIKE 'Kahvila T%'"
        ).fetchall()
    )
    assert set(new_locations) == {"Kahvila Kallio", "Kahvila Töölö"}
    assert [line["reason"] for line in locations.dead_letters] == [
        "country_code: must match the pattern ^[A-Za-z]{2}$"
    ]

    subscribers = [
        row[0] for row in sandbox_db.execute("SELECT id FROM feedbackapi_customers LIMIT 3")
    ]
    before = count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_feedback_requests")
    asks = [
        record(
            "feedback_requests",
            subscriber=subscriber,
            template=EMAIL_TEMPLATE,
            suppress_message=True,
        )
        for subscriber in subscribers
    ]
    requests_run = push(
        sandbox,
        tmp_path,
        "requests",
        "feedback_requests",
        *asks,
        asks[0],  # the same request again in the run
        record("feedback_requests", subscriber=subscribers[0], template="nope00"),
        default_location=new_locations["Kahvila Kallio"],
    )

    assert requests_run.returncode == 0, requests_run.stderr[-2000:]
    assert count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_feedback_requests") == before + len(
        asks
    )
    assert count(
        sandbox_db,
        "SELECT COUNT(*) FROM feedbackapi_feedback_requests WHERE location = ? AND type = ?",
        new_locations["Kahvila Kallio"],
        "suppressed",
    ) == len(asks)
    [dead] = requests_run.dead_letters
    assert (dead["status"], dead["uncertain"]) == (400, False)
    assert "No such template: 'nope00'" in dead["reason"]


def test_feedback_requests_are_retried_only_when_nothing_was_done(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    [subscriber, location] = sandbox_db.execute(
        "SELECT customer_id, location_id FROM feedbackapi_customer_locations LIMIT 1"
    ).fetchone()
    before = count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_feedback_requests")
    ask = record(
        "feedback_requests",
        subscriber=subscriber,
        template=EMAIL_TEMPLATE,
        location=location,
        suppress_message=True,
    )

    def fault(status: int) -> None:
        requests.post(
            f"{sandbox.url}/_sandbox/feedbackapi/faults",
            json={"status": status, "count": 1},
            timeout=10,
        ).raise_for_status()

    fault(503)
    retried = push(sandbox, tmp_path, "retried", "feedback_requests", ask)
    fault(500)
    uncertain = push(sandbox, tmp_path, "uncertain", "feedback_requests", ask)

    assert retried.returncode == uncertain.returncode == 0
    assert retried.dead_letters == []
    assert "HTTP 503" in retried.stderr
    # The 500 was injected before the sandbox acted, but the target cannot know that.
    [dead] = uncertain.dead_letters
    assert (dead["status"], dead["uncertain"]) == (500, True)
    assert "not sent again" in dead["reason"]
    assert count(sandbox_db, "SELECT COUNT(*) FROM feedbackapi_feedback_requests") == before + 1
    assert uncertain.states == [{"bookmarks": {"run": "uncertain"}}]


def test_tap_feedbackapi_reads_the_customers_the_target_pushed(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    [location] = sandbox_db.execute("SELECT id FROM feedbackapi_locations LIMIT 1").fetchone()
    pushed = push(
        sandbox, tmp_path, "push", "customers", *GOOD_CUSTOMERS, default_location=location
    )
    assert pushed.returncode == 0, pushed.stderr[-2000:]

    read = run_tap_process("tap_feedbackapi", config_for(sandbox), tmp_path)

    customers = read.output.records("customers")
    assert {"maija@example.com", "ciro@example.com", "bobby@example.com"} <= {
        c["email"] for c in customers
    }
    assert {"+358407654321", "+358407654322", "+447810123456"} <= {
        c["mobile_number"] for c in customers
    }
    maija = next(c for c in customers if c["email"] == "maija@example.com")
    assert (maija["fname"], maija["sname"], maija["locations"]) == (
        "Maija",
        "Meikäläinen",
        [location],
    )
