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
import unicodedata
from dataclasses import dataclass

from survey_sandbox.feedbackapi import store as feedbackapi_store
from survey_sandbox.timefmt import epoch_of

FEEDBACKAPI_TOKEN = "sandbox-feedbackapi-token"  # noqa: S105 - public sandbox token
FEEDBACKAPI_CLIENT_TOKEN = "sandbox-feedbackapi-client-token"  # noqa: S105 - public sandbox token
CLIENT_ACCOUNT_NAME = "Pohjolan Kahvila Oy"

EMAIL_TEMPLATES = ("em41Lt", "em42Rv")
SMS_TEMPLATES = ("sm51Kx", "sm52Pq")
_TEMPLATES = (
    (EMAIL_TEMPLATES[0], "Thank you for visiting (email)", "email"),
    (EMAIL_TEMPLATES[1], "How did we do? (email)", "email"),
    (SMS_TEMPLATES[0], "Thank you for visiting (SMS)", "sms"),
    (SMS_TEMPLATES[1], "Quick question (SMS)", "sms"),
)

_SEED_START = epoch_of(2024, 1, 1)
_SEED_END = epoch_of(2026, 1, 1) - 1
_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

_ACCOUNT_NAMES = (
    "Björk & Søn ApS",
    "Müller Bäckerei GmbH",
    "Café Ñandú S.L.",
    "Żabka Kraków sp. z o.o.",
    "Crème de la Crème SARL",
    "Åre Fjällhotell AB",
    "São Paulo Óptica Ltda",
    "İstanbul Lezzet A.Ş.",
    "Ōsaka Rāmen KK",
)
_VENUES = ("Kahvila", "Café", "Bistro", "Bäckerei", "Deli", "Ølbar", "Pâtisserie", "Studio")


@dataclass(frozen=True)
class _Place:
    """A country with a city, street names and how its phone and postal numbers look."""

    country: str
    dial: str
    city: str
    region: str
    streets: tuple[str, ...]
    districts: tuple[str, ...]
    postal: str


_PLACES = (
    _Place(
        "FI",
        "+35840",
        "Helsinki",
        "Uusimaa",
        ("Mannerheimintie", "Fredrikinkatu", "Hämeentie"),
        ("Töölö", "Kallio", "Kämp"),
        "00{:03d}",
    ),
    _Place(
        "SE",
        "+4670",
        "Göteborg",
        "Västra Götaland",
        ("Kungsgatan", "Östra Hamngatan"),
        ("Haga", "Majorna"),
        "41{:03d}",
    ),
    _Place(
        "DE",
        "+49151",
        "München",
        "Bayern",
        ("Maximilianstraße", "Leopoldstraße"),
        ("Schwabing", "Au-Haidhausen"),
        "80{:03d}",
    ),
    _Place(
        "GB",
        "+447700",
        "London",
        "Greater London",
        ("Albert Embankment", "Baker Street"),
        ("Lambeth", "Marylebone"),
        "SE1 {:03d}",
    ),
    _Place(
        "US",
        "+1415555",
        "San Francisco",
        "CA",
        ("Valencia Street", "Market Street"),
        ("Mission", "SoMa"),
        "94{:03d}",
    ),
    _Place(
        "ES",
        "+34612",
        "A Coruña",
        "Galicia",
        ("Rúa Real", "Calle San Andrés"),
        ("Orzán", "Monte Alto"),
        "15{:03d}",
    ),
)

_FIRST_NAMES = (
    "Päivi",
    "Jürgen",
    "Zoë",
    "José",
    "Łukasz",
    "Siobhán",
    "Åsa",
    "Chloé",
    "Søren",
    "Ngozi",
    "Aiko",
    "Ömer",
    "Inês",
    "John",
)
_LAST_NAMES = (
    "Mäkinen",
    "Müller",
    "Ødegård",
    "García",
    "Wiśniewski",
    "Ó Briain",
    "Lindqvist",
    "Dubois",
    "Öztürk",
    "Smith",
    "Nakamura",
    "Kovačević",
)
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae"})
_DOMAINS = ("example.com", "example.net", "example.org")

