"""FeedbackAPI's write rules: what creating and changing each kind of record checks and does.

The API handlers and the admin endpoints share these functions, so a record made by a
test looks exactly like one made through the API. Rules the document states:

- Customers are identified by email or mobile number: creating one whose email (any
  case) or mobile number a customer of the token already has updates that customer
  instead (a deleted one comes back with its old id); one of the two is required, and
  ``location`` is required and attached.
- Updates change only the fields sent; ``location_add``/``location_remove`` ignore
  locations already (not) attached.
- A feedback request needs a ``subscriber`` and a ``template``; ``due`` defaults to now;
  ``suppress_message`` makes its type ``suppressed`` and sends nothing (those rules, and
  feedback's and reviews', are in :mod:`survey_sandbox.feedbackapi.feedback`).
- Accounts need ``name``, ``active`` and ``verb`` (``use`` or ``visit``).
- Creating a user makes a pending user with an invite link; pending users are not listed.

Where the document is silent: a location ``id`` the token cannot see is a 400 naming the
parameter; a feedback request's ``location`` defaults to the customer's first location;
messages to opted-out customers, SMS to customers without a mobile number and email to
customers without an email fail with 402 (valid but failed), as does an email or mobile
number that would then belong to two customers, or inviting an active user again; a
customer created without ``country_code`` takes its location's.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Literal

from survey_sandbox.feedbackapi import fields, queries, store
from survey_sandbox.feedbackapi.fields import Body, FeedbackApiError
from survey_sandbox.feedbackapi.store import Scope

_NOUNS = {
    "accounts": "account",
    "locations": "location",
    "customers": "customer",
    "reviews": "review",
    "feedback": "feedback",
    "feedback_requests": "feedback request",
    "users": "user",
}
_TEXT_FIELDS = {
    "customers": ("fname", "sname"),
    "locations": ("address_line_1", "address_line_2", "address_line_3", "postal_code"),
}
Existing = Literal["update", "refuse", "duplicate"]
"""What creating a customer with a known email or mobile number does."""
_LIMITS = ("max_locations", "max_users", "max_campaigns", "sms_allowance")


def fetch(
    connection: sqlite3.Connection,
    kind: str,
    scope: Scope,
    record_id: str,
    param: str | None = None,
) -> sqlite3.Row:
    """Return a record the token can see.

    Args:
        connection: Where to read.
        kind: The record kind.
        scope: What the token sees.
        record_id: The public id.
        param: The body parameter that named the record, or ``None`` for the path.

    Raises:
        FeedbackApiError: 404 for an id in the path, 400 naming ``param`` for one in a body.
    """
    row = queries.get_record(connection, kind, scope, record_id)
    if row is None:
        noun = _NOUNS[kind]
        if param is None:
            raise FeedbackApiError(404, f"No such {noun}: '{record_id}'", "id")
        raise FeedbackApiError(400, f"No such {noun}: '{record_id}'", param)
    return row


def _contact_owner(
    connection: sqlite3.Connection,
    scope: Scope,
    email: str | None,
    mobile: str | None,
) -> sqlite3.Row | None:
    """Return the customer that has this email or mobile number, if any.

    Active customers take precedence over deleted ones with the same contact.

    Raises:
        FeedbackApiError: 402 when the email and the mobile number belong to two customers.
    """
    matches = queries.customers_with_contact(connection, scope, email, mobile)
    pool = [row for row in matches if not row["deleted"]] or matches
    if len({row["id"] for row in pool}) > 1:
        raise FeedbackApiError(
            402, "The email and the mobile number belong to two customers", "mobile_number"
        )
    return pool[0] if pool else None


def create_customer(
    connection: sqlite3.Connection,
    scope: Scope,
    body: Body,
    *,
    created: int,
    on_existing: Existing,
    takes_country: bool = True,
) -> str:
    """Create a customer, or update the one with the same email or mobile number.

    Args:
        connection: Where to write.
        scope: What the token sees; the location must be visible.
        body: ``email``/``mobile_number`` (one required), ``fname``, ``sname``,
            ``country_code`` and ``location`` (required).
        created: The creation time of a new customer.
        on_existing: What a known email or mobile number does: ``update`` that customer
            (the document's words), ``refuse`` with a 409 (the admin endpoint), or
            ``duplicate``: create a second customer with it (the other reading).
        takes_country: Whether ``country_code`` is read; when false it is ignored, as
            the document's argument list leaves it out (the other reading), and the
            customer takes its location's country.

    Returns:
        The id of the customer created or updated.

    Raises:
        FeedbackApiError: 400 for a missing or malformed field or an unknown location;
            402 when the email and the mobile number belong to two customers; 409 for an
            existing contact when refusing.
    """
    email = fields.email(body)
    mobile = fields.mobile(body)
    if email is None and mobile is None:
        raise FeedbackApiError(400, "Either 'email' or 'mobile_number' is required", "email")
    location_id = fields.text(body, "location", required=True) or ""
    location = fetch(connection, "locations", scope, location_id, "location")
    values: dict[str, object] = {
        name: fields.text(body, name) for name in _TEXT_FIELDS["customers"] if name in body
    }
    if "country_code" in body and takes_country:
        values["country_code"] = fields.country(body)
    existing = None
    if on_existing != "duplicate":
        existing = _contact_owner(connection, scope, email, mobile)
    if existing is not None and on_existing == "refuse":
        param = "email" if email is not None else "mobile_number"
        raise FeedbackApiError(409, "A customer with this email or mobile number exists", param)
    if existing is not None:
        values.update({"deleted": False, "email": email or existing["email"]})
        values["mobile_number"] = mobile or existing["mobile_number"]
        store.update(connection, "customers", existing["id"], values)
        store.add_locations(connection, existing["id"], [location["id"]])
        return str(existing["id"])
    values.setdefault("country_code", location["country_code"])
    row = {
        **values,
        "created": created,
        "email": email,
        "mobile_number": mobile,
        "invalid": False,
        "opt_out": False,
    }
    [customer_id] = store.insert(connection, "customers", [row])
    store.add_locations(connection, customer_id, [location["id"]])
    return customer_id


def update_customer(
    connection: sqlite3.Connection,
    scope: Scope,
    record: sqlite3.Row,
    body: Body,
    *,
    replaces: bool = False,
) -> None:
    """Change the customer's fields that were sent, and its locations.

    Args:
        connection: Where to write.
        scope: What the token sees.
        record: The customer.
        body: Any of the fields of a customer, ``location_add`` and ``location_remove``.
        replaces: The other reading: the update replaces the record, so ``fname``,
            ``sname`` and ``country_code`` not sent become null and ``opt_out`` false
            (contacts and locations stay).

    Raises:
        FeedbackApiError: 400 when no email or mobile number would be left or a location
            to add is unknown; 402 when the email or mobile number is another customer's.
    """
    changes: dict[str, object] = {
        name: fields.text(body, name) for name in _TEXT_FIELDS["customers"] if name in body
    }
    if replaces:
        changes = {"fname": None, "sname": None, "country_code": None, "opt_out": False, **changes}
    if "email" in body:
        changes["email"] = fields.email(body)
    if "mobile_number" in body:
        changes["mobile_number"] = fields.mobile(body)
    if "country_code" in body:
        changes["country_code"] = fields.country(body)
    if "opt_out" in body:
        changes["opt_out"] = fields.flag(body, "opt_out")
    email = changes.get("email", record["email"])
    mobile = changes.get("mobile_number", record["mobile_number"])
    if email is None and mobile is None:
        raise FeedbackApiError(400, "A customer needs an email or a mobile number", "email")
    for name in ("email", "mobile_number"):
        value = changes.get(name)
        if not isinstance(value, str):
            continue
        others = queries.customers_with_contact(
            connection,
            scope,
            value if name == "email" else None,
            value if name == "mobile_number" else None,
        )
        if any(row["id"] != record["id"] and not row["deleted"] for row in others):
            raise FeedbackApiError(402, f"Another customer has this {name}", name)
    adding = fields.id_list(body, "location_add") if "location_add" in body else []
    added = [fetch(connection, "locations", scope, item, "location_add")["id"] for item in adding]
    removing = fields.id_list(body, "location_remove") if "location_remove" in body else []
    store.update(connection, "customers", record["id"], changes)
    store.add_locations(connection, record["id"], added)
    store.remove_locations(connection, record["id"], removing)


def _profiles(body: Body) -> list[str]:
    """Read ``review_profile``: review page URLs to check for a location.

    Raises:
        FeedbackApiError: 400 when an item is not an http(s) URL.
    """
    urls = fields.id_list(body, "review_profile")
    if not all(url.startswith(("https://", "http://")) for url in urls):
        raise FeedbackApiError(400, "'review_profile' must be a list of URLs", "review_profile")
    return urls


def create_location(
    connection: sqlite3.Connection, body: Body, *, account: str | None, created: int
) -> str:
    """Create a location of a client account (``None``: the agency's own).

    Args:
        connection: Where to write.
        body: ``name`` and ``country_code`` (required), the address fields and
            ``review_profile``.
        account: The client account it belongs to.
        created: Its creation time.

    Returns:
        The new location's id.
    """
    row: dict[str, object] = {name: fields.text(body, name) for name in _TEXT_FIELDS["locations"]}
    row.update(
        {
            "account_id": account,
            "created": created,
            "name": fields.text(body, "name", required=True),
            "country_code": fields.country(body, required=True),
            "review_profiles": json.dumps(_profiles(body) if "review_profile" in body else []),
        }
    )
    [location_id] = store.insert(connection, "locations", [row])
    return location_id


def update_location(connection: sqlite3.Connection, record: sqlite3.Row, body: Body) -> None:
    """Change the location's fields that were sent; ``review_profile`` URLs are added."""
    changes: dict[str, object] = {
        name: fields.text(body, name) for name in _TEXT_FIELDS["locations"] if name in body
    }
    if "name" in body:
        changes["name"] = fields.text(body, "name", required=True)
    if "country_code" in body:
        changes["country_code"] = fields.country(body, required=True)
    if "review_profile" in body:
        known = json.loads(record["review_profiles"])
        added = [url for url in _profiles(body) if url not in known]
        changes["review_profiles"] = json.dumps([*known, *added])
    store.update(connection, "locations", record["id"], changes)


def _limits(body: Body, *, keep_text: bool) -> dict[str, object]:
    """Read the account limits that were sent."""
    return {
        name: fields.allowance(body, name, keep_text=keep_text) for name in _LIMITS if name in body
    }


def create_account(
    connection: sqlite3.Connection, body: Body, *, created: int, keep_text: bool
) -> str:
    """Create a client account.

    Args:
        connection: Where to write.
        body: ``name``, ``active`` and ``verb`` (required), ``account_template`` and the
            limits ``max_locations``, ``max_users``, ``max_campaigns``, ``sms_allowance``.
        created: Its creation time.
        keep_text: Keep numeric strings of limits as strings (JSON bodies).

    Returns:
        The new account's id.
    """
    name = fields.text(body, "name", required=True)
    if "active" not in body:
        raise FeedbackApiError(400, "'active' is required", "active")
    active = fields.flag(body, "active")
    verb = fields.text(body, "verb", required=True)
    if verb not in ("use", "visit"):
        raise FeedbackApiError(400, "'verb' must be use or visit", "verb")
    row = {
        **_limits(body, keep_text=keep_text),
        "created": created,
        "name": name,
        "active": active,
        "verb": verb,
        "account_template": fields.text(body, "account_template"),
    }
    [account_id] = store.insert(connection, "accounts", [row])
    return account_id


def update_account(
    connection: sqlite3.Connection, record_id: str, body: Body, *, keep_text: bool
) -> None:
    """Change the account's name, active flag and limits that were sent."""
    changes = _limits(body, keep_text=keep_text)
    if "name" in body:
        changes["name"] = fields.text(body, "name", required=True)
    if "active" in body:
        changes["active"] = fields.flag(body, "active")
    store.update(connection, "accounts", record_id, changes)


def invite_user(connection: sqlite3.Connection, scope: Scope, body: Body, *, created: int) -> str:
    """Create a pending user (or find the pending invitation again) for the token's account.

    ``send_invite`` is checked to be a boolean; the sandbox sends no email either way.

    Returns:
        The user's id, which the API does not show until the invitation is accepted.

    Raises:
        FeedbackApiError: 400 without a valid ``email``; 402 when that user is active.
    """
    email = fields.email(body)
    if email is None:
        raise FeedbackApiError(400, "'email' is required", "email")
    if "send_invite" in body:
        fields.flag(body, "send_invite")
    existing = queries.user_with_email(connection, scope, email)
    if existing is not None and existing["status"] == "active":
        raise FeedbackApiError(402, "A user with this email exists already", "email")
    if existing is not None:
        return str(existing["id"])
    row = {
        "account_id": scope.account,
        "created": created,
        "email": email,
        "type": "standard",
        "status": "pending",
    }
    [user_id] = store.insert(connection, "users", [row])
    return user_id


def create_user(connection: sqlite3.Connection, body: Body, *, created: int) -> str:
    """Create an active user directly, as if an invitation had been accepted (admin).

    Args:
        connection: Where to write.
        body: ``email`` (required), ``name``, ``type`` (``standard`` or ``restricted``),
            ``account`` (a client account id; absent: the agency's) and ``last_access``.
        created: Its creation time.

    Returns:
        The new user's id.
    """
    email = fields.email(body)
    if email is None:
        raise FeedbackApiError(400, "'email' is required", "email")
    kind = fields.text(body, "type") or "standard"
    if kind not in ("standard", "restricted"):
        raise FeedbackApiError(400, "'type' must be standard or restricted", "type")
    account = fields.text(body, "account")
    if account is not None:
        fetch(connection, "accounts", Scope(None), account, "account")
    row = {
        "account_id": account,
        "created": created,
        "name": fields.text(body, "name"),
        "email": email,
        "type": kind,
        "status": "active",
        "last_access": fields.instant(body, "last_access"),
    }
    [user_id] = store.insert(connection, "users", [row])
    return user_id
