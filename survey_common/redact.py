"""Keep secrets out of what a connector writes: logs, exceptions, dead-letter files.

Connectors never put a token into a message themselves, but an API may echo what it
received (a header, a Basic credential, a form field) in an error message, and that
message is quoted in logs and written to the dead-letter file. Every such text passes
through a ``Redactor`` built from the connector's secret settings.
"""

from __future__ import annotations

import base64
import json
import typing as t
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
