"""tap-buenno against the sandbox over real sockets: everything extracted, then only what is new."""

from __future__ import annotations

import datetime as dt
import typing as t

import requests

from survey_common.timestamps import parse_timestamp, to_iso_utc
from survey_sandbox.faults import FaultPlan
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import BUENNO_TOKEN, SANDBOX_SIZE, run_tap_process

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

TOKEN_FORMS = [1, 2, 3]  # the forms sandbox-buenno-token can access


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {"api_token": BUENNO_TOKEN, "api_url": sandbox.base_url("buenno"), **extra}


def ids(db: sqlite3.Connection, sql: str) -> set[t.Any]:
    return {row if len(row) > 1 else row[0] for row in db.execute(sql)}


def test_full_sync_extracts_every_record_the_sandbox_holds(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_buenno", config_for(sandbox), tmp_path)

    assert {r["id"] for r in run.output.records("forms")} == set(TOKEN_FORMS)
    invitations = run.output.records("invitations")
    expected_invitations = ids(
        sandbox_db, "SELECT id FROM buenno_invitations WHERE form_id IN (1, 2, 3)"
    )
    assert len(expected_invitations) == SANDBOX_SIZE * len(TOKEN_FORMS)
    assert [r["id"] for r in invitations] != []
    assert len(invitations) == len(expected_invitations)  # nothing read twice
    assert {r["id"] for r in invitations} == expected_invitations
    replies = run.output.records("replies")
    assert {r["id"] for r in replies} == ids(
        sandbox_db, "SELECT id FROM buenno_replies WHERE form_id IN (1, 2, 3)"
    )
    answers = run.output.records("reply_answers")
    assert {(a["reply_id"], a["question_id"]) for a in answers} == ids(
        sandbox_db,
        "SELECT a.reply_id, a.question_id FROM buenno_answers a JOIN buenno_replies r ON r.id = a.reply_id"
        " WHERE r.form_id IN (1, 2, 3)",
    )
    assert len(answers) == len({(a["reply_id"], a["question_id"]) for a in answers})
    assert BUENNO_TOKEN not in run.stdout
    assert BUENNO_TOKEN not in run.stderr


def test_rerun_with_state_reads_only_new_records(sandbox: SandboxServer, tmp_path: Path) -> None:
    config = config_for(sandbox, lookback_days=0, replies_lookback_days=0)
    first = run_tap_process("tap_buenno", config, tmp_path)
    state = first.output.final_state

    new_invitation = requests.post(
        f"{sandbox.base_url('buenno')}/invitations",
        headers={"api-auth-token": BUENNO_TOKEN},
        data={"email": "uusi.asiakas@example.com", "form_id": 2, "first_name": "Äijä"},
        timeout=10,
    ).json()["invitation"]
    new_reply = requests.post(
        f"{sandbox.url}/_sandbox/buenno/replies", json={"form_id": 1}, timeout=10
    ).json()["reply"]

    second = run_tap_process("tap_buenno", config, tmp_path, state=state)

    # The created_after filter re-reads the bookmark's own second, nothing older.
    invitations = second.output.records("invitations")
    assert new_invitation["id"] in {r["id"] for r in invitations}
    assert len(invitations) <= len(TOKEN_FORMS) + 1
    replies = second.output.records("replies")
    assert new_reply["id"] in {r["id"] for r in replies}
    assert len(replies) <= 2
    new_answers = [
        a for a in second.output.records("reply_answers") if a["reply_id"] == new_reply["id"]
    ]
    assert len(new_answers) == len(new_reply["answers"])
    assert next(r for r in invitations if r["id"] == new_invitation["id"])["first_name"] == "Äijä"

    third = run_tap_process("tap_buenno", config, tmp_path, state=second.output.final_state)
    assert {r["id"] for r in third.output.records("replies")} <= {new_reply["id"]}


def test_lookback_picks_up_invitations_that_changed(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    config = config_for(sandbox, lookback_days=30)
    state = run_tap_process("tap_buenno", config, tmp_path).output.final_state
    bookmark = next(
        p["replication_key_value"]
        for p in state["bookmarks"]["invitations"]["partitions"]
        if p["context"] == {"form_id": 1}
    )
    recent_id, recent_created = sandbox_db.execute(
        "SELECT id, created_at FROM buenno_invitations WHERE form_id = 1 AND created_at < ?"
        " ORDER BY created_at DESC LIMIT 1",
        (int(parse_timestamp(bookmark).timestamp()) - 5 * 86400,),
    ).fetchone()
    opened = to_iso_utc(dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0))
    requests.post(
        f"{sandbox.url}/_sandbox/buenno/invitations/{recent_id}",
        json={"opened_at": opened},
        timeout=10,
    ).raise_for_status()

    second = run_tap_process("tap_buenno", config, tmp_path, state=state)

    changed = [r for r in second.output.records("invitations") if r["id"] == recent_id]
    assert changed
    assert changed[0]["opened_at"] == opened
    floor = parse_timestamp(bookmark) - dt.timedelta(days=30, seconds=1)
    form_1 = [r for r in second.output.records("invitations") if r["form_id"] == 1]
    assert all(parse_timestamp(r["created_at"]) >= floor for r in form_1)
    assert len(form_1) < SANDBOX_SIZE  # the lookback window, not the whole history
    assert recent_created < parse_timestamp(bookmark).timestamp()


def test_form_ids_limit_invitations_to_those_forms(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_buenno", config_for(sandbox, form_ids=[2]), tmp_path)

    assert {r["form_id"] for r in run.output.records("invitations")} == {2}
    assert {r["id"] for r in run.output.records("invitations")} == ids(
        sandbox_db, "SELECT id FROM buenno_invitations WHERE form_id = 2"
    )


def test_rejected_token_fails_with_a_clear_message(sandbox: SandboxServer, tmp_path: Path) -> None:
    wrong = "not-the-right-token-4c1d"
    run = run_tap_process(
        "tap_buenno",
        {"api_token": wrong, "api_url": sandbox.base_url("buenno")},
        tmp_path,
        check=False,
    )

    assert run.returncode != 0
    assert "Buenno rejected the API token (HTTP 401" in run.stderr
    assert wrong not in run.stderr
    assert wrong not in run.stdout


def test_injected_429s_cost_retries_but_no_record(tmp_path: Path) -> None:
    """Half the calls throttled, by the sandbox's global fault injection: nothing lost or doubled."""
    plan = FaultPlan(rate=0.5, kinds=("429",), retry_after=0, retry_after_share=1)
    runs = {}
    for name, faults in (("calm", None), ("faulty", plan)):
        (tmp_path / name).mkdir()
        with SandboxServer(tmp_path / "sandbox.db", seed=7, size=SANDBOX_SIZE, faults=faults) as sb:
            runs[name] = run_tap_process("tap_buenno", config_for(sb), tmp_path / name)
    expected, run = runs["calm"], runs["faulty"]

    for stream in ("forms", "invitations", "replies", "reply_answers"):
        assert run.output.records(stream) == expected.output.records(stream), stream
    assert "429" in run.stderr
