"""Reading and checking Hello Customer's request bodies and path values.

The platform binds JSON to models the way ASP.NET does: property names match in any case
and unknown properties are ignored. A model that fails a check is refused with 400 and
one of the validation messages the vendor document lists, so a client sees the same text
it would see from the real API.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from survey_sandbox.hellocustomer.languages import language_by_guid
from survey_sandbox.hellocustomer.store import (
    ADDED_BY_ANSWER,
    KIND_BOOLEAN,
    KIND_CES,
    KIND_CHOICE,
    KIND_NPS,
    KIND_TEXT,
    AnswerDraft,
    Question,
    RespondentDraft,
    ResponseDraft,
    Survey,
    Touchpoint,
)
from survey_sandbox.web import HttpError

JSON_MODEL_INVALID = "The JSON model is not correct"
LANGUAGE_NOT_IN_TOUCHPOINT = "The LanguageUniqueId is not part of this touchpoint"
LANGUAGE_EMPTY = "The Guid of the language is empty or the format is incorrect"
LANGUAGE_FORMAT = "The format of the Guid of the language is not valid"
RESPONDENT_MODEL_INVALID = "The model of the respondent is invalid"
QUESTION_FORMAT = "The format of the Guid of the question item is not valid"
QUESTION_EMPTY = "The questionItemUniqueId is empty or the format is incorrect"
QUESTION_WRONG = "The questionItemUniqueId of an answer is not correct"

DATE_FORMAT = "yyyyMMddHHmmss"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOTS_MISPLACED = re.compile(r"\.\.|^\.|\.@|@\.|\.$")
_PATH_DATE = re.compile(r"^\d{14}$")
_GUID_HYPHENATED = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$", re.IGNORECASE)
_GUID_DIGITS = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)
_SCORE_RANGES = {KIND_NPS: (0, 10), KIND_CES: (1, 7)}
_RESPONDENT_TEXT_FIELDS = ("firstname", "lastname", "phonenumber", "custom_uniqueid")


def touchpoint_not_found(raw: str) -> str:
    """Return the document's message for a touchpoint that does not exist."""
    return f"Touchpoint with ID: {raw} not found"


def canonical_guid(value: object) -> str | None:
    """Read a GUID the way .NET does: any case, hyphenated or 32 digits, maybe in braces.

    Returns:
        The GUID in lower case with hyphens, or ``None`` when ``value`` is not a GUID.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    if not (_GUID_HYPHENATED.match(text) or _GUID_DIGITS.match(text)):
        return None
    return str(uuid.UUID(text))


def decode_json(body: bytes) -> object:
    """Decode a request body as JSON; an empty body is ``None``.

    Raises:
        HttpError: 400 with the document's JSON-model message when the body is not JSON.
    """
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HttpError(400, JSON_MODEL_INVALID) from None


def fields(value: object, message: str) -> dict[str, Any]:
    """Return a JSON object's properties keyed by lower-case name, as the platform binds them.

    Raises:
        HttpError: 400 with ``message`` when ``value`` is not a JSON object.
    """
    if not isinstance(value, dict):
        raise HttpError(400, message)
    return {str(name).lower(): item for name, item in value.items()}


def parse_path_date(text: str, name: str) -> int:
    """Read a ``yyyyMMddHHmmss`` path value (UTC) as Unix seconds.

    Raises:
        HttpError: 400 naming the parameter when the value is not such a date.
    """
    message = f"The {name} '{text}' is not a date in the format {DATE_FORMAT}"
    if not _PATH_DATE.match(text):
        raise HttpError(400, message)
    try:
        parsed = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        raise HttpError(400, message) from None
    return int(parsed.timestamp())


def parse_language(value: object, touchpoint: Touchpoint) -> Survey:
    """Check a language GUID against the document's table and the touchpoint's languages.

    Returns:
        The touchpoint's survey in that language.

    Raises:
        HttpError: 400 with the document's message: empty, malformed, unknown, or not one
            of the touchpoint's languages.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise HttpError(400, LANGUAGE_EMPTY)
    guid = canonical_guid(value)
    if guid is None:
        raise HttpError(400, LANGUAGE_FORMAT)
    if language_by_guid(guid) is None:
        raise HttpError(400, f"Language with ID: {value} not found")
    survey = touchpoint.survey_in(guid)
    if survey is None:
        raise HttpError(400, LANGUAGE_NOT_IN_TOUCHPOINT)
    return survey


