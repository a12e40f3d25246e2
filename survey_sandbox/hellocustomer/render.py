"""How Hello Customer's responses, NPS figures and errors look on the wire.

The API and the admin endpoints answer with the same shapes; errors are ``{"message"}``,
a 401 with its challenge and a throttled call's 429 with ``Retry-After``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any

from survey_sandbox.hellocustomer.analytics import predict
from survey_sandbox.hellocustomer.models import (
    new_guid,
)
from survey_sandbox.hellocustomer.queries import NpsCounts
from survey_sandbox.hellocustomer.store import (
    KIND_BOOLEAN,
    KIND_CES,
    KIND_CHOICE,
    KIND_NPS,
    KIND_TEXT,
    ResponseRows,
)
from survey_sandbox.timefmt import format_zulu
from survey_sandbox.web import HttpError, Response, json_response

CHALLENGE = (("WWW-Authenticate", 'Basic realm="Hello Customer API"'),)


FLAGS = (
    "question_HasScoreAnswer",
    "question_HasNpsValueAnswer",
    "question_HasTextAnswer",
    "question_HasBooleanAnswer",
    "question_HasCesScoreAnswer",
    "question_HasCsatScoreAnswer",
    "question_HasMultipleChoiceAnswer",
)


FLAGS_OF_KIND = {
    KIND_CES: {"question_HasScoreAnswer", "question_HasCesScoreAnswer"},
    KIND_NPS: {"question_HasScoreAnswer", "question_HasNpsValueAnswer"},
    KIND_TEXT: {"question_HasTextAnswer"},
    KIND_BOOLEAN: {"question_HasBooleanAnswer"},
    KIND_CHOICE: {"question_HasMultipleChoiceAnswer"},
}


def error_answer(error: HttpError) -> Response:
    """Turn a client error into Hello Customer's error body; 401s carry a challenge."""
    response = json_response({"message": error.message}, error.status)
    if error.status == HTTPStatus.UNAUTHORIZED:
        return Response(response.status, response.body, response.content_type, CHALLENGE)
    return response


def too_many_requests(min_interval: float, retry_after: int) -> Response:
    """Build the 429 answer with its ``Retry-After`` header."""
    seconds = "1 second" if min_interval == 1 else f"{min_interval:g} seconds"
    response = json_response(
        {
            "message": "Too many requests are following up on each other and there is less"
            f" than {seconds} between each API call"
        },
        429,
    )
    headers = (("Retry-After", str(retry_after)),)
    return Response(response.status, response.body, response.content_type, headers)


def nps_figures(counts: NpsCounts) -> dict[str, Any]:
    """Shape NPS counts as the document's example.

    Promoter and detractor shares are percentages rounded to two decimals, the passive
    share is what remains of 100, and ``nps`` is the difference of the exact shares
    truncated toward zero (the document's 36.84 - 5.26 gives 31). With no answers every
    figure is 0. ``date`` is the time of the computation and ``uniqueID`` new each time.
    """
    figures: dict[str, Any] = {"nps": 0, "detractors": 0, "passive": 0, "promoters": 0}
    if counts.total:
        difference = 100 * abs(counts.promoters - counts.detractors) // counts.total
        promoters = round(100 * counts.promoters / counts.total, 2)
        detractors = round(100 * counts.detractors / counts.total, 2)
        figures = {
            "nps": difference if counts.promoters >= counts.detractors else -difference,
            "detractors": detractors,
            "passive": round(100 - promoters - detractors, 2),
            "promoters": promoters,
        }
    now = datetime.now(timezone.utc)
    figures["date"] = now.strftime("%Y-%m-%dT%H:%M:%S.%f0+00:00")
    figures["uniqueID"] = new_guid()
    return figures


def render_answer(row: sqlite3.Row, answer_date: str | None) -> dict[str, Any]:
    """Shape one answer as the document's example: only the fields of its kind's value."""
    item: dict[str, Any] = {}
    if row["text"] is not None:
        item["answer_Text"] = row["text"]
    item["answer_Date"] = answer_date
    if row["value"] is not None:
        item["answer_Value"] = row["value"]
    if row["boolean"] is not None:
        item["answer_Boolean"] = bool(row["boolean"])
    if row["options"] is not None:
        item["answer_Options"] = json.loads(row["options"])
    item.update(
        {
            "survey_UniqueID": row["survey_guid"],
            "question_UniqueID": row["question_guid"],
            "question_SiblingUniqueID": row["sibling_guid"],
            "question_Text": row["question_text"],
            "question_SortOrder": row["sort_order"],
        }
    )
    item.update({flag: flag in FLAGS_OF_KIND[row["kind"]] for flag in FLAGS})
    if row["kind"] == KIND_TEXT and row["text"] is not None:
        item["prediction"] = predict(row["text"])
    item["uniqueID"] = row["guid"]
    return item


def render_responses(rows: ResponseRows) -> list[dict[str, Any]]:
    """Shape stored responses as the document's get-responses example."""
    key_values_of: dict[int, dict[str, str]] = {}
    for row in rows.key_values:
        key_values_of.setdefault(row["respondent_id"], {})[row["key"]] = row["value"]
    answers_of: dict[int, list[sqlite3.Row]] = {}
    for row in rows.answers:
        answers_of.setdefault(row["response_id"], []).append(row)
    rendered = []
    for row in rows.responses:
        answered = format_zulu(row["date_answer"])
        rendered.append(
            {
                "firstName": row["first_name"] or "",
                "lastName": row["last_name"] or "",
                "privateIp": row["private_ip"] or "",
                "publicIp": row["public_ip"] or "",
                "email": row["email"] or "",
                "phoneNumber": row["phone"] or "",
                "campaign_UniqueID": row["touchpoint_guid"],
                "language_UniqueID": row["language_guid"],
                "respondent_UniqueID": row["respondent_guid"],
                "survey_UniqueID": row["survey_guid"],
                "hasBeenContacted": bool(row["has_been_contacted"]),
                "hasBeenForwarded": bool(row["has_been_forwarded"]),
                "dateSurveyed": format_zulu(row["date_surveyed"]),
                "dateAnswer": answered,
                "custom_UniqueID": row["custom_id"] or "",
                "keyValues": key_values_of.get(row["respondent_id"], {}),
                "answerQuestions": [
                    render_answer(answer, answered) for answer in answers_of.get(row["id"], [])
                ],
                "answerTags": [],
                "forwardedMessages": [],
                "repliedMessages": [],
                "notes": [],
                "hasBeenDisabledForReview": bool(row["has_been_disabled_for_review"]),
                "uniqueID": row["guid"],
            }
        )
    return rendered
