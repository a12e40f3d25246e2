"""One retry policy for every call the connectors make.

Rate limits (429), server errors (5xx), timeouts and dropped connections are
transient: they are retried with exponential backoff and jitter, so that
many clients failing together do not retry in lockstep. When the server says how
long to wait (``Retry-After``), that wait is honoured instead of the guess.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Generator

import requests

#: How many times a call is made before the connector gives up on it.
MAX_ATTEMPTS = 6
#: First backoff wait in seconds; each retry doubles it.
BASE_WAIT_SECONDS = 1.0
#: No single wait exceeds this, whatever the server or the exponent says.
MAX_WAIT_SECONDS = 300.0

#: Exceptions that mean the request may succeed if sent again.
TRANSIENT_NETWORK_ERRORS: tuple[type[Exception], ...] = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    ConnectionResetError,
)


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Return the wait a response's ``Retry-After`` header asks for, if it asks.

    The header holds either a number of seconds or an HTTP date.
    """
    if response is None:
        return None
    header = response.headers.get("Retry-After")
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(tz=dt.timezone.utc)).total_seconds())


def backoff_waits(
    base_wait: float = BASE_WAIT_SECONDS,
    max_wait: float = MAX_WAIT_SECONDS,
) -> Generator[float, BaseException | None, None]:
    """Yield the wait before each retry, for ``backoff.on_exception``.

    ``backoff`` sends the exception that failed the attempt into the generator;
    an exception carrying a response with ``Retry-After`` gets exactly that wait
    (capped at ``max_wait``), anything else an exponentially growing wait with
    jitter. Pass ``jitter=None`` to ``backoff`` since the jitter is applied here.
    """
    exception = yield 0.0
    attempt = 0
    while True:
        server_wait = retry_after_seconds(getattr(exception, "response", None))
        if server_wait is not None:
            wait = min(server_wait, max_wait)
        else:
            # "Equal jitter": at least half the exponential wait, so waits still grow.
            half = min(base_wait * 2**attempt, max_wait) / 2
            wait = half + random.uniform(0, half)  # noqa: S311 - jitter, not cryptography
        attempt += 1
        exception = yield wait
