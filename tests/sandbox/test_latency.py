"""``latency_ms``: every API call answered late, calls in parallel waiting in parallel."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys
import time

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.buenno.seed import BUENNO_TOKEN

LATENCY_MS = 300


@pytest.fixture(scope="module")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory):
    with SandboxServer(
        tmp_path_factory.mktemp("latency") / "sandbox.db", size=5, latency_ms=LATENCY_MS
    ) as server:
        yield server


def token_info(sandbox: SandboxServer) -> float:
    """Call the Buenno API once on a connection of its own; return the seconds it took."""
    started = time.perf_counter()
    response = requests.get(
        f"{sandbox.base_url('buenno')}/token-info",
        headers={"api-auth-token": BUENNO_TOKEN},
        timeout=10,
    )
    response.raise_for_status()
    return time.perf_counter() - started


def test_an_api_call_is_answered_no_sooner_than_the_latency(slow_sandbox):
    assert token_info(slow_sandbox) >= LATENCY_MS / 1000


def test_calls_in_parallel_wait_in_parallel(slow_sandbox):
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        durations = list(pool.map(lambda _: token_info(slow_sandbox), range(8)))
    elapsed = time.perf_counter() - started

    assert min(durations) >= LATENCY_MS / 1000
    assert elapsed < 2 * LATENCY_MS / 1000  # eight calls in turn would take 8 x 300 ms


def test_the_sandbox_own_endpoints_are_not_held_back(slow_sandbox):
    started = time.perf_counter()
    requests.get(f"{slow_sandbox.url}/_sandbox/health", timeout=10).raise_for_status()

    assert time.perf_counter() - started < LATENCY_MS / 1000


def test_a_negative_latency_is_refused(tmp_path):
    with pytest.raises(ValueError, match="latency_ms"):
        SandboxServer(tmp_path / "sandbox.db", latency_ms=-1)


def test_the_command_refuses_a_latency_that_is_not_a_number():
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--latency-ms", "soon"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )

    assert result.returncode == 2
    assert "--latency-ms" in result.stderr
    assert "'soon' is not a number" in result.stderr
