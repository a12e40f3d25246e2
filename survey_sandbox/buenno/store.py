"""Buenno's tables and every SQL statement that reads or writes them.

Tables (all timestamps are whole Unix seconds, UTC):

- ``buenno_tokens(token, name)``: API tokens and their display names.
- ``buenno_forms(id, token, name, company_name, active)``: survey forms; each belongs to
  one token; ``active`` is 0 or 1.
- ``buenno_questions(id, form_id, position, question_type_id, name_en, name_fi, name_sv)``:
  each form's questions with their text per locale.
- ``buenno_invitations(id, form_id, email, phone, first_name, last_name, pf_timestamp,
  pf_store, pf_seller_name, pf_seller_id, pf_product_category, pf_target, pf_gender,
  pf_age, pf_external_id, preferred_language, link_key, scheduled_at, sent_at, opened_at,
  answered_at, created_at, updated_at)``.
- ``buenno_replies(id, form_id, <the same contact and pf_ columns>, question_count,
  score_sum, avg_score, created_at, updated_at)``.
- ``buenno_answers(reply_id, position, question_id, points, answer)``: one row per answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCHEMA_VERSION = 1

MAIN_QUESTION_TYPE = 1

CONTACT_COLUMNS = (
    "email",
    "phone",
    "first_name",
    "last_name",
    "pf_timestamp",
    "pf_store",
    "pf_seller_name",
    "pf_seller_id",
    "pf_product_category",
    "pf_target",
    "pf_gender",
    "pf_age",
    "pf_external_id",
    "preferred_language",
)

PREFILL_COLUMNS = tuple(column for column in CONTACT_COLUMNS if column.startswith("pf_"))

TABLES = (
    "buenno_answers",
    "buenno_replies",
    "buenno_invitations",
    "buenno_questions",
    "buenno_forms",
    "buenno_tokens",
)

_CONTACT_DDL = """
    email TEXT,
    phone TEXT,
    first_name TEXT,
    last_name TEXT,
    pf_timestamp INTEGER,
    pf_store TEXT,
    pf_seller_name TEXT,
    pf_seller_id TEXT,
    pf_product_category TEXT,
    pf_target TEXT,
    pf_gender TEXT,
    pf_age INTEGER,
    pf_external_id TEXT,
    preferred_language TEXT,
"""

DDL = (
    "CREATE TABLE buenno_tokens (token TEXT PRIMARY KEY, name TEXT NOT NULL)",
    """CREATE TABLE buenno_forms (
        id INTEGER PRIMARY KEY,
        token TEXT NOT NULL REFERENCES buenno_tokens (token),
        name TEXT NOT NULL,
        company_name TEXT NOT NULL,
        active INTEGER NOT NULL
    )""",
    """CREATE TABLE buenno_questions (
        id INTEGER PRIMARY KEY,
        form_id INTEGER NOT NULL REFERENCES buenno_forms (id),
        position INTEGER NOT NULL,
        question_type_id INTEGER NOT NULL,
        name_en TEXT NOT NULL,
        name_fi TEXT NOT NULL,
        name_sv TEXT NOT NULL
    )""",
    "CREATE TABLE buenno_invitations (id INTEGER PRIMARY KEY,"
    " form_id INTEGER NOT NULL REFERENCES buenno_forms (id),"
    + _CONTACT_DDL
    + """
        link_key TEXT NOT NULL,
        scheduled_at INTEGER NOT NULL,
        sent_at INTEGER,
        opened_at INTEGER,
        answered_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )""",
    "CREATE INDEX buenno_invitations_form_created ON buenno_invitations (form_id, created_at)",
    "CREATE TABLE buenno_replies (id INTEGER PRIMARY KEY,"
    " form_id INTEGER NOT NULL REFERENCES buenno_forms (id),"
    + _CONTACT_DDL
    + """
        question_count INTEGER NOT NULL,
        score_sum INTEGER NOT NULL,
        avg_score REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )""",
    "CREATE INDEX buenno_replies_created ON buenno_replies (created_at, id)",
    """CREATE TABLE buenno_answers (
        reply_id INTEGER NOT NULL REFERENCES buenno_replies (id),
        position INTEGER NOT NULL,
        question_id INTEGER NOT NULL REFERENCES buenno_questions (id),
        points INTEGER,
        answer TEXT,
        PRIMARY KEY (reply_id, position)
    )""",
)

Contact = Mapping[str, "str | int | None"]
"""Contact and prefill values keyed by the names in :data:`CONTACT_COLUMNS`."""


@dataclass(frozen=True)
class AnswerDraft:
    """One answer to be stored with a reply."""

    question_id: int
    question_type_id: int
    points: int | None
    answer: str | None


@dataclass(frozen=True)
class ReplyDraft:
    """A reply to be stored; ids are given out on insert."""

    form_id: int
    contact: Contact
    answers: Sequence[AnswerDraft]
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class InvitationDraft:
    """An invitation to be stored; ids are given out on insert."""

    form_id: int
    contact: Contact
    link_key: str
    scheduled_at: int
    sent_at: int | None
    opened_at: int | None
    answered_at: int | None
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class Form:
    """A survey form as a token sees it."""

    id: int
    name: str
    company_name: str
    active: bool


@dataclass(frozen=True)
class QuestionRow:
    """A form's question, for seeding the catalogue."""

    id: int
    form_id: int
    position: int
    question_type_id: int
    name_en: str
    name_fi: str
    name_sv: str


