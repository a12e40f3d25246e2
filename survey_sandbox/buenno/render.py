"""How Buenno's invitations, replies and answers look on the wire, for the API and admin alike."""

from __future__ import annotations

import sqlite3
from typing import Any

from survey_sandbox.buenno.store import (
    PREFILL_COLUMNS,
)
from survey_sandbox.timefmt import (
    format_offset,
    format_zulu,
)

INVITATION_LINK_BASE = "https://survey.buenno.sandbox.invalid/i/"
"""Where an invitation's link points, followed by its key."""


def prefill_fields(row: sqlite3.Row) -> dict[str, Any]:
    """Copy the ``pf_`` fields of a row, in the document's order."""
    return {name: row[name] for name in PREFILL_COLUMNS}


def render_invitation(row: sqlite3.Row) -> dict[str, Any]:
    """Shape an invitation row like the document's example (``+00:00`` timestamps)."""
    return {
        "id": row["id"],
        "email": row["email"],
        "phone": row["phone"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "form_id": row["form_id"],
        **prefill_fields(row),
        "preferred_language": row["preferred_language"],
        "invitation_link": INVITATION_LINK_BASE + row["link_key"],
        "scheduled_at": format_offset(row["scheduled_at"]),
        "sent_at": format_offset(row["sent_at"]),
        "opened_at": format_offset(row["opened_at"]),
        "answered_at": format_offset(row["answered_at"]),
        "created_at": format_offset(row["created_at"]),
        "updated_at": format_offset(row["updated_at"]),
    }


def render_answer(row: sqlite3.Row, language: str) -> dict[str, Any]:
    """Shape one answer row, with the question text in the chosen language."""
    return {
        "question": row[f"name_{language}"],
        "points": row["points"],
        "answer": row["answer"],
        "question_id": row["question_id"],
        "question_type_id": row["question_type_id"],
    }


def render_reply(row: sqlite3.Row, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Shape a reply row like the document's example (``Z`` timestamps, ``""`` for no email)."""
    return {
        "id": row["id"],
        "name": row["form_name"],
        "email": row["email"] or "",
        "phone": row["phone"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        **prefill_fields(row),
        "preferred_language": row["preferred_language"],
        "question_count": row["question_count"],
        "score_sum": row["score_sum"],
        "avg_score": row["avg_score"],
        "answers": answers,
        "updated_at": format_zulu(row["updated_at"]),
        "created_at": format_zulu(row["created_at"]),
    }
