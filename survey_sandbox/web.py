"""Request and response values passed between the HTTP layer and the platform handlers.

Handlers never touch sockets: they receive a :class:`Request`, return a :class:`Response`,
and raise :class:`HttpError` for anything a client did wrong. Each platform turns an
``HttpError`` into its own error body, so the same handler code serves every vendor shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from survey_sandbox.timefmt import InstantError, parse_iso_instant


class HttpError(Exception):
    """A client error with the status to answer and a message safe to show the client."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status and the message.

        Args:
            status: The HTTP status code to answer with.
            message: Text for the error body; must never contain a credential.
        """
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Request:
    """One HTTP request as the handlers see it.

    Attributes:
        method: The upper-case HTTP method.
        path: The URL path, without the query string.
        query: Query parameters (the first value of each name).
        headers: Request headers, with lower-case names.
        body: The raw request body.
        path_params: Values captured from the path by the router.
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes = b""
    path_params: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """Return a header's value by case-insensitive name, or ``None``."""
        return self.headers.get(name.lower())

    def json_body(self) -> dict[str, Any]:
        """Decode the body as a JSON object (an empty body is an empty object).

        Raises:
            HttpError: 400 when the body is not a JSON object.
        """
        if not self.body.strip():
            return {}
        try:
            decoded = json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise HttpError(400, "Request body is not valid JSON") from None
        if not isinstance(decoded, dict):
            raise HttpError(400, "Request body must be a JSON object")
        return decoded

    def params(self) -> dict[str, str]:
        """Merge the query string with a form-encoded or JSON body into text parameters.

        Vendor documents show parameters sent either way (``curl -d`` on a GET), so both
        are read; the query string wins on a clash. JSON scalars become their text form
        and JSON ``null`` counts as absent.

        Raises:
            HttpError: 400 when the body cannot be decoded or holds nested values.
        """
        merged: dict[str, str] = {}
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type == "application/json":
            for name, value in self.json_body().items():
                if isinstance(value, (dict, list)):
                    raise HttpError(400, f"Parameter '{name}' must be a single value")
                if value is not None:
                    merged[name] = scalar_text(value)
        elif self.body:
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(400, "Request body is not UTF-8") from None
            for name, value in parse_qsl(text, keep_blank_values=True):
                merged.setdefault(name, value)
        merged.update(self.query)
        return merged


def scalar_text(value: object) -> str:
    """Write a JSON scalar as the text a form-encoded client would have sent.

    Lets JSON bodies go through the same checks as form-encoded ones.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Response:
    """One HTTP response: status, body bytes and extra headers.

    Attributes:
        status: The HTTP status code.
        body: The encoded body; its length is always sent as ``Content-Length``.
        content_type: The ``Content-Type`` header value.
        headers: Further headers as name/value pairs.
    """

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def json_response(payload: object, status: int = 200) -> Response:
    """Encode a JSON payload (UTF-8, non-ASCII kept as is) into a response."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status=status, body=body, content_type="application/json; charset=utf-8")


def parse_int(value: str, name: str) -> int:
    """Read a whole-number parameter.

    Raises:
        HttpError: 400 naming the parameter when the value is not an integer.
    """
    try:
        return int(value.strip())
    except ValueError:
        raise HttpError(400, f"Parameter '{name}' must be an integer") from None


def body_instant(body: Mapping[str, Any], name: str) -> int | None:
    """Read an optional ISO 8601 field of an admin JSON body as whole Unix seconds.

    Raises:
        HttpError: 400 when the value is present but not an ISO 8601 string.
    """
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise HttpError(400, f"Field '{name}' must be an ISO 8601 string or null")
    try:
        return int(parse_iso_instant(value))
    except InstantError as error:
        raise HttpError(400, f"Field '{name}': {error}") from None
