"""The schema a target's input stream must meet, and problems worded without values.

Each input stream of a target has a JSON Schema file, ``schemas/<platform>/push_<stream>.json``:
the fields the platform takes and their types. Records are checked against it before
anything is sent. Problems name the field and the rule, never the value: they go to
logs, where a customer's email address or phone number has no place (the dead-letter
file holds the record itself).
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
import typing as t

from jsonschema import Draft202012Validator, FormatChecker

from survey_common.schemas import SCHEMA_PACKAGE

if t.TYPE_CHECKING:
    from jsonschema import ValidationError

#: An address with one ``@``, no spaces and a dot in the domain: what mail can be sent to.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: jsonschema's checker only wants an ``@`` in an email; platforms want more.
_FORMATS: FormatChecker = copy.deepcopy(Draft202012Validator.FORMAT_CHECKER)
_FORMATS.checks("email")(lambda value: not isinstance(value, str) or bool(EMAIL.match(value)))

#: How each JSON Schema rule is worded; ``{}`` takes the rule's value.
_RULES = {
    "type": "must be of type {}",
    "minimum": "must be at least {}",
    "maximum": "must be at most {}",
    "minLength": "must not be shorter than {} characters",
    "maxLength": "must not be longer than {} characters",
    "pattern": "must match the pattern {}",
    "enum": "must be one of {}",
    "format": "must be a valid {}",
    "minItems": "must have at least {} items",
    "maxItems": "must have at most {} items",
}


def _rule_value(value: t.Any) -> str:
    if isinstance(value, list):
        return " or ".join(str(item) for item in value)
    return str(value)


def describe(error: ValidationError) -> str:
    """Word one schema violation as ``field: rule``, without the offending value."""
    field = ".".join(str(part) for part in error.absolute_path) or "record"
    present = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        required: list[str] = list(t.cast("list[str]", error.validator_value))
        prefix = f"{field}." if error.absolute_path else ""
        missing = [prefix + name for name in required if name not in present]
        return f"{' and '.join(missing)} required"
    if error.validator == "additionalProperties" and isinstance(error.schema, dict):
        # Field names are the record's structure, not its values: they may be named.
        known = set(error.schema.get("properties", {}))
        unknown = ", ".join(sorted(str(name) for name in present if name not in known))
        return f"{field}: has fields the platform does not take: {unknown}"
    template = _RULES.get(str(error.validator))
    if template is None:
        return f"{field}: breaks the schema's '{error.validator}' rule"
    return f"{field}: " + template.format(_rule_value(error.validator_value))


class PushSchema:
    """One input stream's schema, compiled once."""

    def __init__(self, platform: str, stream: str) -> None:
        """Load ``schemas/<platform>/push_<stream>.json`` from the installed schema package."""
        source = (
            importlib.resources.files(SCHEMA_PACKAGE)
            .joinpath(platform)
            .joinpath(f"push_{stream}.json")
        )
        self.schema: dict[str, t.Any] = json.loads(source.read_text(encoding="utf-8"))
        self._validator = Draft202012Validator(self.schema, format_checker=_FORMATS)
        #: The fields the platform takes; any other field of a record is not sent.
        self.fields = frozenset(self.schema.get("properties", {}))

    def problems(self, record: dict[str, t.Any]) -> list[str]:
        """Return every way the record breaks the schema, worded without values."""
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        # jsonschema reports each missing required field apart, worded alike here.
        return list(dict.fromkeys(describe(error) for error in errors))
