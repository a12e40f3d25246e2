"""A ``requests`` session that reads the proxy settings of the environment once per origin.

``requests`` looks for proxies in the environment (``HTTPS_PROXY``, ``NO_PROXY``...) at
every request it sends, three times over: each look walks the whole environment, and
against an API that answers at once that was a third of what a request cost the tap. The
environment does not change while a sync runs, so the proxies chosen for an origin
(scheme, host and port) are kept and given to every later request to that origin. A
session whose own ``proxies`` or ``trust_env`` change looks again.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import requests
from requests.utils import resolve_proxies
from typing_extensions import override

#: The proxies an origin's requests go through, and what they were chosen under.
_ProxiesKey = tuple[str, str, bool, tuple[tuple[str, str], ...]]


class EnvironmentOnceSession(requests.Session):
    """A session that chooses each origin's proxies once, as ``requests`` would each time."""

    def __init__(self) -> None:
        """Start with no origin's proxies chosen."""
        super().__init__()
        self._proxies_chosen: dict[_ProxiesKey, dict[str, str]] = {}

    @override
    def send(self, request: requests.PreparedRequest, **kwargs: t.Any) -> requests.Response:
        """Send ``request`` through the proxies chosen for its origin, unless told others."""
        if "proxies" not in kwargs:
            kwargs["proxies"] = self._proxies_for(request)
        return super().send(request, **kwargs)

    def _proxies_for(self, request: requests.PreparedRequest) -> dict[str, str]:
        """Return what ``requests`` would choose for ``request``, chosen once per origin."""
        url = urlsplit(request.url or "")
        key = (url.scheme, url.netloc, self.trust_env, tuple(sorted(self.proxies.items())))
        chosen = self._proxies_chosen.get(key)
        if chosen is None:
            chosen = resolve_proxies(request, dict(self.proxies), self.trust_env)
            self._proxies_chosen[key] = chosen
        return dict(chosen)
