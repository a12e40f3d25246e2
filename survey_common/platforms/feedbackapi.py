"""The FeedbackAPI as tap-feedbackapi and target-feedbackapi both speak it: Basic auth, errors."""

from __future__ import annotations

import typing as t

from singer_sdk.authenticators import BasicAuthenticator

from survey_common.settings import connection_settings

DEFAULT_API_URL = "https://api.feedbackapi.com/v1.3"
#: The token and base URL settings, the same for the tap and the target.
CONNECTION_SETTINGS = connection_settings(
    "the FeedbackAPI",
    (
        "FeedbackAPI token (Settings > Integrations), sent as the HTTP Basic user "
        "name with an empty password."
    ),
    DEFAULT_API_URL,
)


def authenticator(token: str) -> BasicAuthenticator:
    """HTTP Basic with the token as user name and an empty password."""
    return BasicAuthenticator(username=token, password="")


def error_message(body: t.Any) -> str | None:
    """FeedbackAPI explains errors as ``{"type", "message", "param"}``."""
    if not isinstance(body, dict) or not (body.get("type") or body.get("message")):
        return None
    message = f"{body.get('type') or 'error'}: {body.get('message') or 'no message'}"
    if body.get("param"):
        message += f" (param {body['param']})"
    return message
