"""Deterministic FeedbackAPI data for every resource the API serves.

Client accounts, locations, customers, reviews, feedback, feedback requests and users.

Everything derives from one seed and one size, and every timestamp lies on fixed calendar
dates (2024-01-01 to 2025-12-31), so the same seed and size always give the same records.

Counts for size ``N``: ``N`` customers, ``N`` reviews, ``N`` feedback requests and ``N``
feedback (the feedback left through requests plus campaign feedback to make up ``N``);
``3 + N // 100`` client accounts, ``3 + N // 10`` locations and ``2 + N // 20`` users,
spread over the accounts in turn, so even ``N = 0`` leaves a few of those.

Tokens (HTTP Basic user name, empty password):

- ``sandbox-feedbackapi-token``: the agency; sees every client account's data.
- ``sandbox-feedbackapi-client-token``: the client account "Pohjolan Kahvila Oy" (the
  oldest account); sees that account, its locations and users, the customers attached to
  its locations and the reviews, feedback and feedback requests of its locations.

Message templates (for creating feedback requests): ``em41Lt`` and ``em42Rv`` (email),
``sm51Kx`` and ``sm52Pq`` (SMS).

Relations hold as in a live account: records are created after what they refer to,
feedback requests reach customers on a channel they have, bounces mark the customer
invalid, spam complaints opt it out, and ``last_sms``/``last_email`` are the latest
messages actually sent.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass

from survey_sandbox.feedbackapi import store as feedbackapi_store
from survey_sandbox.feedbackapi.people import (
    CLIENT_ACCOUNT_NAME,
    DAY,
    HOUR,
    MINUTE,
    SEED_END,
    Account,
    Customer,
    Location,
    ascii_fold,
    chance,
    draw_accounts,
    draw_customers,
    draw_locations,
    full_name,
    later,
)
from survey_sandbox.feedbackapi.samples import (
    BOUNCE_REASONS,
    CAMPAIGNS,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    NEGATIVE_COMMENTS,
    REVIEW_PLATFORMS,
    REVIEW_TEXTS,
    REVIEW_TITLES,
)

FEEDBACKAPI_TOKEN = "sandbox-feedbackapi-token"  # noqa: S105 - public sandbox token
FEEDBACKAPI_CLIENT_TOKEN = "sandbox-feedbackapi-client-token"  # noqa: S105 - public sandbox token

EMAIL_TEMPLATES = ("em41Lt", "em42Rv")
SMS_TEMPLATES = ("sm51Kx", "sm52Pq")
_TEMPLATES = (
    (EMAIL_TEMPLATES[0], "Thank you for visiting (email)", "email"),
    (EMAIL_TEMPLATES[1], "How did we do? (email)", "email"),
    (SMS_TEMPLATES[0], "Thank you for visiting (SMS)", "sms"),
    (SMS_TEMPLATES[1], "Quick question (SMS)", "sms"),
)


_NPS_DETRACTOR = 6  # NPS scores up to this one are negative feedback
_UNHAPPY_STARS = 3  # star ratings up to this one are negative feedback


@dataclass
class _Feedback:
    """Feedback left by a customer (or anonymously) at a location."""

    created: int
    values: dict[str, object]
    customer: Customer | None
    location: Location
    campaign: str | None = None
    campaign_step: str | None = None
    request: _Request | None = None


@dataclass
class _Request:
    """A stand-alone feedback request and how far it got."""

    created: int
    due: int
    customer: Customer
    location: Location
    template: str
    type: str
    updated: int
    opened: bool = False
    clicked: bool = False
    bounce_reason: str | None = None
    spam: bool = False
    id: str = ""


def _feedback_values(rng: random.Random) -> dict[str, object]:
    """Draw one piece of feedback: its type, score and, when negative, a comment."""
    kind = rng.choice(("nps", "nps", "nps", "star-rating", "star-rating", "happy"))
    nps = stars = happy = None
    if kind == "nps":
        nps = rng.choice((0, 2, 4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 10))
        negative = nps <= _NPS_DETRACTOR
    elif kind == "star-rating":
        stars = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        negative = stars <= _UNHAPPY_STARS
    else:
        happy = chance(rng, 0.7)
        negative = not happy
    comments = rng.choice(NEGATIVE_COMMENTS) if negative and chance(rng, 0.7) else None
    clicked_platform = not negative and chance(rng, 0.5)
    return {
        "type": kind,
        "nps_score": nps,
        "star_rating": stars,
        "happy": happy,
        "comments": comments,
        "platform_name": rng.choice(REVIEW_PLATFORMS)[1] if clicked_platform else None,
    }


def _email_events(rng: random.Random, request: _Request) -> int | None:
    """Draw what happened to an email: a bounce, an open, a spam complaint; return the click."""
    if chance(rng, 0.03):
        request.bounce_reason = rng.choice(BOUNCE_REASONS)
        return None
    opened_at = later(rng, request.due, MINUTE, 2 * DAY) if chance(rng, 0.55) else None
    if opened_at is None:
        request.spam = chance(rng, 0.02)
        return None
    request.opened = True
    request.updated = max(request.updated, opened_at)
    return later(rng, opened_at, 10, HOUR) if chance(rng, 0.6) else None


def _request(rng: random.Random, customer: Customer) -> tuple[_Request, _Feedback | None]:
    """Draw one feedback request to a customer, its events and any feedback left.

    ``updated`` ends at the latest of creation, sending (``due``), opening, clicking and
    leaving feedback, as the document defines it.
    """
    created = rng.randint(customer.created, SEED_END)
    due = created
    if chance(rng, 0.25):
        due = later(rng, created, HOUR, 3 * DAY) or created
    if customer.email and (customer.mobile is None or chance(rng, 0.6)):
        channel, template = "email", rng.choice(EMAIL_TEMPLATES)
    else:
        channel, template = "sms", rng.choice(SMS_TEMPLATES)
    suppressed = chance(rng, 0.04)
    request = _Request(
        created=created,
        due=due,
        customer=customer,
        location=rng.choice(customer.locations),
        template=template,
        type="suppressed" if suppressed else channel,
        updated=due,
    )
    clicked_at = None
    if request.type == "email":
        clicked_at = _email_events(rng, request)
    elif request.type == "sms" and chance(rng, 0.35):
        clicked_at = later(rng, due, MINUTE, DAY)
    if clicked_at is None:
        return request, None
    request.clicked = True
    request.updated = clicked_at
    left_at = later(rng, clicked_at, 30, 20 * MINUTE) if chance(rng, 0.75) else None
    if left_at is None:
        return request, None
    request.updated = left_at
    feedback = _Feedback(left_at, _feedback_values(rng), customer, request.location)
    feedback.request = request
    return request, feedback


def _note_request(request: _Request) -> None:
    """Carry a request's outcome over to its customer: last message, invalid, opted out."""
    customer = request.customer
    if request.type == "email":
        customer.last_email = max(customer.last_email or 0, request.due)
    elif request.type == "sms":
        customer.last_sms = max(customer.last_sms or 0, request.due)
    customer.invalid = customer.invalid or request.bounce_reason is not None
    customer.opt_out = customer.opt_out or request.spam


