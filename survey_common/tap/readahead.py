"""Reading a list's next pages on worker threads while the current page is written.

Against a real API most of a tap's time is the round trip of each page. The pages a
sequential walk will ask next are often known before it asks: a list that reports its
total and sends full pages goes on at the next offset or page number until the total.
Paginators that can say so predict those tokens (:class:`PredictsPages`); their requests
are sent ahead on worker threads, and the walk itself stays sequential: it asks, in
order, for exactly the request the paging code decided on, and takes an answer fetched
ahead only if it was fetched for that very request (method, URL and body). Records
therefore come out in the order the sequential walk gives, and state never moves past
a record not yet written. A request the walk does not ask for (a wrong prediction)
drops every answer fetched ahead, so none is used out of turn; it costs a request.

Every attempt, ahead or not, holds a place under the tap's in-flight limit, so the
pages in flight never exceed ``max_concurrent_requests`` (halved after a 429) and at
most that many answers wait in memory. An error on a page fetched ahead is raised when
the walk reaches that page, with the words it would have had; nothing after it is
emitted. Closing the walk (the stream ends, fails, or its generator is closed early)
cancels what has not started and waits for the attempts under way, which end at their
next attempt.
"""

from __future__ import annotations

import concurrent.futures
import threading
import typing as t
import weakref

if t.TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import requests

#: What identifies a request: method, URL with its query, and body.
RequestKey = tuple[str, str, t.Any]

_Key = t.TypeVar("_Key")
_Value = t.TypeVar("_Value")


@t.runtime_checkable
class PredictsPages(t.Protocol):
    """A paginator that can say which tokens its walk will ask after the current one."""

    def upcoming(self, count: int) -> list[t.Any]:
        """Return up to ``count`` tokens the walk will ask after the current one, in order.

        Only tokens the sequential walk is sure to ask if the list goes on as its last
        answers describe: a token it would not ask is a request wasted.
        """
        ...


class PageAt(t.NamedTuple):
    """Stands for a paginator at a predicted token, to prepare that page's request."""

    current_value: t.Any


class ReadAheadStoppedError(Exception):
    """Raised in a worker instead of an attempt once the walk it read ahead for has ended."""


def request_key(request: requests.PreparedRequest) -> RequestKey:
    """Return what makes two requests the same request: method, URL and body."""
    return (request.method or "", request.url or "", request.body)


