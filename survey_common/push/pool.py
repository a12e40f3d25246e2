"""Pushing records side by side: each push on a worker thread, one person's in input order.

Every push waits a round trip for the API's answer; pushed one after the other, 200
records at 100 ms cost 20 s of waiting. The pool runs pushes on a few threads instead,
while the calls they make stay bounded by the target's ``InFlightLimit``. What the
one-at-a-time target guaranteed still holds:

- **The same key is never in flight twice.** A push waits until every earlier push
  that shares one of its keys (the same person) has finished, so two records of one
  person are pushed one after the other, in input order, and the second finds the
  first done (already present, or looked up and updated).
- **A STATE stays behind every push before it.** Each push carries its record's
  position in the input; ``settled_before(mark)`` tells whether every push before a
  position has finished (accepted, already present or rejected). The target passes a
  STATE on only then: ``on_settled`` is called on the worker after each push that
  finished, before the worker takes another, so a STATE goes out as soon as it may.
- **A failure that stops the run stops the pool.** The first push that raises
  (``PushStoppedError``, or a bug) ends the pool: no push starts after it, those on
  their way finish, and ``submit`` and ``finish`` raise that failure. Pushes that never
  ran, and the one that failed, are not settled, so no STATE passes them.
- **Memory is bounded.** ``submit`` waits while ``backlog`` pushes are submitted and
  not finished, whether running or waiting for a key.
"""

from __future__ import annotations

import collections
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable


@dataclass(eq=False)
class _Push:
    """One submitted push: its input position, its keys and the work that pushes it."""

    position: int
    keys: frozenset[Hashable]
    work: Callable[[], None]
    #: Earlier pushes sharing a key that have not finished yet.
    waits_for: set[_Push] = field(default_factory=set)
    #: Later pushes waiting for this one.
    followers: list[_Push] = field(default_factory=list)


class PushPool:
    """Runs pushes on ``workers`` threads, in input order per key, stopping at the first failure."""

    def __init__(
        self,
        workers: int,
        *,
        backlog: int | None = None,
        on_settled: Callable[[], None] | None = None,
    ) -> None:
        """Run up to ``workers`` pushes at once; hold at most ``backlog`` (default twice that).

        ``on_settled`` is called after each push that finished without failing; a
        failure it raises fails the pool as a push's would.
        """
        if workers < 1:
            raise ValueError(f"a pool needs at least one worker, got {workers}")
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push")
        self._backlog = backlog or 2 * workers
        self._changed = threading.Condition()
        #: The latest push of each key not finished yet: a new push with the key waits for it.
        self._latest: dict[Hashable, _Push] = {}
        #: Positions of pushes submitted and not settled, with how many pushes each.
        self._unsettled: collections.Counter[int] = collections.Counter()
        self._outstanding = 0
        self._running = 0
        self._failure: BaseException | None = None
        self._on_settled = on_settled

    def submit(self, position: int, keys: Iterable[Hashable], work: Callable[[], None]) -> None:
        """Run ``work`` once no earlier push with one of ``keys`` is unfinished.

        Waits while the backlog is full.

        Raises:
            BaseException: the failure of an earlier push; this one is not run.
        """
        with self._changed:
            self._changed.wait_for(
                lambda: self._outstanding < self._backlog or self._failure is not None
            )
            self._raise_failure()
            push = _Push(position, frozenset(keys), work)
            for key in push.keys:
                earlier = self._latest.get(key)
                if earlier is not None and earlier not in push.waits_for:
                    push.waits_for.add(earlier)
                    earlier.followers.append(push)
                self._latest[key] = push
            self._unsettled[position] += 1
            self._outstanding += 1
            if not push.waits_for:
                self._start(push)

    def settled_before(self, mark: int) -> bool:
        """Tell whether every push at a position before ``mark`` has finished without failing."""
        with self._changed:
            return all(position >= mark for position in self._unsettled)

    def check(self) -> None:
        """Raise the failure of a push, if one failed; return at once otherwise."""
        with self._changed:
            self._raise_failure()

    def finish(self) -> None:
        """Wait for every push submitted; after a failure, only for those running.

        Raises:
            BaseException: the failure of a push.
        """
        with self._changed:
            self._changed.wait_for(
                lambda: self._outstanding == 0 or (self._failure is not None and not self._running)
            )
            self._raise_failure()

    def wait_quiet(self) -> None:
        """Wait until no push is running (after a failure: the ones on their way finished)."""
        with self._changed:
            self._changed.wait_for(lambda: not self._running)

    def close(self) -> None:
        """Stop the worker threads once the pushes running finished."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _start(self, push: _Push) -> None:
        """Hand a push whose keys are free to a worker; called holding the lock."""
        self._running += 1
        self._executor.submit(self._run, push)

    def _run(self, push: _Push) -> None:
        """Push on a worker thread, unless an earlier push failed; then free its keys."""
        with self._changed:
            skipped = self._failure is not None
        failure: BaseException | None = None
        if not skipped:
            try:
                push.work()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread by submit/finish
                failure = exc
        with self._changed:
            self._running -= 1
            self._outstanding -= 1
            for key in push.keys:
                if self._latest.get(key) is push:
                    del self._latest[key]
            if failure is not None:
                self._failure = self._failure or failure
            elif not skipped:
                self._unsettled[push.position] -= 1
                if not self._unsettled[push.position]:
                    del self._unsettled[push.position]
            for follower in push.followers:
                follower.waits_for.discard(push)
                if not follower.waits_for:
                    self._start(follower)  # it skips itself when the pool has failed
            self._changed.notify_all()
        if failure is None and not skipped and self._on_settled is not None:
            try:
                self._on_settled()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread by submit/finish
                with self._changed:
                    self._failure = self._failure or exc
                    self._changed.notify_all()
