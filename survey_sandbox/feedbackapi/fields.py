"""Reading what FeedbackAPI clients send: instants, write bodies and typed fields.

FeedbackAPI documents ISO 8601 timestamps, yet every example sends Unix epoch seconds, so
an instant is read in either form and compared by the moment it names. Write bodies are
JSON (``application/json`` or the recommended ``application/vnd.api+json``) or
form-encoded, as the document's curl examples send them; both become one mapping of
JSON-like values, and the readers here check one field's type each and name the field in
the error they raise, which the platform turns into the document's error object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from survey_sandbox.timefmt import InstantError, parse_iso_instant
from survey_sandbox.web import HttpError, Request

JSON_TYPES = ("application/json", "application/vnd.api+json")

_FORM_TYPE = "application/x-www-form-urlencoded"
_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MOBILE = re.compile(r"^\+[1-9]\d{6,14}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_TRUE = ("true", "1")
_FALSE = ("false", "0")

Body = Mapping[str, object]
"""A decoded write body: JSON values, or text and lists of text from a form."""


class FeedbackApiError(HttpError):
    """A client error that may name the parameter it concerns, as the error object does."""

    def __init__(self, status: int, message: str, param: str | None = None) -> None:
        """Keep the status, the message and the parameter.

        Args:
            status: The HTTP status code to answer with.
            message: Text for the error object; must never contain a credential.
            param: The parameter at fault, when there is one.
        """
        super().__init__(status, message)
        self.param = param


def parse_instant(text: str, name: str) -> float:
    """Read Unix epoch seconds (as the examples send) or ISO 8601 into Unix seconds.

    Raises:
        FeedbackApiError: 400 naming the parameter when the value is neither.
    """
    value = text.strip()
    if _EPOCH.match(value):
        return float(value)
    try:
        return parse_iso_instant(value)
    except InstantError:
        raise FeedbackApiError(
            400, f"'{name}' must be Unix epoch seconds or an ISO 8601 date-time", name
        ) from None


def parse_flag(text: str, name: str) -> bool:
    """Read ``true``/``false`` (or ``1``/``0``, any case) as a boolean.

    Raises:
        FeedbackApiError: 400 naming the parameter for any other value.
    """
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FeedbackApiError(400, f"'{name}' must be true or false", name)


def sent_as_json(request: Request) -> bool:
    """Tell whether a request's body is declared as JSON (either media type)."""
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    return content_type in JSON_TYPES


def read_body(request: Request) -> dict[str, object]:
    """Decode a write body, JSON or form-encoded, into one mapping.

    In a form, ``name[]`` entries gather into a list under ``name`` (as the document's
    ``review_profile[]`` example sends them) and the first value of a repeated name wins.

    Raises:
        HttpError: 400 for a body that cannot be decoded or another content type.
    """
    if sent_as_json(request):
        return request.json_body()
    if not request.body.strip():
        return {}
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type not in (_FORM_TYPE, ""):
        raise FeedbackApiError(400, "Send the parameters as JSON (application/vnd.api+json)")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise FeedbackApiError(400, "Request body is not UTF-8") from None
    body: dict[str, object] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name.endswith("[]"):
            items = body.setdefault(name[:-2], [])
            if isinstance(items, list):
                items.append(value)
        else:
            body.setdefault(name, value)
    return body


def text(body: Body, name: str, *, required: bool = False) -> str | None:
    """Read a text field; blank text and ``null`` are ``None``, JSON numbers become text.

    Raises:
        FeedbackApiError: 400 when a required field is missing or the value is no scalar.
    """
    value = body.get(name)
    if isinstance(value, (bool, list, dict)):
        raise FeedbackApiError(400, f"'{name}' must be a string", name)
    result = None if value is None else str(value).strip() or None
    if required and result is None:
        raise FeedbackApiError(400, f"'{name}' is required", name)
    return result


