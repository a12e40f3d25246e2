"""FeedbackAPI's admin endpoints (``/_sandbox/feedbackapi``).

Admin (no authentication, JSON bodies, the same error object):

- ``POST /_sandbox/feedbackapi/{resource}``, resource one of ``customers``,
  ``locations``, ``reviews``, ``feedback``, ``feedback-request``, ``accounts``,
  ``users``: creates a record, seen by the agency token, with a chosen ``created``
  (epoch seconds or ISO 8601; default now) and answers 201 with it. Fields are the API's
  create fields, plus ``account`` (a client account id) for locations and users; reviews
  take their object's fields, feedback its fields with ``nps_score``/``star_rating``,
  users ``email``, ``name``, ``type`` and ``last_access`` (an active user). A customer
  whose email or mobile number exists is a 409.
- ``POST /_sandbox/feedbackapi/feedback-request/{id}``: any of ``message_opened``,
  ``message_clicked``, ``message_bounced``, ``bounce_reason``, ``spam_complaint`` and
  ``feedback`` (``{"type", "nps_score"|"star_rating"|"happy", "comments",
  "platform_name", "created"}``), with ``updated`` (default now); answers 200 with the
  request, whose ``updated`` becomes that instant.
- ``POST /_sandbox/feedbackapi/faults``: ``{"status": 429 or 500/502/503/504, "count":
  n}`` makes the next n API calls answer that status (``rate_limit_error`` or
  ``api_error``); answers 200 with ``{"pending": total}``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from functools import partial

from survey_common.readings import Readings
from survey_sandbox.faults import MAX_QUEUED, QUEUED_STATUSES, FaultQueue
from survey_sandbox.feedbackapi import feedback, records, render
from survey_sandbox.feedbackapi.api import AGENCY, SEGMENTS, ApiRoutes
from survey_sandbox.feedbackapi.fields import (
    Body,
    FeedbackApiError,
    instant,
    text,
    whole_number,
)
from survey_sandbox.store import Store
from survey_sandbox.timefmt import now_epoch
from survey_sandbox.web import Request, Response

_ADMIN_FIELDS: Mapping[str, frozenset[str]] = {
    "customers": frozenset(
        ("email", "mobile_number", "fname", "sname", "country_code", "location", "created")
    ),
    "locations": frozenset(
        (
            "name",
            "address_line_1",
            "address_line_2",
            "address_line_3",
            "postal_code",
            "country_code",
            "review_profile",
            "account",
            "created",
        )
    ),
    "reviews": frozenset(
        (
            "location",
            "platform",
            "platform_name",
            "rating",
            "title",
            "description",
            "url",
            "reviewer_name",
            "reviewer_image",
            "reviewer_url",
            "created",
        )
    ),
    "feedback": frozenset(
        (
            "location",
            "type",
            "nps_score",
            "star_rating",
            "happy",
            "comments",
            "platform_name",
            "subscriber",
            "campaign",
            "campaign_step",
            "created",
        )
    ),
    "feedback_requests": frozenset(
        ("subscriber", "template", "location", "due", "suppress_message", "created")
    ),
    "accounts": frozenset(
        (
            "name",
            "active",
            "verb",
            "account_template",
            "max_locations",
            "max_users",
            "max_campaigns",
            "sms_allowance",
            "created",
        )
    ),
    "users": frozenset(("email", "name", "type", "account", "last_access", "created")),
}
_MOVE_FIELDS = frozenset(
    (
        "message_opened",
        "message_clicked",
        "message_bounced",
        "bounce_reason",
        "spam_complaint",
        "feedback",
        "updated",
    )
)


def _admin_account(connection: sqlite3.Connection, body: Body) -> str | None:
    """Read the client account an admin-created record belongs to (absent: the agency)."""
    account = text(body, "account")
    if account is not None:
        records.fetch(connection, "accounts", AGENCY, account, "account")
    return account


def _create_any(connection: sqlite3.Connection, kind: str, body: Body, created: int) -> str:
    """Create one record of any kind for the admin endpoint; return its id."""
    if kind == "customers":
        return records.create_customer(
            connection, AGENCY, body, created=created, on_existing="refuse"
        )
    if kind == "locations":
        account = _admin_account(connection, body)
        return records.create_location(connection, body, account=account, created=created)
    if kind == "feedback_requests":
        return feedback.create_request(connection, AGENCY, body, created=created)
    if kind == "accounts":
        return records.create_account(connection, body, created=created, keep_text=True)
    creators = {
        "reviews": feedback.create_review,
        "feedback": feedback.create_feedback,
        "users": records.create_user,
    }
    return creators[kind](connection, body, created=created)


def _reject_unknown(body: Body, allowed: frozenset[str]) -> None:
    """Refuse admin fields the endpoint does not know, so typos do not pass silently.

    Raises:
        FeedbackApiError: 400 naming the unknown fields.
    """
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise FeedbackApiError(400, f"Unknown fields: {', '.join(unknown)}", unknown[0])


class AdminRoutes(ApiRoutes):
    """FeedbackAPI's admin routes, beside its API routes."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its API and admin routes."""
        super().__init__(store, readings=readings, faults=faults)
        self._admin.add("POST", "/faults", self._admin_faults)
        self._admin.add("POST", "/feedback-request/{record_id}", self._admin_move_request)
        for segment, kind in SEGMENTS.items():
            self._admin.add("POST", f"/{segment}", partial(self._admin_create, kind))

    def _admin_create(self, kind: str, request: Request) -> Response:
        """Create a record of any kind with a chosen creation time."""
        body = request.json_body()
        _reject_unknown(body, _ADMIN_FIELDS[kind])
        created = instant(body, "created")
        with self._store.transaction() as connection:
            record_id = _create_any(
                connection, kind, body, now_epoch() if created is None else created
            )
            row = records.fetch(connection, kind, AGENCY, record_id)
            payload = self._render(connection, kind, [row])[0]
        return render.json_answer(payload, 201)

    def _admin_move_request(self, request: Request) -> Response:
        """Mark a feedback request opened, clicked, bounced or answered; move ``updated``."""
        body = request.json_body()
        _reject_unknown(body, _MOVE_FIELDS)
        updated = instant(body, "updated")
        with self._store.transaction() as connection:
            row = records.fetch(
                connection, "feedback_requests", AGENCY, request.path_params["record_id"]
            )
            feedback.move_request(
                connection, row, body, updated=now_epoch() if updated is None else updated
            )
            return self._record(connection, "feedback_requests", AGENCY, row["id"])

    def _admin_faults(self, request: Request) -> Response:
        """Queue error objects, in the sandbox's one fault queue, for the next API calls."""
        body = request.json_body()
        _reject_unknown(body, frozenset(("status", "count")))
        status = whole_number(body, "status", 400, 599)
        if status not in QUEUED_STATUSES:
            statuses = ", ".join(str(code) for code in QUEUED_STATUSES)
            raise FeedbackApiError(400, f"'status' must be one of {statuses}", "status")
        count = whole_number(body, "count", 1, MAX_QUEUED)
        if status == 429:  # noqa: PLR2004 - the HTTP status itself
            message = "Too many requests hit the API too quickly: back off exponentially"
        else:
            message = "Something went wrong on our end"
        answer = render.error_answer(FeedbackApiError(status, message))
        pending = self._faults.push(self.api_root, answer, 1 if count is None else count)
        return render.json_answer({"pending": pending})
