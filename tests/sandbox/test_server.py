"""The sandbox as a whole: seeding, persistence, the Python API and the command line."""

from __future__ import annotations

import http.client
import signal
import sqlite3
import subprocess
import sys
import time
from typing import Any

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.buenno import queries as buenno_queries
from survey_sandbox.buenno.seed import BUENNO_TOKEN, BUENNO_TOKEN_2
from tests.helpers.sandbox_buenno import BuennoClient

WHOLE_RANGE = {"from": "2023-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z", "limit": 1000}


def snapshot(sandbox: SandboxServer, session: requests.Session) -> list[Any]:
    """Everything both tokens can read through the API, in a fixed order."""
    views: list[Any] = []
    for token in (BUENNO_TOKEN, BUENNO_TOKEN_2):
        client = BuennoClient(session, sandbox.base_url("buenno"), token)
        views.append(client.get("/token-info").json())
        views.append(client.get("/replies", **WHOLE_RANGE).json())
        forms = views[-2]["api_token"]["forms"]
        views.extend(
            client.get("/invitations", form_id=form["id"], limit=250).json() for form in forms
        )
    return views


def test_same_seed_gives_identical_data_and_another_seed_differs(tmp_path, session):
    with SandboxServer(tmp_path / "a.db", size=30) as first:
        data_a = snapshot(first, session)
    with SandboxServer(tmp_path / "b.db", size=30) as second:
        data_b = snapshot(second, session)
    with SandboxServer(tmp_path / "c.db", size=30, seed=7) as third:
        data_c = snapshot(third, session)

    assert data_a == data_b
    assert data_a != data_c
    assert data_c[1]["total"] == data_a[1]["total"] == "90"


def test_seeded_dates_are_fixed_calendar_dates(tmp_path):
    with SandboxServer(tmp_path / "sandbox.db", size=50):
        pass

    with sqlite3.connect(tmp_path / "sandbox.db") as connection:
        lowest, highest = connection.execute(
            "SELECT MIN(created_at), MAX(created_at) FROM buenno_replies"
        ).fetchone()
    connection.close()

    assert lowest >= 1704067200  # 2024-01-01T00:00:00Z
    assert highest < 1767225600  # 2026-01-01T00:00:00Z


def test_data_persists_across_restarts_unless_reset_or_reseeded(tmp_path, session):
    db = tmp_path / "sandbox.db"
    with SandboxServer(db, size=20) as sandbox:
        client = BuennoClient(session, sandbox.base_url("buenno"))
        created = client.post("/invitations", email="keep@example.com").json()["invitation"]

    def still_there(*, reset: bool = False) -> bool:
        with SandboxServer(db, size=20, reset=reset) as sandbox:
            client = BuennoClient(session, sandbox.base_url("buenno"))
            ids = [row["id"] for row in client.get("/invitations", limit=250).json()["invitations"]]
            return created["id"] in ids

    assert still_there()
    assert still_there()
    assert not still_there(reset=True)


def test_another_size_or_seed_reseeds_the_file(tmp_path):
    db = tmp_path / "sandbox.db"

    def invitation_count() -> int:
        with sqlite3.connect(db) as connection:
            count = int(connection.execute("SELECT COUNT(*) FROM buenno_invitations").fetchone()[0])
        connection.close()
        return count

    with SandboxServer(db, size=10):
        pass
    assert invitation_count() == 40
    with SandboxServer(db, size=15):
        pass
    assert invitation_count() == 60
    with SandboxServer(db, size=15, seed=1):
        pass
    with sqlite3.connect(db) as connection:
        meta = connection.execute("SELECT platform, seed, size FROM sandbox_meta").fetchall()
    connection.close()
    assert ("buenno", 1, 15) in meta


def test_tables_can_be_inspected_while_serving(fresh_sandbox: SandboxServer, tmp_path):
    connection = sqlite3.connect(f"file:{tmp_path / 'sandbox.db'}?mode=ro", uri=True)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        replies = connection.execute("SELECT COUNT(*) FROM buenno_replies").fetchone()[0]
        answers = connection.execute("SELECT COUNT(*) FROM buenno_answers").fetchone()[0]
    finally:
        connection.close()

    assert tables >= {
        "sandbox_meta",
        "buenno_tokens",
        "buenno_forms",
        "buenno_questions",
        "buenno_invitations",
        "buenno_replies",
        "buenno_answers",
    }
    assert replies == 80
    assert 2 * replies <= answers <= 5 * replies


def test_seeding_ten_thousand_records_is_fast(tmp_path):
    started = time.perf_counter()
    with SandboxServer(tmp_path / "big.db", size=1250):
        elapsed = time.perf_counter() - started

    assert elapsed < 5


def test_python_api(tmp_path, session):
    sandbox = SandboxServer(tmp_path / "sandbox.db", size=5)
    with pytest.raises(RuntimeError, match="the sandbox is not running"):
        _ = sandbox.url

    sandbox.start()
    try:
        url = sandbox.url
        assert url.startswith("http://127.0.0.1:")
        assert sandbox.base_url("buenno") == url + "/buenno/api/v01"
        with pytest.raises(KeyError, match="unknown platform 'nowhere'"):
            sandbox.base_url("nowhere")
        with pytest.raises(RuntimeError, match="the sandbox is already running"):
            sandbox.start()
        assert session.get(url + "/_sandbox/health").json() == {
            "status": "ok",
            "other_readings": [],
        }
    finally:
        sandbox.stop()
    sandbox.stop()

    with pytest.raises(RuntimeError, match="the sandbox is not running"):
        _ = sandbox.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_sandbox/health", timeout=2)


