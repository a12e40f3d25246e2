"""Faults injected into every platform's API at once, as real networks and gateways fail.

A pipeline that passes against a sandbox that always answers at once proves little about
a night when the vendor's gateway throttles, restarts or hangs. :class:`FaultInjector`
wraps :meth:`SandboxApp.dispatch <survey_sandbox.server.SandboxApp.dispatch>`, the one
place every request passes through, and lets a share of the API calls fail in one of six
ways:

- ``429``: Too Many Requests, by default half of them with a ``Retry-After`` header
  and half without (a client must then pick its own wait); the call is not processed.
- ``5xx``: 500, 502, 503 or 504, as a gateway sends them (plain text, not the vendor's
  JSON); the call is not processed.
- ``drop``: the connection is closed without any answer; the call is not processed.
- ``slow``: the answer comes, but only after a delay; the call is processed, late, so a
  client that gave up waiting cannot know whether it was.
- ``html``: an HTML page instead of the API's JSON: a gateway's 502 or 503 error page,
  or a 200 page as a captive portal or a misrouted proxy sends it; the call is not
  processed. A client that trusts the 200 status loses the call without noticing.
- ``truncated``: the call IS processed, then its answer loses the second half of its
  body (``Content-Length`` matches what is sent, so only the JSON is broken). For a
  read this is a transient failure; for a push that creates something it is the
  dangerous case: the work was done, but the client cannot tell from the answer.

Besides the share drawn from the seed, a platform's admin endpoint can queue answers for
the next calls below its API root (FeedbackAPI's ``POST /_sandbox/feedbackapi/faults``):
:class:`FaultQueue` holds them and the same injector answers with them, first, so that
every injected fault is decided in one place.

Admin endpoints (``/_sandbox/...``) never fail, so tests and scripts can always steer the
sandbox. The faults are drawn from the sandbox's seed: the n-th API call of a run meets
the same fate every time, so a failure seen once can be replayed. Kinds are dealt like
cards from a shuffled deck, one of each kind per round, so that even a short run with a
handful of faults meets every kind, rather than the same one several times.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus

from survey_sandbox.web import Request, Response

FAULT_KINDS = ("429", "5xx", "drop", "slow", "html", "truncated")
"""Every kind of fault, in the order ``--help`` lists them."""

FAULT_HEADER = "X-Sandbox-Fault"
"""Header naming the fault an answer carries, so that logs and clients can tell it apart."""

ADMIN_PREFIX = "/_sandbox/"
"""Paths below this prefix are the sandbox's own and never fail."""

