"""Every example object of the FeedbackAPI document becomes a clean, typed record.

The examples disagree with the attribute lists: epoch seconds for ISO 8601,
hyphenated feedback keys, ``false`` for a missing timestamp, a number as a
string. Records must come out as the schemas say whatever the example sent.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import typing as t

import pytest
from jsonschema import Draft7Validator, FormatChecker

from survey_common.schemas import SCHEMA_PACKAGE
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_feedbackapi import PATHS, examples, serve

if t.TYPE_CHECKING:
    import requests_mock as rm

RECORD_EXAMPLES = [e for e in examples() if "id" in e["body"] or "data" in e["body"]]


def schema_of(stream: str) -> dict[str, t.Any]:
    folder = importlib.resources.files(SCHEMA_PACKAGE) / "feedbackapi"
    loaded: dict[str, t.Any] = json.loads((folder / f"{stream}.json").read_text())
    return loaded


def records_of(example: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    body = copy.deepcopy(example["body"])
    records: list[dict[str, t.Any]] = body.get("data", [body])
    return records


def walk_keys(value: t.Any) -> list[str]:
    if isinstance(value, dict):
        return list(value) + [k for v in value.values() for k in walk_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in walk_keys(v)]
    return []


def test_only_the_create_user_answer_is_not_a_record() -> None:
    # A pending user has no id and never appears in the list of active users.
    assert [e["example"] for e in examples() if e not in RECORD_EXAMPLES] == ["Create a User"]
    assert {e["stream"] for e in RECORD_EXAMPLES} == set(PATHS)


@pytest.mark.parametrize("example", RECORD_EXAMPLES, ids=lambda e: e["example"])
def test_example_becomes_valid_typed_records(
    empty_api: rm.Mocker, config: dict[str, t.Any], example: dict[str, t.Any]
) -> None:
    stream = example["stream"]
    sent = records_of(example)
    serve(empty_api, stream, sent)

    output = run_tap(TapFeedbackAPI, config)

    records = output.records(stream)
    # One list example repeats an id for the same update time: it is emitted once.
    assert sorted(r["id"] for r in records) == sorted({r["id"] for r in sent})
    validator = Draft7Validator(schema_of(stream), format_checker=FormatChecker())
    for record in records:
        problems = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(record)]
        assert not problems
        assert not [key for key in walk_keys(record) if "-" in key]
        assert record["created"].endswith("+00:00")


def test_quirks_of_the_examples_are_repaired(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    by_title = {e["example"]: e for e in examples()}
    serve(empty_api, "users", records_of(by_title["List active Users"]))
    serve(empty_api, "accounts", records_of(by_title["Update an Account"]))
    serve(empty_api, "feedback", records_of(by_title["List all Feedback"]))
    serve(empty_api, "feedback_requests", records_of(by_title["List all Feedback Requests"]))

    output = run_tap(TapFeedbackAPI, config)

    users = {u["id"]: u for u in output.records("users")}
    assert users["dfar5V"]["last_access"] is None  # the API sent false
    assert users["gd7TdO"]["last_access"] == "2024-12-14T00:00:00+00:00"  # sent 1734134400
    assert output.records("accounts")[0]["sms_allowance"] == 2000  # sent "2000"
    feedback = {f["id"]: f for f in output.records("feedback")}
    assert feedback["gd7TdO"]["nps_score"] == 8
    assert feedback["dfar5V"]["star_rating"] == 4
    assert "nps-score" not in feedback["gd7TdO"]
    requests_ = output.records("feedback_requests")
    # Oldest update first, as asked for with sort_by=updated-asc.
    assert [r["updated"] for r in requests_] == sorted(r["updated"] for r in requests_)
    nested = {r["feedback"]["id"]: r["feedback"] for r in requests_ if r["feedback"]}
    assert nested["gse4Ry"]["happy"] is False
    assert nested["gse4Ry"]["created"] == "2024-12-14T00:00:00+00:00"
    assert nested["dfar5V"]["star_rating"] == 4
    assert all("star-rating" not in f for f in nested.values())
