"""A Hello Customer API client for the sandbox tests that paces itself like a connector must."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import requests

from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN

# The interval most tests give the sandbox: short enough to keep the tests fast, long
# enough that back-to-back calls are refused.
FAST_INTERVAL = 0.05

# When each (API root, token) last got an answer, shared by every client of the process so
# that two clients of the same token never get in each other's way.
_LAST_ANSWER: dict[tuple[str, str], float] = {}


def stamp(moment: datetime) -> str:
    """Write a date-time the way the API's paths take it: yyyyMMddHHmmss."""
    return moment.strftime("%Y%m%d%H%M%S")


class HelloCustomerClient:
    """Calls one sandbox's Hello Customer API with a token, waiting out the throttle.

    Each call opens its own connection: the sandbox writes headers and body in two
    segments, which costs a delayed-ACK wait (about 40 ms) on a reused keep-alive one.
    """

    def __init__(
        self,
        base_url: str,
        token: str = HELLOCUSTOMER_TOKEN,
        min_interval: float = FAST_INTERVAL,
    ):
        """Call the API under ``base_url`` as ``token``, at most once per ``min_interval``."""
        self.base_url = base_url
        self.token = token
        self.min_interval = min_interval

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        """Send one call once the interval since this token's last answer has passed.

        ``headers`` replaces the ``Authorization`` header the client would send.
        """
        key = (self.base_url, self.token)
        wait = _LAST_ANSWER.get(key, 0.0) + self.min_interval + 0.005 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        sent = {"Authorization": f"basic {self.token}"} if headers is None else headers
        try:
            return requests.request(
                method, self.base_url + path, json=body, headers=sent, timeout=10
            )
        finally:
            _LAST_ANSWER[key] = time.monotonic()

    def get(self, path: str) -> requests.Response:
        """GET a path below the API root."""
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> requests.Response:
        """POST a JSON body (none when ``body`` is ``None``) to a path below the API root."""
        return self.request("POST", path, body)

    def responses(self, touchpoint: str, start: datetime, end: datetime) -> requests.Response:
        """Call get responses for a touchpoint and an inclusive window."""
        return self.get(f"/campaign/{touchpoint}/answers/getall/{stamp(start)}/{stamp(end)}")

    def nps(
        self, touchpoint: str, start: datetime, end: datetime, filters: Any = None
    ) -> requests.Response:
        """Call get NPS for a touchpoint and an inclusive window, with optional filters."""
        return self.post(
            f"/campaign/{touchpoint}/analysis/nps/getnpsscore/{stamp(start)}/{stamp(end)}",
            filters,
        )


#: The Dutch language GUID of the document's table.
DUTCH = "1b5c1275-4f92-422f-b1fc-799bf8e30598"

ADD_MULTIPLE_EXAMPLE = [
    {
        "firstName": "John",
        "lastName": "Doe",
        "email": "john.doe@johnscompany.com",
        "custom_UniqueID": "8754864354",
        "language_UniqueID": "1b5c1275-4f92-422f-b1fc-799bf8e30598",
        "campaign_UniqueID": "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
        "keyValues": {"key1": "value1", "Key2": "value2"},
    },
    {
        "firstName": "Jessica",
        "lastName": "Day",
        "email": "jessica.day@hotmail.com",
        "custom_UniqueID": "8754864354",
        "language_UniqueID": "1b5c1275-4f92-422f-b1fc-799bf8e30598",
        "campaign_UniqueID": "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
        "keyValues": {"key1": "value1", "Key2": "value2"},
    },
]
