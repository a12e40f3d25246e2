"""Helpers for the tests in tests/target_feedbackapi/: constants, builders and runners they share."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import parse_qs

from target_feedbackapi.target import TargetFeedbackAPI
from tests.helpers.target_runner import Message, TargetRun, push_stream

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

API = "https://feedbackapi.test/v1.3"
TOKEN = "feedbackapi-target-unit-token-4d0e"
FIELDS = {
    "customers": ("email", "mobile_number", "fname", "sname", "country_code", "location"),
    "locations": ("name", "address_line_1", "postal_code", "country_code"),
    "feedback_requests": ("subscriber", "template", "location", "due", "suppress_message"),
}
#: The document's answer to a created customer.
CUSTOMER = {
    "id": "gd7TdO",
    "created": 1734134400,
    "email": "subscriber@feedbackapi.com",
    "mobile_number": "+1813555555",
    "fname": None,
    "sname": None,
    "last_sms": None,
    "last_email": None,
    "country_code": "US",
    "invalid": False,
    "opt_out": False,
    "locations": ["xS4rtY"],
}


def push(
    config: dict[str, t.Any],
    tmp_path: Path,
    stream: str,
    *body: Message,
    expect_error: type[Exception] | None = None,
) -> TargetRun:
    return push_stream(
        TargetFeedbackAPI, FIELDS, config, tmp_path, stream, *body, expect_error=expect_error
    )


class FakeCustomers:
    """FeedbackAPI's customer calls on requests_mock, with the document's rules by default.

    ``create_keeps_country=False`` and ``update_replaces=True`` take the other reading of
    the two write points they name; ``customers`` is what the fake API holds.
    """

    def __init__(
        self,
        mocker: rm.Mocker,
        *,
        create_keeps_country: bool = True,
        update_replaces: bool = False,
    ) -> None:
        self.customers: dict[str, dict[str, t.Any]] = {}
        self.create_keeps_country = create_keeps_country
        self.update_replaces = update_replaces
        mocker.get(f"{API}/customers", json=self._list)
        mocker.post(f"{API}/customers", json=self.create)
        mocker.post(re.compile(f"{re.escape(API)}/customers/\\w+$"), json=self._update)

    def add(self, **values: t.Any) -> dict[str, t.Any]:
        """Hold a customer, as if created earlier."""
        customer = {
            **CUSTOMER,
            "id": f"c{len(self.customers):05d}",
            "email": None,
            "mobile_number": None,
            "country_code": None,
            **values,
        }
        self.customers[customer["id"]] = customer
        return customer

    def _list(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        query = {k: v[0].lower() for k, v in parse_qs(request.query).items() if k != "limit"}
        data = [
            c
            for c in self.customers.values()
            if all(str(c.get(name) or "").lower() == value for name, value in query.items())
        ]
        return {"page": 0, "total_count": len(data), "total_returned": len(data), "data": data}

    def create(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        body = request.json()
        values = {k: v for k, v in body.items() if k != "location"}
        if not self.create_keeps_country:
            values.pop("country_code", None)
        return self.add(**values, opt_out=False, locations=[body["location"]])

    def _update(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        customer = self.customers[request.path.rsplit("/", 1)[1]]
        body = dict(request.json())
        if self.update_replaces:
            customer.update(fname=None, sname=None, country_code=None, opt_out=False)
        added, removed = body.pop("location_add", []), body.pop("location_remove", [])
        customer.update(body)
        kept = [loc for loc in customer["locations"] if loc not in removed]
        customer["locations"] = kept + [loc for loc in added if loc not in kept]
        return customer
