"""The sandbox's application: the single dispatch point every request passes through.

Paths:

- ``/<platform api root>/...`` (e.g. ``/buenno/api/v01/replies``): the platform's API.
- ``/_sandbox/health``: ``{"status": "ok"}`` once the data is ready.
- ``/_sandbox/stats``: API calls per platform and calls refused for too many in flight.
- ``/_sandbox/<platform>/...``: the platform's admin endpoints (no authentication).

Behaviour that concerns every platform's API lives here or wraps :meth:`SandboxApp.dispatch`:
the latency, the read memo and the bound on calls in flight (:mod:`survey_sandbox.memo`)
here, injected faults (:mod:`survey_sandbox.faults`) around it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from survey_common.readings import Readings
from survey_sandbox.hellocustomer import HelloCustomer
from survey_sandbox.memo import InFlightGate, ReadMemo
from survey_sandbox.platforms import Platform
from survey_sandbox.web import HttpError, Request, Response, json_response

ADMIN_ROOT = "/_sandbox"

Dispatch = Callable[[Request], Response]


def sandbox_error(status: int, message: str) -> Response:
    """Build the sandbox's own error body, used where no platform answers."""
    return json_response({"error_message": message}, status)


class SandboxApp:
    """Sends each request to the platform that owns its path prefix."""

    def __init__(
        self,
        platforms: Sequence[Platform],
        readings: Readings,
        *,
        latency: float = 0.0,
        memo: ReadMemo | None = None,
        gate: InFlightGate | None = None,
    ) -> None:
        """Serve the given platforms.

        Args:
            platforms: Platforms, each with a distinct name and API root.
            readings: The register points the platforms answer the other way, reported
                by the health endpoint so a test can check which sandbox it talks to.
            latency: Seconds every API call's answer is held back once the platform has
                acted on it, as a distant server's round trip would; calls in parallel
                wait in parallel.
            memo: Where API reads are answered again from memory until anything writes;
                ``None``: every call is answered by its platform. Hello Customer is never
                memoized: its handler counts and throttles every call of a token itself.
            gate: The bound on API calls in flight per platform; ``None``: no bound.
        """
        self._latency = latency
        self._memo = memo
        self._memoized = frozenset(
            platform.name for platform in platforms if not isinstance(platform, HelloCustomer)
        )
        self._gate = gate
        self._platforms = tuple(platforms)
        self._readings = readings
        self._by_name = {platform.name: platform for platform in platforms}
        self._api_calls = dict.fromkeys(self._by_name, 0)
        self._api_calls_lock = threading.Lock()

    def api_calls(self, platform: str) -> int:
        """Return how many API requests the platform has answered, whatever their status.

        Benchmarks compare this with the fewest requests the API allows for a sync.
        """
        with self._api_calls_lock:
            return self._api_calls[platform]

    def dispatch(self, request: Request) -> Response:
        """Answer one request: the sandbox's own endpoints, a platform's admin or its API."""
        path = request.path
        if path.startswith(f"{ADMIN_ROOT}/"):
            return self._admin(request, path[len(ADMIN_ROOT) + 1 :])
        for platform in self._platforms:
            root = platform.api_root
            if path == root or path.startswith(f"{root}/"):
                with self._api_calls_lock:
                    self._api_calls[platform.name] += 1
                return self._api_call(platform, request, path[len(root) :])
        return sandbox_error(404, "Not found")

    def _admin(self, request: Request, path: str) -> Response:
        """Answer health and stats, or a platform's admin call, which empties the memo."""
        if path in {"health", "stats"}:
            if request.method != "GET":
                return sandbox_error(404, f"Method {request.method} is not allowed")
            if path == "stats":
                return json_response(self.stats())
            return json_response(
                {"status": "ok", "other_readings": sorted(self._readings.switched)}
            )
        name, _, rest = path.partition("/")
        platform = self._by_name.get(name)
        if platform is None:
            return sandbox_error(404, "Not found")
        if self._memo is None:
            return platform.handle_admin(request, f"/{rest}")
        return self._memo.write(lambda: platform.handle_admin(request, f"/{rest}"))

    def _api_call(self, platform: Platform, request: Request, path: str) -> Response:
        """Answer one API call, then hold the answer back by the latency, whatever it is.

        A call beyond the bound in flight is refused; the others are answered from the
        memo or by the platform.
        """
        gate = self._gate
        if gate is not None and not gate.enter(platform.name):
            response = self._too_many_in_flight(platform)
            if self._latency:
                time.sleep(self._latency)
            return response
        try:
            response = self._answer(platform, request, path)
            if self._latency:
                time.sleep(self._latency)
        finally:
            if gate is not None:
                gate.leave(platform.name)
        return response

    def _answer(self, platform: Platform, request: Request, path: str) -> Response:
        """Answer through the platform, or the memo where it is on for the platform."""
        memo = self._memo
        if memo is None or platform.name not in self._memoized:
            return platform.handle_api(request, path)
        if request.method == "GET":
            key = memo.key(platform.name, path, request)
            return memo.read(key, lambda: platform.handle_api(request, path))
        return memo.write(lambda: platform.handle_api(request, path))

    def _too_many_in_flight(self, platform: Platform) -> Response:
        """Build the platform's 429 for a call beyond the bound, asking for a second's wait."""
        assert self._gate is not None  # noqa: S101 - only called with a gate
        refused = platform.error_answer(
            HttpError(429, f"Too many requests: at most {self._gate.maximum} at a time")
        )
        return dataclasses.replace(refused, headers=(*refused.headers, ("Retry-After", "1")))

    def stats(self) -> dict[str, Any]:
        """Count API calls and calls refused for too many in flight, per platform."""
        gate = self._gate
        with self._api_calls_lock:
            calls = dict(self._api_calls)
        return {
            "api_calls": calls,
            "max_in_flight": None if gate is None else gate.maximum,
            "refused_in_flight": {
                name: 0 if gate is None else gate.refused(name) for name in self._by_name
            },
            "memoize_reads": self._memo is not None,
        }
