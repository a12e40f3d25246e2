"""Bring the values an API sends to the types its stream schema declares.

Vendors' documents and wire formats disagree: timestamps documented as ISO 8601
arrive as epoch seconds, numbers arrive as strings (``"sms_allowance": "2000"``),
``false`` stands for "no value" in a timestamp field, keys arrive hyphenated
(``nps-score``) where the attribute list says ``nps_score``. Warehouses want one
type per column, so every record passes through a conformer compiled once from
its stream's schema: date-times become ISO 8601 in UTC, numeric strings numbers,
``false`` in a non-boolean nullable field null, hyphenated keys their declared
underscore names, at any depth. A value that cannot be conformed raises
``ValueError`` naming its field.

It also does, in the same pass, what singer-sdk's own conformance would do at the top
level (0 or 1 in a boolean field becomes false or true, NaN and infinity become null,
undeclared keys are dropped unless the schema allows them), so that streams can turn
the SDK's second walk over every record off: it cost a fifth of a tap's time.

The pass runs once per record, so its cost is the tap's: each object schema is compiled
into one straight-line function (its source is generated once per schema) that looks at
each declared field once and calls a converter only for a value not already of its type
(an ``int`` in an integer field, a ``bool`` in a boolean one costs one type check). Looking
up a field, calling a function per value and building a field path per value were two
thirds of a tap's conformance time; the path is now built only when a value is bad.
"""

from __future__ import annotations

import decimal
import math
import typing as t

from survey_common.timestamps import epoch_seconds_text, normalize_timestamp

#: Converts one value of a field; raises ``FieldError`` for a value it cannot convert.
Converter = t.Callable[[t.Any], t.Any]


class FieldError(ValueError):
    """A value that cannot be conformed, with the path to its field filled in on the way out."""

    def __init__(self, problem: str) -> None:
        """Describe the value; the objects and arrays it sits in add their names as it rises."""
        super().__init__(problem)
        self.problem = problem
        #: Field names and array indexes, innermost first.
        self.path: list[str | int] = []

    @property
    def field(self) -> str:
        """The field's path as users read it: ``items[1].at``."""
        text = ""
        for part in reversed(self.path):
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else part
        return text


