"""Answers: the document's add-answer call, one filled-in survey per record, never sent twice."""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.helpers.target_hellocustomer import (
    DUTCH,
    OTHER_TOUCHPOINT,
    TOUCHPOINT,
    answer,
    answers_url,
    fixture,
    push,
)
from tests.helpers.target_runner import state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

COMPANY = "ec28d381-4883-4731-9462-74c3dc82aff1"
QUESTION = "cfd52369-b323-4cf3-ba11-9acd0983b01d"
OTHER_QUESTION = "8dea4e28-9e0c-4e4f-92b0-04f50feb74cb"


def survey(**values: t.Any) -> dict[str, t.Any]:
    """A small filled-in survey: a score of 3 from Jef."""
    return answer(
        CompanyUniqueID=COMPANY,
        respondent={"Email": "jef@example.com"},
        answers=[{"QuestionItemUniqueID": QUESTION, "Score": 3}],
        **values,
    )


def test_the_documents_example_is_sent_as_the_document_writes_it(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    example = fixture("add_answer.json")
    touchpoint = example["campaign_UniqueID"]
    requests_mock.post(answers_url(touchpoint), json={})

    push(config, tmp_path, "answers", answer(**example))

    sent = requests_mock.request_history[0].json()
    guids = ("languageUniqueId", "CompanyUniqueID", "campaign_UniqueID")
    assert sent == {
        **example,
        **{name: example[name].lower() for name in guids},
        "answers": [
            {**item, "QuestionItemUniqueID": item["QuestionItemUniqueID"].lower()}
            for item in example["answers"]
        ],
    }


def test_names_match_in_any_case_at_every_level_and_metadata_is_text(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(answers_url(OTHER_TOUCHPOINT), json={})

    push(
        config,
        tmp_path,
        "answers",
        answer(
            company_unique_id=COMPANY,
            campaign_unique_id=OTHER_TOUCHPOINT,
            language="English",
            metadata={"pieces": 8, "shop": "1", "gift": False},
            respondent={"email": "jef@example.com", "first_name": "Jef", "unique_id": 17},
            answers=[
                {"question_item_unique_id": QUESTION, "score": 9},
                {"questionItemUniqueId": OTHER_QUESTION, "options": ["Price", "Staff"]},
            ],
        ),
    )

    assert requests_mock.request_history[0].json() == {
        "languageUniqueId": "df88d743-1b99-44ef-b47f-260c78030ee7",
        "metadata": {"pieces": "8", "shop": "1", "gift": "false"},
        "respondent": {
            "UniqueID": "17",
            "FirstName": "Jef",
            "LastName": None,
            "Email": "jef@example.com",
            "Phone": None,
        },
        "CompanyUniqueID": COMPANY,
        "answers": [
            {
                "QuestionItemUniqueID": QUESTION,
                "Score": 9,
                "Text": None,
                "Boolean": None,
                "Options": None,
            },
            {
                "QuestionItemUniqueID": OTHER_QUESTION,
                "Score": None,
                "Text": None,
                "Boolean": None,
                "Options": ["Price", "Staff"],
            },
        ],
        "campaign_UniqueID": OTHER_TOUCHPOINT,
    }


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"answers": []}, "answers: must have at least 1 items"),
        ({"respondent": None}, "respondent: must be of type object"),
        (
            {"answers": [{"QuestionItemUniqueID": QUESTION, "Score": 3, "Text": "Fine"}]},
            "answers.0: must hold exactly one of Score, Text, Boolean, Options",
        ),
        (
            {"answers": [{"QuestionItemUniqueID": QUESTION, "Text": "  "}]},
            "answers.0: must hold exactly one of Score, Text, Boolean, Options",
        ),
        (
            {
                "answers": [
                    {"QuestionItemUniqueID": QUESTION, "Score": 3},
                    {"QuestionItemUniqueID": QUESTION.upper(), "Score": 4},
                ]
            },
            "answers: a question is answered twice",
        ),
        (
            {"answers": [{"QuestionItemUniqueID": QUESTION, "Score": 11}]},
            "answers.0.Score: must be at most 10",
        ),
        ({"CompanyUniqueID": "ACME"}, "CompanyUniqueID: must match the pattern"),
        ({"languageUniqueId": DUTCH, "language": "French"}, "languageUniqueId and language"),
    ],
)
def test_invalid_answers_are_rejected_before_sending(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    reason: str,
) -> None:
    requests_mock.post(answers_url(), json={})
    record = survey()
    record["record"].update(values)

    run = push(config, tmp_path, "answers", record)

    [dead] = run.dead_letters
    assert dead["reason"].startswith(reason)
    assert requests_mock.call_count == 0


def test_a_refused_answer_is_dead_lettered_with_the_api_message(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(
        answers_url(),
        [
            {
                "status_code": 400,
                "json": {"message": "The questionItemUniqueId of an answer is not correct"},
            },
            {"json": {}},
        ],
    )

    run = push(config, tmp_path, "answers", survey(), survey(cultureInfo="NL"))

    [dead] = run.dead_letters
    assert dead["status"] == 400
    assert dead["reason"] == (
        "Hello Customer answered HTTP 400: The questionItemUniqueId of an answer is not "
        f"correct to POST /V1.0/EN/campaign/{TOUCHPOINT}/answers/add"
    )
    assert requests_mock.request_history[1].json()["cultureInfo"] == "NL"


def test_a_read_timeout_dead_letters_the_answer_as_uncertain_and_it_is_not_resent(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(answers_url(), [{"exc": requests.exceptions.ReadTimeout}, {"json": {}}])

    run = push(config, tmp_path, "answers", survey(), state(n=1), survey())
    push(config, tmp_path, "answers", survey())

    assert requests_mock.call_count == 1
    [dead] = run.dead_letters
    assert (dead["uncertain"], dead["status"]) == (True, None)
    assert dead["reason"].startswith(
        f"ReadTimeout on POST /V1.0/EN/campaign/{TOUCHPOINT}/answers/add to Hello Customer"
    )
    assert run.states == [{"bookmarks": {"n": 1}}]
    assert (
        "Stream 'answers': 0 accepted, 1 already present, 1 rejected "
        "(1 of them uncertain: they may have reached the platform)"
    ) in caplog.text


def test_the_same_survey_is_added_once_and_a_different_one_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(answers_url(), json={})

    push(config, tmp_path, "answers", survey(), survey(), survey(metadata={"shop": "2"}))
    push(config, tmp_path, "answers", survey())  # a rerun: the ledger remembers it

    assert requests_mock.call_count == 2
