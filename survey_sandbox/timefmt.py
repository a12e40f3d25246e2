"""Instants as the sandbox stores them, and as the vendor APIs write and read them.

Every timestamp is kept in SQLite as whole Unix seconds (UTC), so comparisons are made
by instant whatever offset a client wrote. This module converts between that form and
the text forms the platforms use, in one place.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


class InstantError(ValueError):
    """Raised when a client sends a date-time the sandbox cannot read."""


def now_epoch() -> int:
    """Return the current instant in whole Unix seconds (the sandbox's storage unit)."""
    return int(time.time())


def parse_iso_instant(text: str) -> float:
    """Read an ISO 8601 date-time into Unix seconds.

    A trailing ``Z`` means UTC, an explicit offset is honoured, and a value without an
    offset is taken as UTC (the vendor servers run in UTC). An unencoded ``+`` in a query
    string arrives as a space, so ``2024-01-01T00:00:00 02:00`` is read as ``+02:00``.

    Args:
        text: The value the client sent.

    Returns:
        The instant in Unix seconds, with any fraction kept.

    Raises:
        InstantError: When the value is not an ISO 8601 date or date-time.
    """
    value = text.strip()
    if "T" in value and " " in value:
        head, _, tail = value.rpartition(" ")
        value = f"{head}+{tail}"
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InstantError(f"'{text}' is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def format_offset(epoch: int | None) -> str | None:
    """Write Unix seconds as ``2020-12-18T00:00:00+00:00`` (``None`` stays ``None``)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat()


def format_zulu(epoch: int | None) -> str | None:
    """Write Unix seconds as ``2020-12-18T00:00:00Z`` (``None`` stays ``None``)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_of(year: int, month: int, day: int) -> int:
    """Return midnight UTC of a calendar date in Unix seconds, for fixed seed ranges."""
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp())
