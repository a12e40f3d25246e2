"""FeedbackAPI's reads: what a token sees, list filters and pages, and single records.

Lists and retrievals never show a deleted record; a client account's token sees its
own account's records only (see :mod:`survey_sandbox.feedbackapi.store` for the tables).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey_sandbox.feedbackapi.store import Scope

# What a token may see of each kind, as a row source aliased ``r``.
_VISIBLE: Mapping[str, str] = {
    "accounts": """SELECT r.*,
        (SELECT COUNT(*) FROM feedbackapi_locations l
            WHERE l.account_id = r.id AND l.deleted = 0) AS active_locations,
        (SELECT COUNT(*) FROM feedbackapi_users u
            WHERE u.account_id = r.id AND u.deleted = 0 AND u.status = 'active') AS active_users
        FROM feedbackapi_accounts r
        WHERE r.deleted = 0 AND (:account IS NULL OR r.id = :account)""",
    "locations": """SELECT r.* FROM feedbackapi_locations r
        WHERE r.deleted = 0 AND (:account IS NULL OR r.account_id = :account)""",
    "customers": """SELECT r.* FROM feedbackapi_customers r
        WHERE r.deleted = 0 AND (:account IS NULL OR EXISTS (
            SELECT 1 FROM feedbackapi_customer_locations cl
            JOIN feedbackapi_locations l ON l.id = cl.location_id
            WHERE cl.customer_id = r.id AND l.deleted = 0 AND l.account_id = :account))""",
    "reviews": """SELECT r.* FROM feedbackapi_reviews r
        WHERE :account IS NULL OR r.location IN
            (SELECT l.id FROM feedbackapi_locations l WHERE l.account_id = :account)""",
    "feedback": """SELECT r.* FROM feedbackapi_feedback r
        WHERE :account IS NULL OR r.location IN
            (SELECT l.id FROM feedbackapi_locations l WHERE l.account_id = :account)""",
    "feedback_requests": """SELECT r.*, f.id AS fb_id, f.created AS fb_created,
        f.type AS fb_type, f.nps_score AS fb_nps_score, f.star_rating AS fb_star_rating,
        f.happy AS fb_happy, f.comments AS fb_comments, f.platform_name AS fb_platform_name,
        f.subscriber AS fb_subscriber, f.subscriber_name AS fb_subscriber_name,
        f.subscriber_email AS fb_subscriber_email, f.location AS fb_location,
        f.campaign AS fb_campaign, f.campaign_step AS fb_campaign_step
        FROM feedbackapi_feedback_requests r
        LEFT JOIN feedbackapi_feedback f ON f.feedback_request = r.id
        WHERE :account IS NULL OR r.location IN
            (SELECT l.id FROM feedbackapi_locations l WHERE l.account_id = :account)""",
    "users": """SELECT r.* FROM feedbackapi_users r
        WHERE r.deleted = 0 AND r.status = 'active'
          AND (:account IS NULL OR r.account_id = :account)""",
}


# The columns of each kind that lists may filter and sort on, as SQL over the source.
_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "accounts": {"created": "s.created", "name": "s.name", "active": "s.active"},
    "locations": {
        "created": "s.created",
        "name": "s.name",
        "postal_code": "s.postal_code",
        "country_code": "s.country_code",
    },
    "customers": {
        "created": "s.created",
        "email": "lower(s.email)",
        "mobile_number": "ltrim(s.mobile_number, '+')",
        "fname": "s.fname",
        "sname": "s.sname",
        "country_code": "s.country_code",
        "invalid": "s.invalid",
        "opt_out": "s.opt_out",
    },
    "reviews": {
        "created": "s.created",
        "location": "s.location",
        "platform": "s.platform",
        "rating": "s.rating",
    },
    "feedback": {
        "created": "s.created",
        "type": "s.type",
        "nps_score": "s.nps_score",
        "star_rating": "s.star_rating",
        "happy": "s.happy",
        "subscriber": "s.subscriber",
        "location": "s.location",
        "campaign": "s.campaign",
        "campaign_step": "s.campaign_step",
    },
    "feedback_requests": {
        "created": "s.created",
        "due": "s.due",
        "updated": "s.updated",
        "subscriber": "s.subscriber",
        "template": "s.template",
        "location": "s.location",
        "message_opened": "s.message_opened",
        "message_clicked": "s.message_clicked",
        "message_bounced": "s.message_bounced",
        "spam_complaint": "s.spam_complaint",
    },
    "users": {"created": "s.created", "name": "s.name", "type": "s.type"},
}


_OPERATORS = ("=", ">=", "<=", ">", "<")


@dataclass(frozen=True)
class Condition:
    """One list filter: a column of :data:`_COLUMNS`, ``=``/``>=``/``<=``/``>``/``<``, a value."""

    column: str
    operator: str
    value: object


@dataclass(frozen=True)
class ListQuery:
    """Which rows of a kind a list request wants, in which order, and which page."""

    conditions: tuple[Condition, ...]
    sort_column: str
    descending: bool
    limit: int
    offset: int
    #: Count every record the token sees, not only those matching the filters (the other
    #: reading of ``total_count``, "the total number of records available").
    total_unfiltered: bool = False


def scope_of(connection: sqlite3.Connection, token: str) -> Scope | None:
    """Return what a token sees, or ``None`` for an unknown token (or a removed account's)."""
    row = connection.execute(
        """SELECT t.account_id, a.deleted FROM feedbackapi_tokens t
        LEFT JOIN feedbackapi_accounts a ON a.id = t.account_id WHERE t.token = ?""",
        (token,),
    ).fetchone()
    if row is None or row["deleted"]:
        return None
    return Scope(row["account_id"])


class ListTotals:
    """Totals of list requests, kept until the database changes.

    A total is a count of every matching row, so counting it again for each page makes
    reading a long list quadratic: a client paging through 200,000 customers would
    count them 2,000 times. A total is reused while the connection has changed no row
    (``total_changes``) and no other connection has committed (``data_version``). Used
    under the store's lock, as every request is.
    """

    def __init__(self) -> None:
        """Start with no totals."""
        self._generation: tuple[int, int] | None = None
        self._totals: dict[tuple[str, str | None, tuple[Condition, ...]], int] = {}

    def get(
        self, connection: sqlite3.Connection, key: tuple[str, str | None, tuple[Condition, ...]]
    ) -> int | None:
        """Return the total remembered for ``key``, if the data is still the same."""
        generation = (
            connection.total_changes,
            int(connection.execute("PRAGMA data_version").fetchone()[0]),
        )
        if generation != self._generation:
            self._generation = generation
            self._totals.clear()
        return self._totals.get(key)

    def put(self, key: tuple[str, str | None, tuple[Condition, ...]], total: int) -> None:
        """Remember a total counted under the current generation."""
        self._totals[key] = total


def list_records(
    connection: sqlite3.Connection,
    kind: str,
    scope: Scope,
    query: ListQuery,
    totals: ListTotals | None = None,
) -> tuple[int, list[sqlite3.Row]]:
    """Count the visible records matching the filters and return the requested page.

    Rows are ordered by the sort column, then by insertion order in the same direction,
    so pages never overlap. With ``totals``, a total counted for an earlier page of the
    same list over the same data is reused.
    """
    columns = _COLUMNS[kind]
    clauses = []
    params: dict[str, object] = {"account": scope.account}
    for number, condition in enumerate(query.conditions):
        if condition.operator not in _OPERATORS:
            raise ValueError(f"unknown operator {condition.operator}")
        clauses.append(f"{columns[condition.column]} {condition.operator} :value_{number}")
        params[f"value_{number}"] = condition.value
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    source = f"FROM ({_VISIBLE[kind]}) s{where}"
    counted = f"FROM ({_VISIBLE[kind]}) s" if query.total_unfiltered else source
    key = (kind, scope.account, () if query.total_unfiltered else query.conditions)
    total = totals.get(connection, key) if totals is not None else None
    if total is None:
        total = int(connection.execute(f"SELECT COUNT(*) {counted}", params).fetchone()[0])
        if totals is not None:
            totals.put(key, total)
    direction = "DESC" if query.descending else "ASC"
    order = f"{columns[query.sort_column]} {direction}, s.seq {direction}"
    rows = connection.execute(
        f"SELECT s.* {source} ORDER BY {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": query.limit, "offset": query.offset},
    ).fetchall()
    return total, rows


