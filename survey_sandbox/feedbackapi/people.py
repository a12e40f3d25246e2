"""FeedbackAPI's seeded client accounts, locations and customers: who the feedback is about.

Drawn by :mod:`survey_sandbox.feedbackapi.seed` before the requests, feedback, reviews and
users that refer to them; every instant lies between :data:`SEED_START` and :data:`SEED_END`.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from survey_sandbox.feedbackapi.samples import (
    ACCOUNT_NAMES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    VENUES,
    Place,
)
from survey_sandbox.timefmt import epoch_of

CLIENT_ACCOUNT_NAME = "Pohjolan Kahvila Oy"
"""The client account whose token the sandbox hands out."""

SEED_START = epoch_of(2024, 1, 1)


SEED_END = epoch_of(2026, 1, 1) - 1


MINUTE = 60


HOUR = 60 * MINUTE


DAY = 24 * HOUR


FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae"})


@dataclass
class Account:
    """A client account before it is stored."""

    created: int
    name: str
    active: bool
    verb: str
    limits: tuple[int | str | None, ...]
    id: str = ""


@dataclass
class Location:
    """A location, the account it belongs to and its country's conventions."""

    created: int
    account_id: str
    name: str
    place: Place
    street: str
    second_line: str | None
    postal_code: str
    review_profiles: list[str]
    id: str = ""


@dataclass
class Customer:
    """A customer; message stamps and flags are filled in from its feedback requests."""

    created: int
    email: str | None
    mobile: str | None
    fname: str | None
    sname: str | None
    country: str
    locations: list[Location]
    opt_out: bool
    invalid: bool = False
    last_sms: int | None = None
    last_email: int | None = None
    id: str = ""


def chance(rng: random.Random, probability: float) -> bool:
    """Draw whether an event of the given probability happens."""
    return rng.random() < probability


def ascii_fold(text: str) -> str:
    """Fold a name into lower-case ASCII for an email address (``Ødegård`` → ``odegard``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    folded = decomposed.encode("ascii", "ignore").decode("ascii")
    return "".join(character for character in folded.lower() if character.isalnum())


def later(rng: random.Random, start: int, low: int, high: int) -> int | None:
    """Draw an instant ``low``..``high`` seconds after ``start``; ``None`` past the seed end."""
    stamp = start + rng.randint(low, high)
    return stamp if stamp <= SEED_END else None


def draw_accounts(rng: random.Random, count: int) -> list[Account]:
    """Draw client accounts; the first, oldest one belongs to the client token."""
    accounts = [
        Account(
            epoch_of(2024, 1, 2) + 9 * HOUR,
            CLIENT_ACCOUNT_NAME,
            active=True,
            verb="visit",
            limits=(10, 5, 3, 2000),
        )
    ]
    for index in range(1, count):
        name = ACCOUNT_NAMES[(index - 1) % len(ACCOUNT_NAMES)]
        if index > len(ACCOUNT_NAMES):
            name = f"{name} {index // len(ACCOUNT_NAMES) + 1}"
        sms: int | str | None = rng.choice((100, 500, 2000, 5000, None))
        if sms is not None and chance(rng, 0.35):
            sms = str(sms)
        accounts.append(
            Account(
                rng.randint(epoch_of(2024, 1, 3), epoch_of(2024, 4, 1) - 1),
                name,
                active=chance(rng, 0.85),
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


def draw_locations(rng: random.Random, count: int, accounts: list[Account]) -> list[Location]:
    """Draw locations, given to the accounts in turn and opened after their account."""
    locations = []
    for index in range(count):
        account = accounts[index % len(accounts)]
        place = rng.choice(PLACES)
        district = rng.choice(place.districts)
        name = f"{rng.choice(VENUES)} {district}"
        slug = ascii_fold(name)
        profiles = [f"https://google.sandbox.invalid/maps/{slug}-{index}"]
        if chance(rng, 0.5):
            profiles.append(f"https://tripadvisor.sandbox.invalid/{slug}-{index}")
        locations.append(
            Location(
                created=rng.randint(account.created + DAY, epoch_of(2024, 7, 1)),
                account_id=account.id,
                name=name,
                place=place,
                street=f"{rng.choice(place.streets)} {rng.randint(1, 120)}",
                second_line=district if chance(rng, 0.7) else None,
                postal_code=place.postal.format(rng.randint(0, 999)),
                review_profiles=profiles,
            )
        )
    locations.sort(key=lambda location: location.created)
    return locations


def draw_customers(rng: random.Random, count: int, locations: list[Location]) -> list[Customer]:
    """Draw customers with unique emails and mobile numbers, at one or two locations."""
    customers = []
    for index in range(count):
        # Indices drawn with randrange are the draws choice() makes; the second location
        # is picked among the others without building a list of them per customer, which
        # made seeding quadratic in size.
        home = rng.randrange(len(locations))
        attached = [locations[home]]
        if len(locations) > 1 and chance(rng, 0.25):
            other = rng.randrange(len(locations) - 1)
            attached.append(locations[other + 1 if other >= home else other])
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        place = attached[0].place if chance(rng, 0.9) else rng.choice(PLACES)
        email = None
        if chance(rng, 0.85):
            email = f"{ascii_fold(first)}.{ascii_fold(last)}.{index}@{rng.choice(DOMAINS)}"
        mobile = None
        if email is None or chance(rng, 0.35):
            mobile = f"{place.dial}{(index * 7919 + 1234) % 10**6:06d}"
        has_fname = chance(rng, 0.9)
        earliest = max(location.created for location in attached) + HOUR
        customers.append(
            Customer(
                created=rng.randint(earliest, SEED_END),
                email=email,
                mobile=mobile,
                fname=first if has_fname else None,
                sname=last if has_fname and chance(rng, 0.95) else None,
                country=place.country,
                locations=attached,
                opt_out=chance(rng, 0.04),
            )
        )
    customers.sort(key=lambda customer: customer.created)
    return customers


def full_name(customer: Customer) -> str | None:
    """Join a customer's names as feedback shows them, or ``None`` without any."""
    names = [name for name in (customer.fname, customer.sname) if name]
    return " ".join(names) or None
