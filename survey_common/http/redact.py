"""Keep secrets out of what a connector writes, and contact details out of its log.

Connectors never put a token into a message themselves, but an API may echo what it
received (a header, a Basic credential, a form field) in an error message, and that
message is quoted in logs and written to the dead-letter file. Every such text passes
through a ``Redactor`` built from the connector's secret settings.
"""

from __future__ import annotations

import base64
import json
import re
import typing as t
from collections.abc import Mapping
from urllib.parse import quote

if t.TYPE_CHECKING:
    from collections.abc import Iterable

#: What a secret is replaced with.
REDACTED = "[redacted]"


def _spellings(secret: str) -> set[str]:
    """Return the ways a secret can appear in text: as is, JSON-escaped, URL-encoded, Basic."""
    basic = base64.b64encode(f"{secret}:".encode()).decode("ascii")
    return {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), basic, basic.rstrip("=")}


class Redactor:
    """Replaces every spelling of the given secrets in a text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        """Learn the secrets; empty ones are ignored."""
        spellings = set().union(*(_spellings(secret) for secret in secrets if secret))
        # Longest first, so that a spelling that contains another is replaced whole.
        self._spellings = sorted(spellings, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret replaced by ``[redacted]``."""
        for spelling in self._spellings:
            text = text.replace(spelling, REDACTED)
        return text


#: An email address as APIs quote it in their messages.
_EMAIL = re.compile(r"[^\s@\"'<>(),;:\[\]]+@[^\s@\"'<>(),;:\[\]]+\.[^\s@\"'<>(),;:\[\]]+")
#: A phone number: international (``+`` or ``00``), or a long run of digits.
_PHONE = re.compile(r"(?<![\w/.-])(?:(?:\+|00)\d[\d ()-]{5,}\d|\d{9,15})(?![\w-])")
#: Fields whose values are a person's contact details or name, compared in lower case
#: without underscores, at any depth of a record.
_PERSONAL_FIELDS = frozenset(
    {"email", "phone", "phonenumber", "mobilenumber", "firstname", "lastname", "fname", "sname"}
)
#: What a masked contact detail is replaced with.
MASKED = "[personal data]"


def _personal_values(value: object, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _personal_values(item, found)
    elif isinstance(value, Mapping):
        for field, item in value.items():
            if isinstance(item, (Mapping, list)):
                _personal_values(item, found)
            elif str(field).lower().replace("_", "") in _PERSONAL_FIELDS and item is not None:
                text = str(item).strip()
                found.update({text, text.lower()} if text else set())


def mask_personal(text: str, records: Iterable[Mapping[str, t.Any]] = ()) -> str:
    """Return ``text`` for a log line: emails, phone numbers and the records' names masked.

    An API's error message may quote what it was sent ("The respondent email
    a@example.com is invalid"). The dead-letter file keeps it whole, beside the record;
    the log, which is kept and shipped more widely, gets it masked.
    """
    values: set[str] = set()
    for record in records:
        _personal_values(record, values)
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, MASKED)
    text = _EMAIL.sub(MASKED, text)
    return _PHONE.sub(MASKED, text)
