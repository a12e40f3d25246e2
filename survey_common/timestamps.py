"""Timestamp conversions shared by every connector.

The three platforms disagree on how they write time: ISO 8601 with ``Z`` or an
offset, naive strings meant as UTC, Unix epoch seconds. Connectors emit one form,
ISO 8601 in UTC with an explicit ``+00:00`` offset, so that bookmarks compare
correctly as strings and warehouses load a single type.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.timezone.utc


def parse_timestamp(value: str | float | dt.datetime) -> dt.datetime:
    """Return an aware UTC datetime for an ISO 8601 string, epoch seconds or a datetime.

    Naive values are taken as UTC, as the platforms' documents say their servers are.

    Raises:
        ValueError: if a string is neither ISO 8601 nor a number of epoch seconds.
        TypeError: if the value is not a string, a number or a datetime.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").replace(".", "", 1).isdigit():
            moment = dt.datetime.fromtimestamp(float(text), tz=UTC)
        else:
            # Python 3.10's fromisoformat does not accept a trailing "Z".
            moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    else:
        raise TypeError(f"{value!r} is not a timestamp")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_iso_utc(moment: dt.datetime) -> str:
    """Format an aware datetime as ISO 8601 in UTC, the single form connectors emit."""
    return moment.astimezone(UTC).isoformat()


def normalize_timestamp(value: str | float | None) -> str | None:
    """Rewrite a platform timestamp as ISO 8601 UTC, keeping null as null."""
    if value is None or value == "":
        return None
    return to_iso_utc(parse_timestamp(value))