def get_record(
    connection: sqlite3.Connection, kind: str, scope: Scope, record_id: str
) -> sqlite3.Row | None:
    """Return one visible record of a kind by public id, or ``None``."""
    row: sqlite3.Row | None = connection.execute(
        f"SELECT s.* FROM ({_VISIBLE[kind]}) s WHERE s.id = :id",  # noqa: S608 - fixed SQL
        {"account": scope.account, "id": record_id},
    ).fetchone()
    return row


def locations_of(
    connection: sqlite3.Connection, customer_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Map each given customer to its active locations' ids, in the order they were added."""
    rows = connection.execute(
        """SELECT cl.customer_id, cl.location_id FROM feedbackapi_customer_locations cl
        JOIN feedbackapi_locations l ON l.id = cl.location_id AND l.deleted = 0
        WHERE cl.customer_id IN (SELECT value FROM json_each(?))
        ORDER BY cl.customer_id, cl.position""",
        (json.dumps(list(customer_ids)),),
    )
    result: dict[str, list[str]] = {customer_id: [] for customer_id in customer_ids}
    for row in rows:
        result[row["customer_id"]].append(row["location_id"])
    return result


def customers_with_contact(
    connection: sqlite3.Connection, scope: Scope, email: str | None, mobile: str | None
) -> list[sqlite3.Row]:
    """Return the token's customers with that email (any case) or mobile number.

    Deleted customers count too, after the active ones; within each, oldest first.
    """
    return connection.execute(
        """SELECT c.* FROM feedbackapi_customers c
        WHERE (lower(c.email) = lower(:email) OR c.mobile_number = :mobile)
          AND (:account IS NULL OR EXISTS (
            SELECT 1 FROM feedbackapi_customer_locations cl
            JOIN feedbackapi_locations l ON l.id = cl.location_id
            WHERE cl.customer_id = c.id AND l.account_id = :account))
        ORDER BY c.deleted, c.seq""",
        {"email": email, "mobile": mobile, "account": scope.account},
    ).fetchall()


def template(connection: sqlite3.Connection, template_id: str) -> sqlite3.Row | None:
    """Return a message template (``id``, ``name``, ``type``), or ``None``."""
    row: sqlite3.Row | None = connection.execute(
        "SELECT id, name, type FROM feedbackapi_templates WHERE id = ?", (template_id,)
    ).fetchone()
    return row


def user_with_email(connection: sqlite3.Connection, scope: Scope, email: str) -> sqlite3.Row | None:
    """Return the token's active or pending user with that email (any case), or ``None``."""
    row: sqlite3.Row | None = connection.execute(
        """SELECT * FROM feedbackapi_users
        WHERE deleted = 0 AND lower(email) = lower(:email) AND account_id IS :account""",
        {"email": email, "account": scope.account},
    ).fetchone()
    return row


def any_user(connection: sqlite3.Connection, user_id: str) -> sqlite3.Row:
    """Return a user by id whatever its status (the invitation answer shows pending ones).

    Raises:
        KeyError: When no user has that id.
    """
    row: sqlite3.Row | None = connection.execute(
        "SELECT * FROM feedbackapi_users WHERE id = ?", (user_id,)
    ).fetchone()
    if row is None:
        raise KeyError(user_id)
    return row


def request_has_feedback(connection: sqlite3.Connection, request_id: str) -> bool:
    """Tell whether feedback was already left through a feedback request."""
    row = connection.execute(
        "SELECT 1 FROM feedbackapi_feedback WHERE feedback_request = ?", (request_id,)
    ).fetchone()
    return row is not None