def _campaign_feedback(
    rng: random.Random, customers: list[Customer], locations: list[Location]
) -> _Feedback:
    """Draw feedback that a campaign collected; a tenth of it is anonymous (kiosk pages)."""
    campaign, steps = rng.choice(CAMPAIGNS)
    customer = rng.choice(customers) if chance(rng, 0.9) else None
    if customer is None:
        location = rng.choice(locations)
        created = rng.randint(location.created, SEED_END)
    else:
        location = rng.choice(customer.locations)
        created = rng.randint(customer.created, SEED_END)
    return _Feedback(
        created, _feedback_values(rng), customer, location, campaign, rng.choice(steps)
    )


def _reviews(rng: random.Random, count: int, locations: list[Location]) -> list[dict[str, object]]:
    """Draw external reviews of the locations, oldest first."""
    reviews: list[tuple[int, dict[str, object]]] = []
    for _ in range(count):
        location = rng.choice(locations)
        created = rng.randint(location.created, SEED_END)
        platform_id, platform_name, host, halves = rng.choice(REVIEW_PLATFORMS)
        rating: float = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        if halves:
            rating = rng.randint(2, 10) / 2
        named = chance(rng, 0.9)
        reviewer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}."
        profile = f"https://{host}.sandbox.invalid/users/{rng.randint(10_000, 99_999)}"
        review: dict[str, object] = {
            "created": created,
            "title": rng.choice(REVIEW_TITLES) if chance(rng, 0.7) else None,
            "description": rng.choice(REVIEW_TEXTS),
            "location": location.id,
            "platform": platform_id,
            "platform_name": platform_name,
            "rating": rating,
            "url": f"https://{host}.sandbox.invalid/reviews/{rng.randint(10_000, 99_999)}",
            "reviewer_name": reviewer if named else None,
            "reviewer_image": profile + "/avatar.jpg" if named and chance(rng, 0.4) else None,
            "reviewer_url": profile if named and chance(rng, 0.4) else None,
        }
        reviews.append((created, review))
    reviews.sort(key=lambda pair: pair[0])
    return [review for _, review in reviews]


