"""What the FeedbackAPI sandbox tests share: an API client, the admin calls and instants."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import requests

from survey_sandbox import SandboxServer
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN

PATHS = {
    "customers": "/customers",
    "locations": "/locations",
    "reviews": "/reviews",
    "feedback": "/feedback",
    "feedback_requests": "/feedback-request",
    "accounts": "/accounts",
    "users": "/users",
}

SEED_START = 1704067200  # 2024-01-01T00:00:00Z
SEED_END = 1767225600  # 2026-01-01T00:00:00Z


class FeedbackApiClient:
    """Calls one sandbox's FeedbackAPI with a token as Basic user name, as a connector would.

    Each call opens its own connection, so these tests do not depend on keep-alive
    (the server tests cover that).
    """

    def __init__(self, base_url: str, token: str = FEEDBACKAPI_TOKEN) -> None:
        self.base_url = base_url
        self.token = token

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("auth", (self.token, ""))
        return requests.request(method, self.base_url + path, timeout=10, **kwargs)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, data: Any = None) -> requests.Response:
        return self.request("POST", path, json=json, data=data)

    def delete(self, path: str) -> requests.Response:
        return self.request("DELETE", path)

    def data(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """One page's records, after checking the call succeeded."""
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        records: list[dict[str, Any]] = response.json()["data"]
        return records

    def every(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every record of a list, read in pages of 100 until ``total_count``."""
        records: list[dict[str, Any]] = []
        page = 0
        while True:
            body = self.get(path, limit=100, page=page, **params).json()
            records.extend(body["data"])
            page += 1
            if page * 100 >= body["total_count"]:
                return records


def admin(sandbox: SandboxServer, path: str, body: Any) -> requests.Response:
    """POST a JSON body to one of FeedbackAPI's admin endpoints."""
    return requests.post(f"{sandbox.url}/_sandbox/feedbackapi{path}", json=body, timeout=10)


def iso(epoch: float) -> str:
    """Write Unix seconds as ISO 8601 in UTC with a ``Z``."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> int:
    """The current instant in whole Unix seconds."""
    return int(datetime.now(timezone.utc).timestamp())
