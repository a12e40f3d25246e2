"""FeedbackAPI's API (``/feedbackapi/v1.3``): its routes and how they answer.

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
:mod:`survey_sandbox.feedbackapi.records` and :mod:`survey_sandbox.feedbackapi.feedback`,
reads in :mod:`survey_sandbox.feedbackapi.queries` and wire shapes in
:mod:`survey_sandbox.feedbackapi.render`. Deleting makes a record inactive: it is gone
from lists and retrieval. The client account token reads its own account but cannot
create, update or delete accounts (402). Every error is the document's error object
``{"type", "message", "param"}``: 400 invalid parameters, 401 authentication, 402 valid
but failed, 404 unknown id, path or method, 429 and 5xx when injected
(:mod:`survey_sandbox.faults`, queued by :mod:`survey_sandbox.feedbackapi.admin`).
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from survey_common.readings import Readings
from survey_common.readings.feedbackapi import SCORE_KEYS, TIMESTAMPS
from survey_sandbox.base import BasePlatform
from survey_sandbox.faults import FaultQueue
from survey_sandbox.feedbackapi import feedback, queries, records, render, store
from survey_sandbox.feedbackapi.fields import (
    FeedbackApiError,
    read_body,
    sent_as_json,
)
from survey_sandbox.feedbackapi.lists import read_list_query
from survey_sandbox.feedbackapi.queries import ListTotals
from survey_sandbox.feedbackapi.store import Scope
from survey_sandbox.store import Store
from survey_sandbox.timefmt import now_epoch
from survey_sandbox.web import Request, Response

AGENCY = Scope(None)
"""What the agency token sees: every client account's data."""
SEGMENTS = {
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


class ApiRoutes(BasePlatform):
    """FeedbackAPI's API routes, on top of what every platform shares."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its API routes."""
        super().__init__(store, readings=readings, faults=faults)
        self._totals = ListTotals()
        for segment, kind in SEGMENTS.items():
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
        scope = queries.scope_of(connection, token) if token else None
        if scope is None:
            raise FeedbackApiError(401, "Invalid API token provided")
        return scope

    @staticmethod
    def _render(
        connection: sqlite3.Connection, kind: str, rows: Sequence[sqlite3.Row]
    ) -> list[dict[str, Any]]:
        """Shape rows of one kind for the wire (customers with their locations)."""
        if kind == "customers":
            locations = queries.locations_of(connection, [row["id"] for row in rows])
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
            total, rows = queries.list_records(connection, kind, scope, query, self._totals)
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
            request_id = feedback.create_request(
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
            row = queries.any_user(connection, user_id)
        return render.json_answer(render.invitation(row))
