"""What a probe learns about one register point, and the client its checks call through."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

import requests

from survey_common.http.errors import explain, network_failure, token_rejected
from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.http.redact import Redactor

Reading = t.Literal["ours", "other", "unsettled"]


@dataclass(frozen=True)
class Finding:
    """Which reading the API takes on one register point, and how the probe knows.

    Attributes:
        key: The register point (:data:`survey_common.readings.REGISTER`).
        reading: ``ours``, ``other``, or ``unsettled`` when the account's data cannot
            tell (say, too few records to see a page boundary).
        evidence: What was asked and what came back, in counts and statuses only.
    """

    key: str
    reading: Reading
    evidence: str


class ProbeFailedError(Exception):
    """A probe call failed in a way that ends the probe (a refused token, a dead host)."""


@dataclass
class ProbeClient:
    """Read-only calls to one platform's API, paced and with secrets kept out of errors.

    Attributes:
        platform: The vendor's name, for messages ("Buenno").
        base_url: The API's base URL, from the settings' ``api_url``.
        headers: Authentication headers (or ``auth`` for HTTP Basic).
        secrets: Values never to appear in a message.
        min_interval: Seconds between two calls (Hello Customer allows one a second).
        timeout: Seconds to wait for each answer.
    """

    platform: str
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = None
    secrets: tuple[str, ...] = ()
    min_interval: float = 0.0
    timeout: float = 60.0
    calls: int = 0
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    def __post_init__(self) -> None:
        """Build the pacing and the redaction once."""
        self._limiter = MinIntervalLimiter(self.min_interval) if self.min_interval else None
        self._redact = Redactor(self.secrets)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: t.Mapping[str, t.Any] | None = None,
        json_body: t.Any = None,
        accept: t.Collection[int] = (200,),
    ) -> tuple[int, t.Any]:
        """Make one call and return its status and decoded JSON body.

        Raises:
            ProbeFailedError: On a network failure, a 401, or a status not in ``accept``;
                the message names the call and status, never a secret.
        """
        if self._limiter is not None:
            self._limiter.wait()
        try:
            response = self._session.request(
                method,
                self.base_url.rstrip("/") + path,
                params=params,
                json=json_body,
                headers=self.headers,
                auth=self.auth,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ProbeFailedError(
                self._redact(f"{method} {path} failed: {network_failure(error)}")
            ) from None
        finally:
            self.calls += 1
            if self._limiter is not None:
                self._limiter.call_ended()
        if response.status_code == 401:  # noqa: PLR2004 - HTTP Unauthorized
            raise ProbeFailedError(self._redact(token_rejected(self.platform, response, path)))
        if response.status_code not in accept:
            raise ProbeFailedError(
                self._redact(explain(self.platform, response, _any_message, path))
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        return response.status_code, body


def _any_message(body: t.Any) -> str | None:
    """Read an error message from any of the three platforms' error bodies."""
    if isinstance(body, dict):
        for key in ("error_message", "message"):
            if isinstance(body.get(key), str):
                return t.cast("str", body[key])
    return None
