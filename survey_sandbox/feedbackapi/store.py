"""FeedbackAPI's tables and the SQL that writes them; reads are in ``queries``.

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