def score_summary(answers: Sequence[AnswerDraft]) -> tuple[int, int, float | None]:
    """Compute ``question_count``, ``score_sum`` and ``avg_score`` as Buenno defines them.

    Only main questions (type 1) that carry points count. ``avg_score`` is rounded to two
    decimals and is ``None`` when no main question has points.
    """
    points = [
        answer.points
        for answer in answers
        if answer.question_type_id == MAIN_QUESTION_TYPE and answer.points is not None
    ]
    if not points:
        return 0, 0, None
    return len(points), sum(points), round(sum(points) / len(points), 2)


def insert_catalogue(
    connection: sqlite3.Connection,
    tokens: Sequence[tuple[str, str]],
    forms: Sequence[tuple[int, str, str, str, bool]],
    questions: Sequence[QuestionRow],
) -> None:
    """Store the fixed catalogue: tokens, forms and questions.

    Args:
        connection: Where to write.
        tokens: ``(token, name)`` pairs.
        forms: ``(id, token, name, company_name, active)`` tuples.
        questions: Every form's questions.
    """
    connection.executemany("INSERT INTO buenno_tokens (token, name) VALUES (?, ?)", tokens)
    connection.executemany(
        "INSERT INTO buenno_forms (id, token, name, company_name, active) VALUES (?, ?, ?, ?, ?)",
        forms,
    )
    connection.executemany(
        "INSERT INTO buenno_questions (id, form_id, position, question_type_id,"
        " name_en, name_fi, name_sv) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (q.id, q.form_id, q.position, q.question_type_id, q.name_en, q.name_fi, q.name_sv)
            for q in questions
        ],
    )


def _next_id(connection: sqlite3.Connection, table_max_sql: str) -> int:
    """Return one more than the largest id the given ``SELECT MAX(id)`` statement finds."""
    largest = connection.execute(table_max_sql).fetchone()[0]
    return int(largest or 0) + 1


def _contact_values(contact: Contact) -> dict[str, str | int | None]:
    """Spread a contact mapping over every contact column, absent ones as ``NULL``."""
    return {column: contact.get(column) for column in CONTACT_COLUMNS}


_INSERT_INVITATION = """
INSERT INTO buenno_invitations (
    id, form_id, email, phone, first_name, last_name, pf_timestamp, pf_store, pf_seller_name,
    pf_seller_id, pf_product_category, pf_target, pf_gender, pf_age, pf_external_id,
    preferred_language, link_key, scheduled_at, sent_at, opened_at, answered_at, created_at,
    updated_at
) VALUES (
    :id, :form_id, :email, :phone, :first_name, :last_name, :pf_timestamp, :pf_store,
    :pf_seller_name, :pf_seller_id, :pf_product_category, :pf_target, :pf_gender, :pf_age,
    :pf_external_id, :preferred_language, :link_key, :scheduled_at, :sent_at, :opened_at,
    :answered_at, :created_at, :updated_at
)
"""


def insert_invitations(
    connection: sqlite3.Connection, drafts: Sequence[InvitationDraft]
) -> list[int]:
    """Store invitations in the given order with the next free ids; return those ids."""
    first = _next_id(connection, "SELECT MAX(id) FROM buenno_invitations")
    rows = [
        {
            "id": first + index,
            "form_id": draft.form_id,
            **_contact_values(draft.contact),
            "link_key": draft.link_key,
            "scheduled_at": draft.scheduled_at,
            "sent_at": draft.sent_at,
            "opened_at": draft.opened_at,
            "answered_at": draft.answered_at,
            "created_at": draft.created_at,
            "updated_at": draft.updated_at,
        }
        for index, draft in enumerate(drafts)
    ]
    connection.executemany(_INSERT_INVITATION, rows)
    return list(range(first, first + len(drafts)))


