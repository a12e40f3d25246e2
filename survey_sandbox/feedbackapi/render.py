r"""FeedbackAPI records, list envelopes and error objects as the document's examples show them.

The examples, not the attribute tables, decide the wire shapes, because connectors meet
the real API's answers:

- Timestamps are whole Unix epoch seconds (the tables say ISO 8601).
- Feedback, on its own and nested in a feedback request, carries ``nps-score`` and
  ``star-rating`` with hyphens (the tables say ``nps_score``/``star_rating``).
- A user who never signed in has ``"last_access": false`` rather than ``null``.
- A whole review rating is an integer (``5``), any other a decimal (``4.5``).
- Account limits come back as stored: an integer, or a string when one was sent (the
  update example echoes ``"sms_allowance": "2000"``).
- The envelope's ``page`` counts from 1 although the ``page`` parameter counts from 0:
  every example answers ``"page": 1`` to a request without ``page``.
- Slashes in strings are escaped (``https:\/\/...``), as in every example URL.

Under the other reading of ``feedbackapi.timestamps`` and ``feedbackapi.score-keys``,
lists and retrievals follow the attribute tables instead (:func:`iso_timestamps`,
:func:`underscore_scores`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from survey_sandbox.feedbackapi.fields import FeedbackApiError
from survey_sandbox.timefmt import format_offset
from survey_sandbox.web import HttpError, Response

FULL_URL_BASE = "https://feedback-url.sandbox.invalid/"
BRANDED_URL_BASE = "https://reviews.your-domain.sandbox.invalid/fb/"
INVITE_URL_BASE = "https://reviews.your-domain.sandbox.invalid/invite?code="

#: Fields the attribute tables call "ISO 8601 formatted timestamp" (the examples send epochs).
_TIMESTAMPS = ("created", "due", "updated", "last_sms", "last_email", "last_access")
#: Keys the examples hyphenate and the attribute tables write with underscores.
_SCORE_KEYS = {"nps-score": "nps_score", "star-rating": "star_rating"}
_ERROR_TYPES = {401: "authentication_error", 429: "rate_limit_error"}
_SERVER_ERROR = 500


def json_answer(payload: object, status: int = 200) -> Response:
    r"""Encode a payload as FeedbackAPI does: compact UTF-8 JSON with ``\/`` for ``/``.

    A ``/`` occurs in JSON text only inside strings, where ``\/`` is its escaped form,
    so the replacement changes the spelling and never the value.
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")
    return Response(
        status=status, body=text.encode("utf-8"), content_type="application/json; charset=utf-8"
    )


def error_answer(error: HttpError) -> Response:
    """Answer an error with the document's error object ``{"type", "message", "param"}``.

    A 401 also carries ``WWW-Authenticate``, so HTTP clients know to send Basic auth.
    """
    status = error.status
    default = "api_error" if status >= _SERVER_ERROR else "invalid_request_error"
    payload = {
        "type": _ERROR_TYPES.get(status, default),
        "message": error.message,
        "param": error.param if isinstance(error, FeedbackApiError) else None,
    }
    answer = json_answer(payload, status)
    if status == 401:  # noqa: PLR2004 - the HTTP status itself
        return Response(
            answer.status,
            answer.body,
            answer.content_type,
            (("WWW-Authenticate", 'Basic realm="FeedbackAPI"'),),
        )
    return answer


