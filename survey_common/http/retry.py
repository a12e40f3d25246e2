"""One retry policy for every call the connectors make.

Rate limits (429), server errors (5xx), timeouts and dropped connections are
transient: they are retried with exponential backoff and jitter, so that
many clients failing together do not retry in lockstep. When the server says how
long to wait (``Retry-After``), that wait is honoured instead of the guess.

Reads may always be sent again. A write that creates something the API cannot
recognise a second time may be sent again only when it provably never reached the
server: ``may_have_reached_server`` tells those failures apart.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import random
import typing as t
from collections.abc import Callable, Generator
from http import HTTPStatus

import backoff
import requests
import urllib3.exceptions
from singer_sdk.exceptions import RetriableAPIError

if t.TYPE_CHECKING:
    import logging

    from backoff.types import Details

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

#: Everything a call is retried for: 429 and 5xx answers, and the network errors above.
RETRIABLE_ERRORS: tuple[type[Exception], ...] = (RetriableAPIError, *TRANSIENT_NETWORK_ERRORS)

#: Answers by which the server says it did not act on the request.
NOT_ACTED_ON_STATUSES = frozenset({HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE})


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


def with_retries(
    func: Callable[..., t.Any],
    *,
    max_attempts: int,
    base_wait: float,
    on_backoff: Callable[[Details], None],
    giveup: Callable[[Exception], bool] | None = None,
) -> Callable[..., t.Any]:
    """Wrap ``func`` so that ``RETRIABLE_ERRORS`` are retried with the suite's waits.

    ``giveup`` stops retrying an error at once (the error is then raised as it is);
    after ``max_attempts`` the last error is raised too, so callers word both.
    """
    retrying: Callable[..., t.Any] = backoff.on_exception(
        functools.partial(backoff_waits, base_wait=base_wait),
        RETRIABLE_ERRORS,
        max_tries=max_attempts,
        jitter=None,
        giveup=giveup or (lambda _: False),
        on_backoff=on_backoff,
        logger=None,
    )(func)
    return retrying


def log_retry(logger: logging.Logger, cause: str, details: Details, max_attempts: int) -> None:
    """Log one retry in one line: what failed, which attempt, how long the wait."""
    logger.warning(
        "%s; attempt %d of %d failed, retrying in %.1f s",
        cause,
        details["tries"],
        max_attempts,
        details.get("wait", 0.0),
    )


def may_have_reached_server(error: BaseException) -> bool:
    """Tell whether a failed call may have been acted on by the server.

    Only a connection that was never made (refused, unresolvable, timed out while
    connecting) or an answer by which the server declines the request (429, 503)
    proves that nothing happened. A read timeout, a dropped connection or another
    server error may come after the server did the work.
    """
    if isinstance(error, RetriableAPIError):
        response = error.response
        return response is None or response.status_code not in NOT_ACTED_ON_STATUSES
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(error, requests.exceptions.ConnectionError) and error.args:
        cause = error.args[0]
        if isinstance(cause, urllib3.exceptions.MaxRetryError):
            return not isinstance(cause.reason, urllib3.exceptions.NewConnectionError)
    return True
