"""Field rules the push schemas cannot state, shared by the targets' sinks.

Values arrive from CRMs and databases in loose shapes (blank strings, integral
numbers as floats, surrounding spaces); platforms take form fields or JSON values
as text. These helpers bring them to one shape and turn a failed rule into a
rejection that names the field.
"""

from __future__ import annotations

import contextlib
import typing as t

from survey_common.push.report import RecordRejectedError

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping


def text_value(value: t.Any) -> str | None:
    """Return a value as trimmed text; None for null and blanks; ``34.0`` as ``34``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def texts(record: Mapping[str, t.Any], names: Iterable[str]) -> dict[str, str]:
    """Return the named fields that hold a value, as trimmed text."""
    return {name: text for name in names if (text := text_value(record.get(name))) is not None}


@contextlib.contextmanager
def field_rule(field: str, rule: str | None = None) -> Iterator[None]:
    """Reject the record, naming ``field``, when applying its rule raises ``ValueError``.

    The reason is ``rule`` when given, else the error's own message, which must not
    repeat the value (reasons are logged).
    """
    try:
        yield
    except (ValueError, TypeError, OverflowError) as exc:
        raise RecordRejectedError(f"{field}: {rule or exc}") from exc
