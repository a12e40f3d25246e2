"""FeedbackAPI's API (``/feedbackapi/v1.3``) and its admin endpoints (``/_sandbox/feedbackapi``).

API, authenticated with HTTP Basic: the token is the user name, the password is empty (a
password is not checked). Answers are 200 with the record, as the document shows them:

- ``GET /customers`` list; ``POST /customers`` create, or update the customer with that
  email or mobile number; ``GET``/``POST`` (update)/``DELETE /customers/{id}``.
- ``/locations`` and ``/accounts``: the same five calls.
- ``GET /reviews``, ``GET /feedback`` lists; ``GET /reviews/{id}``, ``GET /feedback/{id}``.
- ``GET /feedback-request`` list, ``POST /feedback-request`` create,
  ``GET /feedback-request/{id}``.
- ``GET /users`` (active users), ``POST /users`` (a pending user and its ``invite_url``),
  ``GET``/``DELETE /users/{id}``.

Write points of the readings register (``survey-sandbox --other-reading KEY``), ours
first: ``feedbackapi.create-existing-customer`` (a known email or mobile number updates
that customer, or creates a second one), ``feedbackapi.create-customer-country`` (Create
Customer reads ``country_code``, or ignores it), ``feedbackapi.update-customer-replaces``
(Update Customer changes only what was sent, or resets names, country and opt-out not
sent) and ``feedbackapi.feedback-request-due`` (``due`` in either form, or epoch seconds
only).

A trailing slash is accepted, as the document's curl examples send one. Write bodies
are JSON or form-encoded (:mod:`survey_sandbox.feedbackapi.fields`); list parameters
are in :mod:`survey_sandbox.feedbackapi.lists`, write rules in
:mod:`survey_sandbox.feedbackapi.records` and wire shapes in
:mod:`survey_sandbox.feedbackapi.render`. Deleting makes a record inactive: it is gone
from lists and retrieval. The client account token reads its own account but cannot
create, update or delete accounts (402). Every error is the document's error object
``{"type", "message", "param"}``: 400 invalid parameters, 401 authentication, 402 valid
but failed, 404 unknown id, path or method, 429 and 5xx when injected (below).

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

import base64
import binascii
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from survey_common.readings import Readings
from survey_common.readings.feedbackapi import SCORE_KEYS, TIMESTAMPS
from survey_sandbox.base import BasePlatform
from survey_sandbox.faults import MAX_QUEUED, QUEUED_STATUSES, FaultQueue
from survey_sandbox.feedbackapi import records, render, store
from survey_sandbox.feedbackapi import seed as feedbackapi_seed
from survey_sandbox.feedbackapi.fields import (
    Body,
    FeedbackApiError,
    instant,
    read_body,
    sent_as_json,
    text,
    whole_number,
)
from survey_sandbox.feedbackapi.lists import read_list_query
from survey_sandbox.feedbackapi.store import ListTotals, Scope
from survey_sandbox.routing import Router
from survey_sandbox.store import PlatformData, Store
from survey_sandbox.timefmt import now_epoch
from survey_sandbox.web import HttpError, Request, Response

logger = logging.getLogger("survey_sandbox")

_AGENCY = Scope(None)
_SEGMENTS = {
    "customers": "customers",
    "locations": "locations",
    "reviews": "reviews",
    "feedback": "feedback",
    "feedback-request": "feedback_requests",
    "accounts": "accounts",
    "users": "users",
}
_RENDERERS: Mapping[str, Callable[[sqlite3.Row], dict[str, Any]]] = {
    "locations": render.location,
    "reviews": render.review,
    "feedback": render.feedback,
    "feedback_requests": render.feedback_request,
    "accounts": render.account,
    "users": render.user,
}
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
        records.fetch(connection, "accounts", _AGENCY, account, "account")
    return account


def _create_any(connection: sqlite3.Connection, kind: str, body: Body, created: int) -> str:
    """Create one record of any kind for the admin endpoint; return its id."""
    if kind == "customers":
        return records.create_customer(
            connection, _AGENCY, body, created=created, on_existing="refuse"
        )
    if kind == "locations":
        account = _admin_account(connection, body)
        return records.create_location(connection, body, account=account, created=created)
    if kind == "feedback_requests":
        return records.create_request(connection, _AGENCY, body, created=created)
    if kind == "accounts":
        return records.create_account(connection, body, created=created, keep_text=True)
    creators = {
        "reviews": records.create_review,
        "feedback": records.create_feedback,
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


class FeedbackApi(BasePlatform):
    """The FeedbackAPI platform: its seeding, its API routes and its admin routes."""

    name = "feedbackapi"
    api_root = "/feedbackapi/v1.3"
    data = PlatformData(
        schema_version=store.SCHEMA_VERSION,
        tables=store.TABLES,
        ddl=store.DDL,
        populate=feedbackapi_seed.populate,
    )
    wrong_method_status = 404
    summary = (
        "feedbackapi: API at /feedbackapi/v1.3, HTTP Basic auth: token as user name, empty"
        " password\n"
        f"    {feedbackapi_seed.FEEDBACKAPI_TOKEN:<34} every client account's data\n"
        f"    {feedbackapi_seed.FEEDBACKAPI_CLIENT_TOKEN:<34} client account"
        f' "{feedbackapi_seed.CLIENT_ACCOUNT_NAME}" only\n'
        f"    message templates: {', '.join(feedbackapi_seed.EMAIL_TEMPLATES)} (email),"
        f" {', '.join(feedbackapi_seed.SMS_TEMPLATES)} (SMS)\n"
        "    admin RESOURCE: customers, locations, reviews, feedback, feedback-request,"
        " accounts, users"
    )

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its routes (see :class:`BasePlatform`)."""
        super().__init__(store, readings=readings, faults=faults)
        self._totals = ListTotals()
        for segment, kind in _SEGMENTS.items():
            self._api.add("GET", f"/{segment}", partial(self._list, kind))
            self._api.add("GET", f"/{segment}/{{record_id}}", partial(self._retrieve, kind))
        for kind in ("customers", "locations", "accounts", "users"):
            self._api.add("DELETE", f"/{kind}/{{record_id}}", partial(self._delete, kind))
        self._api.add("POST", "/customers", self._create_customer)
        self._api.add("POST", "/customers/{record_id}", self._update_customer)
        self._api.add("POST", "/locations", self._create_location)
        self._api.add("POST", "/locations/{record_id}", self._update_location)
        self._api.add("POST", "/feedback-request", self._create_request)
        self._api.add("POST", "/accounts", self._create_account)
        self._api.add("POST", "/accounts/{record_id}", self._update_account)
        self._api.add("POST", "/users", self._create_user)
        self._admin.add("POST", "/faults", self._admin_faults)
        self._admin.add("POST", "/feedback-request/{record_id}", self._admin_move_request)
        for segment, kind in _SEGMENTS.items():
            self._admin.add("POST", f"/{segment}", partial(self._admin_create, kind))

    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below ``/feedbackapi/v1.3``; ``path`` is the part below it."""
        return self._answer(self._api, request, path)

    def handle_admin(self, request: Request, path: str) -> Response:
        """Answer a request below ``/_sandbox/feedbackapi``; ``path`` is the part below it."""
        return self._answer(self._admin, request, path)

    @staticmethod
    def _answer(router: Router, request: Request, path: str) -> Response:
        """Dispatch (ignoring a trailing slash) and turn any error into the error object."""
        try:
            return router.dispatch(request, path.rstrip("/") if len(path) > 1 else path)
        except HttpError as error:
            return render.error_answer(error)
        except Exception:
            logger.exception("%s %s failed", request.method, request.path)
            return render.error_answer(FeedbackApiError(500, "Internal sandbox error"))

    # --- API ------------------------------------------------------------------------

    def _authenticate(self, connection: sqlite3.Connection, request: Request) -> Scope:
        """Return what the request's token sees.

        Raises:
            FeedbackApiError: 401 when Basic credentials are missing, malformed or name
                no token; the message never repeats what was sent.
        """
        scheme, _, encoded = (request.header("authorization") or "").strip().partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            raise FeedbackApiError(
                401, "No API token provided: use HTTP Basic auth with the token as user name"
            )
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise FeedbackApiError(401, "Malformed HTTP Basic credentials") from None
        token = decoded.partition(":")[0]
        scope = store.scope_of(connection, token) if token else None
        if scope is None:
            raise FeedbackApiError(401, "Invalid API token provided")
        return scope

    @staticmethod
    def _render(
        connection: sqlite3.Connection, kind: str, rows: Sequence[sqlite3.Row]
    ) -> list[dict[str, Any]]:
        """Shape rows of one kind for the wire (customers with their locations)."""
        if kind == "customers":
            locations = store.locations_of(connection, [row["id"] for row in rows])
            return [render.customer(row, locations[row["id"]]) for row in rows]
        return [_RENDERERS[kind](row) for row in rows]

    def _record(
        self, connection: sqlite3.Connection, kind: str, scope: Scope, record_id: str
    ) -> Response:
        """Answer with one record as the token sees it."""
        row = records.fetch(connection, kind, scope, record_id)
        return render.json_answer(self._render(connection, kind, [row])[0])

    def _as_read(self, data: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Shape records that lists and retrievals answer under the readings in force."""
        if self._readings.other(TIMESTAMPS):
            data = [render.iso_timestamps(record) for record in data]
        if self._readings.other(SCORE_KEYS):
            data = [render.underscore_scores(record) for record in data]
        return data

    def _list(self, kind: str, request: Request) -> Response:
        """List one page of a kind's records, filtered and sorted."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            query = read_list_query(kind, request.query, self._readings)
            total, rows = store.list_records(connection, kind, scope, query, self._totals)
            data = self._as_read(self._render(connection, kind, rows))
        return render.json_answer(render.envelope(query.offset // query.limit, total, data))

    def _retrieve(self, kind: str, request: Request) -> Response:
        """Answer one record by id."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            row = records.fetch(connection, kind, scope, request.path_params["record_id"])
            return render.json_answer(self._as_read(self._render(connection, kind, [row]))[0])

    def _delete(self, kind: str, request: Request) -> Response:
        """Make a customer, location, account or user inactive."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            if kind == "accounts":
                self._refuse_client(scope)
            row = records.fetch(connection, kind, scope, request.path_params["record_id"])
            store.mark_deleted(connection, kind, row["id"])
        return render.json_answer(render.deleted(row["id"]))

    @staticmethod
    def _refuse_client(scope: Scope) -> None:
        """Keep a client account's token from managing accounts.

        Raises:
            FeedbackApiError: 402 for a client account's token.
        """
        if scope.account is not None:
            raise FeedbackApiError(402, "A client account's token cannot manage accounts")

    def _create_customer(self, request: Request) -> Response:
        """Create a customer, or update the one with the same email or mobile number."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            body = read_body(request)
            customer_id = records.create_customer(
                connection,
                scope,
                body,
                created=now_epoch(),
                on_existing=(
                    "duplicate"
                    if self._readings.other("feedbackapi.create-existing-customer")
                    else "update"
                ),
                takes_country=not self._readings.other("feedbackapi.create-customer-country"),
            )
            return self._record(connection, "customers", scope, customer_id)

    def _update_customer(self, request: Request) -> Response:
        """Change a customer's fields and locations."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            row = records.fetch(connection, "customers", scope, request.path_params["record_id"])
            records.update_customer(
                connection,
                scope,
                row,
                read_body(request),
                replaces=self._readings.other("feedbackapi.update-customer-replaces"),
            )
            return self._record(connection, "customers", scope, row["id"])

    def _create_location(self, request: Request) -> Response:
        """Create a location of the token's client account."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            body = read_body(request)
            location_id = records.create_location(
                connection, body, account=scope.account, created=now_epoch()
            )
            return self._record(connection, "locations", scope, location_id)

    def _update_location(self, request: Request) -> Response:
        """Change a location's fields."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            row = records.fetch(connection, "locations", scope, request.path_params["record_id"])
            records.update_location(connection, row, read_body(request))
            return self._record(connection, "locations", scope, row["id"])

    def _create_request(self, request: Request) -> Response:
        """Create a stand-alone feedback request."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            body = read_body(request)
            request_id = records.create_request(
                connection,
                scope,
                body,
                created=now_epoch(),
                due_in_epoch=self._readings.other("feedbackapi.feedback-request-due"),
            )
            return self._record(connection, "feedback_requests", scope, request_id)

    def _create_account(self, request: Request) -> Response:
        """Create a client account (the agency token only)."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            self._refuse_client(scope)
            body = read_body(request)
            account_id = records.create_account(
                connection, body, created=now_epoch(), keep_text=sent_as_json(request)
            )
            return self._record(connection, "accounts", scope, account_id)

    def _update_account(self, request: Request) -> Response:
        """Change a client account (the agency token only)."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            self._refuse_client(scope)
            row = records.fetch(connection, "accounts", scope, request.path_params["record_id"])
            records.update_account(
                connection, row["id"], read_body(request), keep_text=sent_as_json(request)
            )
            return self._record(connection, "accounts", scope, row["id"])

    def _create_user(self, request: Request) -> Response:
        """Invite a user: answer the pending user with its invite link."""
        with self._store.transaction() as connection:
            scope = self._authenticate(connection, request)
            body = read_body(request)
            user_id = records.invite_user(connection, scope, body, created=now_epoch())
            row = store.any_user(connection, user_id)
        return render.json_answer(render.invitation(row))

    # --- admin ----------------------------------------------------------------------

    def _admin_create(self, kind: str, request: Request) -> Response:
        """Create a record of any kind with a chosen creation time."""
        body = request.json_body()
        _reject_unknown(body, _ADMIN_FIELDS[kind])
        created = instant(body, "created")
        with self._store.transaction() as connection:
            record_id = _create_any(
                connection, kind, body, now_epoch() if created is None else created
            )
            row = records.fetch(connection, kind, _AGENCY, record_id)
            payload = self._render(connection, kind, [row])[0]
        return render.json_answer(payload, 201)

    def _admin_move_request(self, request: Request) -> Response:
        """Mark a feedback request opened, clicked, bounced or answered; move ``updated``."""
        body = request.json_body()
        _reject_unknown(body, _MOVE_FIELDS)
        updated = instant(body, "updated")
        with self._store.transaction() as connection:
            row = records.fetch(
                connection, "feedback_requests", _AGENCY, request.path_params["record_id"]
            )
            records.move_request(
                connection, row, body, updated=now_epoch() if updated is None else updated
            )
            return self._record(connection, "feedback_requests", _AGENCY, row["id"])

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