_INSERT_REPLY = """
INSERT INTO buenno_replies (
    id, form_id, email, phone, first_name, last_name, pf_timestamp, pf_store, pf_seller_name,
    pf_seller_id, pf_product_category, pf_target, pf_gender, pf_age, pf_external_id,
    preferred_language, question_count, score_sum, avg_score, created_at, updated_at
) VALUES (
    :id, :form_id, :email, :phone, :first_name, :last_name, :pf_timestamp, :pf_store,
    :pf_seller_name, :pf_seller_id, :pf_product_category, :pf_target, :pf_gender, :pf_age,
    :pf_external_id, :preferred_language, :question_count, :score_sum, :avg_score,
    :created_at, :updated_at
)
"""


def insert_replies(connection: sqlite3.Connection, drafts: Sequence[ReplyDraft]) -> list[int]:
    """Store replies and their answers with the next free ids; return the reply ids."""
    first = _next_id(connection, "SELECT MAX(id) FROM buenno_replies")
    reply_rows: list[dict[str, object]] = []
    answer_rows: list[tuple[int, int, int, int | None, str | None]] = []
    for index, draft in enumerate(drafts):
        reply_id = first + index
        question_count, score_sum, avg_score = score_summary(draft.answers)
        reply_rows.append(
            {
                "id": reply_id,
                "form_id": draft.form_id,
                **_contact_values(draft.contact),
                "question_count": question_count,
                "score_sum": score_sum,
                "avg_score": avg_score,
                "created_at": draft.created_at,
                "updated_at": draft.updated_at,
            }
        )
        answer_rows.extend(
            (reply_id, position, answer.question_id, answer.points, answer.answer)
            for position, answer in enumerate(draft.answers, start=1)
        )
    connection.executemany(_INSERT_REPLY, reply_rows)
    connection.executemany(
        "INSERT INTO buenno_answers (reply_id, position, question_id, points, answer)"
        " VALUES (?, ?, ?, ?, ?)",
        answer_rows,
    )
    return list(range(first, first + len(drafts)))


def token_name(connection: sqlite3.Connection, token: str) -> str | None:
    """Return a token's display name, or ``None`` when the token is unknown."""
    row = connection.execute("SELECT name FROM buenno_tokens WHERE token = ?", (token,)).fetchone()
    return None if row is None else str(row["name"])


def forms_of(connection: sqlite3.Connection, token: str) -> list[Form]:
    """Return the forms a token may use, by id."""
    rows = connection.execute(
        "SELECT id, name, company_name, active FROM buenno_forms WHERE token = ? ORDER BY id",
        (token,),
    )
    return [Form(row["id"], row["name"], row["company_name"], bool(row["active"])) for row in rows]


def form_by_id(connection: sqlite3.Connection, form_id: int) -> Form | None:
    """Return any form by id, whatever token owns it (for the admin endpoints)."""
    row = connection.execute(
        "SELECT id, name, company_name, active FROM buenno_forms WHERE id = ?", (form_id,)
    ).fetchone()
    if row is None:
        return None
    return Form(row["id"], row["name"], row["company_name"], bool(row["active"]))


def question_types(connection: sqlite3.Connection, form_id: int) -> dict[int, int]:
    """Map each of a form's question ids to its question type, in position order."""
    rows = connection.execute(
        "SELECT id, question_type_id FROM buenno_questions WHERE form_id = ? ORDER BY position",
        (form_id,),
    )
    return {int(row["id"]): int(row["question_type_id"]) for row in rows}


def invitation_key_exists(connection: sqlite3.Connection, form_id: int, contact: Contact) -> bool:
    """Tell whether the form already has an invitation with the same key.

    The key is ``pf_external_id`` when one is given, else the pair ``(email, phone)``.
    """
    if contact.get("pf_external_id") is not None:
        row = connection.execute(
            "SELECT 1 FROM buenno_invitations WHERE form_id = ? AND pf_external_id = ?",
            (form_id, contact["pf_external_id"]),
        ).fetchone()
    else:
        row = connection.execute(
            "SELECT 1 FROM buenno_invitations WHERE form_id = ? AND email IS ? AND phone IS ?",
            (form_id, contact.get("email"), contact.get("phone")),
        ).fetchone()
    return row is not None


