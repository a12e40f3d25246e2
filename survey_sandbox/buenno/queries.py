"""Buenno's reads: tokens and forms, invitations, and replies within a time window.

A reply's answers are read with it, in the questions' order; the tables are in
:mod:`survey_sandbox.buenno.store`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from survey_sandbox.buenno.store import Contact, Form


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
