"""tap-buenno against the sandbox under both readings of every point of its document.

Each test compares the tap's output with the sandbox's database: the same ids, none
lost, none twice, and a record on a bookmark's own second or edited after a run is not
lost either (docs/readings.md).
"""

from __future__ import annotations

import typing as t

import requests

from survey_common.timestamps import parse_timestamp
from tests.helpers.integration import BOTH_READINGS, BUENNO_TOKEN, run_tap_process

if t.TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from survey_sandbox.server import SandboxServer


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {"api_token": BUENNO_TOKEN, "api_url": sandbox.base_url("buenno"), **extra}


@BOTH_READINGS
def test_every_reply_once_under_each_reading(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_buenno", config_for(sandbox), tmp_path)

    ids = [r["id"] for r in run.output.records("replies")]
    expected = {
        row[0]
        for row in sandbox_db.execute(
            "SELECT r.id FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id WHERE f.token = ?",
            (BUENNO_TOKEN,),
        )
    }
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    answers = [(a["reply_id"], a["question_id"]) for a in run.output.records("reply_answers")]
    assert len(answers) == len(set(answers))
    assert (
        len(answers)
        == sandbox_db.execute(
            "SELECT COUNT(*) FROM buenno_answers WHERE reply_id IN"
            " (SELECT r.id FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id"
            " WHERE f.token = ?)",
            (BUENNO_TOKEN,),
        ).fetchone()[0]
    )


@BOTH_READINGS
def test_every_invitation_once_under_each_reading(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    run = run_tap_process("tap_buenno", config_for(sandbox), tmp_path)

    ids = [r["id"] for r in run.output.records("invitations")]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        row[0]
        for row in sandbox_db.execute(
            "SELECT id FROM buenno_invitations WHERE form_id IN (1, 2, 3)"
        )
    }


def bookmark(state: dict[str, t.Any], stream: str, form_id: int | None = None) -> str:
    entry = state["bookmarks"][stream]
    if form_id is not None:
        entry = next(p for p in entry["partitions"] if p["context"] == {"form_id": form_id})
    return str(entry["replication_key_value"])


@BOTH_READINGS
def test_a_reply_in_the_bookmarks_own_second_is_not_lost(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    config = config_for(sandbox, replies_lookback_days=0)
    state = run_tap_process("tap_buenno", config, tmp_path).output.final_state
    own_second = bookmark(state, "replies")
    late = requests.post(
        f"{sandbox.url}/_sandbox/buenno/replies",
        json={"form_id": 1, "created_at": own_second},
        timeout=10,
    ).json()["reply"]

    second = run_tap_process("tap_buenno", config, tmp_path, state=state)

    assert late["id"] in {r["id"] for r in second.output.records("replies")}


@BOTH_READINGS
def test_an_invitation_in_the_bookmarks_own_second_is_not_lost(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    config = config_for(sandbox, lookback_days=0, form_ids=[1])
    state = run_tap_process("tap_buenno", config, tmp_path).output.final_state
    own_second = int(parse_timestamp(bookmark(state, "invitations", 1)).timestamp())
    # An invitation created in that second after the first run read it.
    sandbox_db.execute(
        "INSERT INTO buenno_invitations (id, form_id, email, link_key, scheduled_at, created_at,"
        " updated_at) VALUES (999999, 1, 'late@example.com', 'late', ?, ?, ?)",
        (own_second, own_second, own_second),
    )
    sandbox_db.commit()

    second = run_tap_process("tap_buenno", config, tmp_path, state=state)

    assert 999999 in {r["id"] for r in second.output.records("invitations")}


@BOTH_READINGS
def test_an_edited_reply_has_its_new_values_after_the_next_run(
    sandbox: SandboxServer, sandbox_db: sqlite3.Connection, tmp_path: Path
) -> None:
    config = config_for(sandbox)
    state = run_tap_process("tap_buenno", config, tmp_path).output.final_state
    newest = bookmark(state, "replies")
    reply_id, form_id = sandbox_db.execute(
        "SELECT id, form_id FROM buenno_replies WHERE form_id = 1 AND created_at < ?"
        " ORDER BY created_at DESC LIMIT 1",
        (int(parse_timestamp(newest).timestamp()) - 86_400,),
    ).fetchone()
    requests.post(
        f"{sandbox.url}/_sandbox/buenno/replies/{reply_id}",
        json={
            "first_name": "Muokattu",
            "answers": [{"question_id": form_id * 100 + 1, "points": 7}],
        },
        timeout=10,
    ).raise_for_status()

    second = run_tap_process("tap_buenno", config, tmp_path, state=state)

    edited = [r for r in second.output.records("replies") if r["id"] == reply_id]
    assert len(edited) == 1
    assert edited[0]["first_name"] == "Muokattu"
    assert [(a["question_id"], a["points"]) for a in edited[0]["answers"]] == [(101, 7)]
    rows = [a for a in second.output.records("reply_answers") if a["reply_id"] == reply_id]
    assert [(a["question_id"], a["points"]) for a in rows] == [(101, 7)]
