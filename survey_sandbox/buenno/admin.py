"""Buenno's admin endpoints (``/_sandbox/buenno``).

Admin (no authentication), for tests and CI pipelines:

- ``POST /_sandbox/buenno/replies``: JSON ``{"form_id", "created_at"?, "updated_at"?,
  contact and ``pf_`` fields?, "answers"?: [{"question_id", "points"?, "answer"?}]}``;
  creates a reply (answers are drawn at random when not given) and answers 201 with
  ``{"reply": {...}}``. Question ids are ``form_id * 100 + position`` (1 and 2 main
  questions, 3 NPS, 4 open question, 5 seller's name).
- ``POST /_sandbox/buenno/replies/{id}``: JSON with any contact or ``pf_`` field,
  ``answers`` (replacing them all) and ``updated_at`` (default now); edits the reply as
  a user would, keeping ``created_at``, and answers 200 with ``{"reply": {...}}``.
- ``POST /_sandbox/buenno/invitations/{id}``: JSON with any of ``scheduled_at``,
  ``sent_at``, ``opened_at``, ``answered_at`` (ISO 8601 or null) and optionally
  ``updated_at`` (default now); answers 200 with ``{"invitation": {...}}``.

Errors are Buenno's error body, as the API's are.
"""

from __future__ import annotations

import random

from survey_common.readings import Readings
from survey_sandbox.buenno import queries as buenno_queries
from survey_sandbox.buenno import seed as buenno_seed
from survey_sandbox.buenno import store as buenno_store
from survey_sandbox.buenno.api import ApiRoutes, fetch_invitation
from survey_sandbox.buenno.fields import (
    parse_answers,
    parse_contact,
)
from survey_sandbox.buenno.render import (
    render_answer,
    render_invitation,
    render_reply,
)
from survey_sandbox.buenno.store import (
    CONTACT_COLUMNS,
    ReplyDraft,
)
from survey_sandbox.faults import FaultQueue
from survey_sandbox.store import Store
from survey_sandbox.timefmt import (
    now_epoch,
)
from survey_sandbox.web import (
    HttpError,
    Request,
    Response,
    body_instant,
    json_response,
    parse_int,
    scalar_text,
)

_STATUS_FIELDS = ("scheduled_at", "sent_at", "opened_at", "answered_at")
_REPLY_FIELDS = ("form_id", "created_at", "updated_at", "answers")


class AdminRoutes(ApiRoutes):
    """Buenno's admin routes, beside its API routes."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its API and admin routes."""
        super().__init__(store, readings=readings, faults=faults)
        self._admin.add("POST", "/replies", self._admin_create_reply)
        self._admin.add("POST", "/replies/{reply_id}", self._admin_update_reply)
        self._admin.add("POST", "/invitations/{invitation_id}", self._admin_update_invitation)

    def _admin_create_reply(self, request: Request) -> Response:
        """Create a reply on any form, with given or generated answers."""
        body = request.json_body()
        unknown = sorted(set(body) - {*CONTACT_COLUMNS, *_REPLY_FIELDS})
        if unknown:
            raise HttpError(400, f"Unknown fields: {', '.join(unknown)}")
        if "form_id" not in body:
            raise HttpError(400, "Field 'form_id' is mandatory")
        form_id = parse_int(scalar_text(body["form_id"]), "form_id")
        created = body_instant(body, "created_at")
        created = now_epoch() if created is None else created
        updated = body_instant(body, "updated_at")
        updated = created if updated is None else updated
        contact = parse_contact(
            {
                name: scalar_text(value)
                for name, value in body.items()
                if name in CONTACT_COLUMNS and value is not None
            }
        )
        with self._store.transaction() as connection:
            if buenno_queries.form_by_id(connection, form_id) is None:
                raise HttpError(404, f"Form {form_id} not found")
            types = buenno_queries.question_types(connection, form_id)
            if body.get("answers") is None:
                answers = buenno_seed.generate_answers(random.Random(), form_id)  # noqa: S311
            else:
                answers = parse_answers(body["answers"], types)
            draft = ReplyDraft(form_id, contact, answers, created, updated)
            [reply_id] = buenno_store.insert_replies(connection, [draft])
            row, answer_rows = buenno_queries.get_reply(connection, reply_id)
        rendered = [render_answer(answer, "en") for answer in answer_rows]
        return json_response({"reply": render_reply(row, rendered)}, 201)

    def _admin_update_reply(self, request: Request) -> Response:
        """Edit a reply's contact fields or answers, as a user editing it in Buenno would.

        ``updated_at`` is stamped (default now); ``created_at`` does not change.
        """
        reply_id = parse_int(request.path_params["reply_id"], "id")
        body = request.json_body()
        unknown = sorted(set(body) - {*CONTACT_COLUMNS, "answers", "updated_at"})
        if unknown:
            raise HttpError(400, f"Unknown fields: {', '.join(unknown)}")
        given = {
            name: scalar_text(value) for name, value in body.items() if name in CONTACT_COLUMNS
        }
        parsed = parse_contact(given)
        contact = {name: parsed[name] for name in given}
        updated = body_instant(body, "updated_at")
        updated = now_epoch() if updated is None else updated
        with self._store.transaction() as connection:
            row = buenno_queries.get_reply(connection, reply_id)[0]
            if row is None:
                raise HttpError(404, f"Reply {reply_id} not found")
            answers = None
            if body.get("answers") is not None:
                types = buenno_queries.question_types(connection, row["form_id"])
                answers = parse_answers(body["answers"], types)
            buenno_store.update_reply(connection, reply_id, contact, answers, updated)
            row, answer_rows = buenno_queries.get_reply(connection, reply_id)
        rendered = [render_answer(answer, "en") for answer in answer_rows]
        return json_response({"reply": render_reply(row, rendered)})

    def _admin_update_invitation(self, request: Request) -> Response:
        """Move an invitation on (scheduled, sent, opened, answered) and stamp ``updated_at``."""
        invitation_id = parse_int(request.path_params["invitation_id"], "id")
        body = request.json_body()
        unknown = sorted(set(body) - {*_STATUS_FIELDS, "updated_at"})
        if unknown:
            raise HttpError(400, f"Unknown fields: {', '.join(unknown)}")
        changes = {name: body_instant(body, name) for name in _STATUS_FIELDS if name in body}
        updated = body_instant(body, "updated_at")
        updated = now_epoch() if updated is None else updated
        with self._store.transaction() as connection:
            fetch_invitation(connection, invitation_id)
            buenno_store.update_invitation_status(connection, invitation_id, changes, updated)
            row = fetch_invitation(connection, invitation_id)
        return json_response({"invitation": render_invitation(row)})
