"""Deterministic Hello Customer data: tokens, touchpoints, questions, respondents, responses.

Everything derives from one seed and one size; answer dates lie on fixed calendar dates
(2025-01-01 to 2025-12-31), so the same seed and size always give the same rows and a
client must walk the year in windows of at most 31 days to read it all.

Tokens (send as ``Authorization: basic <token>``) and their email touchpoints; the first
three GUIDs are the ones the vendor document's examples use, so those examples work as
written:

- ``sandbox-hellocustomer-token``:
  ``c8dc5f94-a9e8-4743-8744-e66a73a7e724`` "Store visit" (Dutch, French, English),
  ``1e82dea5-f254-4735-ba06-cfcccc756828`` "Customer service" (Dutch, English),
  ``f30f55f0-a770-4096-aa9f-8bc2a2aff25f`` "Webshop order" (Dutch, French).
- ``sandbox-hellocustomer-token-2``:
  ``5a0d3c7e-2b8f-4e61-9d47-8c1f0e6a9b32`` "Fitness club membership" (English, German).

Every survey asks five questions, by sort order: 1 an effort score (CES, 1 to 7), 2 open
text, 3 NPS (0 to 10), 4 yes/no, 5 multiple choice. Each touchpoint gets ``size``
responses; respondents carry the key values ``store`` and ``segment`` (each sometimes
missing), usable by the NPS filters.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey_sandbox.hellocustomer import store as hellocustomer_store
from survey_sandbox.hellocustomer.languages import language_by_iso
from survey_sandbox.hellocustomer.store import (
    ADDED_BY_SEED,
    KIND_BOOLEAN,
    KIND_CES,
    KIND_CHOICE,
    KIND_NPS,
    KIND_TEXT,
    AnswerDraft,
    Question,
    RespondentDraft,
    ResponseDraft,
    Survey,
    Touchpoint,
)
from survey_sandbox.timefmt import epoch_of

HELLOCUSTOMER_TOKEN = "sandbox-hellocustomer-token"  # noqa: S105 - public sandbox token
HELLOCUSTOMER_TOKEN_2 = "sandbox-hellocustomer-token-2"  # noqa: S105 - public sandbox token

TOUCHPOINT_STORE_VISIT = "c8dc5f94-a9e8-4743-8744-e66a73a7e724"
TOUCHPOINT_CUSTOMER_SERVICE = "1e82dea5-f254-4735-ba06-cfcccc756828"
TOUCHPOINT_WEBSHOP = "f30f55f0-a770-4096-aa9f-8bc2a2aff25f"
TOUCHPOINT_FITNESS = "5a0d3c7e-2b8f-4e61-9d47-8c1f0e6a9b32"

SORT_CES = 1
SORT_TEXT = 2
SORT_NPS = 3
SORT_BOOLEAN = 4
SORT_CHOICE = 5

_TOKENS = (
    (HELLOCUSTOMER_TOKEN, "Sandbox Retail NV"),
    (HELLOCUSTOMER_TOKEN_2, "Sandbox Fitness BV"),
)

# (GUID, token, name, ISO codes of its languages in order).
_TOUCHPOINTS = (
    (TOUCHPOINT_STORE_VISIT, HELLOCUSTOMER_TOKEN, "Store visit", ("nl", "fr", "en")),
    (TOUCHPOINT_CUSTOMER_SERVICE, HELLOCUSTOMER_TOKEN, "Customer service", ("nl", "en")),
    (TOUCHPOINT_WEBSHOP, HELLOCUSTOMER_TOKEN, "Webshop order", ("nl", "fr")),
    (TOUCHPOINT_FITNESS, HELLOCUSTOMER_TOKEN_2, "Fitness club membership", ("en", "de")),
)

# GUIDs of the vendor document's examples, keyed by (touchpoint, what, ISO code or "").
_DOCUMENT_GUIDS = {
    (TOUCHPOINT_CUSTOMER_SERVICE, "survey", "nl"): "535503b5-960a-4178-8ac5-d89a886b8085",
    (TOUCHPOINT_CUSTOMER_SERVICE, f"question {SORT_CES}", "nl"): (
        "9895902c-5138-4feb-9af9-d38093b7f54e"
    ),
    (TOUCHPOINT_CUSTOMER_SERVICE, f"question {SORT_TEXT}", "nl"): (
        "eb33bd3a-6eb0-4c9a-9121-08aee26851de"
    ),
    (TOUCHPOINT_CUSTOMER_SERVICE, f"sibling {SORT_CES}", ""): (
        "1f6cb28d-a553-4acc-beca-0b69d9a4ddd0"
    ),
    (TOUCHPOINT_CUSTOMER_SERVICE, f"sibling {SORT_TEXT}", ""): (
        "224dc951-3a62-4760-aa62-327d263b8261"
    ),
    (TOUCHPOINT_WEBSHOP, f"question {SORT_CES}", "nl"): "cfd52369-b323-4cf3-ba11-9acd0983b01d",
    (TOUCHPOINT_WEBSHOP, f"question {SORT_TEXT}", "nl"): "8dea4e28-9e0c-4e4f-92b0-04f50feb74cb",
}

_NAMESPACE = uuid.UUID("6d1f0c52-3b8e-4a7f-9e21-5c4b8a0d7f13")


@dataclass(frozen=True)
class _QuestionText:
    """One question of the catalogue: its sort order, kind, texts and options per language."""

    sort_order: int
    kind: str
    texts: Mapping[str, str]
    options: Mapping[str, tuple[str, ...]] | None = None


_QUESTIONS = (
    _QuestionText(
        SORT_CES,
        KIND_CES,
        {
            "nl": "In welke mate ben je het eens of oneens met volgende stelling:\n"
            "$_CompanyName_$ zorgde ervoor dat mijn probleem makkelijk behandeld kon worden.",
            "fr": "Dans quelle mesure êtes-vous d'accord avec l'affirmation suivante :\n"
            "$_CompanyName_$ a fait en sorte que mon problème soit facilement traité.",
            "en": "To what extent do you agree or disagree with the following statement:\n"
            "$_CompanyName_$ made it easy for me to handle my issue.",
            "de": "Inwieweit stimmen Sie der folgenden Aussage zu:\n"
            "$_CompanyName_$ hat dafür gesorgt, dass mein Anliegen einfach bearbeitet wurde.",
        },
    ),
    _QuestionText(
        SORT_TEXT,
        KIND_TEXT,
        {
            "nl": "Wat is de belangrijkste reden voor je score?",
            "fr": "Quelle est la principale raison de votre note ?",
            "en": "What is the main reason for your score?",
            "de": "Was ist der wichtigste Grund für Ihre Bewertung?",
        },
    ),
    _QuestionText(
        SORT_NPS,
        KIND_NPS,
        {
            "nl": "Hoe waarschijnlijk is het dat je $_CompanyName_$ aanbeveelt aan een vriend"
            " of collega?",
            "fr": "Quelle est la probabilité que vous recommandiez $_CompanyName_$ à un ami"
            " ou un collègue ?",
            "en": "How likely are you to recommend $_CompanyName_$ to a friend or colleague?",
            "de": "Wie wahrscheinlich ist es, dass Sie $_CompanyName_$ einem Freund oder"
            " Kollegen empfehlen?",
        },
    ),
    _QuestionText(
        SORT_BOOLEAN,
        KIND_BOOLEAN,
        {
            "nl": "Was dit je eerste bezoek?",
            "fr": "Était-ce votre première visite ?",
            "en": "Was this your first visit?",
            "de": "War das Ihr erster Besuch?",
        },
    ),
    _QuestionText(
        SORT_CHOICE,
        KIND_CHOICE,
        {
            "nl": "Waarover wil je ons meer vertellen?",
            "fr": "De quoi souhaitez-vous nous parler davantage ?",
            "en": "What would you like to tell us more about?",
            "de": "Worüber möchten Sie uns mehr erzählen?",
        },
        {
            "nl": ("Personeel", "Prijs", "Wachttijd", "Assortiment"),
            "fr": ("Personnel", "Prix", "Temps d'attente", "Assortiment"),
            "en": ("Staff", "Price", "Waiting time", "Product range"),
            "de": ("Personal", "Preis", "Wartezeit", "Sortiment"),
        },
    ),
)

_COMMENTS_BY_ISO = {
    "nl": (
        "Het is heel vriendelijk personeel",
        "Ik moest te lang wachten aan de kassa.",
        "Goede prijzen, maar weinig keuze.",
        "Alles verliep vlot, bedankt!",
        "Niets bijzonders.",
    ),
    "fr": (
        "Personnel très aimable.",
        "J'ai attendu trop longtemps à la caisse.",
        "Bons prix mais peu de choix.",
        "Tout s'est bien passé, merci !",
        "Rien à signaler.",
    ),
    "en": (
        "Very friendly staff.",
        "I had to wait too long at the checkout.",
        "Good prices but little choice.",
        "Everything went smoothly, thanks!",
        "Nothing special.",
    ),
    "de": (
        "Sehr freundliches Personal.",
        "Ich musste an der Kasse zu lange warten.",
        "Gute Preise, aber wenig Auswahl.",
        "Alles lief reibungslos, danke!",
        "Nichts Besonderes.",
    ),
}

_COMMENTS = {language_by_iso(iso).guid: comments for iso, comments in _COMMENTS_BY_ISO.items()}

_FIRST_NAMES = (
    "Jan",
    "Sofie",
    "Pieter",
    "Lotte",
    "Marie",
    "Luc",
    "Emma",
    "Thomas",
    "Julie",
    "Koen",
    "Nathalie",
    "Jürgen",
    "Anna",
    "Hélène",
)
_LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Dubois",
    "Lambert",
    "Dupont",
    "Müller",
    "Schmidt",
    "Smith",
    "Van den Broeck",
)
_ASCII = str.maketrans({"ü": "u", "é": "e", "è": "e", "ë": "e", " ": ""})
_DOMAINS = ("example.com", "example.be", "example.org")
STORES = ("Antwerpen", "Brugge", "Gent", "Brussel", "Leuven")
"""Values of the seeded ``store`` key."""
SEGMENTS = ("Bronze", "Silver", "Gold")
"""Values of the seeded ``segment`` key."""

_SEED_START = epoch_of(2025, 1, 1)
_SEED_END = epoch_of(2026, 1, 1) - 1
_MINUTE = 60
_DAY = 24 * 60 * _MINUTE

_CES_SCORES = (1, 2, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7)
_NPS_SCORES = (0, 2, 4, 5, 6, 6, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10)


def _guid(touchpoint: str, what: str, iso: str = "") -> str:
    """Return a catalogue GUID: the document's where it has one, else a stable derived one."""
    fixed = _DOCUMENT_GUIDS.get((touchpoint, what, iso))
    if fixed is not None:
        return fixed
    return str(uuid.uuid5(_NAMESPACE, f"{touchpoint}/{what}/{iso}"))


