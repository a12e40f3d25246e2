"""Respondents: the document's fields in any spelling, a language by code, name or GUID, batches."""

from __future__ import annotations

import logging
import typing as t

import pytest

from tests.helpers.target_hellocustomer import (
    DUTCH,
    ENGLISH,
    FRENCH,
    OTHER_TOUCHPOINT,
    TOUCHPOINT,
    FakeHelloCustomer,
    batch_url,
    fixture,
    people,
    push,
    respondent,
)

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm


def test_the_documents_example_is_sent_as_the_document_writes_it(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(batch_url(), json=[])
    example = fixture("respondents.json")

    push(config, tmp_path, "respondents", *(respondent(**person) for person in example))

    [call] = requests_mock.request_history
    assert call.headers["Authorization"] == "basic hellocustomer-target-unit-token-7f3a"
    assert call.json() == example


def test_snake_case_and_any_case_name_the_documents_fields(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(batch_url(), json=[])

    push(
        config,
        tmp_path,
        "respondents",
        respondent(
            EMAIL=" aino@example.com ",
            first_name="Aino",
            LastName="Virtanen",
            phone_number="+32486697306",
            custom_unique_id=8754864354,
            key_values={"store": "Brugge", "items": 3.0, "member": True, "note": None},
            loyalty_tier="gold",
        ),
    )

    assert requests_mock.request_history[0].json() == [
        {
            "email": "aino@example.com",
            "firstName": "Aino",
            "lastName": "Virtanen",
            "phoneNumber": "+32486697306",
            "custom_UniqueID": "8754864354",
            "campaign_UniqueID": TOUCHPOINT,
            "language_UniqueID": DUTCH,
            "keyValues": {"store": "Brugge", "items": "3", "member": "true"},
        }
    ]


@pytest.mark.parametrize(
    ("values", "guid"),
    [
        ({"language": "fr"}, FRENCH),
        ({"language": "FRENCH"}, FRENCH),
        ({"language": "901AF5BC-06CB-4DE0-B523-135ECFDC882A"}, FRENCH),
        ({"language": "{901af5bc06cb4de0b523135ecfdc882a}"}, FRENCH),
        ({"language_UniqueID": "DF88D743-1B99-44EF-B47F-260C78030EE7"}, ENGLISH),
        ({"language_unique_id": ENGLISH, "language": "English"}, ENGLISH),
        ({}, DUTCH),  # the default_language setting
    ],
)
def test_a_language_is_a_code_a_name_or_a_guid_sent_as_the_guid(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    guid: str,
) -> None:
    requests_mock.post(batch_url(), json=[])

    push(config, tmp_path, "respondents", respondent(email="a@example.com", **values))

    assert requests_mock.request_history[0].json()[0]["language_UniqueID"] == guid


def test_a_records_touchpoint_overrides_the_setting_with_one_call_per_touchpoint(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(batch_url(), json=[])
    requests_mock.post(batch_url(OTHER_TOUCHPOINT), json=[])

    push(
        config,
        tmp_path,
        "respondents",
        respondent(email="a@example.com"),
        respondent(email="b@example.com", campaign_UniqueID=OTHER_TOUCHPOINT.upper()),
        respondent(email="c@example.com"),
    )

    calls = {call.path.split("/")[4]: call.json() for call in requests_mock.request_history}
    assert [item["email"] for item in calls[TOUCHPOINT]] == ["a@example.com", "c@example.com"]
    assert calls[OTHER_TOUCHPOINT][0]["campaign_UniqueID"] == OTHER_TOUCHPOINT


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"first_name": "No address"}, "email required"),
        ({"email": "aino(at)example.com"}, "email: must be a valid email"),
        ({"email": "a@example.com", "language": "Klingon"}, "language: must be an ISO 639-1"),
        (
            {"email": "a@example.com", "language_UniqueID": "not-a-guid"},
            "language_UniqueID: must match the pattern",
        ),
        (
            {"email": "a@example.com", "language_UniqueID": DUTCH, "language": "fr"},
            "language_UniqueID and language name different languages",
        ),
        (
            {"email": "a@example.com", "first_name": "Aino", "firstName": "Anna"},
            "first_name and firstName are the same field with different values",
        ),
        ({"email": "a@example.com", "keyValues": {"nested": {"a": 1}}}, "keyValues.nested: must"),
    ],
)
def test_invalid_respondents_are_rejected_before_sending(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    reason: str,
) -> None:
    requests_mock.post(batch_url(), json=[])

    run = push(config, tmp_path, "respondents", respondent(**values))

    [dead] = run.dead_letters
    assert dead["reason"].startswith(reason)
    assert (dead["record"], dead["status"], dead["uncertain"]) == (values, None, False)
    assert requests_mock.call_count == 0


