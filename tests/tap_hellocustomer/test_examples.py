"""Every example of the Hello Customer document parses, and what it becomes matches its schema."""

from __future__ import annotations

import importlib.resources
import json
import typing as t

import pytest
from jsonschema import Draft7Validator, FormatChecker

from survey_common.schemas import SCHEMA_PACKAGE
from survey_common.timestamps import parse_timestamp
from tap_hellocustomer.client import api_date
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_hellocustomer import CAMPAIGN, TOKEN, FakeHelloCustomer, fixture

if t.TYPE_CHECKING:
    import requests_mock as rm

SETTINGS = {"api_token": TOKEN, "campaign_ids": [CAMPAIGN], "start_date": "2024-01-01T00:00:00Z"}
DOCUMENT_DAY = {"start_date": "2020-09-29T00:00:00Z", "end_date": "2020-09-30T00:00:00Z"}


def languages() -> list[dict[str, t.Any]]:
    """The languages stream's records, which it builds without a request."""
    tap = TapHelloCustomer(config=SETTINGS, parse_env_config=False)
    return [t.cast("dict[str, t.Any]", r) for r in tap.streams["languages"].get_records(None)]


def stream_schema(stream: str) -> dict[str, t.Any]:
    folder = importlib.resources.files(SCHEMA_PACKAGE) / "hellocustomer"
    return t.cast("dict[str, t.Any]", json.loads((folder / f"{stream}.json").read_text()))


def assert_valid(stream: str, record: dict[str, t.Any]) -> None:
    validator = Draft7Validator(stream_schema(stream), format_checker=FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, f"{stream} record does not match its schema: {errors}"


@pytest.fixture
def document_api(requests_mock: rm.Mocker) -> FakeHelloCustomer:
    return FakeHelloCustomer(responses=fixture("responses")).install(requests_mock)


def test_every_stream_turns_the_examples_into_valid_records(
    document_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY})

    records = {
        stream: output.records(stream)
        for stream in ("responses", "response_answers", "nps", "languages")
    }
    assert [r["uniqueID"] for r in records["responses"]] == ["36e2cd3f-8ae9-449a-90d0-5270b9e4ceb9"]
    assert [a["uniqueID"] for a in records["response_answers"]] == [
        "64b41b3e-256c-4e70-a6bf-6a0b5786f8ba",
        "25dac7c4-1d08-4302-8740-3dea0f89cab5",
    ]
    assert len(records["nps"]) == 1
    assert len(records["languages"]) == 29
    for stream, stream_records in records.items():
        for record in stream_records:
            assert_valid(stream, record)


def test_the_response_example_keeps_its_values(
    document_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY})

    [record] = output.records("responses")
    example = fixture("responses")[0]
    assert record["campaign_id"] == CAMPAIGN
    assert record["dateAnswer"] == "2020-09-29T13:42:37+00:00"  # the document writes ...Z
    assert record["dateSurveyed"] == "2020-09-29T13:36:25+00:00"
    assert record["answerQuestions"][0]["answer_Date"] == "2020-09-29T13:42:37+00:00"
    assert record["answerQuestions"][1]["prediction"] == example["answerQuestions"][1]["prediction"]
    assert set(record) == {*example, "campaign_id"}
    unchanged = set(example) - {"dateAnswer", "dateSurveyed", "answerQuestions"}
    assert {key: record[key] for key in unchanged} == {key: example[key] for key in unchanged}


def test_answers_take_the_value_the_flags_name_and_flattened_analytics(
    document_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY})

    score, text = output.records("response_answers")
    common = {
        "response_id": "36e2cd3f-8ae9-449a-90d0-5270b9e4ceb9",
        "campaign_id": CAMPAIGN,
        "language_UniqueID": "1b5c1275-4f92-422f-b1fc-799bf8e30598",
        "dateAnswer": "2020-09-29T13:42:37+00:00",
        "answer_Date": "2020-09-29T13:42:37+00:00",
        "survey_UniqueID": "535503b5-960a-4178-8ac5-d89a886b8085",
    }
    assert {key: score[key] for key in common} == common
    assert {key: text[key] for key in common} == common
    assert score["question_UniqueID"] == "9895902c-5138-4feb-9af9-d38093b7f54e"
    assert score["question_SortOrder"] == 1
    assert score["question_HasCesScoreAnswer"] is True
    assert (score["answer_Value"], score["answer_Text"], score["answer_Boolean"]) == (6, None, None)
    assert (score["polarity"], score["paths"]) == (None, [])
    assert text["question_Text"] == "<has yet to be completed>"
    assert (text["answer_Value"], text["answer_Text"]) == (
        None,
        "Het is heel vriendelijk personeel",
    )
    assert text["polarity"] == "Positive"
    assert text["paths"] == [{"path": "Personnel>Friendliness", "polarity": "Positive", "order": 0}]


