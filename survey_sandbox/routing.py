"""A small method-and-path router shared by the platform modules.

Each platform keeps one :class:`Router` for its API and one for its admin endpoints.
Path templates name their variable parts in braces (``/invitations/{id}``); a variable
matches one path segment and reaches the handler in ``Request.path_params``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from survey_sandbox.web import HttpError, Request, Response

Handler = Callable[[Request], Response]

_VARIABLE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class _Route:
    """One registered method, compiled path pattern and handler."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Maps ``(method, path)`` to a handler.

    Vendors disagree on how to answer a known path called with the wrong method (Buenno
    documents 404), so that status is chosen per router.
    """

    def __init__(self, *, wrong_method_status: int = 405) -> None:
        """Start with no routes.

        Args:
            wrong_method_status: Status for a known path called with another method.
        """
        self._routes: list[_Route] = []
        self._wrong_method_status = wrong_method_status

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register a handler for a method and a path template relative to the router."""
        escaped = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        regex = _VARIABLE.sub(r"(?P<\1>[^/]+)", escaped)
        self._routes.append(_Route(method.upper(), re.compile(f"^{regex}$"), handler))

    def dispatch(self, request: Request, path: str) -> Response:
        """Call the handler registered for the request's method and ``path``.

        Args:
            request: The request to hand on.
            path: The part of the request path below the router's mount point.

        Raises:
            HttpError: 404 for an unknown path; the router's wrong-method status for a
                known path called with another method.
        """
        path_known = False
        for route in self._routes:
            match = route.pattern.match(path)
            if match is None:
                continue
            path_known = True
            if route.method == request.method:
                return route.handler(dataclasses.replace(request, path_params=match.groupdict()))
        if path_known:
            raise HttpError(self._wrong_method_status, f"Method {request.method} is not allowed")
        raise HttpError(404, "Not found")