def test_without_a_touchpoint_or_language_anywhere_a_respondent_is_rejected(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    del config["campaign_id"], config["default_language"]

    run = push(
        config,
        tmp_path,
        "respondents",
        respondent(email="a@example.com", language="nl"),
        respondent(email="b@example.com", campaign_UniqueID=TOUCHPOINT),
    )

    assert [dead["reason"] for dead in run.dead_letters] == [
        "campaign_UniqueID is required: give one in the record or set campaign_id",
        "language_UniqueID or language is required: give one in the record or set default_language",
    ]
    assert requests_mock.call_count == 0


def test_respondents_go_in_batches_of_batch_size(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)

    push({**config, "batch_size": 4}, tmp_path, "respondents", *people(10))

    assert [len(call) for call in api.calls] == [4, 4, 2]
    assert api.stored_emails == [f"person{n}@example.com" for n in range(10)]
    assert "Stream 'respondents': 10 accepted, 0 already present, 0 rejected" in caplog.text


def test_the_default_batch_is_500_respondents(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)

    push(config, tmp_path, "respondents", *people(1001))

    assert [len(call) for call in api.calls] == [500, 500, 1]


def test_the_same_person_twice_in_a_run_is_sent_once(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)
    api.install(requests_mock, OTHER_TOUCHPOINT)

    push(
        {**config, "batch_size": 3},
        tmp_path,
        "respondents",
        respondent(email="a@example.com"),
        respondent(email="A@Example.com", first_name="Same person, same batch"),
        respondent(email="b@example.com"),
        respondent(email="a@example.com", first_name="Same person, next batch"),
        respondent(email="a@example.com", campaign_UniqueID=OTHER_TOUCHPOINT),
    )

    assert api.calls == [["a@example.com", "b@example.com"], ["a@example.com"]]
    assert requests_mock.request_history[-1].path.split("/")[4] == OTHER_TOUCHPOINT
    assert "Stream 'respondents': 3 accepted, 2 already present, 0 rejected" in caplog.text


def test_a_200_listing_refused_respondents_dead_letters_them_and_keeps_the_rest(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    invalid = "The respondent email person{n}@example.com is invalid"
    api = FakeHelloCustomer(
        refused={f"person{n}@example.com": invalid.format(n=n) for n in (2, 7)}, partial=True
    )
    api.install(requests_mock)
    config = {**config, "batch_size": 5}

    with caplog.at_level(logging.INFO):
        first = push(config, tmp_path, "respondents", *people(10))
        push(config, tmp_path, "respondents", *people(10))

    # Two calls of five, nothing split or sent again; the rerun asks only about the two.
    assert [len(call) for call in api.calls] == [5, 5, 1, 1]
    assert sorted(api.stored_emails) == sorted(
        f"person{n}@example.com" for n in range(10) if n not in (2, 7)
    )
    dead = first.dead_letters  # both runs' lines: the file is appended to
    assert [(line["record"]["email"], line["status"], line["uncertain"]) for line in dead] == [
        ("person2@example.com", 200, False),
        ("person7@example.com", 200, False),
        ("person2@example.com", 400, False),
        ("person7@example.com", 400, False),
    ]
    assert dead[0]["reason"] == (
        "email: Hello Customer refused it: The respondent email person2@example.com is invalid"
    )
    learned = [m for m in caplog.messages if "refuses only bad records" in m]
    assert len(learned) == 1  # once; the rerun's calls were refused whole


def test_a_refused_respondent_the_answer_does_not_name_makes_the_call_uncertain(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(
        batch_url(), json={"added": [], "refused": [{"message": "The model is invalid"}]}
    )

    first = push(config, tmp_path, "respondents", *people(3))
    push(config, tmp_path, "respondents", *people(3))

    assert len(requests_mock.request_history) == 1  # never sent again: it may have arrived
    assert [line["uncertain"] for line in first.dead_letters] == [True, True, True]
    assert "did not name: The model is invalid" in first.dead_letters[0]["reason"]