def optional_text(value: object, message: str) -> str | None:
    """Read an optional string property; blank counts as absent.

    Raises:
        HttpError: 400 with ``message`` when the value is neither a string nor null.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise HttpError(400, message)
    return value.strip() or None


def check_email(value: str | None) -> str | None:
    """Check an email address's shape, as strictly as .NET's ``MailAddress``.

    Beyond ``name@domain.tld``, dots may not be doubled nor open or close a part:
    stricter than the shape check clients make, as a real platform's check can be.

    Raises:
        HttpError: 400 with the document's message naming the address.
    """
    if value is not None and (not _EMAIL.match(value) or _DOTS_MISPLACED.search(value)):
        raise HttpError(400, f"The respondent email {value} is invalid")
    return value


def key_values(value: object, message: str) -> dict[str, str]:
    """Read ``keyValues``/``metadata``: an object of text (numbers are written as text).

    Raises:
        HttpError: 400 with ``message`` for anything else.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HttpError(400, message)
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise HttpError(400, message)
        result[str(key)] = str(item)
    return result


def new_guid() -> str:
    """Give out a fresh GUID for a record created through the API."""
    return str(uuid.uuid4())


def parse_respondent(
    value: object, touchpoint: Touchpoint, *, added_by: str, created_at: int
) -> RespondentDraft:
    """Read one respondent of the add-respondent calls.

    Email and language are mandatory; ``campaign_UniqueID``, when given, must name the
    touchpoint of the path.

    Raises:
        HttpError: 400 with the document's message for the first check that fails.
    """
    body = fields(value, JSON_MODEL_INVALID)
    campaign = body.get("campaign_uniqueid")
    if campaign is not None and canonical_guid(campaign) != touchpoint.guid:
        raise HttpError(400, RESPONDENT_MODEL_INVALID)
    survey = parse_language(body.get("language_uniqueid"), touchpoint)
    texts = {
        name: optional_text(body.get(name), RESPONDENT_MODEL_INVALID)
        for name in _RESPONDENT_TEXT_FIELDS
    }
    email = optional_text(body.get("email"), RESPONDENT_MODEL_INVALID)
    if email is None:
        raise HttpError(400, RESPONDENT_MODEL_INVALID)
    return RespondentDraft(
        guid=new_guid(),
        touchpoint_guid=touchpoint.guid,
        language_guid=survey.language_guid,
        email=check_email(email),
        first_name=texts["firstname"],
        last_name=texts["lastname"],
        phone=texts["phonenumber"],
        custom_id=texts["custom_uniqueid"],
        key_values=key_values(body.get("keyvalues"), RESPONDENT_MODEL_INVALID),
        added_by=added_by,
        created_at=created_at,
    )


def answer_value(
    question: Question,
    *,
    score: object = None,
    text: object = None,
    boolean: object = None,
    options: object = None,
) -> AnswerDraft:
    """Check that an answer carries exactly the value its question's kind takes.

    NPS scores are whole numbers 0 to 10, effort (CES) scores 1 to 7, texts non-blank,
    yes/no a boolean, and multiple choice a non-empty list of distinct option labels.

    Raises:
        HttpError: 400 with the document's JSON-model message otherwise.
    """
    given = {
        "score": score is not None,
        "text": text is not None,
        "boolean": boolean is not None,
        "options": options is not None,
    }
    wanted = {
        KIND_NPS: "score",
        KIND_CES: "score",
        KIND_TEXT: "text",
        KIND_BOOLEAN: "boolean",
        KIND_CHOICE: "options",
    }[question.kind]
    if [name for name, present in given.items() if present] != [wanted]:
        raise HttpError(400, JSON_MODEL_INVALID)
    if question.kind in _SCORE_RANGES:
        low, high = _SCORE_RANGES[question.kind]
        if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            raise HttpError(400, JSON_MODEL_INVALID)
        return AnswerDraft(new_guid(), question.guid, value=score)
    if question.kind == KIND_TEXT:
        if not isinstance(text, str) or not text.strip():
            raise HttpError(400, JSON_MODEL_INVALID)
        return AnswerDraft(new_guid(), question.guid, text=text)
    if question.kind == KIND_BOOLEAN:
        if not isinstance(boolean, bool):
            raise HttpError(400, JSON_MODEL_INVALID)
        return AnswerDraft(new_guid(), question.guid, boolean=boolean)
    known = question.options or ()
    if (
        not isinstance(options, list)
        or not options
        or not all(isinstance(option, str) and option in known for option in options)
        or len(set(options)) != len(options)
    ):
        raise HttpError(400, JSON_MODEL_INVALID)
    return AnswerDraft(new_guid(), question.guid, options=tuple(options))


