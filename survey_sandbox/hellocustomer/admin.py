"""Hello Customer's admin endpoints (``/_sandbox/hellocustomer``).

Admin (no authentication, no throttle), for tests and CI pipelines:

- ``GET /_sandbox/hellocustomer/stats``: ``{"calls": n, "rate_limited": n}`` since start.
- ``POST /_sandbox/hellocustomer/responses``: JSON ``{"campaign_UniqueID", "dateAnswer"?,
  "dateSurveyed"?, "language_UniqueID"?, "firstName"?, "lastName"?, "email"?,
  "phoneNumber"?, "custom_UniqueID"?, "keyValues"?, "answers"?: [{"sortOrder", "score"? |
  "text"? | "boolean"? | "options"?}]}``; stores a response (answers drawn at random when
  not given; ISO 8601 dates, default now; default language the touchpoint's first) and
  answers 201 with it.
- ``PATCH /_sandbox/hellocustomer/responses/{guid}``: JSON with any of
  ``hasBeenContacted``, ``hasBeenForwarded``, ``hasBeenDisabledForReview`` (booleans):
  changes a response after its answer, as users do when they follow it up; answers 200
  with the response.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from survey_common.readings import Readings
from survey_sandbox.faults import FaultQueue
from survey_sandbox.hellocustomer import queries as hellocustomer_queries
from survey_sandbox.hellocustomer import seed as hellocustomer_seed
from survey_sandbox.hellocustomer import store as hellocustomer_store
from survey_sandbox.hellocustomer.api import ApiRoutes
from survey_sandbox.hellocustomer.models import (
    answer_value,
    canonical_guid,
    check_email,
    key_values,
    new_guid,
    optional_text,
    parse_language,
    touchpoint_not_found,
)
from survey_sandbox.hellocustomer.render import (
    render_responses,
)
from survey_sandbox.hellocustomer.store import (
    ADDED_BY_ADMIN,
    AnswerDraft,
    Question,
    RespondentDraft,
    ResponseDraft,
    Touchpoint,
)
from survey_sandbox.store import Store
from survey_sandbox.timefmt import now_epoch
from survey_sandbox.web import HttpError, Request, Response, body_instant, json_response

_CHANGEABLE = {
    "hasBeenContacted": "has_been_contacted",
    "hasBeenForwarded": "has_been_forwarded",
    "hasBeenDisabledForReview": "has_been_disabled_for_review",
}

_ADMIN_RESPONSE_FIELDS = (
    "campaign_UniqueID",
    "dateAnswer",
    "dateSurveyed",
    "language_UniqueID",
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "custom_UniqueID",
    "keyValues",
    "answers",
)
_ADMIN_ANSWER_FIELDS = ("sortOrder", "score", "text", "boolean", "options")


class AdminRoutes(ApiRoutes):
    """Hello Customer's admin routes, beside its API routes."""

    def __init__(
        self, store: Store, *, readings: Readings, faults: FaultQueue, min_interval: float = 1.0
    ) -> None:
        """Bind the platform to the sandbox and register its API and admin routes."""
        super().__init__(store, readings=readings, faults=faults, min_interval=min_interval)
        self._admin.add("GET", "/stats", self._admin_stats)
        self._admin.add("POST", "/responses", self._admin_create_response)
        self._admin.add("PATCH", "/responses/{guid}", self._admin_change_response)

    def _admin_stats(self, _request: Request) -> Response:
        """Report how many API calls arrived and how many were refused with 429."""
        return json_response(self._throttle.stats())

    def _admin_create_response(self, request: Request) -> Response:
        """Store a response on any touchpoint with a chosen answer date and answers."""
        body = request.json_body()
        unknown = sorted(set(body) - set(_ADMIN_RESPONSE_FIELDS))
        if unknown:
            raise HttpError(400, f"Unknown fields: {', '.join(unknown)}")
        raw_touchpoint = body.get("campaign_UniqueID")
        if raw_touchpoint is None:
            raise HttpError(400, "Field 'campaign_UniqueID' is mandatory")
        answered = body_instant(body, "dateAnswer")
        answered = now_epoch() if answered is None else answered
        surveyed = body_instant(body, "dateSurveyed")
        surveyed = answered if surveyed is None else surveyed
        if surveyed > answered:
            raise HttpError(400, "Field 'dateSurveyed' must not be after 'dateAnswer'")
        with self._store.transaction() as connection:
            guid = canonical_guid(raw_touchpoint)
            touchpoint = (
                None if guid is None else hellocustomer_queries.get_touchpoint(connection, guid)
            )
            if touchpoint is None:
                raise HttpError(404, touchpoint_not_found(str(raw_touchpoint)))
            language = body.get("language_UniqueID") or touchpoint.surveys[0].language_guid
            survey = parse_language(language, touchpoint)
            questions = [
                question
                for question in hellocustomer_queries.questions_of(connection, touchpoint.guid)
                if question.survey_guid == survey.guid
            ]
            if body.get("answers") is None:
                rng = random.Random()  # noqa: S311 - sample data, not secrets
                answers = hellocustomer_seed.generate_answers(rng, questions, survey.language_guid)
            else:
                answers = _admin_answers(body["answers"], questions)
            respondent = _admin_respondent(body, survey.language_guid, touchpoint, surveyed)
            draft = ResponseDraft(
                guid=new_guid(),
                respondent=respondent,
                survey_guid=survey.guid,
                date_surveyed=surveyed,
                date_answer=answered,
                answers=answers,
            )
            [response_id] = hellocustomer_store.insert_responses(connection, [draft])
            rows = hellocustomer_queries.get_response(connection, response_id)
        return json_response(render_responses(rows)[0], 201)

    def _admin_change_response(self, request: Request) -> Response:
        """Change a response's follow-up flags, as a user does after the answer."""
        body = request.json_body()
        unknown = sorted(set(body) - set(_CHANGEABLE))
        if unknown or not body:
            raise HttpError(400, f"Give any of {', '.join(_CHANGEABLE)}, nothing else")
        if not all(isinstance(value, bool) for value in body.values()):
            raise HttpError(400, "Each changed field takes true or false")
        guid = canonical_guid(request.path_params["guid"]) or ""
        with self._store.transaction() as connection:
            response_id = hellocustomer_store.change_response(
                connection, guid, {_CHANGEABLE[name]: value for name, value in body.items()}
            )
            if response_id is None:
                raise HttpError(404, f"No response {request.path_params['guid']}")
            rows = hellocustomer_queries.get_response(connection, response_id)
        return json_response(render_responses(rows)[0])