# (id, name, URL host, half stars): platforms reviews are collected from.
_REVIEW_PLATFORMS = (
    ("gO4r1e", "Google", "google", False),
    ("tR1pAd", "Tripadvisor", "tripadvisor", False),
    ("tRu5tP", "Trustpilot", "trustpilot", False),
    ("bK9cOm", "Booking.com", "booking", True),
)
_REVIEW_TITLES = (
    "Paras kahvila Töölössä!",
    "Wunderbar, wir kommen wieder",
    "Great coffee ☕ and friendly staff",
    "Un lugar precioso",
    "Trevligt men dyrt",
    "Disappointing visit",
)
_REVIEW_TEXTS = (
    "Palvelu oli ystävällistä ja kahvi erinomaista.",
    "Das Frühstück war lecker, nur die Wartezeit war etwas lang.",
    "Lovely atmosphere, we will definitely be back.",
    "La tortilla estaba perfecta, el servicio un poco lento.",
    "Kaffet var gott men bullarna var torra.",
    "The order was wrong and nobody apologised.",
    "Service impeccable, merci à toute l'équipe !",
)
_NEGATIVE_COMMENTS = (
    "I guess I was expecting more. A disappointing experience",
    "Odotin pidempään kuin luvattiin.",
    "Kaffet var kallt när det kom.",
    "Das Personal war unfreundlich.",
    "La comida llegó fría.",
    "Service trop lent à la caisse.",
)
_NPS_DETRACTOR = 6  # NPS scores up to this one are negative feedback
_UNHAPPY_STARS = 3  # star ratings up to this one are negative feedback
_BOUNCE_REASONS = ("Mailbox does not exist", "Mailbox full", "Domain not found")

# (campaign id, its step ids): campaigns that send feedback requests on their own.
_CAMPAIGNS = (
    ("cmP01a", ("stP01a", "stP01b")),
    ("cmP02b", ("stP02a", "stP02b", "stP02c")),
    ("cmP03c", ("stP03a",)),
)


@dataclass
class _Account:
    """A client account before it is stored."""

    created: int
    name: str
    active: bool
    verb: str
    limits: tuple[int | str | None, ...]
    id: str = ""


@dataclass
class _Location:
    """A location, the account it belongs to and its country's conventions."""

    created: int
    account_id: str
    name: str
    place: _Place
    street: str
    second_line: str | None
    postal_code: str
    review_profiles: list[str]
    id: str = ""


@dataclass
class _Customer:
    """A customer; message stamps and flags are filled in from its feedback requests."""

    created: int
    email: str | None
    mobile: str | None
    fname: str | None
    sname: str | None
    country: str
    locations: list[_Location]
    opt_out: bool
    invalid: bool = False
    last_sms: int | None = None
    last_email: int | None = None
    id: str = ""


@dataclass
class _Feedback:
    """Feedback left by a customer (or anonymously) at a location."""

    created: int
    values: dict[str, object]
    customer: _Customer | None
    location: _Location
    campaign: str | None = None
    campaign_step: str | None = None
    request: _Request | None = None


@dataclass
class _Request:
    """A stand-alone feedback request and how far it got."""

    created: int
    due: int
    customer: _Customer
    location: _Location
    template: str
    type: str
    updated: int
    opened: bool = False
    clicked: bool = False
    bounce_reason: str | None = None
    spam: bool = False
    id: str = ""


def _chance(rng: random.Random, probability: float) -> bool:
    """Draw whether an event of the given probability happens."""
    return rng.random() < probability


