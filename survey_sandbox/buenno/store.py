"""Buenno's tables and the SQL that writes them; reads are in ``queries``.

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
