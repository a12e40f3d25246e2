"""How every connector words a platform's failed answer, tap or target alike.

Messages quote the API's own explanation and name the endpoint by method and path,
never the query string, the host or a header, so that no token can reach a log line,
an exception or a dead-letter file through them.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests


def endpoint(response: requests.Response, default_path: str = "?") -> str:
    """Name the endpoint of a response: method and path, never the query or host."""
    request = response.request
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
