"""Failures that are not a record's fault: resent only when the call provably never arrived."""

from __future__ import annotations

import typing as t

import pytest
import requests

from survey_common.push.client import PushStoppedError
from tests.helpers.target_hellocustomer import (
    TOKEN,
    FakeHelloCustomer,
    batch_url,
    people,
    push,
)
from tests.helpers.target_runner import state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the backoff waits instead of sleeping them."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.mark.parametrize("status", [429, 503])
def test_answers_that_say_nothing_was_done_are_retried_after_retry_after(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    waits: list[float],
    status: int,
) -> None:
    api = FakeHelloCustomer()
    requests_mock.post(
        batch_url(),
        [
            {"status_code": status, "headers": {"Retry-After": "2"}, "json": {"message": "Wait"}},
            {"json": api.answer},
        ],
    )

    run = push(config, tmp_path, "respondents", *people(3))

    assert run.dead_letters == []
    assert len(api.stored) == 3
    assert 2.0 in waits


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 500, "json": {"message": "Oops"}},
        {"status_code": 502, "text": "<html>Bad gateway</html>"},
        {"exc": requests.exceptions.ReadTimeout},
        {"exc": requests.exceptions.ChunkedEncodingError},
    ],
)
def test_a_batch_that_may_have_arrived_is_dead_lettered_as_uncertain_and_never_resent(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    failure: dict[str, t.Any],
) -> None:
    requests_mock.post(batch_url(), [failure, {"json": []}])

    run = push(
        {**config, "batch_size": 3},
        tmp_path,
        "respondents",
        *people(3),
        state(n=3),
        *people(3),  # the same people again, in a later batch: not risked either
    )

    assert requests_mock.call_count == 1
    assert [dead["record"]["email"] for dead in run.dead_letters] == [
        f"person{n}@example.com" for n in range(3)
    ]
    assert all(dead["uncertain"] for dead in run.dead_letters)
    assert "may have been acted on, so it was not sent again" in run.dead_letters[0]["reason"]
    assert run.states == [{"bookmarks": {"n": 3}}]
    assert (
        "Stream 'respondents': 0 accepted, 3 already present, 3 rejected "
        "(3 of them uncertain: they may have reached the platform)"
    ) in caplog.text


def test_a_connect_timeout_never_reached_the_server_and_is_retried(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    requests_mock.post(
        batch_url(), [{"exc": requests.exceptions.ConnectTimeout}, {"json": api.answer}]
    )

    run = push(config, tmp_path, "respondents", *people(2))

    assert run.dead_letters == []
    assert len(api.stored) == 2


def test_hello_customer_down_for_good_stops_the_run_after_the_state_of_what_was_pushed(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    requests_mock.post(batch_url(), [{"json": api.answer}, *[{"status_code": 503, "json": {}}] * 6])

    run = push(
        {**config, "batch_size": 2},
        tmp_path,
        "respondents",
        *people(2),
        state(n=2),
        *people(2, 2),
        expect_error=PushStoppedError,
    )

    assert "did not take the push after 6 attempts" in str(run.error)
    assert run.states == [{"bookmarks": {"n": 2}}]
    assert run.dead_letters == []  # pushed by the next run, from that state


@pytest.mark.parametrize("status", [403, 404])
def test_403_and_404_stop_the_run_with_the_api_message(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    message = f"Refused with {status}"
    requests_mock.post(batch_url(), status_code=status, json={"message": message})

    run = push(config, tmp_path, "respondents", *people(4), expect_error=PushStoppedError)

    assert f"HTTP {status}: {message}" in str(run.error)
    assert "Check the api_url and api_token settings" in str(run.error)
    assert requests_mock.call_count == 1
    assert "Stream 'respondents': 0 accepted, 0 already present, 0 rejected" in caplog.text


def test_the_token_is_written_nowhere_even_when_the_api_echoes_it(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    echo = {"message": f"basic {TOKEN} may not add person0@example.com"}
    requests_mock.post(
        batch_url(),
        [
            {"status_code": 500, "json": echo},
            {"status_code": 400, "json": echo},
            {"status_code": 401, "json": echo},
        ],
    )

    run = push(
        {**config, "batch_size": 1},
        tmp_path,
        "respondents",
        *people(3),
        expect_error=PushStoppedError,
    )

    assert "Hello Customer rejected the API token" in str(run.error)
    dead_letter = run.dead_letter_path.read_text()
    assert "basic [redacted] may not add" in dead_letter
    ledger = (tmp_path / "ledger.sqlite").read_bytes()
    for text in (dead_letter, run.stdout, caplog.text, str(run.error), *capsys.readouterr()):
        assert TOKEN not in text
    assert TOKEN.encode() not in ledger
