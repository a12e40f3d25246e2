"""The Buenno API as tap-buenno and target-buenno both speak it: token header and errors."""

from __future__ import annotations

import typing as t

from singer_sdk.authenticators import APIKeyAuthenticator

from survey_common.settings import connection_settings

DEFAULT_API_URL = "https://webreport.buenno.fi/api/v01"
#: The token and base URL settings, the same for the tap and the target.
CONNECTION_SETTINGS = connection_settings(
    "the Buenno API",
    "Buenno API token, sent in the api-auth-token header. Ask Buenno for one.",
    DEFAULT_API_URL,
)


def authenticator(token: str) -> APIKeyAuthenticator:
    """Send the token in the ``api-auth-token`` header, never in the URL."""
    return APIKeyAuthenticator(key="api-auth-token", value=token, location="header")


def error_message(body: t.Any) -> str | None:
    """Buenno explains errors as ``{"error_message": "..."}``."""
    message = body.get("error_message") if isinstance(body, dict) else None
    return str(message) if message else None
