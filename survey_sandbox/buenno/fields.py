"""Reading Buenno's request parameters and bodies: contact fields, answers, pages and instants.

Every function raises :class:`~survey_sandbox.web.HttpError` 400 naming the parameter at
fault, as the vendor's error body does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from survey_sandbox.buenno.store import (
    CONTACT_COLUMNS,
    AnswerDraft,
)
from survey_sandbox.timefmt import (
    InstantError,
    parse_iso_instant,
)
from survey_sandbox.web import (
    HttpError,
    parse_int,
    scalar_text,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


PHONE = re.compile(r"^00\d{6,15}$")


LANGUAGE = re.compile(r"^[a-z]{2}$")


INTEGER_FIELDS = ("pf_timestamp", "pf_age")


@dataclass(frozen=True)
class Page:
    """A page size and start row read from ``limit`` and ``offset``."""

    limit: int
    offset: int


def parse_contact(params: Mapping[str, str]) -> dict[str, str | int | None]:
    """Read and check the contact and prefill fields of a request.

    Blank values count as absent. Checks: email shape, phone as digits starting with
    ``00``, integer ``pf_timestamp`` and ``pf_age``, two-letter ``preferred_language``.

    Raises:
        HttpError: 400 naming the first field that fails its check.
    """
    contact: dict[str, str | int | None] = {}
    for name in CONTACT_COLUMNS:
        contact[name] = params.get(name, "").strip() or None
    email, phone = contact["email"], contact["phone"]
    if isinstance(email, str) and not EMAIL.match(email):
        raise HttpError(400, "Parameter 'email' is not a valid email address")
    if isinstance(phone, str) and not PHONE.match(phone):
        raise HttpError(
            400, "Parameter 'phone' must be digits with the country code, + written as 00"
        )
    for name in INTEGER_FIELDS:
        number = contact[name]
        if isinstance(number, str):
            contact[name] = parse_int(number, name)
    language = contact["preferred_language"]
    if isinstance(language, str):
        language = language.lower()
        if not LANGUAGE.match(language):
            raise HttpError(400, "Parameter 'preferred_language' must be an ISO 639-1 code")
        contact["preferred_language"] = language
    return contact


def parse_answers(raw: object, types: Mapping[int, int]) -> list[AnswerDraft]:
    """Read admin-supplied answers, checking each question belongs to the form.

    Raises:
        HttpError: 400 for a malformed list or a question of another form.
    """
    if not isinstance(raw, list):
        raise HttpError(400, "Field 'answers' must be a list")
    answers = []
    for item in raw:
        if not isinstance(item, dict) or "question_id" not in item:
            raise HttpError(400, "Each answer must be an object with a 'question_id'")
        question_id = parse_int(scalar_text(item["question_id"]), "question_id")
        if question_id not in types:
            raise HttpError(400, f"Question {question_id} is not on this form")
        points = item.get("points")
        text = item.get("answer")
        if points is not None and (isinstance(points, bool) or not isinstance(points, int)):
            raise HttpError(400, "An answer's 'points' must be an integer or null")
        if text is not None and not isinstance(text, str):
            raise HttpError(400, "An answer's 'answer' must be a string or null")
        answers.append(AnswerDraft(question_id, types[question_id], points, text))
    return answers


def read_page(params: Mapping[str, str], *, default_limit: int, max_limit: int) -> Page:
    """Read ``limit`` (clamped to ``max_limit``) and ``offset``.

    Raises:
        HttpError: 400 when ``limit`` is below 1 or ``offset`` below 0 or either is not
            an integer.
    """
    limit = parse_int(params["limit"], "limit") if params.get("limit") else default_limit
    offset = parse_int(params["offset"], "offset") if params.get("offset") else 0
    if limit < 1:
        raise HttpError(400, "Parameter 'limit' must be at least 1")
    if offset < 0:
        raise HttpError(400, "Parameter 'offset' must not be negative")
    return Page(min(limit, max_limit), offset)


def optional_instant(params: Mapping[str, str], name: str) -> float | None:
    """Read an optional ISO 8601 parameter as Unix seconds.

    Raises:
        HttpError: 400 when the value is present but not ISO 8601.
    """
    value = params.get(name)
    if not value:
        return None
    try:
        return parse_iso_instant(value)
    except InstantError as error:
        raise HttpError(400, f"Parameter '{name}': {error}") from None


def required_instant(params: Mapping[str, str], name: str) -> float:
    """Read a mandatory ISO 8601 parameter as Unix seconds.

    Raises:
        HttpError: 400 when the value is missing or not ISO 8601.
    """
    instant = optional_instant(params, name)
    if instant is None:
        raise HttpError(400, f"Parameter '{name}' is mandatory (ISO 8601 date-time)")
    return instant
