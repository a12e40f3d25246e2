"""Hello Customer's text analytics, simulated: topic paths and polarity for free-text answers.

The platform attaches a ``prediction`` to every text answer: items, each with a polarity
and a path of topics such as ``Personnel>Friendliness``. The sandbox derives it from a
few keyword rules in Dutch, French, English and German, so seeded comments and texts sent
through the API get stable, plausible predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Rule:
    """Text containing any of the keywords is about ``path`` with ``polarity``."""

    keywords: tuple[str, ...]
    polarity: str
    path: str


_RULES = (
    _Rule(
        ("vriendelijk", "friendly", "aimable", "freundlich"), "Positive", "Personnel>Friendliness"
    ),
    _Rule(("wacht", "wait", "attendu", "warten"), "Negative", "Waiting time>Checkout"),
    _Rule(("prijzen", "prices", "prix", "preise"), "Positive", "Price>Level"),
    _Rule(
        ("weinig keuze", "little choice", "peu de choix", "wenig auswahl"),
        "Negative",
        "Assortment>Choice",
    ),
    _Rule(("vlot", "smoothly", "bien passé", "reibungslos"), "Positive", "Process>Speed"),
)


def predict(text: str) -> dict[str, Any]:
    """Return the prediction of a text answer, shaped as the document's example.

    Returns:
        ``{"items": [{"polarity": ..., "paths": [{"order": 0, "path": ...}]}, ...]}``, one
        item per matching rule in rule order; ``{"items": []}`` when nothing matches.
    """
    lowered = text.lower()
    return {
        "items": [
            {"polarity": rule.polarity, "paths": [{"order": 0, "path": rule.path}]}
            for rule in _RULES
            if any(keyword in lowered for keyword in rule.keywords)
        ]
    }
