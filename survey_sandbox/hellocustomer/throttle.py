"""Hello Customer's throttle: at most one call per interval per client, and its counters.

The vendor refuses a call with 429 when less than a second has passed since the client's
previous call. The sandbox keys clients by API token, makes the interval configurable so
tests can run fast, and counts calls and refusals so tests can prove a connector paces
itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class Throttle:
    """Admits a client's call only when ``min_interval`` has passed since its last admitted one.

    Refused calls do not restart the interval, so a client that retries too early is not
    kept waiting longer than the interval it was told.
    """

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no client seen and zero counters.

        Args:
            min_interval: Seconds required between two admitted calls of one client; 0
                admits every call.
            clock: Monotonic seconds, replaceable for tests of the arithmetic.

        Raises:
            ValueError: When ``min_interval`` is negative or not a finite number.
        """
        if not math.isfinite(min_interval) or min_interval < 0:
            raise ValueError("the minimum interval must be a finite number of seconds, at least 0")
        self.min_interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last_admitted: dict[str, float] = {}
        self._calls = 0
        self._rate_limited = 0

    def count_call(self) -> None:
        """Count one call to the API, whatever its outcome."""
        with self._lock:
            self._calls += 1

    def admit(self, client: str) -> int | None:
        """Admit a call of ``client`` or say how long it must wait.

        Returns:
            ``None`` when the call is admitted; otherwise the whole seconds (at least 1) to
            send as ``Retry-After``, the call being counted as rate-limited.
        """
        with self._lock:
            now = self._clock()
            last = self._last_admitted.get(client)
            if last is not None and now - last < self.min_interval:
                self._rate_limited += 1
                return max(1, math.ceil(self.min_interval - (now - last)))
            self._last_admitted[client] = now
            return None

    def stats(self) -> dict[str, int]:
        """Return ``{"calls": n, "rate_limited": n}`` since the sandbox started."""
        with self._lock:
            return {"calls": self._calls, "rate_limited": self._rate_limited}
