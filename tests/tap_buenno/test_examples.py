"""Every response example of the Buenno document parses into records valid against their schema."""

from __future__ import annotations

import importlib.resources
import json
import typing as t

import pytest
from jsonschema import Draft7Validator, FormatChecker

from survey_common.schemas import SCHEMA_PACKAGE
from tap_buenno.tap import TapBuenno
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_buenno import API, first_page_only, fixture

if t.TYPE_CHECKING:
    import requests_mock as rm


def stream_schema(stream: str) -> dict[str, t.Any]:
    folder = importlib.resources.files(SCHEMA_PACKAGE) / "buenno"
    text = (folder / f"{stream}.json").read_text()
    return t.cast("dict[str, t.Any]", json.loads(text))


def assert_valid(stream: str, record: dict[str, t.Any]) -> None:
    validator = Draft7Validator(stream_schema(stream), format_checker=FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, f"{stream} record does not match its schema: {errors}"


@pytest.fixture
def document_api(requests_mock: rm.Mocker) -> rm.Mocker:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(
        f"{API}/invitations", json=first_page_only(fixture("invitations"), "invitations")
    )
    requests_mock.get(f"{API}/replies", json=first_page_only(fixture("replies"), "replies"))
    return requests_mock


def test_every_example_becomes_valid_records(
    document_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapBuenno, config)

    forms = output.records("forms")
    assert forms == [{"id": 1, "name": "Example Form 2021", "company_name": "Example Company Ltd"}]
    invitations = output.records("invitations")
    assert [i["id"] for i in invitations] == [1]
    replies = output.records("replies")
    assert [r["id"] for r in replies] == [1]
    answers = output.records("reply_answers")
    assert [(a["reply_id"], a["question_id"]) for a in answers] == [(1, 1234), (1, 1237), (1, 2345)]

    for stream, records in {
        "forms": forms,
        "invitations": invitations,
        "replies": replies,
        "reply_answers": answers,
    }.items():
        for record in records:
            assert_valid(stream, record)


def test_timestamps_are_emitted_as_utc_iso(
    document_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapBuenno, config)

    reply = output.records("replies")[0]
    assert reply["created_at"] == "2020-12-18T00:00:00+00:00"  # the document writes ...Z
    assert reply["avg_score"] == 62.5
    invitation = output.records("invitations")[0]
    assert invitation["opened_at"] == "2020-12-19T00:00:00+00:00"
    assert invitation["answered_at"] is None
    assert all(
        a["created_at"] == "2020-12-18T00:00:00+00:00" for a in output.records("reply_answers")
    )


def test_created_invitation_example_matches_the_invitations_schema() -> None:
    assert_valid("invitations", fixture("invitation_created")["invitation"])


def test_answers_keep_their_document_values(
    document_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapBuenno, config)

    nps = next(a for a in output.records("reply_answers") if a["question_type_id"] == 13)
    assert nps == {
        "reply_id": 1,
        "question_id": 2345,
        "question_type_id": 13,
        "question": "De finibus bonorum et malorum",
        "points": 0,
        "answer": "qui ratione voluptatem sequi nesciunt, neque porro quisquam est, qui do.",
        "created_at": "2020-12-18T00:00:00+00:00",
    }
    assert output.records("replies")[0]["answers"][1]["answer"] is None
