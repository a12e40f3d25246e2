"""One check that no API token, and no person's contact details, leak into a connector's output.

A token can leak in more shapes than its plain text: FeedbackAPI sends it as the user
of HTTP Basic auth, so its base64 form in a logged ``Authorization`` header is as bad,
and a token in a logged URL may be percent-encoded. Every test that runs a connector
at DEBUG passes what it saw (stdout, stderr, state, dead-letter lines, exception
messages) to :func:`assert_no_secrets`.

The personal data of the records a target is given (emails, phone numbers, names) is
looked for the same way, in every shape a token is, plus the forms a phone number
takes on its way (E.164, ``00`` for ``+``, digits only): :func:`personal_data` picks it
out of the input messages and :func:`assert_no_personal_data` scans the log, the
states, the ledger and the journal. Only the dead-letter file may hold it, by design.
"""

from __future__ import annotations

import base64
import re
import typing as t
import urllib.parse

import phonenumbers

from survey_sandbox.buenno.seed import BUENNO_TOKEN, BUENNO_TOKEN_2
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_CLIENT_TOKEN, FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, HELLOCUSTOMER_TOKEN_2

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: Every token the sandbox accepts; a test may add the ones it made up.
SANDBOX_TOKENS = (
    BUENNO_TOKEN,
    BUENNO_TOKEN_2,
    FEEDBACKAPI_TOKEN,
    FEEDBACKAPI_CLIENT_TOKEN,
    HELLOCUSTOMER_TOKEN,
    HELLOCUSTOMER_TOKEN_2,
)


def secret_forms(secret: str) -> set[str]:
    """Return the shapes in which ``secret`` could appear in text: plain, URL, Basic auth."""
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
    for user_password in (f"{secret}:", f"{secret}:X"):
        forms.add(base64.b64encode(user_password.encode()).decode())
    return forms


#: Input fields (compared in lower case without underscores) that hold personal data.
_PERSONAL_FIELDS = {
    "email": "email",
    "phone": "phone",
    "phonenumber": "phone",
    "mobilenumber": "phone",
    "firstname": "name",
    "lastname": "name",
    "fname": "name",
    "sname": "name",
}
#: Names shorter than this could match ordinary words of a log by chance.
_MIN_NAME_LENGTH = 4
#: Digits a phone number needs to be looked for.
_MIN_PHONE_DIGITS = 7


def _phone_forms(value: str, country: str | None) -> set[str]:
    """Return a phone number as given, digits only, in E.164 and with ``00`` for ``+``.

    Numbers of fewer than seven digits (bad input such as ``12``) are left out: such a
    short run of digits would match counts and times in any log.
    """
    forms = {value, re.sub(r"\D", "", value)}
    try:
        number = phonenumbers.parse(value, country.upper() if country else None)
    except phonenumbers.NumberParseException:
        pass
    else:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        forms |= {e164, "00" + e164[1:]}
    return {form for form in forms if len(re.sub(r"\D", "", form)) >= _MIN_PHONE_DIGITS}


def _personal_values(value: t.Any, country: str | None, found: set[str]) -> None:
    """Collect the personal data in a record or a nested part of it into ``found``."""
    if isinstance(value, list):
        for item in value:
            _personal_values(item, country, found)
        return
    if not isinstance(value, dict):
        return
    for field, item in value.items():
        kind = _PERSONAL_FIELDS.get(str(field).lower().replace("_", ""))
        if isinstance(item, (dict, list)):
            _personal_values(item, country, found)
        elif kind is None or item is None or not str(item).strip():
            continue
        elif kind == "phone":
            found |= _phone_forms(str(item).strip(), country)
        elif kind == "email":
            found |= {str(item).strip(), str(item).strip().lower()}
        elif len(str(item).strip()) >= _MIN_NAME_LENGTH:
            found.add(str(item).strip())


def personal_data(messages: Iterable[Mapping[str, t.Any]]) -> set[str]:
    """Return the emails, phone numbers and names of the RECORD messages, in their forms."""
    found: set[str] = set()
    for message in messages:
        if message.get("type") == "RECORD":
            record = message["record"]
            country = record.get("country_code") if isinstance(record, dict) else None
            _personal_values(record, country if isinstance(country, str) else None, found)
    return found


def assert_no_personal_data(outputs: Mapping[str, str | bytes], values: Iterable[str]) -> None:
    """Fail naming the output and the value when any of ``values`` shows in ``outputs``.

    Each value is looked for in every shape a token is (plain, URL-encoded, base64).

    Args:
        outputs: What a connector left behind, by name; never the dead-letter file,
            which keeps whole records on purpose.
        values: The personal data of the input, from :func:`personal_data`.
    """
    _assert_absent(outputs, values, "personal data")


def assert_no_secrets(
    outputs: Mapping[str, str | bytes], secrets: Iterable[str] = SANDBOX_TOKENS
) -> None:
    """Fail naming the output and the secret when any token shows in any of ``outputs``.

    Args:
        outputs: What a connector left behind, by a name for the failure message
            (``"stderr"``, ``"dead-letter file"``, ``"state"``, ...).
        secrets: The tokens to look for; the sandbox's by default.
    """
    _assert_absent(outputs, secrets, "secrets")


def _assert_absent(outputs: Mapping[str, str | bytes], values: Iterable[str], what: str) -> None:
    forms = {value: sorted(secret_forms(value)) for value in values}
    leaks = [
        f"{name} contains {value!r} (as {form!r})"
        for name, text in outputs.items()
        for value, value_forms in forms.items()
        for form in value_forms
        if form in (text.decode(errors="replace") if isinstance(text, bytes) else text)
    ]
    assert not leaks, f"{what} leaked: " + "; ".join(leaks)
