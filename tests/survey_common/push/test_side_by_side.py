"""Pushes side by side: calls overlap at the API, one person's never do, a STATE waits behind.

Each call to the fake API takes a little while, so pushes run at once, and the API
counts the calls in flight, overall and per person. requests_mock sends one request at
a time (a lock around every call), so the fake takes the place of requests' transport.
"""

from __future__ import annotations

import collections
import contextlib
import json
import sys
import threading
import time
import typing as t
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from survey_common.push.client import PushStoppedError
from target_buenno.target import TargetBuenno
from target_feedbackapi.target import TargetFeedbackAPI
from tests.helpers.target_buenno import CREATED, invitation
from tests.helpers.target_buenno import messages as invitation_messages
from tests.helpers.target_runner import Message, record, run_target, schema, state

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

#: Seconds each call takes: long enough for pushes to overlap.
CALL_SECONDS = 0.03
EVERYONE = "*"
API = "https://api.test"
TOKEN = "side-by-side-unit-token-7f3a"
Answer = tuple[int, t.Any]


class SlowAPI:
    """Answers each call after ``CALL_SECONDS``; counts calls in flight, overall and per person."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        answer: Callable[[requests.PreparedRequest], Answer],
        person: Callable[[requests.PreparedRequest], str],
    ) -> None:
        self._answer = answer
        self._person = person
        self._lock = threading.Lock()
        self._active: collections.Counter[str] = collections.Counter()
        self.peak: collections.Counter[str] = collections.Counter()
        monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", self._send)

    @contextlib.contextmanager
    def _call(self, person: str) -> Iterator[None]:
        with self._lock:
            for name in (person, EVERYONE):
                self._active[name] += 1
                self.peak[name] = max(self.peak[name], self._active[name])
        try:
            time.sleep(CALL_SECONDS)
            yield
        finally:
            with self._lock:
                self._active[person] -= 1
                self._active[EVERYONE] -= 1

    def _send(self, request: requests.PreparedRequest, **_: t.Any) -> requests.Response:
        """Stand in for ``HTTPAdapter.send`` (bound here: the adapter is not passed)."""
        with self._call(self._person(request)), self._lock:
            status, body = self._answer(request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        response.url = str(request.url)
        response.request = request
        return response


def form_of(request: requests.PreparedRequest) -> dict[str, str]:
    text = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
    return {name: values[0] for name, values in parse_qs(text).items()}


def json_of(request: requests.PreparedRequest) -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", json.loads(t.cast("bytes", request.body)))


class Customers:
    """FeedbackAPI's customers: listed by email, created, updated."""

    def __init__(self) -> None:
        self.held: dict[str, dict[str, t.Any]] = {}

    def answer(self, request: requests.PreparedRequest) -> Answer:
        url = urlsplit(str(request.url))
        if request.method == "GET":
            email = parse_qs(url.query)["email"][0]
            return 200, {"data": [c for c in self.held.values() if c["email"] == email]}
        if url.path.endswith("/customers"):
            customer = {
                "id": f"c{len(self.held)}",
                "opt_out": False,
                "locations": [],
                **json_of(request),
            }
            customer["locations"] = [customer.pop("location")]
            self.held[customer["id"]] = customer
            return 200, customer
        customer = self.held[url.path.rsplit("/", 1)[1]]
        customer.update(json_of(request))
        return 200, customer

    def person(self, request: requests.PreparedRequest) -> str:
        url = urlsplit(str(request.url))
        if request.method == "GET":
            return parse_qs(url.query)["email"][0]
        if url.path.endswith("/customers"):
            return str(json_of(request)["email"])
        with contextlib.suppress(KeyError):  # a customer being created is not held yet
            return str(self.held[url.path.rsplit("/", 1)[1]]["email"])
        return "?"