def flag(body: Body, name: str) -> bool:
    """Read a boolean field (JSON boolean, or ``true``/``false`` text).

    Raises:
        FeedbackApiError: 400 when the value is missing or not a boolean.
    """
    value = body.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int)):
        return parse_flag(str(value), name)
    raise FeedbackApiError(400, f"'{name}' must be true or false", name)


def whole_number(body: Body, name: str, low: int, high: int) -> int | None:
    """Read an optional integer within ``low``..``high`` (JSON number or digits).

    Raises:
        FeedbackApiError: 400 when the value is not a whole number in range.
    """
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FeedbackApiError(400, f"'{name}' must be an integer from {low} to {high}", name)
    return value


def allowance(body: Body, name: str, *, keep_text: bool) -> int | str | None:
    """Read an account limit: a non-negative whole number, or ``null`` for unlimited.

    The document's update example sends ``sms_allowance="2000"`` and gets ``"2000"``
    back, so a numeric string in a JSON body is kept as a string (``keep_text``); form
    fields are all text and become integers.

    Raises:
        FeedbackApiError: 400 when the value is neither ``null`` nor a whole number.
    """
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip() if keep_text else int(value)
    raise FeedbackApiError(400, f"'{name}' must be a whole number or null", name)


def id_list(body: Body, name: str) -> list[str]:
    """Read a list of ids (a JSON array, ``name[]`` form fields, or one id).

    Raises:
        FeedbackApiError: 400 when an item is not a non-empty string.
    """
    value = body.get(name)
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise FeedbackApiError(400, f"'{name}' must be a list of ids", name)
        result.append(item.strip())
    return result


def instant(body: Body, name: str) -> int | None:
    """Read an optional instant (epoch seconds as number or text, or ISO 8601) as seconds.

    Raises:
        FeedbackApiError: 400 when the value is present but not an instant.
    """
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return int(parse_instant(value, name))
    raise FeedbackApiError(400, f"'{name}' must be Unix epoch seconds or ISO 8601", name)


def epoch_seconds(body: Body, name: str) -> int | None:
    """Read an optional instant given only as Unix epoch seconds (number or digits).

    Raises:
        FeedbackApiError: 400 naming the field for any other form, ISO 8601 included.
    """
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and _EPOCH.match(value.strip()):
        return int(float(value))
    raise FeedbackApiError(400, f"'{name}' must be a Unix timestamp (epoch seconds)", name)


def email(body: Body, name: str = "email") -> str | None:
    """Read an optional email address.

    Raises:
        FeedbackApiError: 400 when the value is not shaped like an address.
    """
    value = text(body, name)
    if value is not None and not _EMAIL.match(value):
        raise FeedbackApiError(400, f"'{name}' is not a valid email address", name)
    return value


def mobile(body: Body, name: str = "mobile_number") -> str | None:
    """Read an optional mobile number in E.164 form.

    An unencoded ``+`` in a form body arrives as a space (``curl -d mobile_number=+1...``
    sends it that way), so a leading space before digits is read as ``+``.

    Raises:
        FeedbackApiError: 400 when the value is not E.164.
    """
    raw = body.get(name)
    value = text(body, name)
    if value is None:
        return None
    if isinstance(raw, str) and raw.startswith(" ") and value.isdigit():
        value = "+" + value
    if not _MOBILE.match(value):
        raise FeedbackApiError(
            400, f"'{name}' must be in E.164 format, with the country code (+1...)", name
        )
    return value


def country(body: Body, name: str = "country_code", *, required: bool = False) -> str | None:
    """Read a two-letter ISO country code, upper-cased.

    Raises:
        FeedbackApiError: 400 when it is missing but required, or not two letters.
    """
    value = text(body, name, required=required)
    if value is not None and not _COUNTRY.match(value):
        raise FeedbackApiError(400, f"'{name}' must be a 2 letter ISO country code", name)
    return None if value is None else value.upper()