def _users(rng: random.Random, count: int, accounts: list[Account]) -> list[dict[str, object]]:
    """Draw active users, given to the accounts in turn; a fifth never signed in."""
    users: list[tuple[int, dict[str, object]]] = []
    for index in range(count):
        account = accounts[index % len(accounts)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        created = rng.randint(account.created, SEED_END)
        user: dict[str, object] = {
            "account_id": account.id,
            "created": created,
            "name": f"{first} {last}",
            "email": f"{ascii_fold(first)}.{ascii_fold(last)}.u{index}@{rng.choice(DOMAINS)}",
            "type": "standard" if chance(rng, 0.75) else "restricted",
            "status": "active",
            "last_access": rng.randint(created, SEED_END) if chance(rng, 0.8) else None,
        }
        users.append((created, user))
    users.sort(key=lambda pair: pair[0])
    return [user for _, user in users]


def _feedback_row(feedback: _Feedback) -> dict[str, object]:
    """Shape feedback for the store, with the customer's details as they were then."""
    customer = feedback.customer
    return {
        "created": feedback.created,
        **feedback.values,
        "subscriber": None if customer is None else customer.id,
        "subscriber_name": None if customer is None else full_name(customer),
        "subscriber_email": None if customer is None else customer.email,
        "location": feedback.location.id,
        "campaign": feedback.campaign,
        "campaign_step": feedback.campaign_step,
        "feedback_request": None if feedback.request is None else feedback.request.id,
    }


def populate(connection: sqlite3.Connection, *, seed: int, size: int) -> None:
    """Write the whole FeedbackAPI data set for ``seed`` and ``size`` into empty tables.

    Records of each kind get their ids in creation order, as a live system would have
    given them.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    accounts = draw_accounts(rng, 3 + size // 100)
    account_ids = feedbackapi_store.insert(
        connection,
        "accounts",
        [
            {
                "created": account.created,
                "name": account.name,
                "active": account.active,
                "verb": account.verb,
                "max_locations": account.limits[0],
                "max_users": account.limits[1],
                "max_campaigns": account.limits[2],
                "sms_allowance": account.limits[3],
            }
            for account in accounts
        ],
    )
    for account, account_id in zip(accounts, account_ids, strict=True):
        account.id = account_id
    feedbackapi_store.insert_catalogue(
        connection,
        _TEMPLATES,
        [
            (FEEDBACKAPI_TOKEN, "Sandbox agency token", None),
            (FEEDBACKAPI_CLIENT_TOKEN, f"{CLIENT_ACCOUNT_NAME} token", accounts[0].id),
        ],
    )
    locations = draw_locations(rng, 3 + size // 10, accounts)
    location_ids = feedbackapi_store.insert(
        connection,
        "locations",
        [
            {
                "account_id": location.account_id,
                "created": location.created,
                "name": location.name,
                "address_line_1": location.street,
                "address_line_2": location.second_line,
                "address_line_3": location.place.city,
                "postal_code": location.postal_code,
                "country_code": location.place.country,
                "review_profiles": json.dumps(location.review_profiles),
            }
            for location in locations
        ],
    )
    for location, location_id in zip(locations, location_ids, strict=True):
        location.id = location_id

    customers = draw_customers(rng, size, locations)
    requests = []
    feedback = []
    for _ in range(size):
        request, left = _request(rng, rng.choice(customers))
        requests.append(request)
        if left is not None:
            feedback.append(left)
    requests.sort(key=lambda request: request.created)
    for request in requests:
        _note_request(request)
    feedback.extend(
        _campaign_feedback(rng, customers, locations) for _ in range(size - len(feedback))
    )
    feedback.sort(key=lambda item: item.created)

    customer_ids = feedbackapi_store.insert(
        connection,
        "customers",
        [
            {
                "created": customer.created,
                "email": customer.email,
                "mobile_number": customer.mobile,
                "fname": customer.fname,
                "sname": customer.sname,
                "last_sms": customer.last_sms,
                "last_email": customer.last_email,
                "country_code": customer.country,
                "invalid": customer.invalid,
                "opt_out": customer.opt_out,
            }
            for customer in customers
        ],
    )
    for customer, customer_id in zip(customers, customer_ids, strict=True):
        customer.id = customer_id
    feedbackapi_store.link_locations(
        connection,
        [
            (customer.id, location.id, position)
            for customer in customers
            for position, location in enumerate(customer.locations, start=1)
        ],
    )
    request_ids = feedbackapi_store.insert(
        connection,
        "feedback_requests",
        [
            {
                "created": request.created,
                "due": request.due,
                "updated": request.updated,
                "subscriber": request.customer.id,
                "template": request.template,
                "location": request.location.id,
                "type": request.type,
                "message_opened": request.opened,
                "message_clicked": request.clicked,
                "message_bounced": request.bounce_reason is not None,
                "bounce_reason": request.bounce_reason,
                "spam_complaint": request.spam,
            }
            for request in requests
        ],
    )
    for request, request_id in zip(requests, request_ids, strict=True):
        request.id = request_id
    feedbackapi_store.insert(connection, "feedback", [_feedback_row(item) for item in feedback])
    feedbackapi_store.insert(connection, "reviews", _reviews(rng, size, locations))
    feedbackapi_store.insert(connection, "users", _users(rng, 2 + size // 20, accounts))
