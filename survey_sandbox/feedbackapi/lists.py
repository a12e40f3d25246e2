"""Reading FeedbackAPI list requests: paging, ``sort_by`` and each resource's filters.

Every list takes ``limit`` (1 to 100, default 10), ``page`` (from 0) and ``sort_by``
(``<field>-asc`` or ``<field>-desc``; default newest first, locations by name). The
filters are the ones the document lists for each resource. Bounds are inclusive: the
document calls ``*_after``/``*_before`` lower and upper limits and the score and rating
bounds "lesser/greater than or equal". Instants are Unix epoch seconds (as the examples
send them) or ISO 8601, compared by instant. An empty filter value counts as absent;
parameters the document does not list are ignored.

Under the other reading of a register point (``survey-sandbox --other-reading``):
``feedbackapi.page-base`` pages count from 1 and page 0 is page 1;
``feedbackapi.filter-bounds`` the ``*_after``/``*_before`` bounds exclude their instant;
``feedbackapi.filter-format`` those bounds take ISO 8601 only (epoch seconds are a 400
naming the parameter); ``feedbackapi.sort-by`` ``sort_by`` is ignored (the default order);
``feedbackapi.total-count`` ``total_count`` counts every record the token sees;
``feedbackapi.accounts-required-filters`` a list of accounts without ``name`` or
``active`` is a 400 naming the missing one (with both, it filters by them as always).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from survey_common.readings import REGISTER, Readings
from survey_common.readings.feedbackapi import (
    ACCOUNTS_REQUIRED_FILTERS,
    FILTER_BOUNDS,
    FILTER_FORMAT,
    PAGE_BASE,
    SORT_BY,
    TOTAL_COUNT,
)
from survey_sandbox.feedbackapi.fields import FeedbackApiError, parse_flag, parse_instant
from survey_sandbox.feedbackapi.queries import Condition, ListQuery

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

Reader = Callable[[str, str], object]
"""Turns a parameter's name and raw text into the value compared with the column."""


@dataclass(frozen=True)
class _Filter:
    """A list parameter, the column it compares and how."""

    param: str
    column: str
    operator: str
    read: Reader


@dataclass(frozen=True)
class _ListSpec:
    """One resource's sortable fields, default order and filters."""

    sort_fields: tuple[str, ...]
    default_sort: str
    filters: tuple[_Filter, ...]


def _instant(param: str, raw: str) -> float:
    """Read an instant bound (epoch seconds or ISO 8601)."""
    return parse_instant(raw, param)


def _iso_instant(param: str, raw: str) -> float:
    """Read an instant bound that must be ISO 8601, as the attribute tables say.

    Raises:
        FeedbackApiError: 400 naming the parameter for epoch seconds.
    """
    if raw.strip().lstrip("-").isdigit():
        raise FeedbackApiError(400, f"'{param}' must be an ISO 8601 timestamp", param)
    return parse_instant(raw, param)


def _flag(param: str, raw: str) -> bool:
    """Read a boolean filter."""
    return parse_flag(raw, param)


def _exact(_param: str, raw: str) -> str:
    """Read a text filter compared as it is."""
    return raw.strip()


def _lower(_param: str, raw: str) -> str:
    """Read an email filter, compared without case."""
    return raw.strip().lower()


def _upper(_param: str, raw: str) -> str:
    """Read a country code filter, compared in capitals."""
    return raw.strip().upper()


def _digits(_param: str, raw: str) -> str:
    """Read a mobile number filter without its ``+`` (an unencoded ``+`` arrives as a space)."""
    return raw.strip().lstrip("+")


def _decimal(param: str, raw: str) -> float:
    """Read a decimal bound such as a review rating.

    Raises:
        FeedbackApiError: 400 naming the parameter when the value is not a number.
    """
    try:
        return float(raw.strip())
    except ValueError:
        raise FeedbackApiError(400, f"'{param}' must be a decimal number", param) from None