def question_item(value: object, questions: Sequence[Question]) -> Question:
    """Find the question an answer's ``QuestionItemUniqueID`` names among a survey's questions.

    Raises:
        HttpError: 400 with the document's message: empty, malformed, or not a question
            of the survey.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise HttpError(400, QUESTION_EMPTY)
    guid = canonical_guid(value)
    if guid is None:
        raise HttpError(400, QUESTION_FORMAT)
    for question in questions:
        if question.guid == guid:
            return question
    raise HttpError(400, QUESTION_WRONG)


def nps_filters(value: object) -> list[tuple[str, list[str]]]:
    """Read the get-NPS body: ``[{"key": ..., "filterValues": [...]}, ...]`` or nothing.

    A filter with no values does not narrow anything and is left out.

    Raises:
        HttpError: 400 with the document's JSON-model message for any other shape.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise HttpError(400, JSON_MODEL_INVALID)
    filters = []
    for item in value:
        entry = fields(item, JSON_MODEL_INVALID)
        key = entry.get("key")
        values = entry.get("filtervalues")
        if not isinstance(key, str) or not key or not isinstance(values, list):
            raise HttpError(400, JSON_MODEL_INVALID)
        if not all(isinstance(text, str) for text in values):
            raise HttpError(400, JSON_MODEL_INVALID)
        if values:
            filters.append((key, values))
    return filters


def parse_add_answer(
    value: object, touchpoint: Touchpoint, questions: Sequence[Question], *, now: int
) -> ResponseDraft:
    """Read the add-answer body into a response answered ``now``, with its respondent.

    ``languageUniqueId`` picks the touchpoint's survey; every ``QuestionItemUniqueID`` must
    be a question of that survey, answered once. ``metadata`` becomes the respondent's key
    values; ``respondent.UniqueID`` its ``custom_UniqueID``. ``CompanyUniqueID`` must be a
    GUID; ``cultureInfo`` is accepted as text and not used.

    Raises:
        HttpError: 400 with the document's message for the first check that fails.
    """
    body = fields(value, JSON_MODEL_INVALID)
    campaign = body.get("campaign_uniqueid")
    if campaign is not None and canonical_guid(campaign) != touchpoint.guid:
        raise HttpError(400, JSON_MODEL_INVALID)
    survey = parse_language(body.get("languageuniqueid"), touchpoint)
    if canonical_guid(body.get("companyuniqueid")) is None:
        raise HttpError(400, JSON_MODEL_INVALID)
    optional_text(body.get("cultureinfo"), JSON_MODEL_INVALID)
    metadata = key_values(body.get("metadata"), JSON_MODEL_INVALID)
    person = fields(body.get("respondent"), RESPONDENT_MODEL_INVALID)
    texts = {
        name: optional_text(person.get(name), RESPONDENT_MODEL_INVALID)
        for name in ("uniqueid", "firstname", "lastname", "email", "phone")
    }
    check_email(texts["email"])
    asked = [question for question in questions if question.survey_guid == survey.guid]
    raw_answers = body.get("answers")
    if not isinstance(raw_answers, list) or not raw_answers:
        raise HttpError(400, JSON_MODEL_INVALID)
    answers = []
    answered: set[str] = set()
    for raw in raw_answers:
        item = fields(raw, JSON_MODEL_INVALID)
        question = question_item(item.get("questionitemuniqueid"), asked)
        if question.guid in answered:
            raise HttpError(400, JSON_MODEL_INVALID)
        answered.add(question.guid)
        answers.append(
            answer_value(
                question,
                score=item.get("score"),
                text=item.get("text"),
                boolean=item.get("boolean"),
                options=item.get("options"),
            )
        )
    respondent = RespondentDraft(
        guid=new_guid(),
        touchpoint_guid=touchpoint.guid,
        language_guid=survey.language_guid,
        email=texts["email"],
        first_name=texts["firstname"],
        last_name=texts["lastname"],
        phone=texts["phone"],
        custom_id=texts["uniqueid"],
        key_values=metadata,
        added_by=ADDED_BY_ANSWER,
        created_at=now,
    )
    return ResponseDraft(
        guid=new_guid(),
        respondent=respondent,
        survey_guid=survey.guid,
        date_surveyed=now,
        date_answer=now,
        answers=answers,
    )
