"""``memoize_reads``: a read answered again from memory, byte for byte, until anything writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import typing as t
from contextlib import closing

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from tests.helpers.sandbox_buenno import BuennoClient

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def memo_sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox.db", size=20, memoize_reads=True) as server:
        yield server


@pytest.fixture
def buenno(memo_sandbox: SandboxServer, session: requests.Session) -> BuennoClient:
    return BuennoClient(session, memo_sandbox.base_url("buenno"))


#: Replies are listed by a required span: this one holds them all.
SPAN = {"from": "1970-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def answer(response: requests.Response) -> tuple[int, dict[str, str], bytes]:
    """What a client reads of an answer, but the date the HTTP server stamps on each."""
    headers = {name: value for name, value in response.headers.items() if name != "Date"}
    return response.status_code, headers, response.content


def rename_in_database(sandbox: SandboxServer, tmp_path: Path) -> None:
    """Change every Buenno invitation behind the API's back, straight in SQLite."""
    del sandbox  # the file is the sandbox's own, changed while it runs
    with closing(sqlite3.connect(tmp_path / "sandbox.db")) as db, db:
        db.execute("UPDATE buenno_invitations SET first_name = 'Changed behind its back'")


def first_names(response: requests.Response) -> set[str]:
    return {row["first_name"] for row in response.json()["invitations"]}


def test_a_read_answered_again_is_the_same_answer(buenno: BuennoClient):
    first = buenno.get("/invitations", limit=5, offset=3)
    again = buenno.get("/invitations", limit=5, offset=3)

    assert first.status_code == 200
    assert answer(again) == answer(first)


def test_a_read_is_answered_from_memory_until_something_writes(
    memo_sandbox: SandboxServer, buenno: BuennoClient, tmp_path: Path
):
    remembered = buenno.get("/invitations", limit=5)
    rename_in_database(memo_sandbox, tmp_path)

    assert buenno.get("/invitations", limit=5).content == remembered.content
    # Another query is not remembered: it reads the database.
    assert first_names(buenno.get("/invitations", limit=6)) == {"Changed behind its back"}


def test_an_api_write_then_a_read_sees_the_new_data(buenno: BuennoClient):
    before = buenno.get("/invitations", limit=1000).json()["invitations"]

    created = buenno.post("/invitations", email="new-after-memo@example.com")
    after = buenno.get("/invitations", limit=1000).json()["invitations"]

    assert created.status_code == 200
    assert len(after) == len(before) + 1
    assert "new-after-memo@example.com" in {row["email"] for row in after}


def test_an_admin_call_then_a_read_sees_the_new_data(
    memo_sandbox: SandboxServer, buenno: BuennoClient, session: requests.Session
):
    before = buenno.get("/replies", limit=1000, **SPAN).json()["replies"]

    created = session.post(
        f"{memo_sandbox.url}/_sandbox/buenno/replies", json={"form_id": 1}, timeout=10
    )
    after = buenno.get("/replies", limit=1000, **SPAN).json()["replies"]

    assert created.status_code == 201
    assert len(after) == len(before) + 1


def test_each_token_has_its_own_answers(memo_sandbox: SandboxServer, session: requests.Session):
    first = BuennoClient(session, memo_sandbox.base_url("buenno"))
    second = BuennoClient(session, memo_sandbox.base_url("buenno"), token="sandbox-buenno-token-2")

    forms_first = {
        row["form_id"] for row in first.get("/invitations", limit=1000).json()["invitations"]
    }
    forms_second = {
        row["form_id"] for row in second.get("/invitations", limit=1000).json()["invitations"]
    }
    refused = BuennoClient(session, memo_sandbox.base_url("buenno"), token="no-such-token")

    assert forms_first.isdisjoint(forms_second)
    assert refused.get("/invitations", limit=1000).status_code == 401


def test_answers_from_memory_are_counted_as_api_calls(
    memo_sandbox: SandboxServer, buenno: BuennoClient
):
    for _ in range(3):
        buenno.get("/invitations", limit=5)

    assert memo_sandbox.api_calls("buenno") == 3
    assert memo_sandbox.stats()["memoize_reads"] is True


def test_a_throttled_platform_still_answers_429_to_a_read_repeated_too_soon(tmp_path: Path):
    url_path = f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250101000000/20250102000000"
    with (
        SandboxServer(
            tmp_path / "sandbox.db", size=5, memoize_reads=True, hellocustomer_min_interval=60
        ) as sandbox,
        requests.Session() as session,
    ):
        calls = [
            session.get(
                sandbox.base_url("hellocustomer") + url_path,
                headers={"Authorization": f"basic {HELLOCUSTOMER_TOKEN}"},
                timeout=10,
            )
            for _ in range(2)
        ]
        stats = session.get(f"{sandbox.url}/_sandbox/hellocustomer/stats", timeout=10).json()

    assert [call.status_code for call in calls] == [200, 429]
    assert stats == {"calls": 2, "rate_limited": 1}


def test_the_command_memoizes_reads_and_bounds_calls_in_flight(tmp_path: Path):
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "survey_sandbox", "--port", "0"),
            *("--db", str(tmp_path / "cli.db"), "--size", "5"),
            *("--memoize-reads", "--max-in-flight", "3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = process.stdout.readline().split(" on ", 1)[1].strip()
        stats = requests.get(f"{url}/_sandbox/stats", timeout=10).json()
    finally:
        process.terminate()
        process.communicate(timeout=10)

    assert stats["memoize_reads"] is True
    assert stats["max_in_flight"] == 3
    assert stats["refused_in_flight"] == {"buenno": 0, "feedbackapi": 0, "hellocustomer": 0}


def test_bounds_after_every_seeded_record_are_one_read_until_something_writes(
    memo_sandbox: SandboxServer, buenno: BuennoClient, tmp_path: Path
):
    # A tap bounds its reads by the moment its sync started: no two runs send the same
    # query. Every seeded invitation is older than the sandbox, so these select the same.
    remembered = buenno.get("/invitations", limit=5, created_before="2100-01-01T00:00:00Z")
    rename_in_database(memo_sandbox, tmp_path)
    later_run = buenno.get("/invitations", limit=5, created_before="2100-01-01T00:00:07Z")
    as_epoch = buenno.get("/invitations", limit=5, created_before="4102444800")

    assert later_run.content == remembered.content
    assert as_epoch.content == remembered.content
    # A bound among the seeded records is a query of its own: it reads the database.
    among = buenno.get("/invitations", limit=5, created_before="2025-06-01T00:00:00Z")
    assert first_names(among) == {"Changed behind its back"}


def test_after_a_write_bounds_are_keyed_as_sent(
    memo_sandbox: SandboxServer, buenno: BuennoClient, tmp_path: Path
):
    # A write may date a record at any instant, so bounds no longer select the same.
    buenno.post("/invitations", email="dated-now@example.com")
    buenno.get("/invitations", limit=5, created_before="2100-01-01T00:00:00Z")
    rename_in_database(memo_sandbox, tmp_path)
    other_bound = buenno.get("/invitations", limit=5, created_before="2100-01-01T00:00:07Z")

    assert first_names(other_bound) == {"Changed behind its back"}
