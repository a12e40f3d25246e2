"""The push journal: a target killed between two states does not push twice when rerun.

The kill is simulated in-process: the mocked API raises an exception no code of the
target catches while a push is on its way, after the pushes before it were answered.
The rerun gets what Meltano would feed it: the input again from the last state the
killed run passed on.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import typing as t

import pytest

from survey_common.push.journal import INTERRUPTED_REASON
from target_feedbackapi.target import TargetFeedbackAPI
from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.target_feedbackapi import FakeCustomers
from tests.helpers.target_hellocustomer import FIELDS, FakeHelloCustomer, batch_url
from tests.helpers.target_runner import Message, record, run_target, schema, state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests
    import requests_mock as rm
    from singer_sdk import Target

API = "https://feedbackapi.test/v1.3"
LOCATIONS = f"{API}/locations"
HELLOCUSTOMER_API = "https://hellocustomer.test/V1.0/EN"


class Killed(BaseException):
    """The process dies here: nothing of the target catches it."""


def location(name: str) -> Message:
    return record("locations", name=name, country_code="FI")


def run_until_killed(
    target_class: type[Target], config: dict[str, t.Any], messages: list[Message]
) -> list[dict[str, t.Any]]:
    """Run a target that gets killed; return the states it passed on before it died."""
    target = target_class(config=config, parse_env_config=False)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(Killed):
        target.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)))
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def journal_rows(path: Path) -> list[tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT key, sent FROM journal ORDER BY rowid").fetchall()


@pytest.fixture
def config(tmp_path: Path) -> dict[str, t.Any]:
    return {
        "api_token": "feedbackapi-journal-unit-token",
        "api_url": API,
        "dead_letter_path": str(tmp_path / "dead-letter.jsonl"),
        "journal_path": str(tmp_path / "journal.sqlite"),
    }


def test_a_rerun_skips_what_the_killed_run_pushed_and_dead_letters_what_was_on_its_way(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    created: list[str] = []

    def answer(request: requests.PreparedRequest, context: t.Any) -> t.Any:
        name = json.loads(t.cast("bytes", request.body))["name"]
        if name == "Refused":
            context.status_code = 400
            return {"type": "invalid_request_error", "message": "No", "param": "name"}
        created.append(name)
        return {"id": name}

    def killed_at_the_third(request: requests.PreparedRequest, context: t.Any) -> t.Any:
        if json.loads(t.cast("bytes", request.body))["name"] == "On its way":
            raise Killed
        return answer(request, context)

    requests_mock.post(LOCATIONS, json=killed_at_the_third)
    messages = [
        schema("locations", "name", "country_code"),
        state(at=0),
        location("Arrived"),
        location("Refused"),
        location("On its way"),
        location("Never sent"),
        state(at=4),
    ]

    passed_on = run_until_killed(TargetFeedbackAPI, config, messages)

    # Pushes run side by side: "Never sent" may have been answered before the kill.
    created_before_kill = list(created)
    assert passed_on == [{"bookmarks": {"at": 0}}]
    assert sorted(sent for _, sent in journal_rows(tmp_path / "journal.sqlite")) == [
        0,
        *[1] * len(created_before_kill),
    ]
    requests_mock.reset_mock()
    requests_mock.post(LOCATIONS, json=answer)

    # Meltano reruns the tap from {"at": 0}: it writes that state first, then the records
    # again; passing that state on must not make the journal forget the killed run.
    rerun = run_target(TargetFeedbackAPI, config, messages, tmp_path)

    resent = [json.loads(r.body)["name"] for r in requests_mock.request_history]
    assert sorted(resent) == sorted({"Refused", "Never sent"} - set(created_before_kill))
    assert sorted(created) == ["Arrived", "Never sent"]
    uncertain = [line for line in rerun.dead_letters if line["uncertain"]]
    assert [line["record"]["name"] for line in uncertain] == ["On its way"]
    assert uncertain[0]["reason"] == INTERRUPTED_REASON
    assert rerun.states == [{"bookmarks": {"at": 0}}, {"bookmarks": {"at": 4}}]
    assert journal_rows(tmp_path / "journal.sqlite") == []


def test_a_run_that_ends_leaves_an_empty_journal_and_the_same_input_is_pushed_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(LOCATIONS, json={"id": "new"})
    messages = [schema("locations", "name", "country_code"), location("A"), location("B")]

    run_target(TargetFeedbackAPI, config, messages, tmp_path)
    run_target(TargetFeedbackAPI, config, messages, tmp_path)

    assert requests_mock.call_count == 4
    assert journal_rows(tmp_path / "journal.sqlite") == []


def test_customers_are_upserts_and_need_no_journal(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)

    run_target(
        TargetFeedbackAPI,
        {**config, "default_location": "xS4rtY"},
        [schema("customers", "email"), record("customers", email="a@example.com")],
        tmp_path,
    )

    assert [customer["email"] for customer in api.customers.values()] == ["a@example.com"]
    assert not (tmp_path / "journal.sqlite").exists()


def test_a_respondents_batch_on_its_way_when_killed_is_dead_lettered_not_sent_again(
    requests_mock: rm.Mocker, tmp_path: Path
) -> None:
    config = {
        "api_token": "hellocustomer-journal-unit-token",
        "api_url": HELLOCUSTOMER_API,
        "campaign_id": "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
        "default_language": "nl",
        "min_request_interval": 0,
        "batch_size": 2,
        "ledger_path": str(tmp_path / "ledger.sqlite"),
        "journal_path": str(tmp_path / "journal.sqlite"),
        "dead_letter_path": str(tmp_path / "dead-letter.jsonl"),
    }
    api = FakeHelloCustomer()

    def killed_at_the_second_batch(request: requests.PreparedRequest, context: t.Any) -> t.Any:
        if api.calls:
            raise Killed
        return api.answer(request, context)

    requests_mock.post(batch_url(), json=killed_at_the_second_batch)
    people = [record("respondents", email=f"p{n}@example.com") for n in range(5)]
    messages = [schema("respondents", *FIELDS["respondents"]), *people, state(at=5)]

    assert run_until_killed(TargetHelloCustomer, config, messages) == []

    requests_mock.post(batch_url(), json=api.answer)
    rerun = run_target(TargetHelloCustomer, config, messages, tmp_path)

    assert api.calls == [["p0@example.com", "p1@example.com"], ["p4@example.com"]]
    assert [line["record"]["email"] for line in rerun.dead_letters] == [
        "p2@example.com",
        "p3@example.com",
    ]
    assert all(line["reason"] == INTERRUPTED_REASON for line in rerun.dead_letters)
