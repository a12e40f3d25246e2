"""target-feedbackapi against the sandbox under both readings of FeedbackAPI's write points.

A CRM's customers reach FeedbackAPI as the CRM has them: opt-outs, names kept when the
CRM has none, locations added and removed, one customer per person, and nothing created
twice by a rerun; feedback requests with a ``due`` are created once whichever form of it
the API takes. Each run is compared with the sandbox's database.
"""

from __future__ import annotations

import typing as t

import requests

from tests.helpers.integration import BOTH_READINGS
from tests.helpers.target_runner import Message, TargetProcess, record, run_target_process, state

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    import pytest

    from survey_sandbox.server import SandboxServer

TOKEN = "sandbox-feedbackapi-token"
EMAIL_TEMPLATE = "em41Lt"
TEXT = {"type": ["string", "null"]}
LIST = {"type": ["array", "null"], "items": {"type": "string"}}
CUSTOMER_SCHEMA: Message = {
    "type": "SCHEMA",
    "stream": "customers",
    "schema": {
        "type": "object",
        "properties": {
            **dict.fromkeys(("email", "mobile_number", "fname", "sname"), TEXT),
            **dict.fromkeys(("country_code", "location"), TEXT),
            "opt_out": {"type": ["boolean", "null"]},
            "locations": LIST,
            "location_remove": LIST,
        },
    },
    "key_properties": ["email"],
}
REQUEST_SCHEMA: Message = {
    "type": "SCHEMA",
    "stream": "feedback_requests",
    "schema": {
        "type": "object",
        "properties": {
            **dict.fromkeys(("subscriber", "template", "location", "due"), TEXT),
            "suppress_message": {"type": ["boolean", "null"]},
        },
    },
    "key_properties": [],
}


def run(sandbox: SandboxServer, tmp_path: Path, name: str, *messages: Message) -> TargetProcess:
    """Run the target over the messages in a working directory of its own."""
    folder = tmp_path / name
    folder.mkdir()
    config = {"api_token": TOKEN, "api_url": sandbox.base_url("feedbackapi")}
    process = run_target_process("target_feedbackapi", config, [*messages, state(run=name)], folder)
    assert process.returncode == 0, process.stderr[-3000:]
    assert process.dead_letters == []
    assert TOKEN not in process.stdout + process.stderr
    return process


def customer_rows(db: sqlite3.Connection, email: str) -> list[dict[str, t.Any]]:
    """Every customer the sandbox holds with this email, with its locations."""
    rows = db.execute(
        "SELECT id, fname, sname, country_code, opt_out, mobile_number "
        "FROM feedbackapi_customers WHERE email = ? AND NOT deleted",
        (email,),
    ).fetchall()
    return [
        {
            "fname": fname,
            "sname": sname,
            "country_code": country,
            "opt_out": bool(opt_out),
            "mobile_number": mobile,
            "locations": {
                location
                for (location,) in db.execute(
                    "SELECT location_id FROM feedbackapi_customer_locations WHERE customer_id = ?",
                    (customer_id,),
                )
            },
        }
        for customer_id, fname, sname, country, opt_out, mobile in rows
    ]


@BOTH_READINGS
def test_crm_customers_update_existing_ones_under_both_readings(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    places = sandbox_db.execute(
        "SELECT id, country_code FROM feedbackapi_locations WHERE NOT deleted ORDER BY seq LIMIT 3"
    ).fetchall()
    [(l1, home), (l2, _), (l3, _)] = places
    abroad = "SE" if home != "SE" else "NO"
    for email, fname, sname in (
        ("aino@example.com", "Aino", "Aalto"),
        ("bo@example.com", "Bo", None),
    ):
        made = requests.post(
            f"{sandbox.url}/_sandbox/feedbackapi/customers",
            json={"email": email, "fname": fname, "sname": sname, "location": l1},
            timeout=10,
        )
        assert made.status_code == 201, made.text
    with sandbox_db:
        sandbox_db.execute(
            "UPDATE feedbackapi_customers SET opt_out = 1 WHERE email = 'bo@example.com'"
        )
    crm = [
        CUSTOMER_SCHEMA,
        # opts Aino out, moves her from l1 to l2 and l3; no name: hers stay
        record("customers", email="aino@example.com", opt_out=True, locations=[l2, l3]),
        # no opt_out: Bo stays opted out; no first name: his stays; leaves l1 for l2
        record(
            "customers", email="BO@example.com", sname="Berg", location=l2, location_remove=[l1]
        ),
        # new: created once, with the country and opt-out Create Customer does not set
        record(
            "customers",
            email="cia@example.com",
            mobile_number="+358401112233",
            fname="Cia",
            country_code=abroad,
            opt_out=True,
            location=l2,
        ),
    ]

    first = run(sandbox, tmp_path, "first", *crm)

    assert "Stream 'customers': 3 accepted, 0 already present, 0 rejected" in first.stderr
    assert customer_rows(sandbox_db, "aino@example.com") == [
        {
            "fname": "Aino",
            "sname": "Aalto",
            "country_code": home,
            "opt_out": True,
            "mobile_number": None,
            "locations": {l2, l3},
        }
    ]
    assert customer_rows(sandbox_db, "bo@example.com") == [
        {
            "fname": "Bo",
            "sname": "Berg",
            "country_code": home,
            "opt_out": True,
            "mobile_number": None,
            "locations": {l2},
        }
    ]
    assert customer_rows(sandbox_db, "cia@example.com") == [
        {
            "fname": "Cia",
            "sname": None,
            "country_code": abroad,
            "opt_out": True,
            "mobile_number": "+358401112233",
            "locations": {l2},
        }
    ]
    customers = sandbox_db.execute("SELECT COUNT(*) FROM feedbackapi_customers").fetchone()

    again = run(sandbox, tmp_path, "again", *crm)

    assert "Stream 'customers': 0 accepted, 3 already present, 0 rejected" in again.stderr
    assert sandbox_db.execute("SELECT COUNT(*) FROM feedbackapi_customers").fetchone() == customers
    assert len(customer_rows(sandbox_db, "cia@example.com")) == 1


@BOTH_READINGS
def test_feedback_requests_with_due_are_created_once_under_both_readings(
    sandbox: SandboxServer,
    sandbox_db: sqlite3.Connection,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    [subscriber, location] = sandbox_db.execute(
        "SELECT l.customer_id, l.location_id FROM feedbackapi_customer_locations l "
        "JOIN feedbackapi_customers c ON c.id = l.customer_id WHERE NOT c.opt_out LIMIT 1"
    ).fetchone()
    before = sandbox_db.execute("SELECT MAX(seq) FROM feedbackapi_feedback_requests").fetchone()[0]
    ask = {"subscriber": subscriber, "template": EMAIL_TEMPLATE, "location": location}

    pushed = run(
        sandbox,
        tmp_path,
        "requests",
        REQUEST_SCHEMA,
        record("feedback_requests", **ask, due="2030-01-02T03:04:05+02:00", suppress_message=True),
        record("feedback_requests", **ask, due="2030-02-01T00:00:00Z", suppress_message=True),
    )

    created = sandbox_db.execute(
        "SELECT subscriber, due FROM feedbackapi_feedback_requests WHERE seq > ? ORDER BY due",
        (before,),
    ).fetchall()
    assert created == [(subscriber, 1893546245), (subscriber, 1896134400)]  # pushed side by side
    assert "Stream 'feedback_requests': 2 accepted" in pushed.stderr
    learned = pushed.stderr.count("took it as epoch seconds")
    assert learned == (1 if request.node.callspec.params["sandbox"] == "all" else 0)
