"""How every connector words a platform's failed answer, tap or target alike.

Messages quote the API's own explanation and name the endpoint by method and path,
never the query string, the host or a header, so that no token can reach a log line,
an exception or a dead-letter file through them.
"""

from __future__ import annotations

import typing as t

import requests
import urllib3.exceptions

if t.TYPE_CHECKING:
    from collections.abc import Callable

#: What each kind of network failure means, in the words of a log line.
_NETWORK_FAILURES: tuple[tuple[type[Exception], str], ...] = (
    (requests.exceptions.ConnectTimeout, "no connection within the request_timeout"),
    (requests.exceptions.ReadTimeout, "no answer within the request_timeout"),
    (requests.exceptions.ChunkedEncodingError, "the answer broke off"),
    (requests.exceptions.ContentDecodingError, "the answer could not be decompressed"),
)


def endpoint(response: requests.Response, default_path: str = "?") -> str:
    """Name the endpoint of a response: method and path, never the query or host."""
    return request_endpoint(response.request, default_path)


def request_endpoint(request: requests.PreparedRequest | None, default_path: str = "?") -> str:
    """Name the endpoint of a request: method and path, never the query or host."""
    if request is None:
        return f"GET {default_path}"
    path = (request.path_url or default_path).split("?", 1)[0]
    return f"{request.method or 'GET'} {path}"


def api_message(response: requests.Response, read: Callable[[t.Any], str | None]) -> str | None:
    """Return the API's own explanation from a response body, if it has one."""
    try:
        return read(response.json())
    except (ValueError, AttributeError, TypeError, KeyError):
        return None


def explain(
    platform: str,
    response: requests.Response,
    read: Callable[[t.Any], str | None],
    default_path: str = "?",
) -> str:
    """Describe a failed response with the API's message when the body has one."""
    reason = f"HTTP {response.status_code}"
    if message := api_message(response, read):
        reason += f": {message}"
    return f"{platform} answered {reason} to {endpoint(response, default_path)}"


def token_rejected(platform: str, response: requests.Response, default_path: str = "?") -> str:
    """Say that a 401 means the token was refused, pointing at the setting, not its value."""
    return (
        f"{platform} rejected the API token (HTTP 401 to "
        f"{endpoint(response, default_path)}): check the api_token setting."
    )


def network_failure(error: BaseException) -> str:
    """Word a network failure by its kind and reason, such as ``ReadTimeout (no answer ...)``."""
    return f"{type(error).__name__} ({network_reason(error)})"


def network_reason(error: BaseException) -> str:
    """Say why a call failed on the network, without any URL.

    urllib3's messages quote the host and the full URL with its query string, which
    may hold what should stay out of logs; this keeps only what tells a user what
    went wrong, such as ``could not connect: [Errno 111] Connection refused``.
    """
    for error_class, meaning in _NETWORK_FAILURES:
        if isinstance(error, error_class):
            return meaning
    cause = error.args[0] if error.args else None
    if isinstance(cause, urllib3.exceptions.MaxRetryError):
        cause = cause.reason
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        system_error = cause.__cause__ or cause.__context__
        return f"could not connect: {system_error or 'refused'}"
    if isinstance(cause, urllib3.exceptions.ProtocolError) and len(cause.args) > 1:
        return f"the connection closed without an answer: {cause.args[1]}"
    return "the connection failed"
