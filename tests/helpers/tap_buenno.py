"""Helpers for the tests in tests/tap_buenno/: constants, builders and runners they share."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import typing as t
from pathlib import Path

from tap_buenno.tap import TapBuenno

API = "https://buenno.test/api/v01"
TOKEN = "buenno-unit-test-token-7f3a"
FIXTURES = Path(__file__).parents[1] / "tap_buenno" / "fixtures"
EMPTY_REPLIES = {"replies": [], "total": "0", "limit": "1000", "offset": "0"}


def fixture(name: str) -> dict[str, t.Any]:
    """Return a response example of the Buenno document, as a fresh dict."""
    body: dict[str, t.Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return body


def invitation(
    invitation_id: int, form_id: int = 1, created_at: str | None = None
) -> dict[str, t.Any]:
    """Return the document's invitation example with another id, form and creation time."""
    record: dict[str, t.Any] = copy.deepcopy(fixture("invitations")["invitations"][0])
    record.update(id=invitation_id, form_id=form_id)
    if created_at:
        record["created_at"] = created_at
    return record


def reply(reply_id: int, created_at: str = "2020-12-18T00:00:00Z") -> dict[str, t.Any]:
    """Return the document's reply example with another id and creation time."""
    record: dict[str, t.Any] = copy.deepcopy(fixture("replies")["replies"][0])
    record.update(id=reply_id, created_at=created_at)
    return record


def sync(config: dict[str, t.Any]) -> str:
    """Run the tap and return its stdout; raise what the sync raises."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        TapBuenno(config=config, parse_env_config=False).sync_all()
    return buffer.getvalue()


def first_page_only(
    body: dict[str, t.Any], key: str
) -> t.Callable[[t.Any, t.Any], dict[str, t.Any]]:
    """Answer ``body`` at offset 0 and the same envelope with no records at any later offset.

    A list pages by offset: a mock that gave the same records at every offset would be
    an API that never ends.
    """

    def answer(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        del context
        offset = request.qs.get("offset", ["0"])[0]
        return body if offset == "0" else {**body, key: []}

    return answer