def _between(low: int, high: int) -> Reader:
    """Make a reader of whole numbers from ``low`` to ``high`` (NPS 0-10, stars 1-5)."""

    def read(param: str, raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise FeedbackApiError(400, f"'{param}' must be an integer from {low} to {high}", param)
        return value

    return read


def _one_of(*choices: str) -> Reader:
    """Make a reader that accepts only the given values."""

    def read(param: str, raw: str) -> str:
        value = raw.strip()
        if value not in choices:
            raise FeedbackApiError(400, f"'{param}' must be one of {', '.join(choices)}", param)
        return value

    return read


def _bounds(prefix: str) -> tuple[_Filter, _Filter]:
    """The inclusive ``<prefix>_after`` and ``<prefix>_before`` filters of an instant column."""
    return (
        _Filter(f"{prefix}_after", prefix, ">=", _instant),
        _Filter(f"{prefix}_before", prefix, "<=", _instant),
    )


def _equal(param: str, read: Reader = _exact) -> _Filter:
    """A filter that keeps records whose column of the same name equals the value."""
    return _Filter(param, param, "=", read)


_SPECS: Mapping[str, _ListSpec] = {
    "customers": _ListSpec(
        ("created", "email", "fname", "sname"),
        "created-desc",
        (
            *_bounds("created"),
            _equal("email", _lower),
            _equal("mobile_number", _digits),
            _equal("fname"),
            _equal("sname"),
            _equal("country_code", _upper),
            _equal("invalid", _flag),
            _equal("opt_out", _flag),
        ),
    ),
    "locations": _ListSpec(
        ("created", "name"),
        "name-asc",
        (
            *_bounds("created"),
            _equal("name"),
            _equal("postal_code"),
            _equal("country_code", _upper),
        ),
    ),
    "reviews": _ListSpec(
        ("created", "rating"),
        "created-desc",
        (
            *_bounds("created"),
            _equal("location"),
            _equal("platform"),
            _Filter("rating_less_than", "rating", "<=", _decimal),
            _Filter("rating_greater_than", "rating", ">=", _decimal),
        ),
    ),
    "feedback": _ListSpec(
        ("created",),
        "created-desc",
        (
            *_bounds("created"),
            _equal("type", _one_of("star-rating", "nps", "happy", "csat")),
            _Filter("nps_score_less_than", "nps_score", "<=", _between(0, 10)),
            _Filter("nps_score_greater_than", "nps_score", ">=", _between(0, 10)),
            _Filter("star_rating_less_than", "star_rating", "<=", _between(1, 5)),
            _Filter("star_rating_greater_than", "star_rating", ">=", _between(1, 5)),
            _equal("happy", _flag),
            _equal("subscriber"),
            _equal("location"),
            _equal("campaign"),
            _equal("campaign_step"),
        ),
    ),
    "feedback_requests": _ListSpec(
        ("created", "updated", "due"),
        "created-desc",
        (
            *_bounds("created"),
            *_bounds("due"),
            *_bounds("updated"),
            _equal("subscriber"),
            _equal("template"),
            _equal("location"),
            _equal("message_opened", _flag),
            _equal("message_clicked", _flag),
            _equal("message_bounced", _flag),
            _equal("spam_complaint", _flag),
        ),
    ),
    "accounts": _ListSpec(
        ("created", "name"),
        "created-desc",
        (*_bounds("created"), _equal("name"), _equal("active", _flag)),
    ),
    "users": _ListSpec(
        ("created", "name"),
        "created-desc",
        (*_bounds("created"), _equal("type", _one_of("standard", "restricted"))),
    ),
}


#: The filters the document marks required on a list, enforced under the other reading.
_REQUIRED: Mapping[str, tuple[str, ...]] = {"accounts": ("name", "active")}


def _whole(params: Mapping[str, str], name: str, default: int) -> int:
    """Read a whole-number paging parameter, or its default when absent or empty.

    Raises:
        FeedbackApiError: 400 naming the parameter when it is not an integer.
    """
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise FeedbackApiError(400, f"'{name}' must be an integer", name) from None


def _sort(spec: _ListSpec, raw: str | None) -> tuple[str, bool]:
    """Read ``sort_by`` into a field and whether the order is descending.

    Raises:
        FeedbackApiError: 400 when the field is not sortable or the direction unknown.
    """
    field, _, direction = (raw or "").strip().rpartition("-")
    if not field and not direction:
        field, _, direction = spec.default_sort.rpartition("-")
    if field not in spec.sort_fields or direction not in ("asc", "desc"):
        allowed = ", ".join(f"{name}-asc, {name}-desc" for name in spec.sort_fields)
        raise FeedbackApiError(400, f"'sort_by' must be one of {allowed}", "sort_by")
    return field, direction == "desc"


def _condition(item: _Filter, raw: str, readings: Readings) -> Condition:
    """Read one filter under the readings in force (instant bounds are the ones that vary)."""
    if item.read is not _instant:
        return Condition(item.column, item.operator, item.read(item.param, raw))
    read = _iso_instant if readings.other(FILTER_FORMAT) else _instant
    operator = item.operator.rstrip("=") if readings.other(FILTER_BOUNDS) else item.operator
    return Condition(item.column, operator, read(item.param, raw))


def first_page(readings: Readings) -> int:
    """The number of a list's first page: 0 as the text says, 1 under the other reading."""
    return 1 if readings.other(PAGE_BASE) else 0


def read_list_query(
    kind: str, params: Mapping[str, str], readings: Readings | None = None
) -> ListQuery:
    """Turn a list request's query parameters into what the store should return.

    Args:
        kind: The resource, one of the store's record kinds.
        params: The query parameters.
        readings: The register points answered under their other reading (none by default).

    Raises:
        FeedbackApiError: 400 naming the first parameter that is out of range or unreadable.
    """
    readings = readings or Readings.from_keys(REGISTER, ())
    spec = _SPECS[kind]
    if readings.other(ACCOUNTS_REQUIRED_FILTERS):
        for name in _REQUIRED.get(kind, ()):
            if not params.get(name, "").strip():
                raise FeedbackApiError(400, f"'{name}' is required", name)
    limit = _whole(params, "limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise FeedbackApiError(400, f"'limit' must be between 1 and {MAX_LIMIT}", "limit")
    page = _whole(params, "page", 0)
    if page < 0:
        raise FeedbackApiError(400, "'page' must be 0 or more", "page")
    sort_by = None if readings.other(SORT_BY) else params.get("sort_by")
    sort_field, descending = _sort(spec, sort_by)
    conditions = tuple(
        _condition(item, params[item.param], readings)
        for item in spec.filters
        if params.get(item.param, "").strip()
    )
    offset = max(page - first_page(readings), 0) * limit
    return ListQuery(
        conditions,
        sort_field,
        descending,
        limit,
        offset,
        total_unfiltered=readings.other(TOTAL_COUNT),
    )