def _ascii(text: str) -> str:
    """Fold a name into lower-case ASCII for an email address (``Ødegård`` → ``odegard``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    folded = decomposed.encode("ascii", "ignore").decode("ascii")
    return "".join(character for character in folded.lower() if character.isalnum())


def _later(rng: random.Random, start: int, low: int, high: int) -> int | None:
    """Draw an instant ``low``..``high`` seconds after ``start``; ``None`` past the seed end."""
    stamp = start + rng.randint(low, high)
    return stamp if stamp <= _SEED_END else None


def _accounts(rng: random.Random, count: int) -> list[_Account]:
    """Draw client accounts; the first, oldest one belongs to the client token."""
    accounts = [
        _Account(
            epoch_of(2024, 1, 2) + 9 * _HOUR,
            CLIENT_ACCOUNT_NAME,
            active=True,
            verb="visit",
            limits=(10, 5, 3, 2000),
        )
    ]
    for index in range(1, count):
        name = _ACCOUNT_NAMES[(index - 1) % len(_ACCOUNT_NAMES)]
        if index > len(_ACCOUNT_NAMES):
            name = f"{name} {index // len(_ACCOUNT_NAMES) + 1}"
        sms: int | str | None = rng.choice((100, 500, 2000, 5000, None))
        if sms is not None and _chance(rng, 0.35):
            sms = str(sms)
        accounts.append(
            _Account(
                rng.randint(epoch_of(2024, 1, 3), epoch_of(2024, 4, 1) - 1),
                name,
                active=_chance(rng, 0.85),
                verb=rng.choice(("use", "visit")),
                limits=(
                    rng.choice((1, 5, 10, None)),
                    rng.choice((1, 3, 10, None)),
                    rng.choice((1, 3, None)),
                    sms,
                ),
            )
        )
    accounts.sort(key=lambda account: account.created)
    return accounts


def _locations(rng: random.Random, count: int, accounts: list[_Account]) -> list[_Location]:
    """Draw locations, given to the accounts in turn and opened after their account."""
    locations = []
    for index in range(count):
        account = accounts[index % len(accounts)]
        place = rng.choice(_PLACES)
        district = rng.choice(place.districts)
        name = f"{rng.choice(_VENUES)} {district}"
        slug = _ascii(name)
        profiles = [f"https://google.sandbox.invalid/maps/{slug}-{index}"]
        if _chance(rng, 0.5):
            profiles.append(f"https://tripadvisor.sandbox.invalid/{slug}-{index}")
        locations.append(
            _Location(
                created=rng.randint(account.created + _DAY, epoch_of(2024, 7, 1)),
                account_id=account.id,
                name=name,
                place=place,
                street=f"{rng.choice(place.streets)} {rng.randint(1, 120)}",
                second_line=district if _chance(rng, 0.7) else None,
                postal_code=place.postal.format(rng.randint(0, 999)),
                review_profiles=profiles,
            )
        )
    locations.sort(key=lambda location: location.created)
    return locations


def _customers(rng: random.Random, count: int, locations: list[_Location]) -> list[_Customer]:
    """Draw customers with unique emails and mobile numbers, at one or two locations."""
    customers = []
    for index in range(count):
        # Indices drawn with randrange are the draws choice() makes; the second location
        # is picked among the others without building a list of them per customer, which
        # made seeding quadratic in size.
        home = rng.randrange(len(locations))
        attached = [locations[home]]
        if len(locations) > 1 and _chance(rng, 0.25):
            other = rng.randrange(len(locations) - 1)
            attached.append(locations[other + 1 if other >= home else other])
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        place = attached[0].place if _chance(rng, 0.9) else rng.choice(_PLACES)
        email = None
        if _chance(rng, 0.85):
            email = f"{_ascii(first)}.{_ascii(last)}.{index}@{rng.choice(_DOMAINS)}"
        mobile = None
        if email is None or _chance(rng, 0.35):
            mobile = f"{place.dial}{(index * 7919 + 1234) % 10**6:06d}"
        has_fname = _chance(rng, 0.9)
        earliest = max(location.created for location in attached) + _HOUR
        customers.append(
            _Customer(
                created=rng.randint(earliest, _SEED_END),
                email=email,
                mobile=mobile,
                fname=first if has_fname else None,
                sname=last if has_fname and _chance(rng, 0.95) else None,
                country=place.country,
                locations=attached,
                opt_out=_chance(rng, 0.04),
            )
        )
    customers.sort(key=lambda customer: customer.created)
    return customers


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
        happy = _chance(rng, 0.7)
        negative = not happy
    comments = rng.choice(_NEGATIVE_COMMENTS) if negative and _chance(rng, 0.7) else None
    clicked_platform = not negative and _chance(rng, 0.5)
    return {
        "type": kind,
        "nps_score": nps,
        "star_rating": stars,
        "happy": happy,
        "comments": comments,
        "platform_name": rng.choice(_REVIEW_PLATFORMS)[1] if clicked_platform else None,
    }


def _email_events(rng: random.Random, request: _Request) -> int | None:
    """Draw what happened to an email: a bounce, an open, a spam complaint; return the click."""
    if _chance(rng, 0.03):
        request.bounce_reason = rng.choice(_BOUNCE_REASONS)
        return None
    opened_at = _later(rng, request.due, _MINUTE, 2 * _DAY) if _chance(rng, 0.55) else None
    if opened_at is None:
        request.spam = _chance(rng, 0.02)
        return None
    request.opened = True
    request.updated = max(request.updated, opened_at)
    return _later(rng, opened_at, 10, _HOUR) if _chance(rng, 0.6) else None


def _request(rng: random.Random, customer: _Customer) -> tuple[_Request, _Feedback | None]:
    """Draw one feedback request to a customer, its events and any feedback left.

    ``updated`` ends at the latest of creation, sending (``due``), opening, clicking and
    leaving feedback, as the document defines it.
    """
    created = rng.randint(customer.created, _SEED_END)
    due = created
    if _chance(rng, 0.25):
        due = _later(rng, created, _HOUR, 3 * _DAY) or created
    if customer.email and (customer.mobile is None or _chance(rng, 0.6)):
        channel, template = "email", rng.choice(EMAIL_TEMPLATES)
    else:
        channel, template = "sms", rng.choice(SMS_TEMPLATES)
    suppressed = _chance(rng, 0.04)
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
    elif request.type == "sms" and _chance(rng, 0.35):
        clicked_at = _later(rng, due, _MINUTE, _DAY)
    if clicked_at is None:
        return request, None
    request.clicked = True
    request.updated = clicked_at
    left_at = _later(rng, clicked_at, 30, 20 * _MINUTE) if _chance(rng, 0.75) else None
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
    rng: random.Random, customers: list[_Customer], locations: list[_Location]
) -> _Feedback:
    """Draw feedback that a campaign collected; a tenth of it is anonymous (kiosk pages)."""
    campaign, steps = rng.choice(_CAMPAIGNS)
    customer = rng.choice(customers) if _chance(rng, 0.9) else None
    if customer is None:
        location = rng.choice(locations)
        created = rng.randint(location.created, _SEED_END)
    else:
        location = rng.choice(customer.locations)
        created = rng.randint(customer.created, _SEED_END)
    return _Feedback(
        created, _feedback_values(rng), customer, location, campaign, rng.choice(steps)
    )


def _reviews(rng: random.Random, count: int, locations: list[_Location]) -> list[dict[str, object]]:
    """Draw external reviews of the locations, oldest first."""
    reviews: list[tuple[int, dict[str, object]]] = []
    for _ in range(count):
        location = rng.choice(locations)
        created = rng.randint(location.created, _SEED_END)
        platform_id, platform_name, host, halves = rng.choice(_REVIEW_PLATFORMS)
        rating: float = rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        if halves:
            rating = rng.randint(2, 10) / 2
        named = _chance(rng, 0.9)
        reviewer = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)[0]}."
        profile = f"https://{host}.sandbox.invalid/users/{rng.randint(10_000, 99_999)}"
        review: dict[str, object] = {
            "created": created,
            "title": rng.choice(_REVIEW_TITLES) if _chance(rng, 0.7) else None,
            "description": rng.choice(_REVIEW_TEXTS),
            "location": location.id,
            "platform": platform_id,
            "platform_name": platform_name,
            "rating": rating,
            "url": f"https://{host}.sandbox.invalid/reviews/{rng.randint(10_000, 99_999)}",
            "reviewer_name": reviewer if named else None,
            "reviewer_image": profile + "/avatar.jpg" if named and _chance(rng, 0.4) else None,
            "reviewer_url": profile if named and _chance(rng, 0.4) else None,
        }
        reviews.append((created, review))
    reviews.sort(key=lambda pair: pair[0])
    return [review for _, review in reviews]


def _users(rng: random.Random, count: int, accounts: list[_Account]) -> list[dict[str, object]]:
    """Draw active users, given to the accounts in turn; a fifth never signed in."""
    users: list[tuple[int, dict[str, object]]] = []
    for index in range(count):
        account = accounts[index % len(accounts)]
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        created = rng.randint(account.created, _SEED_END)
        user: dict[str, object] = {
            "account_id": account.id,
            "created": created,
            "name": f"{first} {last}",
            "email": f"{_ascii(first)}.{_ascii(last)}.u{index}@{rng.choice(_DOMAINS)}",
            "type": "standard" if _chance(rng, 0.75) else "restricted",
            "status": "active",
            "last_access": rng.randint(created, _SEED_END) if _chance(rng, 0.8) else None,
        }
        users.append((created, user))
    users.sort(key=lambda pair: pair[0])
    return [user for _, user in users]


def _full_name(customer: _Customer) -> str | None:
    """Join a customer's names as feedback shows them, or ``None`` without any."""
    names = [name for name in (customer.fname, customer.sname) if name]
    return " ".join(names) or None


def _feedback_row(feedback: _Feedback) -> dict[str, object]:
    """Shape feedback for the store, with the customer's details as they were then."""
    customer = feedback.customer
    return {
        "created": feedback.created,
        **feedback.values,
        "subscriber": None if customer is None else customer.id,
        "subscriber_name": None if customer is None else _full_name(customer),
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
    accounts = _accounts(rng, 3 + size // 100)
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
    locations = _locations(rng, 3 + size // 10, accounts)
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

    customers = _customers(rng, size, locations)
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
