"""How feedback requests, feedback and reviews are written, by the API and the admin endpoints.

A feedback request reaches its customer on a channel the customer has and has not opted
out of; feedback left through a request marks the request answered; the admin endpoint
moves a request through its life (opened, clicked, bounced, answered) at chosen instants.
Customers, locations, accounts and users are in :mod:`survey_sandbox.feedbackapi.records`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from survey_sandbox.feedbackapi import fields, queries, store
from survey_sandbox.feedbackapi.fields import Body, FeedbackApiError
from survey_sandbox.feedbackapi.records import fetch
from survey_sandbox.feedbackapi.store import Scope

FEEDBACK_TYPES = ("nps", "star-rating", "happy", "csat")


_SCORES = {"nps": "nps_score", "star-rating": "star_rating", "happy": "happy"}


def create_request(
    connection: sqlite3.Connection,
    scope: Scope,
    body: Body,
    *,
    created: int,
    due_in_epoch: bool = False,
) -> str:
    """Create a stand-alone feedback request and send its message unless suppressed.

    Args:
        connection: Where to write.
        scope: What the token sees; the customer and location must be visible.
        body: ``subscriber`` and ``template`` (required), ``location``, ``due`` and
            ``suppress_message``.
        created: Its creation time, also its ``updated`` and default ``due``.
        due_in_epoch: The other reading: ``due`` is Unix epoch seconds only, as every
            example carries it, and an ISO 8601 text is a 400 naming ``due``.

    Returns:
        The new feedback request's id.

    Raises:
        FeedbackApiError: 400 for missing or unknown ids; 402 when the customer cannot
            receive the message.
    """
    subscriber_id = fields.text(body, "subscriber", required=True) or ""
    customer = fetch(connection, "customers", scope, subscriber_id, "subscriber")
    template_id = fields.text(body, "template", required=True) or ""
    template = queries.template(connection, template_id)
    if template is None:
        raise FeedbackApiError(400, f"No such template: '{template_id}'", "template")
    location_id = fields.text(body, "location")
    if location_id is None:
        attached = queries.locations_of(connection, [customer["id"]])[customer["id"]]
        if not attached:
            raise FeedbackApiError(400, "The customer has no location: send 'location'", "location")
        location_id = attached[0]
    location = fetch(connection, "locations", scope, location_id, "location")
    due = fields.epoch_seconds(body, "due") if due_in_epoch else fields.instant(body, "due")
    suppressed = "suppress_message" in body and fields.flag(body, "suppress_message")
    channel = template["type"]
    if not suppressed:
        _check_reachable(customer, channel)
    row = {
        "created": created,
        "due": created if due is None else due,
        "updated": created,
        "subscriber": customer["id"],
        "template": template["id"],
        "location": location["id"],
        "type": "suppressed" if suppressed else channel,
        "message_opened": False,
        "message_clicked": False,
        "message_bounced": False,
        "spam_complaint": False,
    }
    [request_id] = store.insert(connection, "feedback_requests", [row])
    if not suppressed and (due is None or due <= created):
        store.stamp_customer_after_message(connection, customer["id"], channel, created)
    return request_id


def _check_reachable(customer: sqlite3.Row, channel: str) -> None:
    """Refuse to message a customer who opted out or lacks the channel's address.

    Raises:
        FeedbackApiError: 402 naming ``subscriber``.
    """
    if customer["opt_out"]:
        raise FeedbackApiError(402, "The customer has opted out of messages", "subscriber")
    if channel == "sms" and customer["mobile_number"] is None:
        raise FeedbackApiError(402, "The customer has no mobile number for SMS", "subscriber")
    if channel == "email" and customer["email"] is None:
        raise FeedbackApiError(402, "The customer has no email address", "subscriber")


def create_review(connection: sqlite3.Connection, body: Body, *, created: int) -> str:
    """Create a review of a location, as if collected from a review platform (admin).

    Args:
        connection: Where to write.
        body: ``location`` and ``platform`` (required), ``rating`` (0 to 5), ``title``,
            ``description``, ``platform_name``, ``url``, ``reviewer_name``,
            ``reviewer_image`` and ``reviewer_url``.
        created: Its creation time.

    Returns:
        The new review's id.
    """
    location_id = fields.text(body, "location", required=True) or ""
    fetch(connection, "locations", Scope(None), location_id, "location")
    rating = body.get("rating")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, (int, float)) or not 0 <= rating <= 5  # noqa: PLR2004 - the rating scale
    ):
        raise FeedbackApiError(400, "'rating' must be a number from 0 to 5", "rating")
    row: dict[str, object] = {
        name: fields.text(body, name)
        for name in (
            "title",
            "description",
            "platform_name",
            "url",
            "reviewer_name",
            "reviewer_image",
            "reviewer_url",
        )
    }
    row.update(
        {
            "created": created,
            "location": location_id,
            "platform": fields.text(body, "platform", required=True),
            "rating": rating,
        }
    )
    [review_id] = store.insert(connection, "reviews", [row])
    return review_id


def _feedback_values(body: Body) -> dict[str, object]:
    """Read feedback's type, its matching score and the optional texts.

    Raises:
        FeedbackApiError: 400 for an unknown type, or a score missing for its type or sent
            for another type.
    """
    kind = fields.text(body, "type", required=True)
    if kind not in FEEDBACK_TYPES:
        raise FeedbackApiError(400, f"'type' must be one of {', '.join(FEEDBACK_TYPES)}", "type")
    values: dict[str, object] = {
        "type": kind,
        "nps_score": fields.whole_number(body, "nps_score", 0, 10),
        "star_rating": fields.whole_number(body, "star_rating", 1, 5),
        "happy": fields.flag(body, "happy") if body.get("happy") is not None else None,
        "comments": fields.text(body, "comments"),
        "platform_name": fields.text(body, "platform_name"),
    }
    for score_type, column in _SCORES.items():
        if (kind == score_type) != (values[column] is not None):
            raise FeedbackApiError(400, f"'{column}' goes with type {score_type} only", column)
    return values


def _insert_feedback(
    connection: sqlite3.Connection,
    values: Mapping[str, object],
    customer: sqlite3.Row | None,
    extra: Mapping[str, object],
) -> str:
    """Store feedback with the customer's name and email as they are now."""
    names = [] if customer is None else [customer["fname"], customer["sname"]]
    row = {
        **values,
        **extra,
        "subscriber": None if customer is None else customer["id"],
        "subscriber_name": " ".join(name for name in names if name) or None,
        "subscriber_email": None if customer is None else customer["email"],
    }
    [feedback_id] = store.insert(connection, "feedback", [row])
    return feedback_id