def test_one_customers_records_are_pushed_one_after_the_other_in_input_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    customers = Customers()
    api = SlowAPI(monkeypatch, customers.answer, customers.person)
    people = [f"p{n}@example.com" for n in range(5)]
    records = [
        record("customers", email=email, fname=f"Take {take}", location="xS4rtY")
        for take in range(3)
        for email in people
    ]

    run_target(
        TargetFeedbackAPI,
        {"api_token": TOKEN, "api_url": API},
        [schema("customers", "email", "fname", "location"), *records],
        tmp_path,
    )

    assert api.peak[EVERYONE] > 1  # pushes did run side by side
    assert all(api.peak[email] == 1 for email in people)
    assert sorted(c["email"] for c in customers.held.values()) == people  # each created once
    assert {c["fname"] for c in customers.held.values()} == {"Take 2"}  # the last values won


def test_a_state_is_passed_on_only_once_every_invitation_before_it_is_in_the_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    written_when_stored: dict[str, str] = {}

    def created(request: requests.PreparedRequest) -> Answer:
        # What the target wrote to stdout by the time this invitation is stored.
        written_when_stored[form_of(request)["email"]] = t.cast("t.Any", sys.stdout).getvalue()
        return 200, CREATED

    api = SlowAPI(monkeypatch, created, lambda request: form_of(request)["email"])
    first = [f"first{n}@example.com" for n in range(6)]
    then = [f"then{n}@example.com" for n in range(6)]

    run = run_target(
        TargetBuenno,
        {"api_token": TOKEN, "api_url": API, "ledger_path": ""},
        invitation_messages(
            *(invitation(email=email) for email in first),
            state(contacts=6),
            *(invitation(email=email) for email in then),
            state(contacts=12),
        ),
        tmp_path,
    )

    assert api.peak[EVERYONE] > 1
    assert all(written_when_stored[email] == "" for email in first)
    assert run.states == [{"bookmarks": {"contacts": 6}}, {"bookmarks": {"contacts": 12}}]


class Buenno:
    """Invitations counted per email; one email's invitation is refused with 403 once."""

    def __init__(self, refuse: str) -> None:
        self.created: collections.Counter[str] = collections.Counter()
        self.refuse: str | None = refuse

    def answer(self, request: requests.PreparedRequest) -> Answer:
        email = form_of(request)["email"]
        if email == self.refuse:
            self.refuse = None
            return 403, {"error_message": "No active form"}
        self.created[email] += 1
        return 200, CREATED


def after_state(messages: list[Message], saved: dict[str, t.Any] | None) -> list[Message]:
    """What a rerun from ``saved`` reads: the schema, then the state and all after it."""
    if saved is None:
        return messages
    at = messages.index({"type": "STATE", "value": saved})
    return [messages[0], *messages[at:]]


@pytest.mark.parametrize("refused", [4, 9])
def test_a_run_stopped_with_pushes_in_flight_is_rerun_without_pushing_anyone_twice_or_losing_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, refused: int
) -> None:
    people = [f"p{n:02d}@example.com" for n in range(16)]
    body: list[Message] = []
    for n, email in enumerate(people, start=1):
        body.append(invitation(email=email))
        if n % 4 == 0:
            body.append(state(contacts=n))
    messages = invitation_messages(*body)
    # The journal alone keeps the rerun from inviting anyone twice: no ledger.
    config = {"api_token": TOKEN, "api_url": API, "ledger_path": ""}
    buenno = Buenno(refuse=people[refused])
    api = SlowAPI(monkeypatch, buenno.answer, lambda request: form_of(request)["email"])

    stopped = run_target(TargetBuenno, config, messages, tmp_path, expect_error=PushStoppedError)

    assert api.peak[EVERYONE] > 1
    assert "No active form" in str(stopped.error)
    assert buenno.created[people[refused]] == 0
    saved = stopped.states[-1] if stopped.states else None
    rerun = run_target(TargetBuenno, config, after_state(messages, saved), tmp_path)

    assert rerun.states[-1] == {"bookmarks": {"contacts": 16}}
    assert buenno.created == dict.fromkeys(people, 1)
    assert stopped.dead_letters == rerun.dead_letters == []
