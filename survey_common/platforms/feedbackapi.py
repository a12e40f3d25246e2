"""The FeedbackAPI as tap-feedbackapi and target-feedbackapi both speak it: Basic auth, errors."""

from __future__ import annotations

import typing as t

from singer_sdk.authenticators import BasicAuthenticator

from survey_common.settings import connection_settings

DEFAULT_API_URL = "https://api.feedbackapi.com/v1.3"
_AUTH_DESCRIPTION = (
    "FeedbackAPI token (Settings > Integrations), sent as the HTTP Basic user "
    "name with an empty password."
)
#: The token and base URL settings of tap-feedbackapi.
CONNECTION_SETTINGS = connection_settings("the FeedbackAPI", _AUTH_DESCRIPTION, DEFAULT_API_URL)
#: Calls in flight by default when pushing: a new customer costs up to three calls, two
#: look-ups (by email, by mobile number) and the create, so 16 calls are about five
#: customers at a time, as 8 are for the connectors that make one call per record.
PUSH_MAX_CONCURRENT_REQUESTS = 16
#: The same settings for target-feedbackapi, whose default keeps more calls in flight.
PUSH_CONNECTION_SETTINGS = connection_settings(
    "the FeedbackAPI",
    _AUTH_DESCRIPTION,
    DEFAULT_API_URL,
    max_concurrent_requests=PUSH_MAX_CONCURRENT_REQUESTS,
    concurrency_note=(
        " The default is higher than the taps' 8 because a customer costs up to three "
        "calls (look-ups by email and by mobile number, then the write): about five "
        "customers at a time."
    ),
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