def create_feedback(connection: sqlite3.Connection, body: Body, *, created: int) -> str:
    """Create campaign or kiosk feedback at a location (admin).

    Args:
        connection: Where to write.
        body: ``location`` and ``type`` (required), ``nps_score``/``star_rating``/``happy``
            as the type needs, ``comments``, ``platform_name``, ``subscriber`` (a customer
            id; absent: anonymous), ``campaign`` and ``campaign_step``.
        created: Its creation time.

    Returns:
        The new feedback's id.
    """
    location_id = fields.text(body, "location", required=True) or ""
    fetch(connection, "locations", Scope(None), location_id, "location")
    subscriber = fields.text(body, "subscriber")
    customer = None
    if subscriber is not None:
        customer = fetch(connection, "customers", Scope(None), subscriber, "subscriber")
    extra = {
        "created": created,
        "location": location_id,
        "campaign": fields.text(body, "campaign"),
        "campaign_step": fields.text(body, "campaign_step"),
    }
    return _insert_feedback(connection, _feedback_values(body), customer, extra)


def move_request(
    connection: sqlite3.Connection, record: sqlite3.Row, body: Body, *, updated: int
) -> None:
    """Record what happened to a feedback request and stamp its ``updated`` (admin).

    Clicking an email implies opening it, and leaving feedback implies clicking. A bounce
    marks the customer invalid and a spam complaint opts it out, as the document says.

    Args:
        connection: Where to write.
        record: The feedback request.
        body: Any of ``message_opened``, ``message_clicked``, ``message_bounced``,
            ``bounce_reason``, ``spam_complaint`` and ``feedback`` (an object as for
            :func:`create_feedback` without location, subscriber and campaign; its
            ``created`` defaults to ``updated``).
        updated: The request's new ``updated``.

    Raises:
        FeedbackApiError: 400 for a malformed field; 409 when feedback was left already.
    """
    changes: dict[str, object] = {
        name: fields.flag(body, name)
        for name in ("message_opened", "message_clicked", "message_bounced", "spam_complaint")
        if name in body
    }
    if "bounce_reason" in body:
        changes["bounce_reason"] = fields.text(body, "bounce_reason")
    left = body.get("feedback")
    if left is not None:
        if not isinstance(left, dict):
            raise FeedbackApiError(400, "'feedback' must be an object", "feedback")
        if queries.request_has_feedback(connection, record["id"]):
            raise FeedbackApiError(409, "Feedback was left for this request already", "feedback")
        unknown = sorted(
            set(left) - {"type", "created", *_SCORES.values(), "comments", "platform_name"}
        )
        if unknown:
            raise FeedbackApiError(
                400, f"Unknown feedback fields: {', '.join(unknown)}", "feedback"
            )
        created = fields.instant(left, "created")
        customer = queries.get_record(connection, "customers", Scope(None), record["subscriber"])
        extra = {
            "created": updated if created is None else created,
            "location": record["location"],
            "feedback_request": record["id"],
        }
        _insert_feedback(connection, _feedback_values(left), customer, extra)
        changes["message_clicked"] = True
    if changes.get("message_clicked") and record["type"] == "email":
        changes["message_opened"] = True
    changes["updated"] = updated
    store.update(connection, "feedback_requests", record["id"], changes)
    customer_changes: dict[str, object] = {}
    if changes.get("message_bounced"):
        customer_changes["invalid"] = True
    if changes.get("spam_complaint"):
        customer_changes["opt_out"] = True
    store.update(connection, "customers", record["subscriber"], customer_changes)