_SERVER_ERRORS = (500, 502, 503, 504)
#: Statuses of an HTML page: a gateway's error pages, and a proxy's or portal's 200.
_HTML_STATUSES = (502, 503, 200)
_REASONS = {
    200: "OK",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

QUEUED_STATUSES = (429, 500, 502, 503, 504)
"""Statuses an admin endpoint may queue for the next API calls."""

MAX_QUEUED = 100
"""Most answers one admin call may queue."""

Dispatch = Callable[[Request], Response]


class DroppedConnection(Exception):  # noqa: N818 - names the event, as ConnectionResetError does
    """Raised instead of an answer: the HTTP layer closes the connection without replying."""


@dataclass(frozen=True)
class FaultPlan:
    """How often API calls fail and how.

    Attributes:
        rate: Share of API calls that meet a fault, from 0 (none) to 1 (every one).
        kinds: The kinds to draw from, each once per round of ``len(kinds)`` faults, in
            an order drawn anew for each round (see :data:`FAULT_KINDS`).
        slow_seconds: Delay of a ``slow`` answer.
        retry_after: Seconds an injected 429 that carries ``Retry-After`` asks the client
            to wait.
        retry_after_share: Share of injected 429s that carry ``Retry-After``; the others
            leave the wait to the client's backoff.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    slow_seconds: float = 2.0
    retry_after: int = 1
    retry_after_share: float = 0.5

    def __post_init__(self) -> None:
        """Refuse a plan that could not be carried out, naming the bad value.

        Raises:
            ValueError: For a rate outside 0 to 1, an unknown or missing kind, a negative
                or infinite delay, a negative ``retry_after``, or a share outside 0 to 1.
        """
        if not 0 <= self.rate <= 1:
            raise ValueError("the fault rate must be between 0 and 1")
        if not self.kinds:
            raise ValueError("at least one fault kind is needed")
        unknown = sorted(set(self.kinds) - set(FAULT_KINDS))
        if unknown:
            raise ValueError(
                f"unknown fault kind {', '.join(unknown)}; choose from {', '.join(FAULT_KINDS)}"
            )
        if not 0 <= self.slow_seconds < float("inf"):
            raise ValueError("slow_seconds must be a finite number, at least 0")
        if self.retry_after < 0:
            raise ValueError("retry_after must not be negative")
        if not 0 <= self.retry_after_share <= 1:
            raise ValueError("retry_after_share must be between 0 and 1")


class FaultQueue:
    """Answers queued for the next API calls below one API root, used up in order.

    A platform's admin endpoint queues them in its vendor's error body; the
    :class:`FaultInjector` answers with them before drawing any fault of its own.
    """

    def __init__(self) -> None:
        """Start with nothing queued."""
        self._lock = threading.Lock()
        self._queued: dict[str, deque[Response]] = {}

    def push(self, api_root: str, answer: Response, count: int) -> int:
        """Queue ``answer`` for the next ``count`` calls below ``api_root``.

        Returns:
            How many answers are queued for that root now.
        """
        with self._lock:
            queue = self._queued.setdefault(api_root, deque())
            queue.extend([answer] * count)
            return len(queue)

    def take(self, path: str) -> Response | None:
        """Use up the next answer queued for the API root ``path`` is below, if any."""
        with self._lock:
            for root, queue in self._queued.items():
                if queue and (path == root or path.startswith(f"{root}/")):
                    return queue.popleft()
        return None


class FaultInjector:
    """A dispatch function that lets a share of API calls fail before the platform sees them.

    Example::

        dispatch = FaultInjector(app.dispatch, FaultPlan(rate=0.1), seed=42)
    """

    def __init__(
        self,
        dispatch: Dispatch,
        plan: FaultPlan,
        *,
        seed: int,
        sleep: Callable[[float], None] = time.sleep,
        queue: FaultQueue | None = None,
    ) -> None:
        """Wrap ``dispatch``.

        Args:
            dispatch: Answers the calls that meet no fault (and the slow ones, late).
            plan: How often and how calls fail.
            seed: The sandbox's seed; the sequence of faults follows from it.
            sleep: Waits out a slow answer; tests pass a recorder.
            queue: Answers queued by admin endpoints, given before any drawn fault.
        """
        self._dispatch = dispatch
        self._plan = plan
        self._sleep = sleep
        self._queue = queue or FaultQueue()
        self._random = random.Random(f"survey-sandbox faults {seed}")  # noqa: S311 - not security
        self._lock = threading.Lock()
        #: The kinds still to come in this round of faults.
        self._deck: list[str] = []

    def __call__(self, request: Request) -> Response:
        """Answer ``request``, or fail it as the plan draws.

        Raises:
            DroppedConnection: When the call's fault is ``drop``.
        """
        if request.path.startswith(ADMIN_PREFIX):
            return self._dispatch(request)
        queued = self._queue.take(request.path)
        fault = None if queued is not None else self._draw()
        if fault is None:
            return queued or self._dispatch(request)
        kind, status, with_retry_after = fault
        if kind == "drop":
            raise DroppedConnection
        if kind == "slow":
            self._sleep(self._plan.slow_seconds)
            return _marked(self._dispatch(request), kind)
        if kind == "truncated":
            return _truncated(self._dispatch(request))
        if kind == "html":
            return _html_page(status)
        retry_after = (("Retry-After", str(self._plan.retry_after)),) if with_retry_after else ()
        return _gateway_answer(status, kind, retry_after)

    def _draw(self) -> tuple[str, int, bool] | None:
        """Draw the next call's fault; ``None``: no fault.

        Returns the kind, the status it answers with (for 429, 5xx and html) and whether
        a 429 carries ``Retry-After``. One lock keeps the sequence of draws, and so the
        faults, the same for a seed whichever server thread serves the call; every call
        with a fault takes the same number of draws, whatever its kind.
        """
        with self._lock:
            if self._random.random() >= self._plan.rate:
                return None
            if not self._deck:
                self._deck = list(self._plan.kinds)
                self._random.shuffle(self._deck)
            kind = self._deck.pop()
            detail = self._random.random()
            with_retry_after = kind == "429" and detail < self._plan.retry_after_share
        if kind == "5xx":
            return kind, _SERVER_ERRORS[int(detail * len(_SERVER_ERRORS))], False
        if kind == "html":
            return kind, _HTML_STATUSES[int(detail * len(_HTML_STATUSES))], False
        return kind, HTTPStatus.TOO_MANY_REQUESTS, with_retry_after


def parse_kinds(text: str) -> tuple[str, ...]:
    """Read a comma-separated list of fault kinds, such as ``429,5xx``.

    Raises:
        ValueError: For an empty list or an unknown kind.
    """
    kinds = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    FaultPlan(kinds=kinds)  # checks them
    return kinds


def _marked(response: Response, kind: str) -> Response:
    """Return ``response`` with the header that names its fault."""
    return Response(
        status=response.status,
        body=response.body,
        content_type=response.content_type,
        headers=(*response.headers, (FAULT_HEADER, kind)),
    )


def _truncated(response: Response) -> Response:
    """Return ``response`` with the second half of its body cut off, marked as truncated."""
    cut = Response(
        status=response.status,
        body=response.body[: len(response.body) // 2],
        content_type=response.content_type,
        headers=response.headers,
    )
    return _marked(cut, "truncated")


def _html_page(status: int) -> Response:
    """Build the HTML page a gateway (502, 503) or a captive portal or proxy (200) sends."""
    title = f"{status} {_REASONS[status]}" if status != HTTPStatus.OK else "Sign in to the network"
    body = (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{title}</title></head>\n<body><h1>{title}</h1>\n"
        "<p>The page you asked for could not be shown (injected by survey-sandbox).</p>\n"
        "</body></html>\n"
    ).encode()
    return Response(
        status=status,
        body=body,
        content_type="text/html; charset=utf-8",
        headers=((FAULT_HEADER, "html"),),
    )


def _gateway_answer(status: int, kind: str, headers: Sequence[tuple[str, str]]) -> Response:
    """Build the plain-text answer a gateway in front of the API would send."""
    body = f"{status} {_REASONS[status]} (injected by survey-sandbox)\n".encode()
    return Response(
        status=status,
        body=body,
        content_type="text/plain; charset=utf-8",
        headers=(*headers, (FAULT_HEADER, kind)),
    )