def envelope(page: int, total: int, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Wrap one page of records; ``page`` is the 0-based page asked for."""
    return {
        "page": page + 1,
        "total_count": total,
        "total_returned": len(records),
        "data": list(records),
    }


def deleted(record_id: str) -> dict[str, Any]:
    """The answer to a delete call."""
    return {"id": record_id, "deleted": True}


def _flag(value: int | None) -> bool | None:
    """Turn a stored 0/1 into a JSON boolean, keeping ``NULL`` as ``null``."""
    return None if value is None else bool(value)


def customer(row: sqlite3.Row, locations: Sequence[str]) -> dict[str, Any]:
    """Shape a customer like the document's Customer Object."""
    return {
        "id": row["id"],
        "created": row["created"],
        "email": row["email"],
        "mobile_number": row["mobile_number"],
        "fname": row["fname"],
        "sname": row["sname"],
        "last_sms": row["last_sms"],
        "last_email": row["last_email"],
        "country_code": row["country_code"],
        "invalid": bool(row["invalid"]),
        "opt_out": bool(row["opt_out"]),
        "locations": list(locations),
    }


def location(row: sqlite3.Row) -> dict[str, Any]:
    """Shape a location like the document's Location Object."""
    return {
        "id": row["id"],
        "created": row["created"],
        "name": row["name"],
        "address_line_1": row["address_line_1"],
        "address_line_2": row["address_line_2"],
        "address_line_3": row["address_line_3"],
        "postal_code": row["postal_code"],
        "country_code": row["country_code"],
    }


def review(row: sqlite3.Row) -> dict[str, Any]:
    """Shape a review like the document's Review Object."""
    rating = row["rating"]
    if isinstance(rating, float) and rating.is_integer():
        rating = int(rating)
    return {
        "id": row["id"],
        "created": row["created"],
        "title": row["title"],
        "description": row["description"],
        "location": row["location"],
        "platform": row["platform"],
        "platform_name": row["platform_name"],
        "rating": rating,
        "url": row["url"],
        "reviewer_name": row["reviewer_name"],
        "reviewer_image": row["reviewer_image"],
        "reviewer_url": row["reviewer_url"],
    }


def feedback(row: sqlite3.Row, prefix: str = "") -> dict[str, Any]:
    """Shape feedback like the document's examples, with hyphenated score keys.

    Args:
        row: A feedback row, or a feedback request row carrying its feedback's columns.
        prefix: The prefix of the feedback columns in ``row`` (``fb_`` in a request row).
    """
    return {
        "id": row[f"{prefix}id"],
        "created": row[f"{prefix}created"],
        "type": row[f"{prefix}type"],
        "nps-score": row[f"{prefix}nps_score"],
        "star-rating": row[f"{prefix}star_rating"],
        "happy": _flag(row[f"{prefix}happy"]),
        "comments": row[f"{prefix}comments"],
        "platform_name": row[f"{prefix}platform_name"],
        "subscriber": row[f"{prefix}subscriber"],
        "subscriber_name": row[f"{prefix}subscriber_name"],
        "subscriber_email": row[f"{prefix}subscriber_email"],
        "location": row[f"{prefix}location"],
        "campaign": row[f"{prefix}campaign"],
        "campaign_step": row[f"{prefix}campaign_step"],
    }


def feedback_request(row: sqlite3.Row) -> dict[str, Any]:
    """Shape a feedback request like the document's object, with any feedback nested."""
    return {
        "id": row["id"],
        "created": row["created"],
        "due": row["due"],
        "updated": row["updated"],
        "subscriber": row["subscriber"],
        "template": row["template"],
        "location": row["location"],
        "type": row["type"],
        "message_opened": bool(row["message_opened"]),
        "message_clicked": bool(row["message_clicked"]),
        "message_bounced": bool(row["message_bounced"]),
        "bounce_reason": row["bounce_reason"],
        "spam_complaint": bool(row["spam_complaint"]),
        "full_url": f"{FULL_URL_BASE}{row['url_key']}/",
        "branded_url": f"{BRANDED_URL_BASE}{row['url_key']}/",
        "feedback": None if row["fb_id"] is None else feedback(row, "fb_"),
    }


def account(row: sqlite3.Row) -> dict[str, Any]:
    """Shape a client account like the document's Account Object."""
    return {
        "id": row["id"],
        "created": row["created"],
        "name": row["name"],
        "active": bool(row["active"]),
        "max_locations": row["max_locations"],
        "max_users": row["max_users"],
        "max_campaigns": row["max_campaigns"],
        "sms_allowance": row["sms_allowance"],
        "active_locations": row["active_locations"],
        "active_users": row["active_users"],
    }


def user(row: sqlite3.Row) -> dict[str, Any]:
    """Shape an active user like the document's User Object (``false``: never signed in)."""
    return {
        "id": row["id"],
        "created": row["created"],
        "name": row["name"],
        "email": row["email"],
        "type": row["type"],
        "status": row["status"],
        "last_access": False if row["last_access"] is None else row["last_access"],
    }


def invitation(row: sqlite3.Row) -> dict[str, Any]:
    """Shape the answer to Create a User: the pending user and its invite link."""
    return {
        "email": row["email"],
        "type": row["type"],
        "status": row["status"],
        "invite_url": INVITE_URL_BASE + row["invite_code"],
    }


def iso_timestamps(record: dict[str, Any]) -> dict[str, Any]:
    """Write a record's epoch timestamps as ISO 8601, as the attribute tables say.

    ``false`` for a user who never signed in stays ``false``; nested feedback too is
    rewritten.
    """
    shaped = {
        key: format_offset(value)
        if key in _TIMESTAMPS and isinstance(value, int) and not isinstance(value, bool)
        else value
        for key, value in record.items()
    }
    nested = shaped.get("feedback")
    if isinstance(nested, dict):
        shaped["feedback"] = iso_timestamps(nested)
    return shaped


def underscore_scores(record: dict[str, Any]) -> dict[str, Any]:
    """Name feedback scores ``nps_score``/``star_rating``, as the attribute tables do."""
    shaped = {_SCORE_KEYS.get(key, key): value for key, value in record.items()}
    nested = shaped.get("feedback")
    if isinstance(nested, dict):
        shaped["feedback"] = underscore_scores(nested)
    return shaped
