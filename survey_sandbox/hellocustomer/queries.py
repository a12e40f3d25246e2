"""Hello Customer's reads: tokens and touchpoints, responses within a date window, NPS counts.

A response is read with its respondent's key values and its answers; the tables are in
:mod:`survey_sandbox.hellocustomer.store`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey_sandbox.hellocustomer.store import Question, ResponseRows, Survey, Touchpoint


def token_known(connection: sqlite3.Connection, token: str) -> bool:
    """Say whether a token exists."""
    row = connection.execute(
        "SELECT 1 FROM hellocustomer_tokens WHERE token = ?", (token,)
    ).fetchone()
    return row is not None


def get_touchpoint(connection: sqlite3.Connection, guid: str) -> Touchpoint | None:
    """Return a touchpoint with its surveys, or ``None`` when no touchpoint has that GUID."""
    row = connection.execute(
        "SELECT guid, token, name FROM hellocustomer_touchpoints WHERE guid = ?", (guid,)
    ).fetchone()
    if row is None:
        return None
    surveys = connection.execute(
        "SELECT guid, language_guid FROM hellocustomer_surveys"
        " WHERE touchpoint_guid = ? ORDER BY position",
        (guid,),
    ).fetchall()
    return Touchpoint(
        row["guid"],
        row["token"],
        row["name"],
        tuple(Survey(survey["guid"], survey["language_guid"]) for survey in surveys),
    )


def questions_of(connection: sqlite3.Connection, touchpoint_guid: str) -> list[Question]:
    """Return a touchpoint's questions in every language, by language then sort order."""
    rows = connection.execute(
        """SELECT q.* FROM hellocustomer_questions q
        JOIN hellocustomer_surveys s ON s.guid = q.survey_guid
        WHERE s.touchpoint_guid = ? ORDER BY s.position, q.sort_order""",
        (touchpoint_guid,),
    ).fetchall()
    return [
        Question(
            row["guid"],
            row["survey_guid"],
            row["sibling_guid"],
            row["sort_order"],
            row["kind"],
            row["text"],
            None if row["options"] is None else tuple(json.loads(row["options"])),
        )
        for row in rows
    ]


_RESPONSE_SELECT = """
    SELECT r.*, p.guid AS respondent_guid, p.email, p.first_name, p.last_name, p.phone,
        p.custom_id, s.language_guid
    FROM hellocustomer_responses r
    JOIN hellocustomer_respondents p ON p.id = r.respondent_id
    JOIN hellocustomer_surveys s ON s.guid = r.survey_guid
"""


_KEY_VALUE_SELECT = """
    SELECT k.respondent_id, k.key, k.value FROM hellocustomer_key_values k
    WHERE k.respondent_id IN (SELECT r.respondent_id FROM hellocustomer_responses r {where})
    ORDER BY k.respondent_id, k.position
"""


_ANSWER_SELECT = """
    SELECT a.*, q.survey_guid, q.sibling_guid, q.sort_order, q.kind, q.text AS question_text
    FROM hellocustomer_answers a JOIN hellocustomer_questions q ON q.guid = a.question_guid
    WHERE a.response_id IN (SELECT r.id FROM hellocustomer_responses r {where})
    ORDER BY a.response_id, q.sort_order
"""


#: The date columns a window may filter on.
DATE_COLUMNS = ("date_answer", "date_surveyed")


def _window(column: str) -> str:
    """Select a touchpoint's responses whose ``column`` lies within ``[:start, :end]``."""
    if column not in DATE_COLUMNS:
        raise ValueError(f"responses are not filtered on {column!r}")
    return f"WHERE r.touchpoint_guid = :touchpoint AND r.{column} BETWEEN :start AND :end"


def _response_rows(
    connection: sqlite3.Connection, where: str, params: Mapping[str, object]
) -> ResponseRows:
    """Read the responses a ``WHERE`` clause on ``r`` selects, with key values and answers."""
    return ResponseRows(
        connection.execute(
            f"{_RESPONSE_SELECT} {where} ORDER BY r.date_answer, r.id", params
        ).fetchall(),
        connection.execute(_KEY_VALUE_SELECT.format(where=where), params).fetchall(),
        connection.execute(_ANSWER_SELECT.format(where=where), params).fetchall(),
    )


def list_responses(
    connection: sqlite3.Connection,
    touchpoint_guid: str,
    start: int,
    end: int,
    column: str = "date_answer",
) -> ResponseRows:
    """Return a touchpoint's responses whose ``column`` lies within ``[start, end]``, inclusive."""
    return _response_rows(
        connection, _window(column), {"touchpoint": touchpoint_guid, "start": start, "end": end}
    )


def get_response(connection: sqlite3.Connection, response_id: int) -> ResponseRows:
    """Return one response, shaped as in :func:`list_responses`."""
    return _response_rows(connection, "WHERE r.id = :id", {"id": response_id})


_NPS_SELECT = """
    SELECT COUNT(*), COALESCE(SUM(a.value >= 9), 0), COALESCE(SUM(a.value <= 6), 0)
    FROM hellocustomer_answers a
    JOIN hellocustomer_questions q ON q.guid = a.question_guid AND q.kind = 'nps'
    JOIN hellocustomer_responses r ON r.id = a.response_id
"""


@dataclass(frozen=True)
class NpsCounts:
    """How many NPS answers fall in each group."""

    total: int
    promoters: int
    detractors: int


def nps_counts(
    connection: sqlite3.Connection,
    touchpoint_guid: str,
    start: int,
    end: int,
    filters: Sequence[tuple[str, Sequence[str]]],
    *,
    column: str = "date_answer",
) -> NpsCounts:
    """Count a touchpoint's NPS answers whose response's ``column`` is in ``[start, end]``.

    Promoters score 9 or 10, detractors 0 to 6; the rest are passive.

    Args:
        connection: Where to read.
        touchpoint_guid: The touchpoint whose NPS questions count.
        start: First answer time included.
        end: Last answer time included.
        filters: ``(key, values)`` pairs: a response counts only when, for every pair, its
            respondent has that key with one of the values.
        column: The response date the window applies to: ``date_answer`` or
            ``date_surveyed``.
    """
    clauses = []
    params: dict[str, object] = {"touchpoint": touchpoint_guid, "start": start, "end": end}
    for number, (key, values) in enumerate(filters):
        names = [f":value_{number}_{index}" for index in range(len(values))]
        params[f"key_{number}"] = key
        params.update({name[1:]: value for name, value in zip(names, values, strict=True)})
        clauses.append(
            " AND EXISTS (SELECT 1 FROM hellocustomer_key_values k"  # noqa: S608 - placeholders only
            f" WHERE k.respondent_id = r.respondent_id AND k.key = :key_{number}"
            f" AND k.value IN ({', '.join(names)}))"
        )
    sql = _NPS_SELECT + _window(column) + "".join(clauses)
    row = connection.execute(sql, params).fetchone()
    return NpsCounts(int(row[0]), int(row[1]), int(row[2]))
