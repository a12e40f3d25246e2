"""The sandbox's read memo and its bound on calls in flight: what a benchmark needs of a server.

A client's speed is measured against a plain loop over the same pages; when the sandbox
queries SQLite and renders JSON for every page, that loop measures the sandbox. With
:class:`ReadMemo` a read answered once is answered again from memory, byte for byte,
until anything writes, so the loop is held back by the client alone.

:class:`InFlightGate` plays an API that refuses calls beyond a number in flight at once,
so that a client keeping several calls in flight can show that it slows down on 429.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from http import HTTPStatus

from survey_sandbox.timefmt import parse_iso_instant
from survey_sandbox.web import Request, Response

#: Request headers an API answer depends on besides path and query: the platforms'
#: credentials (Buenno's token header, FeedbackAPI's Basic and Hello Customer's Bearer
#: ``Authorization``) and how a GET's body, which vendors accept, is encoded.
KEY_HEADERS = ("api-auth-token", "authorization", "content-type")

MemoKey = tuple[object, ...]

#: What a query value that reads as an instant after every record is keyed as.
AFTER_EVERY_RECORD = "after every record"


def _after(value: str, horizon: float) -> bool:
    """Tell whether a query value is an instant (ISO 8601, epoch seconds) from ``horizon`` on."""
    try:
        instant = float(value) if value.isdigit() else parse_iso_instant(value)
    except ValueError:  # InstantError too: not an instant
        return False
    return instant >= horizon


class ReadMemo:
    """Successful API reads, kept until the next write of any kind.

    A write empties the memo once it has been acted on. A read that was being answered
    while a write went on is not kept: it may hold the data from before the write.

    A client bounds its reads by the moment its sync started (``to``, ``created_before``),
    so no two runs ask for quite the same query. Until anything writes, the store holds
    only seeded records, all dated before 2026, before the memo started: a bound at or
    after that moment selects every record, as any other such bound does, and is keyed
    as one and the same. After a write (which may date a record at any instant) keys are
    the queries as sent.
    """

    def __init__(self) -> None:
        """Start empty, with the data as seeded."""
        self._answers: dict[MemoKey, Response] = {}
        self._generation = 0
        self._started = time.time()
        self._lock = threading.Lock()

    def key(self, platform: str, path: str, request: Request) -> MemoKey:
        """Return what a read's answer depends on: platform, path, query, credentials, body."""
        with self._lock:
            seeded_only = self._generation == 0
        query = sorted(
            (name, AFTER_EVERY_RECORD if seeded_only and _after(value, self._started) else value)
            for name, value in request.query.items()
        )
        return (
            platform,
            path,
            tuple(query),
            tuple(request.header(name) for name in KEY_HEADERS),
            request.body,
        )

    def read(self, key: MemoKey, answer: Callable[[], Response]) -> Response:
        """Return the kept answer for ``key``, or ``answer()``, kept when it is a 200."""
        with self._lock:
            kept = self._answers.get(key)
            generation = self._generation
        if kept is not None:
            return kept
        response = answer()
        if response.status == HTTPStatus.OK:
            with self._lock:
                if generation == self._generation:
                    self._answers[key] = response
        return response

    def write(self, act: Callable[[], Response]) -> Response:
        """Return ``act()``, forgetting every kept answer once it acted, even when it failed."""
        try:
            return act()
        finally:
            with self._lock:
                self._answers.clear()
                self._generation += 1


class InFlightGate:
    """At most ``maximum`` API calls of one platform answered at once; the others refused.

    A refused call is not in flight: it is answered at once (with 429) and counted.
    """

    def __init__(self, maximum: int) -> None:
        """Admit up to ``maximum`` calls per platform at a time.

        Raises:
            ValueError: When ``maximum`` is less than 1.
        """
        if maximum < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.maximum = maximum
        self._in_flight: Counter[str] = Counter()
        self._refused: Counter[str] = Counter()
        self._lock = threading.Lock()

    def enter(self, platform: str) -> bool:
        """Take a place for a call of ``platform``; ``False`` (and counted) when none is free."""
        with self._lock:
            if self._in_flight[platform] >= self.maximum:
                self._refused[platform] += 1
                return False
            self._in_flight[platform] += 1
            return True

    def leave(self, platform: str) -> None:
        """Give back the place a call of ``platform`` held."""
        with self._lock:
            self._in_flight[platform] -= 1

    def refused(self, platform: str) -> int:
        """Return how many calls of ``platform`` were refused so far."""
        with self._lock:
            return self._refused[platform]
