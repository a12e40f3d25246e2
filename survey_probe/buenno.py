"""The buenno checks of ``survey-probe``: a finding per point that read-only calls settle.

Two calls: token-info, and one page of replies over all history at ``limit=1000``. The
page's envelope and its counts of replies and answers settle the envelope, page-cap,
what-limit-counts, envelope-number and order points where the account has the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from survey_probe.finding import Finding, ProbeClient

ASKED = 1000


def probe(config: Mapping[str, Any]) -> Iterator[Finding]:
    """Settle what a few read-only calls can; yield one finding per point settled."""
    token = str(config["api_token"])
    client = ProbeClient(
        "Buenno",
        str(config.get("api_url") or "https://webreport.buenno.fi/api/v01"),
        headers={"api-auth-token": token},
        secrets=(token,),
    )
    _, info = client.call("GET", "/token-info")
    yield _token_info(info)
    now = dt.datetime.now(tz=dt.timezone.utc).isoformat()
    params = {"from": "1970-01-01T00:00:00+00:00", "to": now, "limit": ASKED, "offset": 0}
    _, page = client.call("GET", "/replies", params=params)
    yield from _replies_page(page if isinstance(page, dict) else {})


def _token_info(body: Any) -> Finding:
    """Forms under ``api_token`` (ours) or at the top of the body (other)."""
    key = "buenno.token-info-envelope"
    if isinstance(body, dict) and isinstance(body.get("api_token"), dict):
        return Finding(key, "ours", "token-info has the forms under api_token")
    if isinstance(body, dict) and "forms" in body:
        return Finding(key, "other", "token-info has the forms at the top of its body")
    return Finding(key, "unsettled", "token-info has neither shape")


def _number(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def _replies_page(body: dict[str, Any]) -> Iterator[Finding]:
    """Settle page cap, what limit counts, envelope numbers and order from one page."""
    listed = body.get("replies")
    replies: list[Any] = listed if isinstance(listed, list) else []
    limit, total = _number(body.get("limit")), _number(body.get("total"))
    count = len(replies)
    answers = sum(
        len(r["answers"])
        for r in replies
        if isinstance(r, dict) and isinstance(r.get("answers"), list)
    )
    seen = f"asked limit={ASKED}, the envelope said limit={limit}, total={total}; "
    seen += f"the page held {count} replies with {answers} answers"
    if limit is None:
        yield Finding("buenno.replies-page-cap", "unsettled", seen)
    else:
        yield Finding("buenno.replies-page-cap", "ours" if limit >= ASKED else "other", seen)
    key = "buenno.replies-limit-counts"
    if total is None or limit is None or count in (0, answers):
        yield Finding(key, "unsettled", seen)
    elif count in (limit, total):
        yield Finding(key, "ours", seen)
    elif answers <= limit and (total == answers or count < min(limit, total)):
        yield Finding(key, "other", seen)
    else:
        yield Finding(key, "unsettled", seen)
    if isinstance(body.get("total"), str):
        yield Finding("buenno.envelope-numbers", "ours", "total is a JSON string")
    elif isinstance(body.get("total"), int):
        yield Finding("buenno.envelope-numbers", "other", "total is a JSON number")
    yield _order(
        [r for r in replies if isinstance(r, dict)],
    )


def _order(replies: list[dict[str, Any]]) -> Finding:
    """Oldest first (ours) or newest first (other), by creation or by update time."""
    key = "buenno.list-order"
    for field in ("created_at", "updated_at"):
        times = [str(reply.get(field)) for reply in replies]
        if len(set(times)) < 2:  # noqa: PLR2004 - an order needs two distinct times
            return Finding(key, "unsettled", f"{len(set(times))} distinct {field} on the page")
        if times == sorted(times):
            return Finding(key, "ours", f"replies run from old to new by {field}")
        if times == sorted(times, reverse=True):
            return Finding(key, "other", f"replies run from new to old by {field}")
    return Finding(key, "unsettled", "replies are in no order of creation or update time")
