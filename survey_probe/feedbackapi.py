"""The feedbackapi checks of ``survey-probe``: a finding per point that read-only calls settle.

About ten list calls with small pages on customers, accounts and feedback. Evidence holds
statuses and counts, never a record's values or the token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from survey_common.platforms.feedbackapi import DEFAULT_API_URL
from survey_common.readings.feedbackapi import (
    ACCOUNTS_REQUIRED_FILTERS,
    FILTER_BOUNDS,
    FILTER_FORMAT,
    PAGE_BASE,
    SCORE_KEYS,
    SORT_BY,
    TIMESTAMPS,
    TOTAL_COUNT,
)
from survey_common.timestamps import parse_timestamp
from survey_probe.finding import Finding, ProbeClient
from tap_feedbackapi.client import filter_value

#: A creation time no record has yet: a filter from it leaves every record out.
FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)


def probe(config: Mapping[str, Any]) -> Iterator[Finding]:
    """Settle what a few read-only calls can; yield one finding per point settled."""
    token = str(config["api_token"])
    client = ProbeClient(
        "FeedbackAPI",
        str(config.get("api_url") or DEFAULT_API_URL),
        auth=(token, ""),
        secrets=(token,),
    )
    yield _page_base(client)
    format_finding, iso = _filter_format(client)
    yield format_finding
    yield _total_count(client, iso=iso)
    yield _sort_by(client)
    yield _bounds(client, iso=iso)
    yield _accounts_required_filters(client)
    yield _timestamps(client)
    yield _score_keys(client)


def _list(client: ProbeClient, path: str, **params: Any) -> dict[str, Any]:
    """One page of a list; an answer without the envelope counts as an empty one."""
    _, body = client.call("GET", path, params=params)
    return body if isinstance(body, dict) else {"data": []}


def _ids(body: Mapping[str, Any]) -> list[Any]:
    return [record.get("id") for record in body.get("data") or [] if isinstance(record, dict)]


def _page_base(client: ProbeClient) -> Finding:
    """Page 0 and page 1 of a list with limit 1: the same record means pages count from 1."""
    first = _list(client, "/customers", limit=1, page=0, sort_by="created-asc")
    second = _list(client, "/customers", limit=1, page=1, sort_by="created-asc")
    total = first.get("total_count")
    evidence = f"customers limit=1: page 0 and page 1 each held {len(_ids(first))} record(s)"
    if not _ids(first) or not _ids(second):
        return Finding(PAGE_BASE, "unsettled", f"{evidence}; total_count {total}")
    same = _ids(first) == _ids(second)
    return Finding(
        PAGE_BASE,
        "other" if same else "ours",
        f"{evidence}, {'the same' if same else 'different'} records",
    )


def _filter_format(client: ProbeClient) -> tuple[Finding, bool]:
    """An epoch and an ISO ``created_after`` in the future; return the finding and the format."""
    epoch_status, epoch = client.call(
        "GET",
        "/customers",
        params={"limit": 1, "created_after": filter_value(FUTURE, iso=False)},
        accept=(200, 400),
    )
    iso_status, _ = client.call(
        "GET",
        "/customers",
        params={"limit": 1, "created_after": filter_value(FUTURE, iso=True)},
        accept=(200, 400),
    )
    evidence = (
        f"created_after in 2100: epoch seconds HTTP {epoch_status}, ISO 8601 HTTP {iso_status}"
    )
    if epoch_status == 200 and iso_status == 200:  # noqa: PLR2004 - HTTP OK
        if _ids(epoch):
            return Finding(FILTER_FORMAT, "other", evidence + ", epoch filter ignored"), False
        return Finding(FILTER_FORMAT, "ours", evidence + ", both honoured"), False
    if iso_status == 200:  # noqa: PLR2004 - HTTP OK
        return Finding(FILTER_FORMAT, "other", evidence), True
    return Finding(FILTER_FORMAT, "unsettled", evidence), False


def _total_count(client: ProbeClient, *, iso: bool) -> Finding:
    """A filter that leaves every record out: a total above 0 counts the whole list."""
    body = _list(client, "/customers", limit=1, created_after=filter_value(FUTURE, iso=iso))
    total = body.get("total_count")
    evidence = f"customers created after 2100: {len(_ids(body))} record(s), total_count {total}"
    if _ids(body) or not isinstance(total, int):
        return Finding(TOTAL_COUNT, "unsettled", evidence)
    return Finding(TOTAL_COUNT, "other" if total else "ours", evidence)


def _sort_by(client: ProbeClient) -> Finding:
    """A page asked oldest first: do the creation times ascend?"""
    body = _list(client, "/customers", limit=100, sort_by="created-asc")
    created = [parse_timestamp(record["created"]) for record in body.get("data") or []]
    evidence = f"customers sort_by=created-asc: {len(created)} record(s)"
    if len(set(created)) < 2:  # noqa: PLR2004 - two distinct times show an order
        return Finding(SORT_BY, "unsettled", evidence)
    ascending = created == sorted(created)
    return Finding(
        SORT_BY,
        "ours" if ascending else "other",
        f"{evidence}, {'' if ascending else 'not '}ascending",
    )


def _bounds(client: ProbeClient, *, iso: bool) -> Finding:
    """Both bounds at one customer's creation second: inclusive bounds return it."""
    body = _list(client, "/customers", limit=1)
    records = body.get("data") or []
    if not records:
        return Finding(FILTER_BOUNDS, "unsettled", "no customer to bound")
    at = filter_value(parse_timestamp(records[0]["created"]), iso=iso)
    bounded = _list(client, "/customers", limit=100, created_after=at, created_before=at)
    found = records[0].get("id") in _ids(bounded)
    return Finding(
        FILTER_BOUNDS,
        "ours" if found else "other",
        f"customers with both bounds at one customer's creation second: it was "
        f"{'' if found else 'not '}returned",
    )


def _accounts_required_filters(client: ProbeClient) -> Finding:
    """Accounts listed without ``name`` and ``active``: a 400 naming either makes them required."""
    status, body = client.call("GET", "/accounts", params={"limit": 1}, accept=(200, 400))
    param = body.get("param") if isinstance(body, dict) else None
    evidence = f"accounts listed without name or active: HTTP {status}"
    if status == 200:  # noqa: PLR2004 - HTTP OK
        return Finding(ACCOUNTS_REQUIRED_FILTERS, "ours", evidence)
    if param in ("name", "active"):
        return Finding(ACCOUNTS_REQUIRED_FILTERS, "other", f"{evidence} naming {param}")
    return Finding(ACCOUNTS_REQUIRED_FILTERS, "unsettled", f"{evidence}, param {param}")


def _timestamps(client: ProbeClient) -> Finding:
    """One customer's ``created``: a number (the examples) or text (the tables)."""
    records = _list(client, "/customers", limit=1).get("data") or []
    if not records:
        return Finding(TIMESTAMPS, "unsettled", "no customer to read")
    text = isinstance(records[0].get("created"), str)
    kind = "text" if text else "a number"
    return Finding(TIMESTAMPS, "other" if text else "ours", f"a customer's created is {kind}")


def _score_keys(client: ProbeClient) -> Finding:
    """Feedback score keys: hyphens (the examples) or underscores (the tables)."""
    records = _list(client, "/feedback", limit=1).get("data") or []
    keys = set(records[0]) if records else set()
    if "nps-score" in keys:
        return Finding(SCORE_KEYS, "ours", "feedback carries nps-score")
    if "nps_score" in keys:
        return Finding(SCORE_KEYS, "other", "feedback carries nps_score")
    return Finding(SCORE_KEYS, "unsettled", "no feedback with a score key to read")
