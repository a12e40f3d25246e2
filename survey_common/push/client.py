"""The HTTP side of every target: one call per push, retried only where that is safe.

A push either gets an answer the sink can judge (2xx, or a 4xx other than 401 that
rejects the record), or fails in a way that is not the record's fault:

- 401: the token is refused, no record can succeed: the run stops.
- 429, 5xx, timeouts, dropped connections, and a 2xx whose body is not JSON (a proxy's
  or captive portal's page, or an answer cut short): retried with the suite's backoff, honouring
  ``Retry-After``, pacing each attempt with the platform's limiter when it has one. When
  every attempt failed the platform is taken to be unavailable and the run stops, so
  that the record is pushed by the next run rather than lost.
- A push that is not idempotent (sending it twice creates two things the API cannot
  tell apart) is sent again only when it provably never reached the server; after a
  read timeout, a dropped connection, a 5xx other than 503 or a 2xx that cannot be read
  it may have been acted on, so it is not resent but reported as uncertain.

Every message built from an answer is redacted, since an API may echo a credential.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from singer_sdk.exceptions import RetriableAPIError

from survey_common.http import errors as api_errors
from survey_common.http import retry
from survey_common.settings import DEFAULT_REQUEST_TIMEOUT

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping

    from backoff.types import Details

    from survey_common.http.inflight import InFlightLimit
    from survey_common.http.ratelimit import MinIntervalLimiter
    from survey_common.http.redact import Redactor


class PushStoppedError(Exception):
    """A failure after which no later record can succeed either: the run stops with it."""


class UncertainDeliveryError(Exception):
    """A push that is not safe to repeat failed after it may have reached the server."""

    def __init__(self, reason: str, status: int | None) -> None:
        """Keep the reason and the HTTP status, if an answer came."""
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class PushRequest:
    """One call that pushes one record (or, for batching targets, one batch)."""

    method: str
    #: Below the ``api_url`` setting, starting with ``/``.
    path: str
    #: A form-encoded body.
    form: Mapping[str, str] | None = None
    #: A JSON body.
    json: t.Any = None


class PushClient:
    """Sends pushes to one platform with its authentication, pacing and retry rules."""

    #: Retry policy; tests shorten the waits.
    max_attempts: t.ClassVar[int] = retry.MAX_ATTEMPTS
    backoff_base_wait: t.ClassVar[float] = retry.BASE_WAIT_SECONDS
    #: Seconds to connect; the wait for an answer is the ``request_timeout`` setting.
    connect_timeout: t.ClassVar[float] = 10.0

    def __init__(
        self,
        *,
        platform: str,
        api_url: str,
        auth: Callable[[requests.PreparedRequest], requests.PreparedRequest],
        error_message: Callable[[t.Any], str | None],
        redact: Redactor,
        logger: logging.Logger,
        limiter: MinIntervalLimiter | None = None,
        in_flight: InFlightLimit | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Prepare a session for ``api_url``; nothing is sent until ``send``.

        ``timeout`` is the seconds to wait for an answer once a request is sent. Each
        attempt holds a place under ``in_flight`` (halved by a 429), then waits for
        ``limiter``'s pacing.
        """
        self.platform = platform
        self._timeout = (min(self.connect_timeout, timeout), timeout)
        self._base_url = api_url.rstrip("/")
        #: The path of ``api_url``, so that messages name endpoints as ``api_errors`` does.
        self._base_path = urlsplit(self._base_url).path
        self._error_message = error_message
        self._redact = redact
        self._logger = logger
        self._session = requests.Session()
        self._session.auth = auth
        attempt = self._attempt if limiter is None else limiter.pace(self._attempt)
        if in_flight is not None:
            attempt = in_flight.bounded(attempt)
        self._retrying = {
            idempotent: retry.with_retries(
                attempt,
                max_attempts=self.max_attempts,
                base_wait=self.backoff_base_wait,
                on_backoff=self._log_retry,
                giveup=None if idempotent else retry.may_have_reached_server,
            )
            for idempotent in (True, False)
        }

    def explain(self, response: requests.Response) -> str:
        """Describe an answer with the API's own message, redacted."""
        return self._redact(api_errors.explain(self.platform, response, self._error_message))

    def send(self, request: PushRequest, *, idempotent: bool) -> requests.Response:
        """Send a push and return the answer: a 2xx, or a 4xx about the record.

        Args:
            request: What to send.
            idempotent: Whether sending it twice leaves one result on the platform.

        Raises:
            PushStoppedError: the token was refused, or every attempt failed.
            UncertainDeliveryError: a push that is not idempotent failed after it may have
                reached the server.
        """
        try:
            response: requests.Response = self._retrying[idempotent](request)
        except retry.RETRIABLE_ERRORS as exc:
            answer = exc.response if isinstance(exc, RetriableAPIError) else None
            status = answer.status_code if answer is not None else None
            cause = self._describe(exc, request)
            if not idempotent and retry.may_have_reached_server(exc):
                raise UncertainDeliveryError(
                    f"{cause}; the request may have been acted on, so it was not sent again",
                    status,
                ) from exc
            raise PushStoppedError(
                f"{self.platform} did not take the push after {self.max_attempts} attempts, "
                f"the last one failing with: {cause}"
            ) from exc
        return response

    def _attempt(self, request: PushRequest) -> requests.Response:
        """Make one attempt; raise for the answers and errors that are retried or fatal."""
        response = self._session.request(
            request.method,
            self._base_url + request.path,
            data=request.form,
            json=request.json,
            timeout=self._timeout,
        )
        status = response.status_code
        if status == HTTPStatus.UNAUTHORIZED:
            raise PushStoppedError(self._redact(api_errors.token_rejected(self.platform, response)))
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise RetriableAPIError(self.explain(response), response)
        if response.ok and not _is_json(response):
            # Every platform answers a push with JSON: anything else is not its answer.
            content_type = response.headers.get("Content-Type", "no content type")
            raise RetriableAPIError(
                f"{self.platform} answered {api_errors.endpoint(response)} with HTTP {status} "
                f"but a body that is not valid JSON ({content_type})",
                response,
            )
        return response

    def _describe(self, error: BaseException | None, request: PushRequest) -> str:
        """Word a failed attempt: the API's answer, or the kind of network failure."""
        if isinstance(error, RetriableAPIError):
            return self._redact(str(error))  # _attempt's words: the status, or the bad body
        # The path only: a look-up's query holds an email or a phone number.
        path = request.path.split("?", 1)[0]
        endpoint = f"{request.method} {self._base_path}{path}"
        reason = api_errors.network_reason(error) if error is not None else "no answer"
        return f"{type(error).__name__} on {endpoint} to {self.platform} ({reason})"

    def _log_retry(self, details: Details) -> None:
        """Log a failed attempt that is about to be retried."""
        cause = self._describe(details.get("exception"), details["args"][0])
        retry.log_retry(self._logger, cause, details, self.max_attempts)


def _is_json(response: requests.Response) -> bool:
    """Tell whether an answer's body is empty or valid JSON."""
    if not response.content:
        return True
    try:
        response.json()
    except ValueError:
        return False
    return True
