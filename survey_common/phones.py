"""Phone numbers as platforms want them: E.164, or E.164 with ``00`` for ``+``.

CRMs hold numbers in every notation (``+358 44 123 4567``, ``00358441234567``,
``07810 123456`` with a country beside it). Platforms take one notation and send
text messages to it, so a number is parsed and checked with ``phonenumbers``
(Google's numbering-plan data) and rejected when it is not a real number rather
than passed on to fail later or reach the wrong person.
"""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str, region: str | None = None) -> str:
    """Return a phone number in E.164 (``+358441234567``).

    Args:
        raw: The number as given; ``00`` in front counts as ``+``.
        region: Two-letter country for numbers written without a country code.

    Raises:
        ValueError: saying why the text is not a valid phone number; the message
            never repeats the number.
    """
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError("has no valid country code (write +358... or 00358...)") from exc
        raise ValueError("is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_international_00(raw: str) -> str:
    """Return a phone number with its country code behind ``00`` (``00358441234567``).

    Raises:
        ValueError: as ``to_e164`` does, for numbers without a country code too.
    """
    return "00" + to_e164(raw)[1:]
