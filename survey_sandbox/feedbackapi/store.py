"""FeedbackAPI's tables and every SQL statement that reads or writes them.

Tables (timestamps are whole Unix seconds, UTC; flags are 0 or 1; every record table has
``seq``, the insertion order, and ``id``, the public six-character id derived from it):

- ``feedbackapi_accounts(seq, id, created, name, active, verb, account_template,
  max_locations, max_users, max_campaigns, sms_allowance, deleted)``: client accounts.
  The four limits have no declared type, so each keeps what it was given: an integer,
  a numeric string (as the document's update example echoes ``"2000"``) or ``NULL``.
- ``feedbackapi_tokens(token, name, account_id)``: API tokens; ``account_id`` ``NULL``
  sees every account, otherwise only that client account's data.
- ``feedbackapi_templates(id, name, type)``: message templates (``email`` or ``sms``).
- ``feedbackapi_locations(seq, id, account_id, created, name, address_line_1,
  address_line_2, address_line_3, postal_code, country_code, review_profiles, deleted)``;
  ``review_profiles`` is a JSON array of URLs.
- ``feedbackapi_customers(seq, id, created, email, mobile_number, fname, sname, last_sms,
  last_email, country_code, invalid, opt_out, deleted)``.
- ``feedbackapi_customer_locations(customer_id, location_id, position)``: the ordered
  ``locations`` of each customer.
- ``feedbackapi_reviews(seq, id, created, title, description, location, platform,
  platform_name, rating, url, reviewer_name, reviewer_image, reviewer_url)``.
- ``feedbackapi_feedback_requests(seq, id, created, due, updated, subscriber, template,
  location, type, message_opened, message_clicked, message_bounced, bounce_reason,
  spam_complaint, url_key)``.
- ``feedbackapi_feedback(seq, id, created, type, nps_score, star_rating, happy, comments,
  platform_name, subscriber, subscriber_name, subscriber_email, location, campaign,
  campaign_step, feedback_request)``; ``feedback_request`` links feedback left through a
  feedback request.
- ``feedbackapi_users(seq, id, account_id, created, name, email, type, status,
  last_access, invite_code, deleted)``.

Deleting a customer, location, account or user sets ``deleted``: the document says such
records become inactive, and a customer added again gets its old record back.
"""

from __future__ import annotations

import json
import sqlite3
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SCHEMA_VERSION = 2

TABLES = (
    "feedbackapi_feedback",
    "feedbackapi_feedback_requests",
    "feedbackapi_reviews",
    "feedbackapi_customer_locations",
    "feedbackapi_customers",
    "feedbackapi_users",
    "feedbackapi_tokens",
    "feedbackapi_locations",
    "feedbackapi_templates",
    "feedbackapi_accounts",
)