def test_http_1_1_keep_alive_connection_is_reused(fresh_sandbox: SandboxServer):
    host, port = fresh_sandbox.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        statuses = []
        sockets = []
        for path in ("/_sandbox/health", "/_sandbox/nothing", "/_sandbox/health"):
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            assert response.version == 11
            assert response.getheader("Content-Length") == str(len(body))
            statuses.append(response.status)
            sockets.append(connection.sock)
    finally:
        connection.close()

    assert statuses == [200, 404, 200]
    assert sockets[0] is not None
    assert sockets[0] is sockets[1] is sockets[2]


def test_stop_closes_idle_keep_alive_connections(tmp_path, session):
    with SandboxServer(tmp_path / "sandbox.db", size=5) as sandbox:
        session.get(sandbox.url + "/_sandbox/health")
        started = time.perf_counter()
    assert time.perf_counter() - started < 2


def start_cli(tmp_path) -> tuple[subprocess.Popen[str], str]:
    """Run the command on a free port; return the process and the URL it printed."""
    database = str(tmp_path / "cli.db")
    process = subprocess.Popen(
        [sys.executable, "-m", "survey_sandbox", "--port", "0", "--db", database, "--size", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("survey-sandbox listening on http://127.0.0.1:"), line
    return process, line.split(" on ", 1)[1].strip()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_its_url_serves_and_stops_cleanly(tmp_path, session, stop_signal):
    process, url = start_cli(tmp_path)
    try:
        response = session.get(
            url + "/buenno/api/v01/replies",
            params={"from": "2024-01-01", "to": "2024-06-01", "secret-looking": "q-31337"},
            headers={"api-auth-token": BUENNO_TOKEN},
        )
        assert response.status_code == 200
        session.get(url + "/buenno/api/v01/token-info", headers={"api-auth-token": "wrong-31337"})
    finally:
        process.send_signal(stop_signal)
        stdout, stderr = process.communicate(timeout=10)

    assert process.returncode == 0
    assert stdout == ""
    assert "GET /buenno/api/v01/replies 200" in stderr
    assert "GET /buenno/api/v01/token-info 401" in stderr
    assert "31337" not in stderr
    assert BUENNO_TOKEN not in stderr


def test_cli_help_documents_options_and_tokens():
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )

    for text in ("--host", "--port", "--db", "--seed", "--size", "--reset", BUENNO_TOKEN_2):
        assert text in result.stdout


def test_cli_rejects_a_negative_size(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--size", "-1", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "--size" in result.stderr


def test_cli_reports_a_busy_port(tmp_path):
    with SandboxServer(tmp_path / "busy.db", size=1) as busy:
        port = busy.url.rsplit(":", 1)[1]
        database = str(tmp_path / "x.db")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "survey_sandbox",
                "--port",
                port,
                "--db",
                database,
                "--size",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    assert result.returncode == 1
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_failing_handler_answers_500_and_the_server_goes_on(
    fresh_sandbox: SandboxServer, session, monkeypatch
):
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    url = fresh_sandbox.base_url("buenno") + "/token-info"
    headers = {"api-auth-token": BUENNO_TOKEN}
    with monkeypatch.context() as patch:
        patch.setattr(buenno_queries, "forms_of", broken)
        failed = session.get(url, headers=headers)
    recovered = session.get(url, headers=headers)

    assert failed.status_code == 500
    assert failed.json() == {"error_message": "Internal sandbox error"}
    assert recovered.status_code == 200


def test_chunked_bodies_are_refused(fresh_sandbox: SandboxServer, session):
    response = session.post(
        fresh_sandbox.base_url("buenno") + "/invitations",
        data=iter([b"email=chunk@example.com"]),
        headers={"api-auth-token": BUENNO_TOKEN},
    )

    assert response.status_code == 411


def test_platform_sizes_seed_each_platform_on_its_own_and_api_calls_are_counted(tmp_path, session):
    with SandboxServer(
        tmp_path / "sandbox.db", size=5, platform_sizes={"buenno": 7, "hellocustomer": 0}
    ) as sandbox:
        client = BuennoClient(session, sandbox.base_url("buenno"), BUENNO_TOKEN)
        replies = client.get("/replies", **WHOLE_RANGE).json()["replies"]
        session.get(sandbox.url + "/_sandbox/health")
        session.get(sandbox.url + "/nowhere")

        assert len(replies) == 7 * 3
        assert sandbox.api_calls("buenno") == 1
        assert sandbox.api_calls("feedbackapi") == 0
        with pytest.raises(KeyError, match="'nowhere'"):
            sandbox.api_calls("nowhere")
    with pytest.raises(ValueError, match="platform sizes"):
        SandboxServer(tmp_path / "other.db", platform_sizes={"buenno": -1})
