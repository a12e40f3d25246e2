"""Deterministic Buenno data: tokens, forms, questions, invitations and replies.

Everything derives from one seed and one size, and every timestamp lies on fixed calendar
dates (2024-01-01 to 2025-12-31), so the same seed and size always give the same rows.

Tokens (send as the ``api-auth-token`` header):

- ``sandbox-buenno-token``: forms 1 "Customer Satisfaction 2025" (active),
  2 "Store Visit Survey" (active) and 3 "Legacy Form 2023" (inactive, with 2024 history).
- ``sandbox-buenno-token-2``: form 4 "Customer Feedback 2025" (active).

Each form gets ``size`` invitations and ``size`` replies.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass

from survey_sandbox.buenno import store as buenno_store
from survey_sandbox.buenno.store import AnswerDraft, InvitationDraft, QuestionRow, ReplyDraft
from survey_sandbox.timefmt import epoch_of

BUENNO_TOKEN = "sandbox-buenno-token"  # noqa: S105 - public sandbox token
BUENNO_TOKEN_2 = "sandbox-buenno-token-2"  # noqa: S105 - public sandbox token

_TOKENS = (
    (BUENNO_TOKEN, "Sandbox CRM token"),
    (BUENNO_TOKEN_2, "Sandbox second company token"),
)

_SEED_START = epoch_of(2024, 1, 1)
_SEED_END = epoch_of(2026, 1, 1) - 1
_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


@dataclass(frozen=True)
class _SeedForm:
    """A seeded form and the period its records were created in."""

    id: int
    token: str
    name: str
    company_name: str
    active: bool
    first_epoch: int
    last_epoch: int


_FORMS = (
    _SeedForm(
        1,
        BUENNO_TOKEN,
        "Customer Satisfaction 2025",
        "Sandbox Retail Oy",
        True,
        _SEED_START,
        _SEED_END,
    ),
    _SeedForm(
        2,
        BUENNO_TOKEN,
        "Store Visit Survey",
        "Sandbox Retail Oy",
        True,
        _SEED_START,
        _SEED_END,
    ),
    _SeedForm(
        3,
        BUENNO_TOKEN,
        "Legacy Form 2023",
        "Sandbox Retail Oy",
        False,
        _SEED_START,
        epoch_of(2025, 1, 1) - 1,
    ),
    _SeedForm(
        4,
        BUENNO_TOKEN_2,
        "Customer Feedback 2025",
        "Pohjolan Ulkoilu Ab",
        True,
        _SEED_START,
        _SEED_END,
    ),
)

MAIN_TYPE = 1
OTHER_TYPE = 2
SELLER_NAME_TYPE = 10
NPS_TYPE = 13

# (position, question type, English, Finnish, Swedish); every form asks the same five.
_QUESTIONS = (
    (
        1,
        MAIN_TYPE,
        "How satisfied were you with your visit overall?",
        "Kuinka tyytyväinen olit käyntiisi kokonaisuutena?",
        "Hur nöjd var du med ditt besök som helhet?",
    ),
    (
        2,
        MAIN_TYPE,
        "How would you rate the service you received?",
        "Millaiseksi arvioit saamasi palvelun?",
        "Hur bedömer du den service du fick?",
    ),
    (
        3,
        NPS_TYPE,
        "How likely are you to recommend us to a friend or colleague?",
        "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?",
        "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
    ),
    (
        4,
        OTHER_TYPE,
        "What could we do better?",
        "Mitä voisimme tehdä paremmin?",
        "Vad kunde vi göra bättre?",
    ),
    (
        5,
        SELLER_NAME_TYPE,
        "Who served you?",
        "Kuka palveli sinua?",
        "Vem betjänade dig?",
    ),
)

_FIRST_NAMES = (
    "Päivi",
    "Jyrki",
    "Yrjö",
    "Aino",
    "Mikko",
    "Kerttu",
    "Väinö",
    "Anna",
    "Erik",
    "Linnéa",
    "Olli",
    "Emma",
    "John",
    "Sara",
)
_LAST_NAMES = (
    "Mäkinen",
    "Järvinen",
    "Könönen",
    "Väisänen",
    "Äijälä",
    "Virtanen",
    "Korhonen",
    "Nieminen",
    "Lindström",
    "Åberg",
    "Smith",
    "Heikkilä",
)
_ASCII = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "Ä": "A", "Ö": "O", "Å": "A"})
_DOMAINS = ("example.com", "example.net", "example.org")
_COUNTRY_PREFIXES = ("00358", "00358", "00358", "0046", "0047")
_STORES = ("Helsinki Kamppi", "Tampere Keskusta", "Turku Hansa", "Oulu Valkea", "Espoo Iso Omena")
_SELLERS = ("Liisa Mäkelä", "Timo Östman", "Hanna Salo", "Jussi Räsänen")
_CATEGORIES = ("Kengät", "Electronics", "Groceries", "Urheilu", "Home & Garden")
_TARGETS = ("Campaign Q1", "Loyalty", "Walk-in", "Online order")
_LANGUAGES = ("fi", "fi", "fi", "sv", "en", "en")
_COMMENTS = (
    "Palvelu oli erinomaista, kiitos!",
    "Kassajono oli liian pitkä.",
    "Jättebra service!",
    "Friendly staff, but the store was crowded.",
    "Hyllyt olivat sekaisin ja tuotteita puuttui.",
    "Myyjä osasi neuvoa hyvin, tulen uudestaan.",
)


def _chance(rng: random.Random, probability: float) -> bool:
    """Draw whether an event of the given probability happens."""
    return rng.random() < probability


def _question_rows() -> list[QuestionRow]:
    """Return every form's questions; a question's id is ``form_id * 100 + position``."""
    return [
        QuestionRow(form.id * 100 + position, form.id, position, qtype, en, fi, sv)
        for form in _FORMS
        for position, qtype, en, fi, sv in _QUESTIONS
    ]


def generate_answers(rng: random.Random, form_id: int) -> list[AnswerDraft]:
    """Draw a plausible set of 2 to 5 answers: the first main question, NPS, and maybe more.

    Main questions score 0 to 100 in steps of 25, NPS scores 0 to 10, the open question
    carries text only; any free-text answer may be missing.
    """
    asked = {1, 3} | {position for position in (2, 4, 5) if _chance(rng, 0.5)}
    answers = []
    for position, qtype, *_ in _QUESTIONS:
        if position not in asked:
            continue
        points: int | None = None
        text: str | None = None
        if qtype == MAIN_TYPE:
            points = rng.choice((0, 25, 50, 75, 75, 100, 100, 100))
            text = rng.choice(_COMMENTS) if _chance(rng, 0.2) else None
        elif qtype == NPS_TYPE:
            points = rng.choice((0, 3, 5, 6, 7, 8, 8, 9, 9, 10, 10, 10))
            text = rng.choice(_COMMENTS) if _chance(rng, 0.3) else None
        elif qtype == SELLER_NAME_TYPE:
            text = rng.choice(_SELLERS)
        else:
            text = rng.choice(_COMMENTS) if _chance(rng, 0.7) else None
        answers.append(AnswerDraft(form_id * 100 + position, qtype, points, text))
    return answers


def _contact(
    rng: random.Random, form_id: int, index: int, created: int
) -> dict[str, str | int | None]:
    """Draw a person: email and/or phone, sometimes no name, some prefilled fields."""
    first = rng.choice(_FIRST_NAMES)
    last = rng.choice(_LAST_NAMES)
    email = phone = None
    if _chance(rng, 0.85):
        local = f"{first}.{last}".lower().translate(_ASCII).replace(" ", "")
        email = f"{local}.{form_id}{index:05d}@{rng.choice(_DOMAINS)}"
    if email is None or _chance(rng, 0.2):
        phone = rng.choice(_COUNTRY_PREFIXES) + "4" + "".join(rng.choices("0123456789", k=8))
    named = _chance(rng, 0.75)
    return {
        "email": email,
        "phone": phone,
        "first_name": first if named else None,
        "last_name": last if named else None,
        "pf_timestamp": created - rng.randint(0, 3 * _DAY) if _chance(rng, 0.5) else None,
        "pf_store": rng.choice(_STORES) if _chance(rng, 0.6) else None,
        "pf_seller_name": rng.choice(_SELLERS) if _chance(rng, 0.4) else None,
        "pf_seller_id": f"S{rng.randint(100, 999)}" if _chance(rng, 0.3) else None,
        "pf_product_category": rng.choice(_CATEGORIES) if _chance(rng, 0.4) else None,
        "pf_target": rng.choice(_TARGETS) if _chance(rng, 0.3) else None,
        "pf_gender": rng.choice(("F", "M")) if _chance(rng, 0.3) else None,
        "pf_age": rng.randint(18, 85) if _chance(rng, 0.3) else None,
        "pf_external_id": f"CRM-{form_id}-{index:06d}" if _chance(rng, 0.5) else None,
        "preferred_language": rng.choice(_LANGUAGES) if _chance(rng, 0.85) else None,
    }


def _invitation(rng: random.Random, form: _SeedForm, index: int) -> InvitationDraft:
    """Draw one invitation and how far it got: sent, opened, answered."""
    created = rng.randint(form.first_epoch, form.last_epoch)
    scheduled = created if _chance(rng, 0.8) else created + rng.randint(_HOUR, 2 * _DAY)
    sent = scheduled + rng.randint(0, 5 * _MINUTE) if _chance(rng, 0.95) else None
    opened = sent + rng.randint(_MINUTE, 3 * _DAY) if sent and _chance(rng, 0.6) else None
    answered = opened + rng.randint(_MINUTE, 30 * _MINUTE) if opened and _chance(rng, 0.5) else None
    touched = [stamp for stamp in (scheduled, sent, opened, answered) if stamp is not None]
    return InvitationDraft(
        form_id=form.id,
        contact=_contact(rng, form.id, index, created),
        link_key=f"{rng.getrandbits(64):016x}",
        scheduled_at=scheduled,
        sent_at=sent,
        opened_at=opened,
        answered_at=answered,
        created_at=created,
        updated_at=max(touched),
    )


def _reply(rng: random.Random, form: _SeedForm, index: int) -> ReplyDraft:
    """Draw one reply with its answers; a fifth of them were edited later."""
    created = rng.randint(form.first_epoch, form.last_epoch)
    edited = _chance(rng, 0.2)
    return ReplyDraft(
        form_id=form.id,
        contact=_contact(rng, form.id, index, created),
        answers=generate_answers(rng, form.id),
        created_at=created,
        updated_at=created + rng.randint(_MINUTE, 7 * _DAY) if edited else created,
    )


def populate(connection: sqlite3.Connection, *, seed: int, size: int) -> None:
    """Write the whole Buenno data set for ``seed`` and ``size`` into empty tables.

    Invitations and replies get ids in creation order across all forms, as a live
    system would have given them.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    buenno_store.insert_catalogue(
        connection,
        _TOKENS,
        [(form.id, form.token, form.name, form.company_name, form.active) for form in _FORMS],
        _question_rows(),
    )
    invitations = [_invitation(rng, form, index) for form in _FORMS for index in range(size)]
    invitations.sort(key=lambda draft: draft.created_at)
    buenno_store.insert_invitations(connection, invitations)
    replies = [_reply(rng, form, index) for form in _FORMS for index in range(size)]
    replies.sort(key=lambda draft: draft.created_at)
    buenno_store.insert_replies(connection, replies)
