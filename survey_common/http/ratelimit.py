"""Client-side pacing for platforms that limit how often a client may call them.

Hello Customer allows one call per second per client and answers 429 to anything
faster. Waiting for a 429 and backing off wastes calls and time; keeping every
call at least a minimum interval apart avoids them. One limiter serves the whole
process, so streams, partitions and retries all draw from the same budget.
"""

from __future__ import annotations

import functools
import threading
import time
import typing as t
from collections.abc import Callable


class MinIntervalLimiter:
    """Keeps successive calls at least ``interval`` seconds apart, across threads."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Pace calls ``interval`` seconds apart; tests may replace ``clock`` and ``sleep``."""
        if interval < 0:
            raise ValueError(f"interval must be zero or more seconds, got {interval}")
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_allowed: float | None = None

    def wait(self) -> None:
        """Block until the next call may go out, then claim its slot."""
        with self._lock:
            now = self._clock()
            if self._next_allowed is not None and now < self._next_allowed:
                self._sleep(self._next_allowed - now)
                now = self._next_allowed
            self._next_allowed = now + self.interval

    def call_ended(self) -> None:
        """Start the interval again now that a call has been answered.

        The server measures the interval between the calls it receives. A call that was
        slow to arrive (a new connection, a busy network) would otherwise reach it less
        than an interval before the next one; counting again from its answer keeps every
        call an interval apart at the server, however long the network took.
        """
        with self._lock:
            self._next_allowed = max(self._next_allowed or 0.0, self._clock() + self.interval)

    def pace(self, func: Callable[..., t.Any]) -> Callable[..., t.Any]:
        """Wrap ``func`` so that each call waits for its slot and restarts the interval after."""

        @functools.wraps(func)
        def paced(*args: t.Any, **kwargs: t.Any) -> t.Any:
            self.wait()
            try:
                return func(*args, **kwargs)
            finally:
                self.call_ended()

        return paced
