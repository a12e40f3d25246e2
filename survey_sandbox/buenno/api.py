"""Buenno's API (``/buenno/api/v01``): its routes and how they answer.

API, authenticated with the ``api-auth-token`` header:

- ``GET  /token-info``: the token's name and forms.
- ``POST /invitations``: create an invitation (form-encoded or JSON body); answers 200
  with ``{"invitation": {...}}``, as the document's example shows a plain response.
- ``GET  /invitations``: one form's invitations by id; ``created_after``/``created_before``
  (strict), ``limit`` (default 100, larger values clamped to 250), ``offset``, ``form_id``.
- ``GET  /replies``: replies to all of the token's forms created within ``from``..``to``
  (inclusive, both mandatory); ``limit`` (default 500, clamped to 1000), ``offset``,
  ``locale`` (``en``, ``fi`` or ``sv`` question texts; anything else gives English).

That is our reading of the document; each ``buenno.*`` point of the readings register
(``survey_common.readings.buenno``) switches one of these behaviours to its other reading.

Every error body is ``{"error_message": "..."}``; a known path called with another
method answers 404, as the vendor documents.
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from survey_common.readings import Readings
from survey_sandbox.base import BasePlatform
from survey_sandbox.buenno import queries as buenno_queries
from survey_sandbox.buenno import store as buenno_store
from survey_sandbox.buenno.fields import (
    optional_instant,
    parse_contact,
    read_page,
    required_instant,
)
from survey_sandbox.buenno.render import (
    render_answer,
    render_invitation,
    render_reply,
)
from survey_sandbox.buenno.store import (
    Form,
    InvitationDraft,
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
    json_response,
)

_LOCALES = ("en", "fi", "sv")


class ApiRoutes(BasePlatform):
    """Buenno's API routes, on top of what every platform shares."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its API routes."""
        super().__init__(store, readings=readings, faults=faults)
        self._api.add("GET", "/token-info", self._token_info)
        self._api.add("GET", "/invitations", self._list_invitations)
        self._api.add("POST", "/invitations", self._create_invitation)
        self._api.add("GET", "/replies", self._list_replies)

    def _authenticate(self, connection: sqlite3.Connection, request: Request) -> str:
        """Return the request's token after checking it exists.

        Raises:
            HttpError: 401 when the header is missing or the token unknown.
        """
        token = request.header("api-auth-token")
        if not token:
            raise HttpError(401, "api-auth-token header is missing")
        if buenno_queries.token_name(connection, token) is None:
            raise HttpError(401, "api-auth-token not found or invalid")
        return token

    def _token_info(self, request: Request) -> Response:
        """Describe the token: its name and the forms it can use."""
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            name = buenno_queries.token_name(connection, token)
            forms = buenno_queries.forms_of(connection, token)
        token_info = {
            "name": name,
            "forms": [
                {"id": form.id, "name": form.name, "company_name": form.company_name}
                for form in forms
            ],
        }
        if self._readings.other("buenno.token-info-envelope"):
            return json_response(token_info)
        return json_response({"api_token": token_info})

    def _create_invitation(self, request: Request) -> Response:
        """Create an invitation on the given or default form."""
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            params = request.params()
            form = _resolve_form(connection, token, params.get("form_id"))
            if not form.active:
                raise HttpError(403, f"Form {form.id} is not active")
            contact = parse_contact(params)
            if not contact.get("email") and not contact.get("phone"):
                raise HttpError(400, "Either phone or email is mandatory")
            if not self._readings.other(
                "buenno.invitation-409-key"
            ) and buenno_queries.invitation_key_exists(connection, form.id, contact):
                raise HttpError(409, "An invitation with the given key already exists")
            now = now_epoch()
            draft = InvitationDraft(
                form_id=form.id,
                contact=contact,
                link_key=secrets.token_hex(8),
                scheduled_at=now,
                sent_at=None,
                opened_at=None,
                answered_at=None,
                created_at=now,
                updated_at=now,
            )
            [invitation_id] = buenno_store.insert_invitations(connection, [draft])
            row = fetch_invitation(connection, invitation_id)
        return json_response({"invitation": render_invitation(row)})

    def _list_invitations(self, request: Request) -> Response:
        """List one form's invitations, by id, within optional creation bounds."""
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            params = request.params()
            after = optional_instant(params, "created_after")
            before = optional_instant(params, "created_before")
            capped = self._readings.other("buenno.invitations-page-cap")
            page = read_page(params, default_limit=100, max_limit=100 if capped else 250)
            form = _resolve_form(connection, token, params.get("form_id"))
            rows = buenno_queries.list_invitations(
                connection,
                form_id=form.id,
                created_after=after,
                created_before=before,
                limit=page.limit,
                offset=page.offset,
                inclusive=self._readings.other("buenno.invitations-bounds"),
                newest_first=self._readings.other("buenno.list-order"),
            )
        return json_response({"invitations": [render_invitation(row) for row in rows]})

    def _list_replies(self, request: Request) -> Response:
        """List replies to all the token's forms within a date window, a page at a time.

        Under our readings the window is inclusive on creation time, oldest first, and
        ``limit``/``offset`` count replies up to 1000; the register's switches change each.
        """
        other = self._readings.other
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            params = request.params()
            window = buenno_queries.ReplyWindow(
                token,
                required_instant(params, "from"),
                required_instant(params, "to"),
                field="updated_at" if other("buenno.replies-date-field") else "created_at",
                exclusive=other("buenno.replies-window-bounds"),
                newest_first=other("buenno.list-order"),
            )
            max_limit = 500 if other("buenno.replies-page-cap") else 1000
            page = read_page(params, default_limit=500, max_limit=max_limit)
            if other("buenno.replies-limit-counts"):
                total = buenno_queries.count_window_answers(connection, window)
                ids = buenno_queries.reply_ids_by_answers(
                    connection, window, limit=page.limit, offset=page.offset
                )
                rows, answers = buenno_queries.list_replies(
                    connection, window, limit=0, offset=0, ids=ids
                )
            else:
                total = buenno_queries.count_replies(connection, window)
                rows, answers = buenno_queries.list_replies(
                    connection, window, limit=page.limit, offset=page.offset
                )
        locale = (params.get("locale") or "en")[:2].lower()
        language = locale if locale in _LOCALES else "en"
        by_reply: dict[int, list[dict[str, Any]]] = {}
        for answer in answers:
            by_reply.setdefault(answer["reply_id"], []).append(render_answer(answer, language))
        numbers: tuple[int, int, int] | tuple[str, str, str] = (total, page.limit, page.offset)
        if not other("buenno.envelope-numbers"):
            numbers = (str(total), str(page.limit), str(page.offset))
        return json_response(
            {
                "replies": [render_reply(row, by_reply.get(row["id"], [])) for row in rows],
                "total": numbers[0],
                "limit": numbers[1],
                "offset": numbers[2],
            }
        )


def fetch_invitation(connection: sqlite3.Connection, invitation_id: int) -> sqlite3.Row:
    """Return an invitation row.

    Raises:
        HttpError: 404 when there is no invitation with that id.
    """
    row = buenno_queries.get_invitation(connection, invitation_id)
    if row is None:
        raise HttpError(404, f"Invitation {invitation_id} not found")
    return row


def _resolve_form(connection: sqlite3.Connection, token: str, raw_form_id: str | None) -> Form:
    """Find the form a request is about: the given one, else the token's first active form.

    Raises:
        HttpError: 404 when the id is not one of the token's forms; 403 when no id is
            given and the token has no active form.
    """
    forms = buenno_queries.forms_of(connection, token)
    if raw_form_id is None or not raw_form_id.strip():
        for form in forms:
            if form.active:
                return form
        raise HttpError(403, "No active form is available for this token")
    for form in forms:
        if str(form.id) == raw_form_id.strip():
            return form
    raise HttpError(404, f"Form '{raw_form_id}' not found")
