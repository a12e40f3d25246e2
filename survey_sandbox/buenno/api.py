"""Buenno's API (``/buenno/api/v01``) and its admin endpoints (``/_sandbox/buenno``).

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

Every error body is ``{"error_message": "..."}``; a known path called with another
method answers 404, as the vendor documents.
"""

from __future__ import annotations

import random
import re
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey_common.readings import Readings
from survey_sandbox.base import BasePlatform
from survey_sandbox.buenno import seed as buenno_seed
from survey_sandbox.buenno import store as buenno_store
from survey_sandbox.buenno.store import (
    CONTACT_COLUMNS,
    PREFILL_COLUMNS,
    AnswerDraft,
    Form,
    InvitationDraft,
    ReplyDraft,
)
from survey_sandbox.faults import FaultQueue
from survey_sandbox.routing import Router
from survey_sandbox.store import PlatformData, Store
from survey_sandbox.timefmt import (
    InstantError,
    format_offset,
    format_zulu,
    now_epoch,
    parse_iso_instant,
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

INVITATION_LINK_BASE = "https://survey.buenno.sandbox.invalid/i/"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^00\d{6,15}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_INTEGER_FIELDS = ("pf_timestamp", "pf_age")
_LOCALES = ("en", "fi", "sv")
_STATUS_FIELDS = ("scheduled_at", "sent_at", "opened_at", "answered_at")
_REPLY_FIELDS = ("form_id", "created_at", "updated_at", "answers")


@dataclass(frozen=True)
class _Page:
    """A page size and start row read from ``limit`` and ``offset``."""

    limit: int
    offset: int


class Buenno(BasePlatform):
    """The Buenno platform: its seeding, its API routes and its admin routes."""

    name = "buenno"
    api_root = "/buenno/api/v01"
    data = PlatformData(
        schema_version=buenno_store.SCHEMA_VERSION,
        tables=buenno_store.TABLES,
        ddl=buenno_store.DDL,
        populate=buenno_seed.populate,
    )
    wrong_method_status = 404
    summary = (
        "buenno: API at /buenno/api/v01, token in the 'api-auth-token' header\n"
        f"    {buenno_seed.BUENNO_TOKEN:<24} forms 1 and 2 (active), 3 (inactive)\n"
        f"    {buenno_seed.BUENNO_TOKEN_2:<24} form 4 (active)"
    )

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox and register its routes (see :class:`BasePlatform`)."""
        super().__init__(store, readings=readings, faults=faults)
        self._api.add("GET", "/token-info", self._token_info)
        self._api.add("GET", "/invitations", self._list_invitations)
        self._api.add("POST", "/invitations", self._create_invitation)
        self._api.add("GET", "/replies", self._list_replies)
        self._admin.add("POST", "/replies", self._admin_create_reply)
        self._admin.add("POST", "/replies/{reply_id}", self._admin_update_reply)
        self._admin.add("POST", "/invitations/{invitation_id}", self._admin_update_invitation)

    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below ``/buenno/api/v01``; ``path`` is the part below it."""
        return self._answer(self._api, request, path)

    def handle_admin(self, request: Request, path: str) -> Response:
        """Answer a request below ``/_sandbox/buenno``; ``path`` is the part below it."""
        return self._answer(self._admin, request, path)

    @staticmethod
    def _answer(router: Router, request: Request, path: str) -> Response:
        """Dispatch and turn a client error into Buenno's error body."""
        try:
            return router.dispatch(request, path)
        except HttpError as error:
            return json_response({"error_message": error.message}, error.status)

    # --- API ------------------------------------------------------------------------

    def _authenticate(self, connection: sqlite3.Connection, request: Request) -> str:
        """Return the request's token after checking it exists.

        Raises:
            HttpError: 401 when the header is missing or the token unknown.
        """
        token = request.header("api-auth-token")
        if not token:
            raise HttpError(401, "api-auth-token header is missing")
        if buenno_store.token_name(connection, token) is None:
            raise HttpError(401, "api-auth-token not found or invalid")
        return token

    def _token_info(self, request: Request) -> Response:
        """Describe the token: its name and the forms it can use."""
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            name = buenno_store.token_name(connection, token)
            forms = buenno_store.forms_of(connection, token)
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
            contact = _parse_contact(params)
            if not contact.get("email") and not contact.get("phone"):
                raise HttpError(400, "Either phone or email is mandatory")
            if not self._readings.other(
                "buenno.invitation-409-key"
            ) and buenno_store.invitation_key_exists(connection, form.id, contact):
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
            row = _fetch_invitation(connection, invitation_id)
        return json_response({"invitation": _render_invitation(row)})

    def _list_invitations(self, request: Request) -> Response:
        """List one form's invitations, by id, within optional creation bounds."""
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            params = request.params()
            after = _optional_instant(params, "created_after")
            before = _optional_instant(params, "created_before")
            capped = self._readings.other("buenno.invitations-page-cap")
            page = _page(params, default_limit=100, max_limit=100 if capped else 250)
            form = _resolve_form(connection, token, params.get("form_id"))
            rows = buenno_store.list_invitations(
                connection,
                form_id=form.id,
                created_after=after,
                created_before=before,
                limit=page.limit,
                offset=page.offset,
                inclusive=self._readings.other("buenno.invitations-bounds"),
                newest_first=self._readings.other("buenno.list-order"),
            )
        return json_response({"invitations": [_render_invitation(row) for row in rows]})

    def _list_replies(self, request: Request) -> Response:
        """List replies to all the token's forms within a date window, a page at a time.

        Under our readings the window is inclusive on creation time, oldest first, and
        ``limit``/``offset`` count replies up to 1000; the register's switches change each.
        """
        other = self._readings.other
        with self._store.transaction() as connection:
            token = self._authenticate(connection, request)
            params = request.params()
            window = buenno_store.ReplyWindow(
                token,
                _required_instant(params, "from"),
                _required_instant(params, "to"),
                field="updated_at" if other("buenno.replies-date-field") else "created_at",
                exclusive=other("buenno.replies-window-bounds"),
                newest_first=other("buenno.list-order"),
            )
            max_limit = 500 if other("buenno.replies-page-cap") else 1000
            page = _page(params, default_limit=500, max_limit=max_limit)
            if other("buenno.replies-limit-counts"):
                total = buenno_store.count_window_answers(connection, window)
                ids = buenno_store.reply_ids_by_answers(
                    connection, window, limit=page.limit, offset=page.offset
                )
                rows, answers = buenno_store.list_replies(
                    connection, window, limit=0, offset=0, ids=ids
                )
            else:
                total = buenno_store.count_replies(connection, window)
                rows, answers = buenno_store.list_replies(
                    connection, window, limit=page.limit, offset=page.offset
                )
        locale = (params.get("locale") or "en")[:2].lower()
        language = locale if locale in _LOCALES else "en"
        by_reply: dict[int, list[dict[str, Any]]] = {}
        for answer in answers:
            by_reply.setdefault(answer["reply_id"], []).append(_render_answer(answer, language))
        numbers: tuple[int, int, int] | tuple[str, str, str] = (total, page.limit, page.offset)
        if not other("buenno.envelope-numbers"):
            numbers = (str(total), str(page.limit), str(page.offset))
        return json_response(
            {
                "replies": [_render_reply(row, by_reply.get(row["id"], [])) for row in rows],
                "total": numbers[0],
                "limit": numbers[1],
                "offset": numbers[2],
            }
        )

    # --- admin ----------------------------------------------------------------------

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
        contact = _parse_contact(
            {
                name: scalar_text(value)
                for name, value in body.items()
                if name in CONTACT_COLUMNS and value is not None
            }
        )
        with self._store.transaction() as connection:
            if buenno_store.form_by_id(connection, form_id) is None:
                raise HttpError(404, f"Form {form_id} not found")
            types = buenno_store.question_types(connection, form_id)
            if body.get("answers") is None:
                answers = buenno_seed.generate_answers(random.Random(), form_id)  # noqa: S311
            else:
                answers = _parse_answers(body["answers"], types)
            draft = ReplyDraft(form_id, contact, answers, created, updated)
            [reply_id] = buenno_store.insert_replies(connection, [draft])
            row, answer_rows = buenno_store.get_reply(connection, reply_id)
        rendered = [_render_answer(answer, "en") for answer in answer_rows]
        return json_response({"reply": _render_reply(row, rendered)}, 201)

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
        parsed = _parse_contact(given)
        contact = {name: parsed[name] for name in given}
        updated = body_instant(body, "updated_at")
        updated = now_epoch() if updated is None else updated
        with self._store.transaction() as connection:
            row = buenno_store.get_reply(connection, reply_id)[0]
            if row is None:
                raise HttpError(404, f"Reply {reply_id} not found")
            answers = None
            if body.get("answers") is not None:
                types = buenno_store.question_types(connection, row["form_id"])
                answers = _parse_answers(body["answers"], types)
            buenno_store.update_reply(connection, reply_id, contact, answers, updated)
            row, answer_rows = buenno_store.get_reply(connection, reply_id)
        rendered = [_render_answer(answer, "en") for answer in answer_rows]
        return json_response({"reply": _render_reply(row, rendered)})

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
            _fetch_invitation(connection, invitation_id)
            buenno_store.update_invitation_status(connection, invitation_id, changes, updated)
            row = _fetch_invitation(connection, invitation_id)
        return json_response({"invitation": _render_invitation(row)})


def _fetch_invitation(connection: sqlite3.Connection, invitation_id: int) -> sqlite3.Row:
    """Return an invitation row.

    Raises:
        HttpError: 404 when there is no invitation with that id.
    """
    row = buenno_store.get_invitation(connection, invitation_id)
    if row is None:
        raise HttpError(404, f"Invitation {invitation_id} not found")
    return row


def _resolve_form(connection: sqlite3.Connection, token: str, raw_form_id: str | None) -> Form:
    """Find the form a request is about: the given one, else the token's first active form.

    Raises:
        HttpError: 404 when the id is not one of the token's forms; 403 when no id is
            given and the token has no active form.
    """
    forms = buenno_store.forms_of(connection, token)
    if raw_form_id is None or not raw_form_id.strip():
        for form in forms:
            if form.active:
                return form
        raise HttpError(403, "No active form is available for this token")
    for form in forms:
        if str(form.id) == raw_form_id.strip():
            return form
    raise HttpError(404, f"Form '{raw_form_id}' not found")


def _parse_contact(params: Mapping[str, str]) -> dict[str, str | int | None]:
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
    if isinstance(email, str) and not _EMAIL.match(email):
        raise HttpError(400, "Parameter 'email' is not a valid email address")
    if isinstance(phone, str) and not _PHONE.match(phone):
        raise HttpError(
            400, "Parameter 'phone' must be digits with the country code, + written as 00"
        )
    for name in _INTEGER_FIELDS:
        number = contact[name]
        if isinstance(number, str):
            contact[name] = parse_int(number, name)
    language = contact["preferred_language"]
    if isinstance(language, str):
        language = language.lower()
        if not _LANGUAGE.match(language):
            raise HttpError(400, "Parameter 'preferred_language' must be an ISO 639-1 code")
        contact["preferred_language"] = language
    return contact


def _parse_answers(raw: object, types: Mapping[int, int]) -> list[AnswerDraft]:
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


def _page(params: Mapping[str, str], *, default_limit: int, max_limit: int) -> _Page:
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
    return _Page(min(limit, max_limit), offset)


def _optional_instant(params: Mapping[str, str], name: str) -> float | None:
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


def _required_instant(params: Mapping[str, str], name: str) -> float:
    """Read a mandatory ISO 8601 parameter as Unix seconds.

    Raises:
        HttpError: 400 when the value is missing or not ISO 8601.
    """
    instant = _optional_instant(params, name)
    if instant is None:
        raise HttpError(400, f"Parameter '{name}' is mandatory (ISO 8601 date-time)")
    return instant


def _prefill_fields(row: sqlite3.Row) -> dict[str, Any]:
    """Copy the ``pf_`` fields of a row, in the document's order."""
    return {name: row[name] for name in PREFILL_COLUMNS}


def _render_invitation(row: sqlite3.Row) -> dict[str, Any]:
    """Shape an invitation row like the document's example (``+00:00`` timestamps)."""
    return {
        "id": row["id"],
        "email": row["email"],
        "phone": row["phone"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "form_id": row["form_id"],
        **_prefill_fields(row),
        "preferred_language": row["preferred_language"],
        "invitation_link": INVITATION_LINK_BASE + row["link_key"],
        "scheduled_at": format_offset(row["scheduled_at"]),
        "sent_at": format_offset(row["sent_at"]),
        "opened_at": format_offset(row["opened_at"]),
        "answered_at": format_offset(row["answered_at"]),
        "created_at": format_offset(row["created_at"]),
        "updated_at": format_offset(row["updated_at"]),
    }


def _render_answer(row: sqlite3.Row, language: str) -> dict[str, Any]:
    """Shape one answer row, with the question text in the chosen language."""
    return {
        "question": row[f"name_{language}"],
        "points": row["points"],
        "answer": row["answer"],
        "question_id": row["question_id"],
        "question_type_id": row["question_type_id"],
    }


def _render_reply(row: sqlite3.Row, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Shape a reply row like the document's example (``Z`` timestamps, ``""`` for no email)."""
    return {
        "id": row["id"],
        "name": row["form_name"],
        "email": row["email"] or "",
        "phone": row["phone"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        **_prefill_fields(row),
        "preferred_language": row["preferred_language"],
        "question_count": row["question_count"],
        "score_sum": row["score_sum"],
        "avg_score": row["avg_score"],
        "answers": answers,
        "updated_at": format_zulu(row["updated_at"]),
        "created_at": format_zulu(row["created_at"]),
    }
