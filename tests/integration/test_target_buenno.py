"""target-buenno as a process against the sandbox: every good record once, every bad one dead-lettered."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.integration import BOTH_READINGS, BUENNO_TOKEN, run_tap_process
from tests.helpers.target_runner import Message, record, run_target_process, schema, state

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from survey_sandbox.server import SandboxServer

FORM = 2  # active, and not the token's default form
INACTIVE_FORM = 3
GOOD = 12
CONTACT_FIELDS = ("email", "phone", "first_name", "form_id", "pf_age", "pf_external_id")


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {"api_token": BUENNO_TOKEN, "api_url": sandbox.base_url("buenno"), **extra}


def invitation(**values: t.Any) -> Message:
    return record("invitations", **values)


def good_records() -> list[Message]:
    """People with an email, a phone (in several notations) or both."""
    people = [invitation(email=f"asiakas{n}@example.com", first_name=f"Äijä {n}") for n in range(6)]
    people += [invitation(phone=f"+358 40 123 45{n:02d}") for n in range(3)]
    people += [
        invitation(phone=f"0035850765432{n}", email=f"both{n}@example.com") for n in range(3)
    ]
    assert len(people) == GOOD
    return people


BAD = [
    invitation(first_name="No contact"),
    invitation(email="not-an-address"),
    invitation(phone="040 123 4567"),  # no country code
    invitation(email="age@example.com", pf_age="forty"),
    invitation(email="lost@example.com", form_id=99),  # Buenno answers 404
]


def input_messages() -> list[Message]:
    """Good and bad records mixed, a duplicate, and states between them."""
    goods = good_records()
    return [
        schema("invitations", *CONTACT_FIELDS),
        *goods[:6],
        *BAD[:3],
        state(crm=1),
        goods[0],  # the same person again in the run
        *goods[6:],
        *BAD[3:],
        state(crm=2),
    ]


def test_good_records_arrive_once_bad_ones_are_dead_lettered_and_a_rerun_adds_nothing(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    seeded = sandbox_db.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0]
    config = config_for(sandbox, form_id=FORM)

    first = run_target_process("target_buenno", config, input_messages(), tmp_path)

    assert first.returncode == 0, first.stderr[-2000:]
    rows = sandbox_db.execute(
        "SELECT email, phone FROM buenno_invitations WHERE form_id = ? ORDER BY id DESC LIMIT ?",
        (FORM, GOOD),
    ).fetchall()
    assert (
        sandbox_db.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0] == seeded + GOOD
    )
    assert len(set(rows)) == GOOD
    assert ("asiakas0@example.com", None) in rows
    assert (None, "00358401234500") in rows
    assert ("both2@example.com", "00358507654322") in rows
    assert first.states == [{"bookmarks": {"crm": 1}}, {"bookmarks": {"crm": 2}}]
    assert "Stream 'invitations': 12 accepted, 1 already present, 5 rejected" in first.stderr
    dead = first.dead_letters
    assert [line["record"] for line in dead] == [m["record"] for m in BAD]
    assert [line["status"] for line in dead] == [None, None, None, None, 404]
    assert dead[4]["reason"] == (
        "Buenno answered HTTP 404: Form '99' not found to POST /buenno/api/v01/invitations"
    )
    assert all(line["stream"] == "invitations" and not line["uncertain"] for line in dead)

    second = run_target_process("target_buenno", config, input_messages(), tmp_path)

    assert second.returncode == 0, second.stderr[-2000:]
    assert (
        sandbox_db.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0] == seeded + GOOD
    )
    assert "Stream 'invitations': 0 accepted, 13 already present, 5 rejected" in second.stderr
    assert len(second.dead_letters) == 2 * len(BAD)  # appended to the first run's lines
    for run in (first, second):
        assert BUENNO_TOKEN not in run.stdout + run.stderr
    assert BUENNO_TOKEN not in first.dead_letter_path.read_text()


def test_tap_buenno_reads_what_the_target_pushed(sandbox: SandboxServer, tmp_path: Path) -> None:
    pushed = run_target_process(
        "target_buenno", config_for(sandbox, form_id=FORM), input_messages(), tmp_path
    )
    assert pushed.returncode == 0, pushed.stderr[-2000:]

    read = run_tap_process("tap_buenno", config_for(sandbox, form_ids=[FORM]), tmp_path)

    invitations = read.output.records("invitations")
    ours = {m["record"].get("email") for m in good_records()} - {None}
    emails = [r["email"] for r in invitations if r["email"] in ours]
    assert sorted(emails) == sorted(ours)  # each one once
    assert {r["phone"] for r in invitations} >= {"00358401234500", "00358507654320"}


@pytest.mark.parametrize("in_flight", [1, 8])
def test_an_inactive_form_stops_the_run_after_the_state_of_what_was_pushed(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path, in_flight: int
) -> None:
    config = config_for(
        sandbox, form_id=INACTIVE_FORM, fail_on_rejected=True, max_concurrent_requests=in_flight
    )
    messages = [
        schema("invitations", *CONTACT_FIELDS),
        invitation(email="first@example.com", form_id=FORM),
        state(crm=1),
        invitation(email="second@example.com"),
        invitation(email="third@example.com", form_id=FORM),
    ]

    run = run_target_process("target_buenno", config, messages, tmp_path)

    assert run.returncode == 1
    assert run.states == [{"bookmarks": {"crm": 1}}]
    assert "Buenno answered HTTP 403: Form 3 is not active" in run.stderr
    assert "Traceback" not in run.stderr
    emails = {row[0] for row in sandbox_db.execute("SELECT email FROM buenno_invitations")}
    assert "first@example.com" in emails
    assert "second@example.com" not in emails
    # Side by side, the third may have been on its way when the second stopped the run: it
    # finishes (the state stays before the second), and a rerun finds it in the ledger.
    arrived = 1 + ("third@example.com" in emails)
    assert in_flight > 1 or arrived == 1
    assert f"Stream 'invitations': {arrived} accepted, 0 already present, 0 rejected" in (
        run.stderr
    )
    assert not run.dead_letter_path.exists()


def test_fail_on_rejected_exits_1_after_the_final_state(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    config = config_for(sandbox, form_id=FORM, fail_on_rejected=True)
    messages = [
        schema("invitations", *CONTACT_FIELDS),
        invitation(email="fine@example.com"),
        invitation(email="broken"),
        state(crm=9),
    ]

    run = run_target_process("target_buenno", config, messages, tmp_path)

    assert run.returncode == 1
    assert run.states == [{"bookmarks": {"crm": 9}}]
    assert "1 record(s) were rejected and fail_on_rejected is set" in run.stderr
    assert len(run.dead_letters) == 1


def test_a_rejected_token_stops_the_run_without_showing_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    wrong = "wrong-token-0d41e8"
    messages = [schema("invitations", "email"), invitation(email="a@example.com")]

    run = run_target_process(
        "target_buenno", {**config_for(sandbox), "api_token": wrong}, messages, tmp_path
    )

    assert run.returncode == 1
    assert "Buenno rejected the API token (HTTP 401 to POST /buenno/api/v01/invitations)" in (
        run.stderr
    )
    assert wrong not in run.stdout + run.stderr


@BOTH_READINGS
def test_a_rerun_invites_nobody_twice_under_each_reading(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    # Under the other reading Buenno answers no 409: only the ledger keeps a rerun quiet.
    config = config_for(sandbox, form_id=FORM, ledger_path=str(tmp_path / "ledger.sqlite"))
    seeded = sandbox_db.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0]

    first = run_target_process("target_buenno", config, input_messages(), tmp_path)
    second = run_target_process("target_buenno", config, input_messages(), tmp_path)

    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    count = sandbox_db.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0]
    assert count == seeded + GOOD