def _random_guid(rng: random.Random) -> str:
    """Draw a version-4 GUID from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _chance(rng: random.Random, probability: float) -> bool:
    """Draw whether an event of the given probability happens."""
    return rng.random() < probability


def touchpoints() -> list[Touchpoint]:
    """Return the fixed touchpoints with their surveys, in a stable order."""
    return [
        Touchpoint(
            guid,
            token,
            name,
            tuple(
                Survey(_guid(guid, "survey", iso), language_by_iso(iso).guid) for iso in languages
            ),
        )
        for guid, token, name, languages in _TOUCHPOINTS
    ]


def _questions() -> list[Question]:
    """Return every survey's questions; siblings share a GUID across a touchpoint's languages."""
    return [
        Question(
            guid=_guid(guid, f"question {question.sort_order}", iso),
            survey_guid=_guid(guid, "survey", iso),
            sibling_guid=_guid(guid, f"sibling {question.sort_order}"),
            sort_order=question.sort_order,
            kind=question.kind,
            text=question.texts[iso],
            options=None if question.options is None else question.options[iso],
        )
        for guid, _token, _name, languages in _TOUCHPOINTS
        for iso in languages
        for question in _QUESTIONS
    ]


def generate_answers(
    rng: random.Random, questions: Sequence[Question], language_guid: str
) -> list[AnswerDraft]:
    """Draw a plausible set of answers to one survey's questions.

    The NPS question is always answered; the others are sometimes skipped. Scores, texts,
    yes/no and options each go to the question of their kind, so the answers match the
    ``question_Has*Answer`` flags; comments are in the survey's language.
    """
    answers = []
    for question in sorted(questions, key=lambda item: item.sort_order):
        guid = _random_guid(rng)
        if question.kind == KIND_NPS:
            answers.append(AnswerDraft(guid, question.guid, value=rng.choice(_NPS_SCORES)))
        elif question.kind == KIND_CES and _chance(rng, 0.85):
            answers.append(AnswerDraft(guid, question.guid, value=rng.choice(_CES_SCORES)))
        elif question.kind == KIND_TEXT and _chance(rng, 0.6):
            comment = rng.choice(_COMMENTS[language_guid])
            answers.append(AnswerDraft(guid, question.guid, text=comment))
        elif question.kind == KIND_BOOLEAN and _chance(rng, 0.75):
            answers.append(AnswerDraft(guid, question.guid, boolean=_chance(rng, 0.4)))
        elif question.kind == KIND_CHOICE and question.options and _chance(rng, 0.5):
            picked = set(rng.sample(question.options, rng.choice((1, 1, 2))))
            options = tuple(option for option in question.options if option in picked)
            answers.append(AnswerDraft(guid, question.guid, options=options))
    return answers


def _respondent(
    rng: random.Random, touchpoint: str, language_guid: str, index: int, created: int
) -> RespondentDraft:
    """Draw a person with an email address, sometimes a phone, and ``store``/``segment``."""
    first = rng.choice(_FIRST_NAMES)
    last = rng.choice(_LAST_NAMES)
    local = f"{first}.{last}".lower().translate(_ASCII)
    key_values = {}
    if _chance(rng, 0.9):
        key_values["store"] = rng.choice(STORES)
    if _chance(rng, 0.8):
        key_values["segment"] = rng.choice(SEGMENTS)
    return RespondentDraft(
        guid=_random_guid(rng),
        touchpoint_guid=touchpoint,
        language_guid=language_guid,
        email=f"{local}.{index:05d}@{rng.choice(_DOMAINS)}",
        first_name=first,
        last_name=last,
        phone="+324" + "".join(rng.choices("0123456789", k=8)) if _chance(rng, 0.4) else None,
        custom_id=str(rng.randint(10**9, 10**10 - 1)) if _chance(rng, 0.5) else None,
        key_values=key_values,
        added_by=ADDED_BY_SEED,
        created_at=created,
    )


def _response(
    rng: random.Random,
    touchpoint: Touchpoint,
    questions: Mapping[str, Sequence[Question]],
    index: int,
) -> ResponseDraft:
    """Draw one response of a touchpoint, mostly in its first language."""
    weights = [3] + [1] * (len(touchpoint.surveys) - 1)
    [survey] = rng.choices(touchpoint.surveys, weights=weights)
    answered = rng.randint(_SEED_START, _SEED_END)
    surveyed = answered - rng.randint(2 * _MINUTE, 3 * _DAY)
    address = f"203.0.113.{rng.randint(1, 254)}"
    return ResponseDraft(
        guid=_random_guid(rng),
        respondent=_respondent(rng, touchpoint.guid, survey.language_guid, index, surveyed),
        survey_guid=survey.guid,
        private_ip=address,
        public_ip=f"{address}:{rng.randint(49152, 65535)}",
        has_been_contacted=_chance(rng, 0.1),
        has_been_forwarded=_chance(rng, 0.05),
        has_been_disabled_for_review=_chance(rng, 0.02),
        date_surveyed=surveyed,
        date_answer=answered,
        answers=generate_answers(rng, questions[survey.guid], survey.language_guid),
    )


def populate(connection: sqlite3.Connection, *, seed: int, size: int) -> None:
    """Write the whole Hello Customer data set for ``seed`` and ``size`` into empty tables.

    Responses get ids in answer-time order across all touchpoints, as a live system would
    have given them.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    catalogue = touchpoints()
    questions = _questions()
    hellocustomer_store.insert_catalogue(connection, _TOKENS, catalogue, questions)
    by_survey: dict[str, list[Question]] = {}
    for question in questions:
        by_survey.setdefault(question.survey_guid, []).append(question)
    responses = [
        _response(rng, touchpoint, by_survey, index)
        for touchpoint in catalogue
        for index in range(size)
    ]
    responses.sort(key=lambda draft: draft.date_answer)
    hellocustomer_store.insert_responses(connection, responses)