def _types(schema: dict[str, t.Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _false_means_null(schema: dict[str, t.Any]) -> bool:
    types = _types(schema)
    return "null" in types and "boolean" not in types


def _timestamp(nullable_false: bool) -> Converter:
    def convert(value: t.Any) -> t.Any:
        if value is False and nullable_false:
            return None
        try:
            return normalize_timestamp(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise FieldError(f"{value!r} is not a date-time") from exc

    return convert


def _number(kind: type[int] | type[decimal.Decimal], nullable_false: bool) -> Converter:
    def convert(value: t.Any) -> t.Any:
        if value is False and nullable_false:
            return None
        if isinstance(value, float | decimal.Decimal) and not math.isfinite(value):
            return None  # JSON has no NaN or infinity; a decoder that lets them in must not
        if isinstance(value, str):
            try:
                return kind(value.strip())
            except (ValueError, decimal.InvalidOperation) as exc:
                raise FieldError(f"{value!r} is not a number") from exc
        return value

    return convert


def _boolean(value: t.Any) -> t.Any:
    """A number in a boolean field is true unless it is 0, as databases write flags."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    return value


def _array(items: Converter) -> Converter:
    def convert(value: t.Any) -> t.Any:
        if isinstance(value, list):
            for index, item in enumerate(value):
                try:
                    value[index] = items(item)
                except FieldError as exc:
                    exc.path.append(index)
                    raise
        return value

    return convert


def _rename_hyphenated(value: dict[str, t.Any], declared: frozenset[str]) -> None:
    """Give hyphenated keys their declared underscore names, in the order they came."""
    for key in [k for k in value if "-" in k and k.replace("-", "_") in declared]:
        value.setdefault(key.replace("-", "_"), value.pop(key))


#: The check that lets a value of a field's own type through without a call, by the
#: converter the field needs; converters not listed are called for every non-null value.
_ALREADY_CONFORMED = {
    "integer": " and v.__class__ is not int",
    "boolean": " and v.__class__ is not bool",
}


def _field_kind(schema: dict[str, t.Any]) -> str:
    """Name what a field's values need, matching ``compile_schema``'s choice of converter."""
    types = _types(schema)
    if schema.get("format") == "date-time":
        return "date-time"
    if types - {"null"} == {"boolean"}:
        return "boolean"
    if "string" not in types and types & {"integer", "number"}:
        return "integer"  # an int is already right in a number field as in an integer one
    return "other"


def _object(
    properties: dict[str, dict[str, t.Any]],
    on_undeclared: t.Callable[[dict[str, t.Any]], None] | None = None,
) -> Converter:
    """Compile an object schema into one function; ``on_undeclared`` drops undeclared keys.

    The generated function renames hyphenated keys (only when a key is not one of the
    declared names, which one subset check tells), then, field by field in the order the
    schema declares them, converts each non-null value that is not already of its type.
    """
    declared = frozenset(properties)
    # A declared hyphenated name whose underscore form is declared too is still renamed.
    plain = frozenset(
        name for name in declared if "-" not in name or name.replace("-", "_") not in declared
    )
    namespace: dict[str, t.Any] = {
        "FieldError": FieldError,
        "rename": _rename_hyphenated,
        "DECLARED": declared,
        "covered": plain.issuperset,
        "drop": on_undeclared,
        "epoch": epoch_seconds_text,
    }
    lines = [
        "def convert(value):",
        "    if not isinstance(value, dict):",
        "        return value",
        "    odd = not covered(value)",
        "    if odd:",
        "        rename(value, DECLARED)",
    ]
    for index, (name, schema) in enumerate(properties.items()):
        converter = compile_schema(schema)
        if converter is None:
            continue
        namespace[f"c{index}"] = converter
        kind = _field_kind(schema)
        check = _ALREADY_CONFORMED.get(kind, "")
        lines += [f"    v = value.get({name!r})", f"    if v is not None{check}:", "        try:"]
        if kind == "date-time":
            # Whole epoch seconds, the commonest timestamp, are written without a call more.
            lines += [
                "            if v.__class__ is int:",
                "                try:",
                f"                    value[{name!r}] = epoch(v)",
                "                except OverflowError as exc:",
                "                    raise FieldError(f'{v!r} is not a date-time') from exc",
                "            else:",
                f"                value[{name!r}] = c{index}(v)",
            ]
        else:
            lines.append(f"            value[{name!r}] = c{index}(v)")
        lines += [
            "        except FieldError as exc:",
            f"            exc.path.append({name!r})",
            "            raise",
        ]
    if on_undeclared is not None:
        lines += ["    if odd:", "        drop(value)"]
    lines.append("    return value")
    source = compile("\n".join(lines), f"<conformer of {', '.join(properties)[:60]}>", "exec")
    exec(source, namespace)  # noqa: S102 - source built above from repr() of names
    return t.cast("Converter", namespace["convert"])


def compile_schema(schema: dict[str, t.Any]) -> Converter | None:
    """Return a converter for values of ``schema``, or None when they need no work."""
    types = _types(schema)
    nullable_false = _false_means_null(schema)
    if schema.get("format") == "date-time":
        return _timestamp(nullable_false)
    if "object" in types and "properties" in schema:
        return _object(schema["properties"])
    if "array" in types and isinstance(schema.get("items"), dict):
        items = compile_schema(schema["items"])
        return _array(items) if items else None
    return _scalar(types, nullable_false)


def _scalar(types: set[str], nullable_false: bool) -> Converter | None:
    """Return the converter of a boolean or numeric field; strings need none."""
    if types - {"null"} == {"boolean"}:
        return _boolean
    if "string" in types:
        return None
    if "integer" in types:
        return _number(int, nullable_false)
    if "number" in types:
        return _number(decimal.Decimal, nullable_false)
    return None


class RecordConformer:
    """Conforms records of one stream in place; compiled once per stream.

    Records are conformed where they are read, one at a time: a conformer holds no
    state but the names of dropped keys it has already reported.
    """

    def __init__(
        self, schema: dict[str, t.Any], on_dropped: t.Callable[[str], None] | None = None
    ) -> None:
        """Compile the conversions ``schema`` calls for.

        Args:
            schema: The stream's JSON schema.
            on_dropped: Told, once per name, of an undeclared top-level key dropped.
        """
        properties = schema.get("properties", {})
        self._declared = frozenset(properties)
        closed = not schema.get("additionalProperties")
        self._convert = _object(properties, self._drop_undeclared if closed else None)
        self._on_dropped = on_dropped
        self._dropped: set[str] = set()

    def _drop_undeclared(self, record: dict[str, t.Any]) -> None:
        """Drop the keys the schema does not declare, naming each the first time."""
        for key in record.keys() - self._declared:
            del record[key]
            if key not in self._dropped and self._on_dropped is not None:
                self._on_dropped(key)
            self._dropped.add(key)

    def conform(self, record: dict[str, t.Any]) -> dict[str, t.Any]:
        """Conform ``record`` in place and return it; raise ``ValueError`` naming a bad field."""
        try:
            return t.cast("dict[str, t.Any]", self._convert(record))
        except FieldError as exc:
            raise ValueError(f"field '{exc.field}': {exc.problem}") from exc.__cause__
