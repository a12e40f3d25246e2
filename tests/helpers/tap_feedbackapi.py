"""Helpers for the tests in tests/tap_feedbackapi/: constants, builders and runners they share."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from survey_common.timestamps import parse_timestamp

if t.TYPE_CHECKING:
    import requests_mock as rm

API = "https://feedbackapi.test/v1.3"
TOKEN = "feedbackapi-unit-test-token-91b2"
PATHS = {
    "customers": "/customers",
    "locations": "/locations",
    "reviews": "/reviews",
    "feedback": "/feedback",
    "feedback_requests": "/feedback-request",
    "accounts": "/accounts",
    "users": "/users",
}


def examples() -> list[dict[str, t.Any]]:
    """Every example body of the document that a list endpoint could return, by stream."""
    loaded: list[dict[str, t.Any]] = json.loads(
        (Path(__file__).parents[1] / "tap_feedbackapi" / "fixtures" / "examples.json").read_text()
    )
    return loaded


def envelope(
    data: list[dict[str, t.Any]], total: int | None = None, page: int = 0
) -> dict[str, t.Any]:
    return {
        "page": page,
        "total_count": len(data) if total is None else total,
        "total_returned": len(data),
        "data": data,
    }


def query(request: t.Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


def serve(requests_mock: rm.Mocker, stream: str, records: list[dict[str, t.Any]]) -> None:
    """Serve ``records`` as the API would: honouring sort_by, the _after/_before filters and paging.

    Filters compare by instant and include their bound, as the document's "lower
    limit" and "upper limit" read.
    """

    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        key, _, direction = params.get("sort_by", "created-desc").rpartition("-")
        rows = sorted(records, key=lambda r: parse_timestamp(r[key]), reverse=direction == "desc")
        if f"{key}_after" in params:
            rows = [
                r
                for r in rows
                if parse_timestamp(r[key]) >= parse_timestamp(params[f"{key}_after"])
            ]
        if f"{key}_before" in params:
            rows = [
                r
                for r in rows
                if parse_timestamp(r[key]) <= parse_timestamp(params[f"{key}_before"])
            ]
        number, limit = int(params.get("page", 0)), int(params.get("limit", 10))
        return envelope(rows[number * limit : (number + 1) * limit], total=len(rows), page=number)

    requests_mock.get(f"{API}{PATHS[stream]}", json=page)


def calls(requests_mock: rm.Mocker, stream: str) -> list[dict[str, str]]:
    return [query(r) for r in requests_mock.request_history if r.path.endswith(PATHS[stream])]
