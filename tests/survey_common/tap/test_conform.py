"""Records are brought to their schema's types, at any depth, or fail naming the field."""

from __future__ import annotations

import decimal
import typing as t

import pytest

from survey_common.tap.conform import RecordConformer
from survey_common.timestamps import (
    epoch_microseconds,
    normalize_timestamp,
    parse_timestamp,
    to_iso_utc,
)

SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "additionalProperties": True,  # as the streams' schemas: keys the API adds are kept
    "properties": {
        "id": {"type": ["string"]},
        "at": {"type": ["string", "null"], "format": "date-time"},
        "seen": {"type": ["string", "null"], "format": "date-time"},
        "count": {"type": ["integer", "null"]},
        "score": {"type": ["number", "null"]},
        "flag": {"type": ["boolean", "null"]},
        "nps_score": {"type": ["integer", "null"]},
        "child": {
            "type": ["object", "null"],
            "properties": {
                "star_rating": {"type": ["integer", "null"]},
                "at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "items": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {"at": {"type": "string", "format": "date-time"}},
            },
        },
    },
}


def conform(record: dict[str, t.Any]) -> dict[str, t.Any]:
    return RecordConformer(SCHEMA).conform(record)


def test_epoch_iso_and_offsets_become_utc_iso() -> None:
    record = conform({"id": "a", "at": 1734134400, "seen": "2024-12-14T02:00:00+02:00"})
    assert record["at"] == record["seen"] == "2024-12-14T00:00:00+00:00"


def test_false_in_a_nullable_timestamp_or_number_is_null_but_not_in_a_boolean() -> None:
    record = conform({"id": "a", "seen": False, "count": False, "flag": False})
    assert record["seen"] is None
    assert record["count"] is None
    assert record["flag"] is False


def test_numeric_strings_become_numbers() -> None:
    record = conform({"id": "7", "count": " 2000", "score": "4.5"})
    assert record["count"] == 2000
    assert record["score"] == decimal.Decimal("4.5")
    assert record["id"] == "7"  # a string field keeps its string


def test_hyphenated_keys_take_their_declared_names_at_any_depth() -> None:
    record = conform(
        {"id": "a", "nps-score": "9", "child": {"star-rating": 4, "at": 0}, "other-key": 1}
    )
    assert record["nps_score"] == 9
    assert "nps-score" not in record
    assert record["child"] == {"star_rating": 4, "at": "1970-01-01T00:00:00+00:00"}
    assert record["other-key"] == 1  # not in the schema: left as it came


def test_arrays_of_objects_are_conformed_item_by_item() -> None:
    record = conform({"id": "a", "items": [{"at": 0}, {"at": "1970-01-01T00:00:01Z"}]})
    assert [i["at"] for i in record["items"]] == [
        "1970-01-01T00:00:00+00:00",
        "1970-01-01T00:00:01+00:00",
    ]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "a", "at": "tomorrow"}, "field 'at'"),
        ({"id": "a", "count": "many"}, "field 'count'"),
        ({"id": "a", "child": {"at": "noon"}}, "field 'child.at'"),
        ({"id": "a", "items": [{"at": 0}, {"at": "x"}]}, r"field 'items\[1\].at'"),
    ],
)
def test_a_value_that_cannot_be_conformed_names_its_field(
    record: dict[str, t.Any], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        conform(record)


def test_numbers_in_a_boolean_field_become_booleans_and_non_finite_numbers_null() -> None:
    record = conform({"id": "a", "flag": 1, "score": float("nan"), "count": 3})
    assert record == {"id": "a", "flag": True, "score": None, "count": 3}
    assert conform({"id": "a", "flag": 0, "score": decimal.Decimal("Infinity")})["flag"] is False


def test_undeclared_keys_are_dropped_and_named_once_where_the_schema_forbids_them() -> None:
    dropped: list[str] = []
    closed = RecordConformer({**SCHEMA, "additionalProperties": False}, dropped.append)
    first = closed.conform({"id": "a", "nps-score": 1, "extra": 1, "child": {"note": "x"}})
    closed.conform({"id": "b", "extra": 2})
    assert first == {"id": "a", "nps_score": 1, "child": {"note": "x"}}
    assert dropped == ["extra"]


@pytest.mark.parametrize(
    "value",
    [
        0,
        -1,
        1734134400,
        253402300799,
        "1734134400",
        "2024-12-14T00:00:00Z",
        "2024-12-14T00:00:00.5Z",
        "2024-12-14 00:00:00Z",
        "2024-12-14T02:00:00+02:00",
        "2024-12-14T00:00:00",
        1734134400.25,
    ],
)
def test_every_form_of_a_timestamp_is_written_as_the_general_rule_writes_it(
    value: str | int | float,
) -> None:
    expected = to_iso_utc(parse_timestamp(value))
    assert normalize_timestamp(value) == expected
    assert normalize_timestamp(value) == expected  # a second time, remembered
    assert conform({"id": "a", "at": value})["at"] == expected


@pytest.mark.parametrize(
    "value", ["2024-02-30T00:00:00Z", "2024-12-14T25:00:00Z", "soon", 253402300800, -62135596801]
)
def test_a_timestamp_that_is_no_date_is_refused_even_in_the_short_form(value: str | int) -> None:
    with pytest.raises(ValueError, match="field 'at'"):
        conform({"id": "a", "at": value})


def test_values_already_of_their_type_are_kept_and_booleans_in_numbers_are_not_numbers() -> None:
    record = conform({"id": "a", "count": True, "score": 3, "flag": True, "child": None})
    assert record == {"id": "a", "count": True, "score": 3, "flag": True, "child": None}
    assert type(record["count"]) is bool


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (1734134400, "2024-12-14T00:00:00.000001Z"),
        ("2024-12-14T00:00:00.999999+00:00", 1734134401),
        ("2024-12-14T01:59:59.999999+02:00", 1734134400),
    ],
)
def test_timestamps_compared_as_epoch_microseconds_keep_every_microsecond(
    earlier: str | int, later: str | int
) -> None:
    assert epoch_microseconds(earlier) < epoch_microseconds(later)
    assert epoch_microseconds(later) - epoch_microseconds(earlier) == 1


def test_the_same_instant_in_any_form_is_the_same_epoch_microsecond() -> None:
    forms: list[str | int] = [
        1734134400,
        "1734134400",
        "2024-12-14T00:00:00Z",
        "2024-12-14T02:00:00+02:00",
    ]
    assert {epoch_microseconds(form) for form in forms} == {1734134400 * 1_000_000}
