"""How many calls a connector keeps in flight at once, and how that backs off on 429.

Reading pages ahead and pushing records side by side hide the API's round trip, but an
API that answers 429 is saying the client is too eager. One ``InFlightLimit`` serves a
whole process, taps and targets alike, the way TCP paces a connection:

- it starts at two calls in flight and doubles after each run of answers without a 429
  (as many as the bound), up to the ``max_concurrent_requests`` setting, so an API that
  takes fewer calls at once meets a small burst, not the whole maximum;
- it grows only once it has been reached, as many calls in flight as it allows: calm
  answers to a walk reading one page ahead say nothing of eight at once (a bound grown
  to eight that way met the API's limit with a burst of four refusals);
- a 429 halves the bound (never below one) and ends the doubling; the other 429s of
  calls sent before that halving do not halve it again, since it already reacted to
  them;
- after a 429 the bound grows back by one only after ``recovery_calls`` answers per call
  it allows (20 at a bound of one, 40 at two...) in a row without a 429, so probing for
  one more call costs at most one refusal per that many answers;
- growing back to the bound a 429 came under takes ``REFUSED_AGAIN_FACTOR`` times as
  many: the API said no to it, so it is asked again only after a long calm (an API
  taking two calls at once is probed with three every 160 answers, not every 60).

The wait a 429 asks for (``Retry-After``) is the retry policy's business
(``survey_common.http.retry``); this only decides how many calls go out together.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import typing as t
from http import HTTPStatus

from singer_sdk.exceptions import RetriableAPIError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: Calls in flight at once when the ``max_concurrent_requests`` setting is not given.
DEFAULT_MAX_CONCURRENT_REQUESTS = 8

#: Answers in a row without a 429 after which the bound grows by one.
DEFAULT_RECOVERY_CALLS = 20

#: How many times longer the calm must be before growing to a bound that was refused.
REFUSED_AGAIN_FACTOR = 4


def is_rate_limited(error: BaseException) -> bool:
    """Tell whether a failed attempt was the API answering 429."""
    response = getattr(error, "response", None)
    return (
        isinstance(error, RetriableAPIError)
        and response is not None
        and response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    )


class InFlightLimit:
    """Bounds the calls in flight across threads: slow start, halving on 429, slow regrowth."""

    def __init__(
        self,
        maximum: int,
        *,
        start: int = 2,
        recovery_calls: int = DEFAULT_RECOVERY_CALLS,
    ) -> None:
        """Allow ``start`` calls at once, doubling to ``maximum`` until the first 429.

        After a 429 the bound grows by one per ``recovery_calls`` answers without one for
        each call it allows.
        """
        if maximum < 1 or start < 1:
            raise ValueError(
                f"at least one call must be allowed in flight, got maximum {maximum}, start {start}"
            )
        if recovery_calls < 1:
            raise ValueError(f"recovery_calls must be at least 1, got {recovery_calls}")
        self.maximum = maximum
        self.recovery_calls = recovery_calls
        self._bound = min(start, maximum)
        self._doubling = True
        self._in_flight = 0
        self._calm_answers = 0
        #: How many times the bound was halved; a slot remembers the value it started under.
        self._halvings = 0
        #: The bound the last 429 came under, until the bound grows back to it.
        self._refused_at: int | None = None
        #: Whether as many calls as the bound allows were in flight since it last changed.
        self._reached = False
        self._changed = threading.Condition()

    @property
    def bound(self) -> int:
        """How many calls may be in flight right now."""
        with self._changed:
            return self._bound

    @property
    def in_flight(self) -> int:
        """How many calls are waiting for their answer right now."""
        with self._changed:
            return self._in_flight

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one place in flight for the duration of one attempt.

        An attempt that fails with a 429 halves the bound, unless the bound was already
        halved since the attempt went out; any other outcome (an answer, another error)
        counts towards growing it.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight < self._bound)
            self._in_flight += 1
            sent_after = self._halvings
            if self._in_flight >= self._bound:
                self._reached = True
        rate_limited = False
        try:
            yield
        except BaseException as exc:
            rate_limited = is_rate_limited(exc)
            raise
        finally:
            with self._changed:
                self._in_flight -= 1
                if rate_limited:
                    self._slow_down(sent_after)
                else:
                    self._calm_answer()
                self._changed.notify_all()

    def _slow_down(self, sent_after: int) -> None:
        """Halve the bound for a 429, once for all the calls that went out under it."""
        self._calm_answers = 0
        self._doubling = False
        if sent_after == self._halvings:
            self._refused_at = self._bound
            self._set_bound(max(1, self._bound // 2))
            self._halvings += 1

    def _calm_answer(self) -> None:
        """Count an answer without a 429; grow the bound after a run of them."""
        if self._bound >= self.maximum:
            return
        self._calm_answers += 1
        if not self._reached:
            return
        if self._doubling and self._calm_answers >= self._bound:
            self._set_bound(min(2 * self._bound, self.maximum))
        elif not self._doubling and self._calm_answers >= self._calm_to_grow():
            self._set_bound(self._bound + 1)
            if self._refused_at is not None and self._bound >= self._refused_at:
                self._refused_at = None

    def _set_bound(self, bound: int) -> None:
        """Allow ``bound`` calls at once, counting calm answers and use afresh."""
        self._bound = bound
        self._calm_answers = 0
        self._reached = self._in_flight >= bound

    def _calm_to_grow(self) -> int:
        """Return the answers without a 429 the bound waits for before it grows by one."""
        calm = self.recovery_calls * self._bound
        if self._refused_at is not None and self._bound + 1 >= self._refused_at:
            return REFUSED_AGAIN_FACTOR * calm
        return calm

    def bounded(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Wrap ``func`` (one attempt of a call) so that it runs inside a slot."""

        @functools.wraps(func)
        def in_slot(*args: t.Any, **kwargs: t.Any) -> t.Any:
            with self.slot():
                return func(*args, **kwargs)

        return in_slot
