"""Injected faults: how often, which kinds, replayable from the seed, and what clients see."""

from __future__ import annotations

import collections
import contextlib
import json
import subprocess
import sys

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.faults import (
    FAULT_HEADER,
    DroppedConnection,
    FaultInjector,
    FaultPlan,
    FaultQueue,
    parse_kinds,
)
from survey_sandbox.web import Request, Response, json_response

API_PATH = "/buenno/api/v01/replies"


def request(path: str = API_PATH) -> Request:
    return Request(method="GET", path=path, query={}, headers={})


class Recorder:
    """A platform stand-in that counts the calls it answers, and a sleep that never waits."""

    def __init__(self) -> None:
        self.calls = 0
        self.slept: list[float] = []

    def dispatch(self, _request: Request) -> Response:
        self.calls += 1
        return json_response({"ok": True})

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def injector(plan: FaultPlan, seed: int = 42) -> tuple[FaultInjector, Recorder]:
    recorder = Recorder()
    return FaultInjector(recorder.dispatch, plan, seed=seed, sleep=recorder.sleep), recorder


def outcome(inject: FaultInjector, path: str = API_PATH) -> str:
    """What a client would see of one call: the status and fault, or 'dropped'."""
    try:
        response = inject(request(path))
    except DroppedConnection:
        return "dropped"
    return f"{response.status} {dict(response.headers).get(FAULT_HEADER, '-')}"


def test_a_rate_of_zero_never_fails_a_call():
    inject, recorder = injector(FaultPlan(rate=0))

    assert {outcome(inject) for _ in range(200)} == {"200 -"}
    assert recorder.calls == 200


def test_queued_answers_come_first_below_their_root_and_leave_the_drawn_faults_as_they_were():
    queue = FaultQueue()
    recorder = Recorder()
    inject = FaultInjector(recorder.dispatch, FaultPlan(rate=0.5), seed=7, queue=queue)
    plain, _ = injector(FaultPlan(rate=0.5), seed=7)
    queued = json_response({"type": "rate_limit_error"}, 429)

    pending = queue.push("/buenno/api/v01", queued, 2)
    elsewhere = outcome(inject, "/feedbackapi/v1.3/customers")
    first, second = inject(request()), inject(request())
    later = [outcome(inject) for _ in range(50)]

    assert pending == 2
    assert first is queued
    assert second is queued
    assert [elsewhere, *later] == [outcome(plain) for _ in range(51)]


def test_the_rate_is_the_share_of_calls_that_fail():
    inject, _ = injector(FaultPlan(rate=0.25))

    outcomes = collections.Counter(outcome(inject) for _ in range(2000))

    assert 400 <= 2000 - outcomes["200 -"] <= 600


def test_a_429_comes_with_or_without_retry_after_and_never_reaches_the_platform():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("429",), retry_after=3))

    responses = [inject(request()) for _ in range(100)]

    assert {response.status for response in responses} == {429}
    waits = collections.Counter(dict(r.headers).get("Retry-After") for r in responses)
    assert set(waits) == {"3", None}
    assert 25 <= waits["3"] <= 75
    assert all(b"injected by survey-sandbox" in response.body for response in responses)
    assert recorder.calls == 0


def test_every_429_carries_retry_after_when_its_share_is_1():
    inject, _ = injector(FaultPlan(rate=1, kinds=("429",), retry_after=0, retry_after_share=1))

    assert {dict(inject(request()).headers).get("Retry-After") for _ in range(50)} == {"0"}


def test_an_html_fault_is_a_gateway_or_portal_page_and_never_reaches_the_platform():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("html",)))

    responses = [inject(request()) for _ in range(60)]

    assert {response.status for response in responses} == {200, 502, 503}
    for response in responses:
        assert response.content_type.startswith("text/html")
        assert response.body.startswith(b"<!DOCTYPE html>")
        assert dict(response.headers)[FAULT_HEADER] == "html"
    assert recorder.calls == 0


def test_a_truncated_answer_is_processed_and_its_json_cut_off():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("truncated",)))

    response = inject(request())

    assert recorder.calls == 1
    assert response.status == 200
    assert response.body == b'{"ok":true}'[:5]
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.body)
    assert dict(response.headers)[FAULT_HEADER] == "truncated"


def test_5xx_faults_are_the_statuses_of_a_failing_gateway():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("5xx",)))

    statuses = {inject(request()).status for _ in range(100)}

    assert statuses == {500, 502, 503, 504}
    assert recorder.calls == 0


def test_a_dropped_call_gets_no_answer():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("drop",)))

    with pytest.raises(DroppedConnection):
        inject(request())
    assert recorder.calls == 0


def test_a_slow_call_is_answered_after_the_delay():
    inject, recorder = injector(FaultPlan(rate=1, kinds=("slow",), slow_seconds=1.5))

    response = inject(request())

    assert response.status == 200
    assert response.body == b'{"ok":true}'
    assert recorder.slept == [1.5]
    assert recorder.calls == 1


