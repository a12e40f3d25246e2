"""The names, places and texts FeedbackAPI's seed draws its records from.

Fixed tables, so that the same seed always gives the same records; names carry accents
and letters beyond ASCII, as a European client's customers do.
"""

from __future__ import annotations

from dataclasses import dataclass

ACCOUNT_NAMES = (
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


VENUES = ("Kahvila", "Café", "Bistro", "Bäckerei", "Deli", "Ølbar", "Pâtisserie", "Studio")


@dataclass(frozen=True)
class Place:
    """A country with a city, street names and how its phone and postal numbers look."""

    country: str
    dial: str
    city: str
    region: str
    streets: tuple[str, ...]
    districts: tuple[str, ...]
    postal: str


PLACES = (
    Place(
        "FI",
        "+35840",
        "Helsinki",
        "Uusimaa",
        ("Mannerheimintie", "Fredrikinkatu", "Hämeentie"),
        ("Töölö", "Kallio", "Kämp"),
        "00{:03d}",
    ),
    Place(
        "SE",
        "+4670",
        "Göteborg",
        "Västra Götaland",
        ("Kungsgatan", "Östra Hamngatan"),
        ("Haga", "Majorna"),
        "41{:03d}",
    ),
    Place(
        "DE",
        "+49151",
        "München",
        "Bayern",
        ("Maximilianstraße", "Leopoldstraße"),
        ("Schwabing", "Au-Haidhausen"),
        "80{:03d}",
    ),
    Place(
        "GB",
        "+447700",
        "London",
        "Greater London",
        ("Albert Embankment", "Baker Street"),
        ("Lambeth", "Marylebone"),
        "SE1 {:03d}",
    ),
    Place(
        "US",
        "+1415555",
        "San Francisco",
        "CA",
        ("Valencia Street", "Market Street"),
        ("Mission", "SoMa"),
        "94{:03d}",
    ),
    Place(
        "ES",
        "+34612",
        "A Coruña",
        "Galicia",
        ("Rúa Real", "Calle San Andrés"),
        ("Orzán", "Monte Alto"),
        "15{:03d}",
    ),
)


FIRST_NAMES = (
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


LAST_NAMES = (
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


DOMAINS = ("example.com", "example.net", "example.org")


# (id, name, URL host, half stars): platforms reviews are collected from.
REVIEW_PLATFORMS = (
    ("gO4r1e", "Google", "google", False),
    ("tR1pAd", "Tripadvisor", "tripadvisor", False),
    ("tRu5tP", "Trustpilot", "trustpilot", False),
    ("bK9cOm", "Booking.com", "booking", True),
)


REVIEW_TITLES = (
    "Paras kahvila Töölössä!",
    "Wunderbar, wir kommen wieder",
    "Great coffee ☕ and friendly staff",
    "Un lugar precioso",
    "Trevligt men dyrt",
    "Disappointing visit",
)


REVIEW_TEXTS = (
    "Palvelu oli ystävällistä ja kahvi erinomaista.",
    "Das Frühstück war lecker, nur die Wartezeit war etwas lang.",
    "Lovely atmosphere, we will definitely be back.",
    "La tortilla estaba perfecta, el servicio un poco lento.",
    "Kaffet var gott men bullarna var torra.",
    "The order was wrong and nobody apologised.",
    "Service impeccable, merci à toute l'équipe !",
)


NEGATIVE_COMMENTS = (
    "I guess I was expecting more. A disappointing experience",
    "Odotin pidempään kuin luvattiin.",
    "Kaffet var kallt när det kom.",
    "Das Personal war unfreundlich.",
    "La comida llegó fría.",
    "Service trop lent à la caisse.",
)


BOUNCE_REASONS = ("Mailbox does not exist", "Mailbox full", "Domain not found")


# (campaign id, its step ids): campaigns that send feedback requests on their own.
CAMPAIGNS = (
    ("cmP01a", ("stP01a", "stP01b")),
    ("cmP02b", ("stP02a", "stP02b", "stP02c")),
    ("cmP03c", ("stP03a",)),
)