def test_the_nps_example_becomes_the_figure_of_its_period(
    document_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY})

    assert output.records("nps") == [
        {
            "campaign_id": CAMPAIGN,
            "period": "month",
            "filter_set": "[]",
            "filters": [],
            "period_start": "2020-09-01T00:00:00+00:00",
            "period_end": "2020-09-30T00:00:00+00:00",
            "nps": 31,
            "detractors": 5.26,
            "passive": 57.9,
            "promoters": 36.84,
        }
    ]


def test_the_nps_filter_example_is_sent_as_written(
    document_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    filters = fixture("nps_filters")

    output = run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY, "nps_filters": filters})

    assert [c.body for c in document_api.calls if c.kind == "nps"] == [filters]
    [record] = output.records("nps")
    assert record["filters"] == filters
    assert record["filter_set"] == '[{"filterValues":["Antwerpen"],"key":"store"}]'
    assert_valid("nps", record)


def test_the_token_is_sent_as_the_document_shows(
    document_api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    token = "ZGVtb0BoZWxsb2N1c3RvbWVyLmNvbTpFRTZBQTg1NjVGMjkzOTdGM0NEQzIyQkYxNUJBNjc2Mw=="

    run_tap(TapHelloCustomer, {**config, **DOCUMENT_DAY, "api_token": token})

    assert requests_mock.request_history
    assert {r.headers["Authorization"] for r in requests_mock.request_history} == {f"basic {token}"}
    assert all(TOKEN not in r.url and token not in r.url for r in requests_mock.request_history)


def test_dates_are_written_as_the_document_shows() -> None:
    # "15/12/2018 at 3pm would be 20181215150000"
    assert api_date(parse_timestamp("2018-12-15T15:00:00Z")) == "20181215150000"
    assert api_date(parse_timestamp("2018-12-15T16:00:00+01:00")) == "20181215150000"


@pytest.mark.parametrize("example", ["respondent", "respondents", "add_answer"])
def test_language_and_touchpoint_guids_of_the_write_examples_are_known(
    example: str, requests_mock: rm.Mocker
) -> None:
    bodies = fixture(example)
    bodies = bodies if isinstance(bodies, list) else [bodies]
    known = {r["language_UniqueID"] for r in languages()}

    for body in bodies:
        language = body.get("language_UniqueID") or body.get("languageUniqueId")
        assert language.lower() in known  # the add-answer example writes it in upper case
        tap = TapHelloCustomer(
            config={**SETTINGS, "campaign_ids": [body["campaign_UniqueID"]]},
            parse_env_config=False,
        )
        assert tap.streams["responses"].partitions == [{"campaign_id": body["campaign_UniqueID"]}]
    assert requests_mock.call_count == 0


def test_the_language_table_is_the_documents() -> None:
    by_guid = {r["language_UniqueID"]: r for r in languages()}

    assert len(by_guid) == 29
    assert by_guid["1b5c1275-4f92-422f-b1fc-799bf8e30598"] == {
        "language_UniqueID": "1b5c1275-4f92-422f-b1fc-799bf8e30598",
        "name": "Dutch",
        "iso_639_1": "nl",
    }
    assert by_guid["c9b76975-23a0-4277-bd0f-ebe02fa3a314"]["iso_639_1"] == "ar"
    assert by_guid["55c30d14-3acf-4828-8f95-30b0dc2318b6"]["name"] == "Slovak"
    assert len({r["iso_639_1"] for r in by_guid.values()}) == 29
    for record in by_guid.values():
        assert_valid("languages", record)