DDL = (
    """CREATE TABLE feedbackapi_accounts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        name TEXT NOT NULL,
        active INTEGER NOT NULL,
        verb TEXT NOT NULL,
        account_template TEXT,
        max_locations,
        max_users,
        max_campaigns,
        sms_allowance,
        deleted INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE feedbackapi_tokens (
        token TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        account_id TEXT REFERENCES feedbackapi_accounts (id)
    )""",
    """CREATE TABLE feedbackapi_templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('email', 'sms'))
    )""",
    """CREATE TABLE feedbackapi_locations (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT REFERENCES feedbackapi_accounts (id),
        created INTEGER NOT NULL,
        name TEXT NOT NULL,
        address_line_1 TEXT,
        address_line_2 TEXT,
        address_line_3 TEXT,
        postal_code TEXT,
        country_code TEXT NOT NULL,
        review_profiles TEXT NOT NULL DEFAULT '[]',
        deleted INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE feedbackapi_customers (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        email TEXT,
        mobile_number TEXT,
        fname TEXT,
        sname TEXT,
        last_sms INTEGER,
        last_email INTEGER,
        country_code TEXT,
        invalid INTEGER NOT NULL DEFAULT 0,
        opt_out INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX feedbackapi_customers_email ON feedbackapi_customers (email COLLATE NOCASE)",
    "CREATE INDEX feedbackapi_customers_mobile ON feedbackapi_customers (mobile_number)",
    # Lists page with LIMIT/OFFSET in (created, seq) order, the taps' order: in an index
    # that holds the visibility flag too, rows before the page are skipped in the index,
    # without sorting the table or reading its rows, so a late page costs little more
    # than the first one (seq is the rowid, which every index ends with).
    "CREATE INDEX feedbackapi_customers_paging ON feedbackapi_customers (deleted, created)",
    """CREATE TABLE feedbackapi_customer_locations (
        customer_id TEXT NOT NULL REFERENCES feedbackapi_customers (id),
        location_id TEXT NOT NULL REFERENCES feedbackapi_locations (id),
        position INTEGER NOT NULL,
        PRIMARY KEY (customer_id, location_id)
    )""",
    """CREATE TABLE feedbackapi_reviews (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        title TEXT,
        description TEXT,
        location TEXT NOT NULL REFERENCES feedbackapi_locations (id),
        platform TEXT NOT NULL,
        platform_name TEXT,
        rating REAL,
        url TEXT,
        reviewer_name TEXT,
        reviewer_image TEXT,
        reviewer_url TEXT
    )""",
    "CREATE INDEX feedbackapi_reviews_paging ON feedbackapi_reviews (created)",
    """CREATE TABLE feedbackapi_feedback_requests (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        due INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        subscriber TEXT NOT NULL REFERENCES feedbackapi_customers (id),
        template TEXT NOT NULL REFERENCES feedbackapi_templates (id),
        location TEXT NOT NULL REFERENCES feedbackapi_locations (id),
        type TEXT NOT NULL,
        message_opened INTEGER NOT NULL DEFAULT 0,
        message_clicked INTEGER NOT NULL DEFAULT 0,
        message_bounced INTEGER NOT NULL DEFAULT 0,
        bounce_reason TEXT,
        spam_complaint INTEGER NOT NULL DEFAULT 0,
        url_key TEXT NOT NULL
    )""",
    "CREATE INDEX feedbackapi_requests_updated ON feedbackapi_feedback_requests (updated)",
    """CREATE TABLE feedbackapi_feedback (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL,
        type TEXT NOT NULL,
        nps_score INTEGER,
        star_rating INTEGER,
        happy INTEGER,
        comments TEXT,
        platform_name TEXT,
        subscriber TEXT REFERENCES feedbackapi_customers (id),
        subscriber_name TEXT,
        subscriber_email TEXT,
        location TEXT NOT NULL REFERENCES feedbackapi_locations (id),
        campaign TEXT,
        campaign_step TEXT,
        feedback_request TEXT UNIQUE REFERENCES feedbackapi_feedback_requests (id)
    )""",
    "CREATE INDEX feedbackapi_feedback_paging ON feedbackapi_feedback (created)",
    """CREATE TABLE feedbackapi_users (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT REFERENCES feedbackapi_accounts (id),
        created INTEGER NOT NULL,
        name TEXT,
        email TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        last_access INTEGER,
        invite_code TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    )""",
)

_INSERT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "accounts": (
        "created",
        "name",
        "active",
        "verb",
        "account_template",
        "max_locations",
        "max_users",
        "max_campaigns",
        "sms_allowance",
    ),
    "locations": (
        "account_id",
        "created",
        "name",
        "address_line_1",
        "address_line_2",
        "address_line_3",
        "postal_code",
        "country_code",
        "review_profiles",
    ),
    "customers": (
        "created",
        "email",
        "mobile_number",
        "fname",
        "sname",
        "last_sms",
        "last_email",
        "country_code",
        "invalid",
        "opt_out",
    ),
    "reviews": (
        "created",
        "title",
        "description",
        "location",
        "platform",
        "platform_name",
        "rating",
        "url",
        "reviewer_name",
        "reviewer_image",
        "reviewer_url",
    ),
    "feedback": (
        "created",
        "type",
        "nps_score",
        "star_rating",
        "happy",
        "comments",
        "platform_name",
        "subscriber",
        "subscriber_name",
        "subscriber_email",
        "location",
        "campaign",
        "campaign_step",
        "feedback_request",
    ),
    "feedback_requests": (
        "created",
        "due",
        "updated",
        "subscriber",
        "template",
        "location",
        "type",
        "message_opened",
        "message_clicked",
        "message_bounced",
        "bounce_reason",
        "spam_complaint",
    ),
    "users": (
        "account_id",
        "created",
        "name",
        "email",
        "type",
        "status",
        "last_access",
    ),
}

_UPDATE_COLUMNS: Mapping[str, frozenset[str]] = {
    "accounts": frozenset(
        ("name", "active", "max_locations", "max_users", "max_campaigns", "sms_allowance")
    ),
    "locations": frozenset(
        (
            "name",
            "address_line_1",
            "address_line_2",
            "address_line_3",
            "postal_code",
            "country_code",
            "review_profiles",
        )
    ),
    "customers": frozenset(
        (
            "email",
            "mobile_number",
            "fname",
            "sname",
            "country_code",
            "opt_out",
            "invalid",
            "deleted",
        )
    ),
    "feedback_requests": frozenset(
        (
            "updated",
            "message_opened",
            "message_clicked",
            "message_bounced",
            "bounce_reason",
            "spam_complaint",
        )
    ),
}

# Derived per-row keys, named after the id space they come from.
_DERIVED = {"feedback_requests": ("url_key", "request_url"), "users": ("invite_code", "invite")}

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

_ALPHABET = string.digits + string.ascii_lowercase + string.ascii_uppercase
_ID_LENGTH = 6
_ID_SPACE = len(_ALPHABET) ** _ID_LENGTH
_MULTIPLIER = 35_104_157_751  # coprime with 62, so each id space maps seq one-to-one
_OFFSETS = {
    "accounts": 30_417_702_011,
    "locations": 7_221_904_553,
    "customers": 45_018_339_007,
    "reviews": 12_345_678_901,
    "feedback": 51_937_004_119,
    "feedback_requests": 23_456_789_017,
    "users": 38_111_062_459,
    "request_url": 4_807_526_976,
    "invite": 17_711_028_657,
}


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


@dataclass(frozen=True)
class Scope:
    """What a token sees: every client account (``account`` ``None``) or one."""

    account: str | None


def public_id(space: str, seq: int) -> str:
    """Turn a row's ``seq`` into a six-character id, distinct within its id space.

    Ids look random, as the document's do (``gd7TdO``), but are a fixed permutation of
    the insertion order, so they are reproducible and never collide.
    """
    number = (seq * _MULTIPLIER + _OFFSETS[space]) % _ID_SPACE
    characters = []
    for _ in range(_ID_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        characters.append(_ALPHABET[digit])
    return "".join(reversed(characters))


def insert(
    connection: sqlite3.Connection, kind: str, rows: Sequence[Mapping[str, object]]
) -> list[str]:
    """Store rows of one kind in the given order, with the next ``seq``s; return their ids.

    Args:
        connection: Where to write.
        kind: The record kind, stored in ``feedbackapi_<kind>`` (e.g. ``customers``).
        rows: Values by column name; a column not given is stored as ``NULL``.
    """
    table = f"feedbackapi_{kind}"
    columns = ("seq", "id", *_INSERT_COLUMNS[kind])
    derived = _DERIVED.get(kind)
    if derived is not None:
        columns = (*columns, derived[0])
    largest = connection.execute(f"SELECT MAX(seq) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table name
    first = int(largest or 0) + 1
    ids = [public_id(kind, first + index) for index in range(len(rows))]
    values = []
    for index, row in enumerate(rows):
        seq = first + index
        record: dict[str, object] = {column: row.get(column) for column in columns}
        record["seq"] = seq
        record["id"] = ids[index]
        if derived is not None:
            record[derived[0]] = public_id(derived[1], seq)
        values.append(record)
    placeholders = ", ".join(f":{column}" for column in columns)
    connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - fixed names
        values,
    )
    return ids


def update(
    connection: sqlite3.Connection, kind: str, record_id: str, changes: Mapping[str, object]
) -> None:
    """Set some columns of one record; columns not named keep their values.

    Raises:
        KeyError: When a column may not be changed this way.
    """
    if not changes:
        return
    allowed = _UPDATE_COLUMNS[kind]
    unknown = set(changes) - allowed
    if unknown:
        raise KeyError(f"cannot update {sorted(unknown)} of {kind}")
    assignments = ", ".join(f"{column} = :{column}" for column in sorted(changes))
    connection.execute(
        f"UPDATE feedbackapi_{kind} SET {assignments} WHERE id = :record_id",  # noqa: S608 - whitelisted names
        {**changes, "record_id": record_id},
    )


def mark_deleted(connection: sqlite3.Connection, kind: str, record_id: str) -> None:
    """Make a customer, location, account or user inactive (hidden from the API)."""
    if kind not in ("customers", "locations", "accounts", "users"):
        raise KeyError(f"{kind} cannot be deleted")
    connection.execute(
        f"UPDATE feedbackapi_{kind} SET deleted = 1 WHERE id = ?",  # noqa: S608 - fixed names
        (record_id,),
    )


def insert_catalogue(
    connection: sqlite3.Connection,
    templates: Iterable[tuple[str, str, str]],
    tokens: Iterable[tuple[str, str, str | None]],
) -> None:
    """Store the fixed message templates and the tokens.

    Args:
        connection: Where to write.
        templates: ``(id, name, type)`` triples.
        tokens: ``(token, name, account_id)`` triples; the accounts must exist already.
    """
    connection.executemany(
        "INSERT INTO feedbackapi_templates (id, name, type) VALUES (?, ?, ?)", templates
    )
    connection.executemany(
        "INSERT INTO feedbackapi_tokens (token, name, account_id) VALUES (?, ?, ?)", tokens
    )


def link_locations(connection: sqlite3.Connection, links: Iterable[tuple[str, str, int]]) -> None:
    """Attach customers to locations: ``(customer_id, location_id, position)`` triples."""
    connection.executemany(
        "INSERT INTO feedbackapi_customer_locations (customer_id, location_id, position)"
        " VALUES (?, ?, ?)",
        links,
    )


def add_locations(
    connection: sqlite3.Connection, customer_id: str, location_ids: Iterable[str]
) -> None:
    """Attach a customer to more locations, after its current ones; known ones are skipped."""
    for location_id in location_ids:
        connection.execute(
            """INSERT OR IGNORE INTO feedbackapi_customer_locations
                (customer_id, location_id, position)
            SELECT :customer, :location, COALESCE(MAX(position), 0) + 1
            FROM feedbackapi_customer_locations WHERE customer_id = :customer""",
            {"customer": customer_id, "location": location_id},
        )


def remove_locations(
    connection: sqlite3.Connection, customer_id: str, location_ids: Iterable[str]
) -> None:
    """Detach a customer from locations; ones it does not belong to are ignored."""
    connection.executemany(
        "DELETE FROM feedbackapi_customer_locations WHERE customer_id = ? AND location_id = ?",
        [(customer_id, location_id) for location_id in location_ids],
    )


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


def stamp_customer_after_message(
    connection: sqlite3.Connection, customer_id: str, channel: str, sent: int
) -> None:
    """Record that an ``sms`` or ``email`` message went to a customer at ``sent``."""
    column = {"sms": "last_sms", "email": "last_email"}[channel]
    connection.execute(
        f"UPDATE feedbackapi_customers SET {column} = MAX(COALESCE({column}, 0), :sent)"  # noqa: S608 - fixed names
        " WHERE id = :id",
        {"sent": sent, "id": customer_id},
    )
