"""``max_in_flight``: an API call arriving while K calls of its platform are answered gets 429."""

from __future__ import annotations

import subprocess
import sys
import threading
import typing as t

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Long enough that every call of a test arrives while the first ones are still answered,
#: however slow the machine is at starting threads.
LATENCY_MS = 1500
CALLS = 6


@pytest.fixture
def bounded(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(
        tmp_path / "sandbox.db", size=5, latency_ms=LATENCY_MS, max_in_flight=2
    ) as server:
        yield server


def token_info(sandbox: SandboxServer) -> requests.Response:
    """Call Buenno once, on a connection of its own."""
    return requests.get(
        f"{sandbox.base_url('buenno')}/token-info",
        headers={"api-auth-token": BUENNO_TOKEN},
        timeout=30,
    )


def together(calls: list[t.Callable[[], requests.Response]]) -> list[requests.Response]:
    """Send the calls at the same moment, each from its own thread."""
    start = threading.Barrier(len(calls))
    answers: list[requests.Response | None] = [None] * len(calls)

    def send(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


def test_calls_beyond_the_bound_get_429_with_retry_after_and_are_counted(
    bounded: SandboxServer,
):
    answers = together([lambda: token_info(bounded)] * CALLS)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 200] + [429] * (CALLS - 2)
    refused = [answer for answer in answers if answer.status_code == 429]
    assert {answer.headers["Retry-After"] for answer in refused} == {"1"}
    assert all("at most 2 at a time" in answer.json()["error_message"] for answer in refused)
    stats = requests.get(f"{bounded.url}/_sandbox/stats", timeout=10).json()
    assert stats["refused_in_flight"]["buenno"] == CALLS - 2
    assert stats["max_in_flight"] == 2
    assert bounded.api_calls("buenno") == CALLS


def test_calls_in_turn_are_never_refused(tmp_path: Path):
    with SandboxServer(tmp_path / "sandbox.db", size=5, max_in_flight=1) as sandbox:
        statuses = [token_info(sandbox).status_code for _ in range(5)]
        refused = sandbox.stats()["refused_in_flight"]["buenno"]

    assert statuses == [200] * 5
    assert refused == 0


def test_each_platform_has_its_own_bound(bounded: SandboxServer):
    def customers() -> requests.Response:
        return requests.get(
            f"{bounded.base_url('feedbackapi')}/customers",
            auth=(FEEDBACKAPI_TOKEN, ""),
            params={"limit": 1},
            timeout=30,
        )

    answers = together([lambda: token_info(bounded)] * 2 + [customers] * 2)

    assert [answer.status_code for answer in answers] == [200] * 4
    assert bounded.stats()["refused_in_flight"] == {
        "buenno": 0,
        "feedbackapi": 0,
        "hellocustomer": 0,
    }


def test_a_bound_below_one_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="max_in_flight must be at least 1"):
        SandboxServer(tmp_path / "sandbox.db", max_in_flight=0)


def test_the_command_refuses_a_bound_below_one():
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--max-in-flight", "0"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )

    assert result.returncode == 2
    assert "--max-in-flight" in result.stderr
    assert "must be at least 1" in result.stderr
