"""What push targets do to records before and after sending: schemas, phones, dead letters, secrets."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import typing as t

import pytest

from survey_common.http.redact import Redactor
from survey_common.phones import to_e164, to_international_00
from survey_common.push.deadletter import DeadLetterFile
from survey_common.push.schema import PushSchema

if t.TYPE_CHECKING:
    from pathlib import Path

TOKEN = "s3cret-token/with+odd=chars"


@pytest.mark.parametrize(
    "spelling",
    [
        TOKEN,
        json.dumps(TOKEN)[1:-1],
        "s3cret-token%2Fwith%2Bodd%3Dchars",
        base64.b64encode(f"{TOKEN}:".encode()).decode(),
    ],
)
def test_redactor_hides_every_spelling_of_a_secret(spelling: str) -> None:
    assert Redactor([TOKEN])(f"the API said: {spelling}!") == "the API said: [redacted]!"


def test_redactor_ignores_unset_secrets() -> None:
    assert Redactor(["", TOKEN])("nothing secret") == "nothing secret"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+358441234567", "00358441234567"),
        ("+358 44 123 4567", "00358441234567"),
        ("00358 44-123-4567", "00358441234567"),
        ("(+44) 7810 123456", "00447810123456"),
    ],
)
def test_international_numbers_are_written_with_00(raw: str, expected: str) -> None:
    assert to_international_00(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0441234567", "has no valid country code"),
        ("not a number", "is not a phone number"),
        ("+1813555555", "is not a valid phone number"),  # the document's example lacks a digit
        ("+358 12", "is not a valid phone number"),
    ],
)
def test_what_is_not_a_phone_number_is_refused_without_echoing_it(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as refusal:
        to_international_00(raw)
    assert raw not in str(refusal.value)


def test_national_numbers_are_read_in_the_given_country() -> None:
    assert to_e164("07810 123456", "gb") == "+447810123456"
    assert to_e164("044 123 4567", "FI") == "+358441234567"


def test_push_schema_words_problems_without_values() -> None:
    schema = PushSchema("buenno", "invitations")

    problems = schema.problems(
        {"email": "secret.person@nowhere", "pf_age": "forty", "preferred_language": "fin"}
    )

    assert problems == [
        "email: must be a valid email",
        "pf_age: must be of type integer or null",
        "preferred_language: must match the pattern ^[A-Za-z]{2}$",
    ]


def test_push_schema_names_missing_fields() -> None:
    assert PushSchema("feedbackapi", "feedback_requests").problems({"location": "x"}) == [
        "subscriber and template required"
    ]


def test_push_schema_names_nested_missing_and_unexpected_fields() -> None:
    problems = PushSchema("hellocustomer", "answers").problems(
        {
            "CompanyUniqueID": "ec28d381-4883-4731-9462-74c3dc82aff1",
            "respondent": {"Email": "jef@example.com", "Shoe size": "44"},
            "answers": [{"Score": 3}],
        }
    )

    assert problems == [
        "answers.0.QuestionItemUniqueID required",
        "respondent: has fields the platform does not take: Shoe size",
    ]


def test_dead_letter_line_holds_the_record_as_json_values_and_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "out" / "dead.jsonl"
    moment = dt.datetime(2024, 5, 1, 2, 0, tzinfo=dt.timezone.utc)
    dead_letter = DeadLetterFile(path, Redactor([TOKEN]), clock=lambda: moment)

    dead_letter.write(
        stream="invitations",
        record={
            "email": "a@example.com",
            "visited": dt.datetime(2024, 4, 30, 12, 0, tzinfo=dt.timezone.utc),
            "pf_age": decimal.Decimal("34.50"),
            "note": f"pasted {TOKEN}",
        },
        reason="Buenno answered HTTP 400: bad",
        status=400,
        uncertain=False,
    )

    [line] = path.read_text().splitlines()
    assert json.loads(line) == {
        "stream": "invitations",
        "record": {
            "email": "a@example.com",
            "visited": "2024-04-30T12:00:00+00:00",
            "pf_age": 34.5,
            "note": "pasted [redacted]",
        },
        "reason": "Buenno answered HTTP 400: bad",
        "status": 400,
        "uncertain": False,
        "at": "2024-05-01T02:00:00+00:00",
    }


def test_dead_letter_file_is_created_only_for_a_rejection_and_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "dead.jsonl"
    DeadLetterFile(path, Redactor([]))
    assert not path.exists()

    for run in range(2):
        dead_letter = DeadLetterFile(path, Redactor([]))
        dead_letter.write(stream="s", record={"run": run}, reason="r", status=None, uncertain=True)

    assert [json.loads(line)["record"]["run"] for line in path.read_text().splitlines()] == [0, 1]