def get_invitation(connection: sqlite3.Connection, invitation_id: int) -> sqlite3.Row | None:
    """Return one invitation row, or ``None``."""
    row: sqlite3.Row | None = connection.execute(
        "SELECT * FROM buenno_invitations WHERE id = ?", (invitation_id,)
    ).fetchone()
    return row


def list_invitations(
    connection: sqlite3.Connection,
    *,
    form_id: int,
    created_after: float | None,
    created_before: float | None,
    limit: int,
    offset: int,
    inclusive: bool = False,
    newest_first: bool = False,
) -> list[sqlite3.Row]:
    """Return one page of a form's invitations by id, within creation-time bounds.

    The bounds are strict unless ``inclusive``; the order is by id, or by id descending
    when ``newest_first``.
    """
    after, before = (">=", "<=") if inclusive else (">", "<")
    order = "DESC" if newest_first else ""
    return connection.execute(
        f"""SELECT * FROM buenno_invitations
        WHERE form_id = :form_id
          AND (:after IS NULL OR created_at {after} :after)
          AND (:before IS NULL OR created_at {before} :before)
        ORDER BY id {order} LIMIT :limit OFFSET :offset""",  # noqa: S608 - fixed operators
        {
            "form_id": form_id,
            "after": created_after,
            "before": created_before,
            "limit": limit,
            "offset": offset,
        },
    ).fetchall()


def update_invitation_status(
    connection: sqlite3.Connection,
    invitation_id: int,
    changes: Mapping[str, int | None],
    updated_at: int,
) -> None:
    """Move an invitation on and stamp its ``updated_at``.

    Args:
        connection: Where to write.
        invitation_id: The invitation to change.
        changes: New values for any of ``scheduled_at``, ``sent_at``, ``opened_at`` and
            ``answered_at``; a column not named keeps its value.
        updated_at: The new ``updated_at``.
    """
    params: dict[str, object] = {"id": invitation_id, "updated_at": updated_at}
    for column in ("scheduled_at", "sent_at", "opened_at", "answered_at"):
        params[f"set_{column}"] = column in changes
        params[column] = changes.get(column)
    connection.execute(
        """UPDATE buenno_invitations SET
            scheduled_at = CASE WHEN :set_scheduled_at THEN :scheduled_at ELSE scheduled_at END,
            sent_at = CASE WHEN :set_sent_at THEN :sent_at ELSE sent_at END,
            opened_at = CASE WHEN :set_opened_at THEN :opened_at ELSE opened_at END,
            answered_at = CASE WHEN :set_answered_at THEN :answered_at ELSE answered_at END,
            updated_at = :updated_at
        WHERE id = :id""",
        params,
    )


_ANSWER_SELECT = """
    SELECT a.reply_id, a.points, a.answer, a.question_id, q.question_type_id,
        q.name_en, q.name_fi, q.name_sv
    FROM buenno_answers a JOIN buenno_questions q ON q.id = a.question_id
"""


@dataclass(frozen=True)
class ReplyWindow:
    """Which replies a ``GET /replies`` call covers, and in what order.

    Attributes:
        token: The token whose forms' replies are listed.
        start: ``from`` as Unix seconds.
        end: ``to`` as Unix seconds.
        field: The column the window filters and sorts on: ``created_at`` or ``updated_at``.
        exclusive: Whether a reply exactly on ``start`` or ``end`` is left out.
        newest_first: Whether the newest reply comes first.
    """

    token: str
    start: float
    end: float
    field: str = "created_at"
    exclusive: bool = False
    newest_first: bool = False

    def where(self) -> str:
        """The ``FROM ... WHERE`` clause of the window (``r`` replies, ``f`` forms)."""
        low, high = (">", "<") if self.exclusive else (">=", "<=")
        return (
            " FROM buenno_replies r JOIN buenno_forms f ON f.id = r.form_id"
            f" WHERE f.token = :token AND r.{self.field} {low} :start"
            f" AND r.{self.field} {high} :end"
        )

    def order(self) -> str:
        """The ``ORDER BY`` clause of the window."""
        direction = "DESC" if self.newest_first else "ASC"
        return f" ORDER BY r.{self.field} {direction}, r.id {direction}"

    def params(self) -> dict[str, object]:
        """The window's query parameters."""
        return {"token": self.token, "start": self.start, "end": self.end}


def count_replies(connection: sqlite3.Connection, window: ReplyWindow) -> int:
    """Count the replies within a window."""
    row = connection.execute("SELECT COUNT(*)" + window.where(), window.params()).fetchone()
    return int(row[0])