def _admin_respondent(
    body: Mapping[str, Any], language_guid: str, touchpoint: Touchpoint, created_at: int
) -> RespondentDraft:
    """Read the respondent fields of an admin body; any of them may be left out.

    Raises:
        HttpError: 400 for a field that is not a string (``keyValues``: not an object of
            text) or an email address of the wrong shape.
    """
    message = "Respondent fields must be strings or null"
    return RespondentDraft(
        guid=new_guid(),
        touchpoint_guid=touchpoint.guid,
        language_guid=language_guid,
        email=check_email(optional_text(body.get("email"), message)),
        first_name=optional_text(body.get("firstName"), message),
        last_name=optional_text(body.get("lastName"), message),
        phone=optional_text(body.get("phoneNumber"), message),
        custom_id=optional_text(body.get("custom_UniqueID"), message),
        key_values=key_values(
            body.get("keyValues"), "Field 'keyValues' must be an object of strings"
        ),
        added_by=ADDED_BY_ADMIN,
        created_at=created_at,
    )


def _admin_answers(raw: object, questions: Sequence[Question]) -> list[AnswerDraft]:
    """Read admin answers, each naming its question by sort order.

    Raises:
        HttpError: 400 for a malformed list, an unknown or repeated sort order, or a
            value that does not fit the question.
    """
    if not isinstance(raw, list):
        raise HttpError(400, "Field 'answers' must be a list")
    by_sort = {question.sort_order: question for question in questions}
    answers = []
    seen: set[int] = set()
    for item in raw:
        if not isinstance(item, dict) or set(item) - set(_ADMIN_ANSWER_FIELDS):
            raise HttpError(
                400, f"Each answer is an object with fields {', '.join(_ADMIN_ANSWER_FIELDS)}"
            )
        sort_order = item.get("sortOrder")
        if not isinstance(sort_order, int) or sort_order not in by_sort or sort_order in seen:
            raise HttpError(400, "Each answer needs the 'sortOrder' of a question, once")
        seen.add(sort_order)
        answers.append(
            answer_value(
                by_sort[sort_order],
                score=item.get("score"),
                text=item.get("text"),
                boolean=item.get("boolean"),
                options=item.get("options"),
            )
        )
    return answers
