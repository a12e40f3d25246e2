"""Settings validation that never echoes a secret and fails before any request.

singer-sdk validates settings against the JSON schema but quotes offending
values in its messages (``12345678 is not of type 'string' in
config['api_token']``), so a mistyped token lands in logs. Connectors of the suite
validate with this mixin instead: the same schema, messages that name the
setting, secret values replaced by a note, and checks the schema cannot express
(parsable timestamps, no token sent over plain HTTP to a remote host).

The settings every connector of a platform has, its token, its base URL and its
request timeout, are declared once per platform with ``connection_settings``, so its
tap and its target describe them in the same words.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

from jsonschema import Draft7Validator
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from survey_common.http.inflight import DEFAULT_MAX_CONCURRENT_REQUESTS
from survey_common.timestamps import parse_timestamp

if t.TYPE_CHECKING:
    from jsonschema import ValidationError
    from singer_sdk.plugin_base import PluginBase

    _PluginBase = PluginBase
else:
    _PluginBase = object

#: Epoch seconds, which ``parse_timestamp`` reads but a date-time setting must not be.
_EPOCH = re.compile(r"-?\d+(\.\d*)?")

#: Seconds a connector waits for an answer when ``request_timeout`` is not set.
DEFAULT_REQUEST_TIMEOUT = 60

#: Host names that resolve to this machine, where plain HTTP cannot leak a token.
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback_host(host: str) -> bool:
    """Return whether a URL host is this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_iso_datetime(value: str) -> bool:
    """Return whether a setting is an ISO 8601 date-time.

    ``parse_timestamp`` also reads epoch seconds, but singer-sdk starts a stream at
    ``start_date`` as written and reads it as ISO 8601 only: epoch seconds would pass
    here and fail mid-sync.
    """
    if _EPOCH.fullmatch(value.strip()):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


def check_api_url(name: str, value: str) -> str | None:
    """Explain why an API base URL is unusable, or return None when it is fine."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"config['{name}'] must be an http(s) URL such as https://host/path, got {value!r}"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return (
            f"config['{name}'] uses plain http:// to {parts.hostname}: the API token would "
            "travel in clear text; use https:// (plain http is allowed only for loopback hosts)"
        )
    return None


def connection_settings(
    api_name: str,
    auth_description: str,
    default_url: str,
    *,
    max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
    concurrency_note: str = "",
) -> list[th.Property[t.Any]]:
    """Return the token, URL, timeout and concurrency settings of a platform.

    Args:
        api_name: How the API is named in a sentence, such as "the Buenno API".
        auth_description: Where the token comes from and how it is sent.
        default_url: The real API's base URL.
        max_concurrent_requests: The default bound on calls in flight.
        concurrency_note: Why a connector's default differs from the suite's, appended to
            the setting's description.
    """
    return [
        th.Property(
            "api_token",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API token",
            description=auth_description,
        ),
        th.Property(
            "api_url",
            th.StringType,
            default=default_url,
            title="API URL",
            description=(
                f"Base URL of {api_name}. Point it at a survey-sandbox for tests; plain "
                "http:// is accepted only for loopback hosts."
            ),
        ),
        th.Property(
            "request_timeout",
            th.IntegerType(minimum=1),
            default=DEFAULT_REQUEST_TIMEOUT,
            title="Request timeout",
            description=(
                "Seconds to wait for each call's answer before the attempt counts as failed "
                "and is retried (a push that may have arrived is not sent again)."
            ),
        ),
        th.Property(
            "max_concurrent_requests",
            th.IntegerType(minimum=1),
            default=max_concurrent_requests,
            title="Max concurrent requests",
            description=(
                f"Most calls to {api_name} waiting for an answer at once (pages read ahead, "
                "records pushed side by side). A run starts with 2 and doubles up to this "
                "bound while no call is refused and as many are in flight as allowed; every "
                "429 halves it, and it then grows back "
                "by one call after 20 answers per call it allows without a 429 (80 to reach "
                "the bound a 429 came under); Retry-After is honoured. 1 sends one call at a "
                f"time.{concurrency_note}"
            ),
        ),
    ]


def _setting_path(error: ValidationError) -> str:
    return "config" + "".join(f"[{part!r}]" for part in error.absolute_path)


def describe_error(error: ValidationError, secret_settings: set[str]) -> str:
    """Word one schema violation, hiding the value when it belongs to a secret setting."""
    path = _setting_path(error)
    top = error.absolute_path[0] if error.absolute_path else None
    if top in secret_settings:
        expected = (
            error.schema.get("type", "a valid value") if isinstance(error.schema, dict) else ""
        )
        return (
            f"{path} is invalid ({error.validator} {expected!s}); the value is secret and not shown"
        )
    if not error.absolute_path:
        return error.message
    return f"{path}: {error.message}"


class SecretSafeConfigMixin(_PluginBase):
    """Validate a tap's or target's settings without quoting secrets.

    Mixed in before ``singer_sdk.Tap`` or ``singer_sdk.Target``; it replaces the
    SDK's private validation step, which runs before any stream is built.
    """

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Check every setting and raise one error that lists every problem."""
        schema = self.config_jsonschema
        self.append_builtin_config(schema)
        properties: dict[str, dict[str, t.Any]] = schema.get("properties", {})
        secrets = {name for name, prop in properties.items() if prop.get("secret")}
        # The SDK's own validation fills in defaults; this one must too. A null is a
        # setting left unset (the schema allows it), not a value to fail on mid-run.
        for name, prop in properties.items():
            if prop.get("default") is not None and self._config.get(name) is None:
                self._config[name] = prop["default"]
        validator = Draft7Validator(schema)
        problems = [
            describe_error(error, secrets)
            for error in sorted(validator.iter_errors(self._config), key=lambda e: e.path)
        ]
        problems += self._check_formats(properties)
        if problems and raise_errors:
            raise ConfigValidationError(
                "Config validation failed: " + "; ".join(problems),
                errors=problems,
                schema=schema,
            )
        return problems

    def _check_formats(self, properties: dict[str, dict[str, t.Any]]) -> list[str]:
        """Check what a JSON schema type cannot: timestamps parse, URLs are safe."""
        problems = []
        for name, prop in properties.items():
            value = self._config.get(name)
            if not isinstance(value, str):
                continue
            if prop.get("format") == "date-time" and not is_iso_datetime(value):
                problems.append(
                    f"config['{name}'] must be an ISO 8601 date-time such as "
                    f"2024-01-31T00:00:00Z, got {value!r}"
                )
            elif name.endswith("api_url") and (problem := check_api_url(name, value)):
                problems.append(problem)
        return problems