def count_window_answers(connection: sqlite3.Connection, window: ReplyWindow) -> int:
    """Count the answers of the replies within a window."""
    row = connection.execute(
        # The window's clauses hold fixed column names and operators, values are bound.
        "SELECT COUNT(*) FROM buenno_answers WHERE reply_id IN (SELECT r.id"  # noqa: S608
        + window.where()
        + ")",
        window.params(),
    ).fetchone()
    return int(row[0])


def reply_ids_by_answers(
    connection: sqlite3.Connection, window: ReplyWindow, *, limit: int, offset: int
) -> list[int]:
    """Return the ids of a page whose ``limit`` and ``offset`` count answers, not replies.

    The page starts at the reply holding answer number ``offset`` (from 0, in the window's
    order) and takes whole replies while their answers add up to at most ``limit``, at
    least one reply.
    """
    rows = connection.execute(
        # The window's clauses hold fixed column names and operators, values are bound.
        "SELECT r.id, (SELECT COUNT(*) FROM buenno_answers a WHERE a.reply_id = r.id)"  # noqa: S608
        + window.where()
        + window.order(),
        window.params(),
    )
    ids: list[int] = []
    first_answer = 0
    taken = 0
    for reply_id, answers in rows:
        last_answer = first_answer + answers
        if last_answer > offset or (answers == 0 and first_answer >= offset):
            if ids and taken + answers > limit:
                break
            ids.append(int(reply_id))
            taken += answers
        first_answer = last_answer
    return ids


def list_replies(
    connection: sqlite3.Connection,
    window: ReplyWindow,
    *,
    limit: int,
    offset: int,
    ids: list[int] | None = None,
) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
    """Return one page of replies in the window's order and all of their answers.

    The page is ``limit`` replies from ``offset``, or the replies ``ids`` when given.
    Reply rows carry the form's name as ``form_name``. Answer rows carry ``reply_id``,
    ``points``, ``answer``, ``question_id``, ``question_type_id`` and the question text
    in every locale (``name_en``, ``name_fi``, ``name_sv``), in reply then position order.
    """
    params = {**window.params(), "limit": limit, "offset": offset}
    if ids is None:
        page = window.where() + window.order() + " LIMIT :limit OFFSET :offset"
    else:
        page = window.where() + f" AND r.id IN ({','.join(str(int(i)) for i in ids)})"
        page += window.order()
    replies = connection.execute("SELECT r.*, f.name AS form_name" + page, params).fetchall()
    answers = connection.execute(
        _ANSWER_SELECT + " WHERE a.reply_id IN (SELECT r.id" + page + ")"
        " ORDER BY a.reply_id, a.position",
        params,
    ).fetchall()
    return replies, answers


def update_reply(
    connection: sqlite3.Connection,
    reply_id: int,
    contact: Contact,
    answers: Sequence[AnswerDraft] | None,
    updated_at: int,
) -> None:
    """Edit a reply: the contact fields given, its answers when given, and ``updated_at``."""
    params: dict[str, object] = {"id": reply_id, "updated_at": updated_at, **contact}
    assignments = [f"{column} = :{column}" for column in contact]
    if answers is not None:
        question_count, score_sum, avg_score = score_summary(answers)
        params |= {"qc": question_count, "ss": score_sum, "avg": avg_score}
        assignments += ["question_count = :qc", "score_sum = :ss", "avg_score = :avg"]
        connection.execute("DELETE FROM buenno_answers WHERE reply_id = ?", (reply_id,))
        connection.executemany(
            "INSERT INTO buenno_answers (reply_id, position, question_id, points, answer)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (reply_id, position, answer.question_id, answer.points, answer.answer)
                for position, answer in enumerate(answers, start=1)
            ],
        )
    assignments.append("updated_at = :updated_at")
    connection.execute(
        f"UPDATE buenno_replies SET {', '.join(assignments)} WHERE id = :id",  # noqa: S608 - column names from CONTACT_COLUMNS
        params,
    )


def get_reply(
    connection: sqlite3.Connection, reply_id: int
) -> tuple[sqlite3.Row, list[sqlite3.Row]]:
    """Return one reply (with ``form_name``) and its answers, shaped as in :func:`list_replies`."""
    reply = connection.execute(
        "SELECT r.*, f.name AS form_name FROM buenno_replies r"
        " JOIN buenno_forms f ON f.id = r.form_id WHERE r.id = ?",
        (reply_id,),
    ).fetchone()
    answers = connection.execute(
        _ANSWER_SELECT + " WHERE a.reply_id = ? ORDER BY a.position", (reply_id,)
    ).fetchall()
    return reply, answers
