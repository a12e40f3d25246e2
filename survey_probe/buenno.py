"""The buenno checks of ``survey-probe``: a finding per point that read-only calls settle.

At most seven calls. token-info; one page of replies over all history at ``limit=1000``,
whose envelope and counts of replies and answers settle the envelope, page-cap,
what-limit-counts, envelope-number and order points; a window on the creation second of
a reply never edited (are bounds inclusive) and one on the two seconds around the edit of
an edited reply (which date the window filters on); a page of invitations at
``limit=250``, and the next page when it is short (the invitations' cap); and a window on
an invitation's creation instant (are its bounds strict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from survey_probe.finding import Finding, ProbeClient

ASKED = 1000
INVITATIONS_ASKED = 250
SECOND = dt.timedelta(seconds=1)
_WINDOW_ANSWERS = (200, 400)
"""A window the API refuses (say, ``from`` = ``to``) leaves its point unsettled, not the probe."""


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
    body = page if isinstance(page, dict) else {}
    yield from _replies_page(body)
    replies = _records(body, "replies")
    yield _window_bounds(client, replies)
    yield _date_field(client, replies)
    yield from _invitations(client)


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


def _records(body: Any, name: str) -> list[dict[str, Any]]:
    """The records a list answer holds under ``name``; none when it has another shape."""
    listed = body.get(name) if isinstance(body, dict) else None
    return [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []


def _instant(value: Any) -> dt.datetime | None:
    """A record's ISO 8601 time, or ``None`` when it is missing or unreadable."""
    text = str(value or "")
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


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


def _window(
    client: ProbeClient, path: str, params: Mapping[str, Any], name: str, wanted: Any
) -> tuple[str, bool | None]:
    """Ask one window; say what came back and whether the record ``wanted`` was in it.

    Returns:
        The evidence, and ``None`` in place of the answer when the API refused the window.
    """
    status, body = client.call("GET", path, params=params, accept=_WINDOW_ANSWERS)
    if status != 200:  # noqa: PLR2004 - HTTP OK
        return f"the API answered {status}", None
    records = _records(body, name)
    found = any(record.get("id") == wanted for record in records)
    return f"{name} in the window: {len(records)}, {'it among them' if found else 'not it'}", found


def _window_bounds(client: ProbeClient, replies: list[dict[str, Any]]) -> Finding:
    """A reply never edited comes back from ``from`` = ``to`` = its creation (ours) or not.

    A reply whose update time is its creation time sits on both bounds whichever date
    the window filters on, so only the bounds decide.
    """
    key = "buenno.replies-window-bounds"
    reply = next(
        (r for r in replies if r.get("id") is not None and _unedited(r)),
        None,
    )
    if reply is None:
        return Finding(key, "unsettled", "no reply on the first page was never edited")
    instant = str(reply["created_at"])
    params = {"from": instant, "to": instant, "limit": ASKED, "offset": 0}
    seen, found = _window(client, "/replies", params, "replies", reply["id"])
    seen = f"GET /replies with from = to = the creation time of a reply never edited: {seen}"
    if found is None:
        return Finding(key, "unsettled", seen)
    if found:
        return Finding(key, "ours", seen)
    return Finding(key, "other", seen + " (or the API keeps times finer than the second shown)")


def _unedited(reply: Mapping[str, Any]) -> bool:
    created = _instant(reply.get("created_at"))
    return created is not None and created == _instant(reply.get("updated_at"))


def _date_field(client: ProbeClient, replies: list[dict[str, Any]]) -> Finding:
    """An edited reply comes back from the two seconds around its edit (other) or not (ours).

    Its creation lies more than a second before the edit, outside that window, and the
    edit lies inside it away from both bounds, so the bounds' reading does not matter.
    """
    key = "buenno.replies-date-field"
    edited = next(
        (
            (reply, updated)
            for reply in replies
            if reply.get("id") is not None
            and (created := _instant(reply.get("created_at"))) is not None
            and (updated := _instant(reply.get("updated_at"))) is not None
            and updated - created > SECOND
        ),
        None,
    )
    if edited is None:
        return Finding(key, "unsettled", "no reply on the first page was edited after a second")
    reply, updated = edited
    params = {
        "from": (updated - SECOND).isoformat(),
        "to": (updated + SECOND).isoformat(),
        "limit": ASKED,
        "offset": 0,
    }
    seen, found = _window(client, "/replies", params, "replies", reply["id"])
    seen = f"GET /replies over the two seconds around the edit of an edited reply: {seen}"
    if found is None:
        return Finding(key, "unsettled", seen)
    return Finding(key, "other" if found else "ours", seen)


def _invitations(client: ProbeClient) -> Iterator[Finding]:
    """Settle the invitations' page cap and bounds from the token's default form."""
    params = {"limit": INVITATIONS_ASKED, "offset": 0}
    _, first = client.call("GET", "/invitations", params=params)
    invitations = _records(first, "invitations")
    yield _invitations_cap(client, len(invitations))
    yield _invitations_bounds(client, invitations)


def _invitations_cap(client: ProbeClient, count: int) -> Finding:
    """A full first page (ours); a short one followed by more (other), a page later."""
    key = "buenno.invitations-page-cap"
    seen = f"asked limit={INVITATIONS_ASKED}, the first page held {count} invitations"
    if count >= INVITATIONS_ASKED:
        return Finding(key, "ours", seen)
    if count == 0:
        return Finding(key, "unsettled", seen + ": the default form has none")
    params = {"limit": INVITATIONS_ASKED, "offset": count}
    _, body = client.call("GET", "/invitations", params=params)
    more = len(_records(body, "invitations"))
    seen += f", the next page {more}"
    if more:
        return Finding(key, "other", seen + ": pages are capped below the limit asked")
    return Finding(key, "unsettled", seen + ": the default form holds less than a page")


def _invitations_bounds(client: ProbeClient, invitations: list[dict[str, Any]]) -> Finding:
    """An invitation comes back from after = before = its creation (other) or not (ours)."""
    key = "buenno.invitations-bounds"
    invitation = next(
        (i for i in invitations if i.get("id") is not None and _instant(i.get("created_at"))),
        None,
    )
    if invitation is None:
        return Finding(key, "unsettled", "the default form's first page has no invitation")
    instant = str(invitation["created_at"])
    params = {
        "created_after": instant,
        "created_before": instant,
        "limit": INVITATIONS_ASKED,
        "offset": 0,
    }
    came, found = _window(client, "/invitations", params, "invitations", invitation["id"])
    seen = "GET /invitations with created_after = created_before = the creation time of "
    seen += f"an invitation of the default form: {came}"
    if found is None:
        return Finding(key, "unsettled", seen)
    return Finding(key, "other" if found else "ours", seen)