class LockedWeakKeyDictionary(t.Generic[_Key, _Value]):
    """The part of a ``WeakKeyDictionary`` a stream uses, safe to share with worker threads.

    Answers fetched ahead are decoded on the worker that fetched them and taken by the
    walk's thread.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._items: weakref.WeakKeyDictionary[_Key, _Value] = weakref.WeakKeyDictionary()

    def __setitem__(self, key: _Key, value: _Value) -> None:
        """Keep ``value`` for as long as ``key`` lives."""
        with self._lock:
            self._items[key] = value

    def pop(self, key: _Key) -> _Value:
        """Remove and return the value kept for ``key``; KeyError if none."""
        with self._lock:
            return self._items.pop(key)


class ReadAhead:
    """Answers fetched ahead on worker threads, each for the request it was fetched for.

    Used by one walk on one thread: ``next`` for each page, with the requests the walk
    will make after it, and ``close`` at the end.
    """

    def __init__(
        self,
        attempt: Callable[[requests.PreparedRequest, t.Any], requests.Response],
        decorate: Callable[[Callable[..., t.Any]], Callable[..., t.Any]],
        context: t.Any,
        workers: int,
    ) -> None:
        """Send each request as ``decorate(attempt)(request, context)`` does.

        Args:
            attempt: One attempt of a request: send, log and validate it.
            decorate: Adds the retries and the in-flight limit to an attempt.
            context: The stream partition the walk reads.
            workers: Threads at most: the in-flight limit's maximum.
        """
        self._fetch = decorate(attempt)
        self._fetch_ahead = decorate(self._unless_closed(attempt))
        self._context = context
        self._workers = workers
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: dict[RequestKey, concurrent.futures.Future[requests.Response]] = {}
        self._closed = threading.Event()
        #: Requests sent (or being sent) ahead whose answers the walk did not take.
        self.wasted = 0
        #: Whether the walk had to wait for the last answer it took that was fetched ahead.
        self.waited = False

    def next(
        self, request: requests.PreparedRequest, upcoming: Sequence[requests.PreparedRequest]
    ) -> requests.Response:
        """Return the answer to ``request``, having sent ``upcoming`` ahead of it.

        The answer is the one fetched ahead for this very request, else fetched now. A
        request that was not fetched ahead while others were means the walk went
        elsewhere than predicted: every answer fetched ahead is dropped, so none is used
        out of turn. Answers fetched ahead that ``upcoming`` no longer names are dropped
        too (the limit fell, or the prediction changed). An error of the request fetched
        ahead is raised here, as if the request were sent now.
        """
        future = self._pending.pop(request_key(request), None)
        keep = {request_key(ahead) for ahead in upcoming} if future is not None else set()
        for key in [key for key in self._pending if key not in keep]:
            self._drop(self._pending.pop(key))
        for ahead in upcoming:
            key = request_key(ahead)
            if key not in self._pending:
                self._pending[key] = self._pool().submit(self._fetch_ahead, ahead, self._context)
        if future is None:
            return t.cast("requests.Response", self._fetch(request, self._context))
        self.waited = not future.done()
        return future.result()

    def close(self) -> None:
        """Cancel what has not started and wait for the attempts under way to end."""
        self._closed.set()
        for future in self._pending.values():
            self._drop(future)
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _unless_closed(
        self, attempt: Callable[[requests.PreparedRequest, t.Any], requests.Response]
    ) -> Callable[[requests.PreparedRequest, t.Any], requests.Response]:
        """Wrap an attempt made ahead so that none starts once the walk has ended."""

        def attempt_ahead(request: requests.PreparedRequest, context: t.Any) -> requests.Response:
            if self._closed.is_set():
                raise ReadAheadStoppedError
            return attempt(request, context)

        return attempt_ahead

    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        """Start the worker threads on the first request fetched ahead."""
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._workers, thread_name_prefix="read-ahead"
            )
        return self._executor

    def _drop(self, future: concurrent.futures.Future[requests.Response]) -> None:
        """Forget an answer fetched ahead, cancelling it if it has not started."""
        if not future.cancel():
            self.wasted += 1


class AheadDepth:
    """How many pages a walk reads ahead, learned from how long it waits and writes.

    Reading ahead costs the interpreter: worker threads take turns with the walk for it,
    and against an API that answers at once that made a tap a fifth slower than reading
    page after page. So a walk starts reading none ahead, and measures each page it asks
    for itself: the time its thread was not working (``waited - own_cpu``) is the API's
    round trip. Once that is longer than writing a page, or than ``WORTH_HIDING`` (no
    loopback takes so long), twice in a row (one slow answer is not a slow API), it reads
    one page ahead, and from there twice as many each time it still waited longer for a
    page than it took to write the one before, up to ``maximum``.
    """

    #: A round trip this long is a network's, worth hiding behind writing whatever the pages.
    WORTH_HIDING = 0.001

    def __init__(self, maximum: int) -> None:
        """Read none ahead yet, and at most ``maximum`` pages ever."""
        self._maximum = maximum
        self._round_trip_before = float("inf")
        self._writing: float | None = None
        #: Pages to read ahead of the one asked now.
        self.pages = 0

    def asked(self, *, waited: float, own_cpu: float, unready_ahead: bool) -> None:
        """Learn from a page the walk waited ``waited`` seconds for, ``own_cpu`` of them working.

        ``unready_ahead`` tells that the page had been sent ahead and was not in yet.
        """
        if self._writing is None:  # the first page: nothing written yet to compare with
            self._round_trip_before = waited - own_cpu
        elif self.pages == 0:
            round_trip = waited - own_cpu
            worth_hiding = min(self._writing, self.WORTH_HIDING)
            if min(round_trip, self._round_trip_before) > worth_hiding:
                self.pages = min(1, self._maximum)
            self._round_trip_before = round_trip
        elif unready_ahead and waited > self._writing:
            self.pages = min(2 * self.pages, self._maximum)

    def wrote(self, seconds: float) -> None:
        """Learn that the walk took ``seconds`` to write the page it was given last."""
        self._writing = seconds
