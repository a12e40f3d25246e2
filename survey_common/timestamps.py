"""Timestamp conversions shared by every connector.

The three platforms disagree on how they write time: ISO 8601 with ``Z`` or an
offset, naive strings meant as UTC, Unix epoch seconds. Connectors emit one form,
ISO 8601 in UTC with an explicit ``+00:00`` offset, so that bookmarks compare
correctly as strings and warehouses load a single type.
"""

from __future__ import annotations

import datetime as dt
import typing as t

UTC = dt.timezone.utc


def parse_timestamp(value: str | float | dt.datetime) -> dt.datetime:
    """Return an aware UTC datetime for an ISO 8601 string, epoch seconds or a datetime.

    Naive values are taken as UTC, as the platforms' documents say their servers are.

    Raises:
        ValueError: if a string is neither ISO 8601 nor a number of epoch seconds.
        TypeError: if the value is not a string, a number or a datetime.
    """
    if value.__class__ is int:  # epoch seconds, the commonest form: already in UTC
        return dt.datetime.fromtimestamp(value, tz=UTC)
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


def epoch_microseconds(value: str | float | dt.datetime) -> int:
    """Return a timestamp in any form ``parse_timestamp`` takes as whole epoch microseconds.

    For comparing timestamps by the million, where building a datetime for each (most
    arrive as whole epoch seconds) was a tap's largest cost after writing: an integer
    keeps every microsecond exact, as a float would not.
    """
    if value.__class__ is int:
        return value * 1_000_000
    return (parse_timestamp(value) - _EPOCH) // _MICROSECOND


def to_iso_utc(moment: dt.datetime) -> str:
    """Format an aware datetime as ISO 8601 in UTC, the single form connectors emit."""
    return moment.astimezone(UTC).isoformat()


def normalize_timestamp(value: str | float | None) -> str | None:
    """Rewrite a platform timestamp as ISO 8601 UTC, keeping null as null.

    Every record goes through here for each of its timestamps, so the forms the platforms
    send most take a short way to the same text as ``to_iso_utc(parse_timestamp(...))``:
    whole epoch seconds, and ``2024-01-01T00:02:46Z``. Records often carry the same
    instant twice (created and updated at once), so the last few thousand strings
    rewritten are remembered: a repeat costs a lookup.
    """
    if value.__class__ is int:
        return epoch_seconds_text(t.cast("int", value))
    if not isinstance(value, str):
        return None if value is None else to_iso_utc(parse_timestamp(value))
    normalized = _NORMALIZED.get(value)
    if normalized is not None:
        return normalized
    if not value:
        return None
    if len(value) == _ZULU_LENGTH and value[_DATE_LENGTH] == "T" and value[-1] == "Z":
        normalized = dt.datetime.fromisoformat(value[:-1]).isoformat() + _UTC_SUFFIX
    else:
        normalized = to_iso_utc(parse_timestamp(value))
    if len(_NORMALIZED) >= _NORMALIZED_KEPT:
        _NORMALIZED.clear()
    _NORMALIZED[value] = normalized
    return normalized


def epoch_seconds_text(seconds: int) -> str:
    """Write whole epoch seconds as ISO 8601 UTC, ``2024-01-01T00:02:46+00:00``.

    The commonest timestamp of all (FeedbackAPI sends nothing else) is written from its
    day, kept once formatted, and two-digit hours, minutes and seconds: a third of the
    cost of building a datetime to format it, for the same text.

    Raises:
        OverflowError: if the day is outside the years 1 to 9999.
    """
    day, second = divmod(seconds, _SECONDS_A_DAY)
    date = _DATES.get(day)
    if date is None:
        date = (_EPOCH_DAY + dt.timedelta(days=day)).isoformat() + "T"
        if len(_DATES) >= _NORMALIZED_KEPT:
            _DATES.clear()
        _DATES[day] = date
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    return f"{date}{_TWO_DIGITS[hour]}:{_TWO_DIGITS[minute]}:{_TWO_DIGITS[second]}+00:00"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_EPOCH_DAY = dt.date(1970, 1, 1)
_SECONDS_A_DAY = 86_400
_TWO_DIGITS = [f"{number:02d}" for number in range(60)]
#: The dates of days ``epoch_seconds_text`` wrote lately, with their ``T``.
_DATES: dict[int, str] = {}
_UTC_SUFFIX = "+00:00"
#: ``2024-01-01T00:02:46Z``: the length of that form and of its date.
_ZULU_LENGTH = 20
_DATE_LENGTH = 10
#: Strings ``normalize_timestamp`` rewrote lately, and how many it keeps. Only strings:
#: numbers that are equal (1, 1.0, True) are not all timestamps.
_NORMALIZED: dict[str, str] = {}
_NORMALIZED_KEPT = 4096