def test_every_kind_comes_once_in_each_round_of_faults():
    inject, _ = injector(FaultPlan(rate=1))

    rounds = [{outcome(inject).split()[-1] for _ in range(6)} for _ in range(20)]

    assert all(kinds == {"429", "5xx", "dropped", "slow", "html", "truncated"} for kinds in rounds)


def test_admin_endpoints_never_fail():
    inject, recorder = injector(FaultPlan(rate=1))

    outcomes = {outcome(inject, "/_sandbox/hellocustomer/stats") for _ in range(50)}

    assert outcomes == {"200 -"}
    assert recorder.calls == 50


def test_the_same_seed_replays_the_same_faults_and_another_seed_does_not():
    def sequence(seed: int) -> list[str]:
        inject, _ = injector(FaultPlan(rate=0.5), seed=seed)
        return [outcome(inject) for _ in range(100)]

    assert sequence(7) == sequence(7)
    assert sequence(7) != sequence(8)


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"rate": 1.5}, "between 0 and 1"),
        ({"rate": -0.1}, "between 0 and 1"),
        ({"kinds": ()}, "at least one"),
        ({"kinds": ("418",)}, "unknown fault kind 418"),
        ({"slow_seconds": -1}, "slow_seconds"),
        ({"retry_after": -1}, "retry_after"),
        ({"retry_after_share": 1.5}, "retry_after_share"),
    ],
)
def test_an_impossible_plan_is_refused(plan, message):
    with pytest.raises(ValueError, match=message):
        FaultPlan(**plan)


def test_kinds_are_read_from_a_comma_separated_list():
    assert parse_kinds("429, 5xx,,429") == ("429", "5xx")
    with pytest.raises(ValueError, match="unknown fault kind timeout"):
        parse_kinds("429,timeout")


def test_over_http_a_dropped_connection_fails_the_call_and_the_server_goes_on(tmp_path):
    plan = FaultPlan(rate=1, kinds=("drop",))
    with SandboxServer(tmp_path / "sandbox.db", size=5, faults=plan) as sandbox:
        with pytest.raises(requests.ConnectionError):
            requests.get(
                sandbox.base_url("buenno") + "/token-info",
                headers={"api-auth-token": BUENNO_TOKEN},
                timeout=10,
            )
        health = requests.get(sandbox.url + "/_sandbox/health", timeout=10)

    assert health.json() == {"status": "ok", "other_readings": []}


def test_over_http_an_injected_429_carries_retry_after_or_none(tmp_path):
    plan = FaultPlan(rate=1, kinds=("429",), retry_after=2)
    with SandboxServer(tmp_path / "sandbox.db", size=5, faults=plan) as sandbox:
        responses = [
            requests.get(
                sandbox.base_url("buenno") + "/token-info",
                headers={"api-auth-token": BUENNO_TOKEN},
                timeout=10,
            )
            for _ in range(20)
        ]

    assert {response.status_code for response in responses} == {429}
    assert {response.headers.get("Retry-After") for response in responses} == {"2", None}
    assert {response.headers[FAULT_HEADER] for response in responses} == {"429"}


def test_over_http_a_truncated_answer_has_a_consistent_length_but_is_not_json(tmp_path):
    plan = FaultPlan(rate=1, kinds=("truncated",))
    with SandboxServer(tmp_path / "sandbox.db", size=5, faults=plan) as sandbox:
        response = requests.get(
            sandbox.base_url("buenno") + "/token-info",
            headers={"api-auth-token": BUENNO_TOKEN},
            timeout=10,
        )

    assert response.status_code == 200
    assert response.headers[FAULT_HEADER] == "truncated"
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_cli_logs_each_failed_call_with_its_fault(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "survey_sandbox",
            "--port",
            "0",
            "--db",
            str(tmp_path / "cli.db"),
            "--size",
            "5",
            "--fault-rate",
            "1",
            "--fault-kinds",
            "5xx,drop",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        url = process.stdout.readline().split(" on ", 1)[1].strip()
        for _ in range(10):
            with contextlib.suppress(requests.ConnectionError):  # the dropped ones
                requests.get(url + API_PATH, headers={"api-auth-token": BUENNO_TOKEN}, timeout=10)
        requests.get(url + "/_sandbox/health", timeout=10)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)

    api_lines = [line for line in stderr.splitlines() if API_PATH in line]
    assert process.returncode == 0
    assert len(api_lines) == 10
    assert all(line.endswith(("fault=5xx", "fault=drop")) for line in api_lines)
    assert any(" dropped " in line for line in api_lines)
    assert "GET /_sandbox/health 200" in stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--fault-rate", "2"),
        ("--fault-kinds", "418"),
        ("--slow-seconds", "-1"),
        ("--retry-after-share", "1.5"),
    ],
)
def test_cli_refuses_impossible_fault_options(tmp_path, option, value):
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--db", str(tmp_path / "x.db"), option, value],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert option in result.stderr


def test_cli_help_documents_fault_injection():
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )

    for text in (
        "--fault-rate",
        "--fault-kinds",
        "--slow-seconds",
        "--retry-after",
        "--retry-after-share",
        "Retry-After",
    ):
        assert text in result.stdout
    for kind in ("429", "5xx", "drop", "slow", "html", "truncated"):
        assert kind in result.stdout
