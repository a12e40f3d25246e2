"""An invitation whose answer was lost is looked up before it is sent again.

The fake Buenno here never answers 409: every POST that reaches it invites the person,
as an API taking the other reading of what its 409 keys on would.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t
from urllib.parse import parse_qs

import pytest
import requests

from survey_common.timestamps import UTC, parse_timestamp
from target_buenno import sinks
from target_buenno.lookup import LOOKUP_MARGIN, is_same_invitation
from tests.helpers.target_buenno import INVITATIONS, invitation, push

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

#: Invitations per page of the fake's list: below the 250 asked, as a capping server sends.
PAGE_CAP = 2


def one_at_a_time(config: dict[str, t.Any]) -> dict[str, t.Any]:
    """The settings with one push at a time: the mocked answers come in input order."""
    return {**config, "max_concurrent_requests": 1}


class FakeBuenno:
    """Invitations kept in memory; the list pages by offset, capped at ``PAGE_CAP``."""

    def __init__(self, mock: rm.Mocker) -> None:
        self.invitations: list[dict[str, t.Any]] = []
        self._ids = itertools.count(1)
        mock.get(INVITATIONS, json=self.page)

    def add(self, **values: t.Any) -> dict[str, t.Any]:
        created = {
            "id": next(self._ids),
            "email": None,
            "phone": None,
            "pf_external_id": None,
            "form_id": 2,
            "created_at": dt.datetime.now(tz=UTC).isoformat(),
            **values,
        }
        self.invitations.append(created)
        return created

    def create(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        del context
        form = {name: values[0] for name, values in parse_qs(request.text).items()}
        return {"invitation": self.add(**form)}

    def page(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        del context
        after = parse_timestamp(request.qs["created_after"][0])
        offset = int(request.qs["offset"][0])
        listed = [i for i in self.invitations if parse_timestamp(i["created_at"]) > after]
        return {"invitations": listed[offset : offset + PAGE_CAP]}

    def of(self, email: str) -> list[dict[str, t.Any]]:
        return [i for i in self.invitations if i["email"] == email]


def methods(mock: rm.Mocker) -> list[str]:
    return [request.method for request in mock.request_history]


def test_a_post_whose_answer_was_lost_is_found_and_not_sent_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, waits: list[float]
) -> None:
    api = FakeBuenno(requests_mock)
    for n in range(3):  # others invited meanwhile, listed before the person
        api.add(email=f"other{n}@example.com")

    def timed_out(request: t.Any, context: t.Any) -> None:
        api.create(request, context)  # the invitation is made, the answer is lost
        raise requests.exceptions.ReadTimeout

    requests_mock.post(INVITATIONS, json=timed_out)
    started = dt.datetime.now(tz=UTC)

    run = push(
        {**config, "request_timeout": 7},
        tmp_path,
        invitation(email="Anna@Example.com", phone="+358 40 123 4567", form_id=2),
    )

    assert run.dead_letters == []
    assert len(api.of("Anna@Example.com")) == 1
    # One POST, then the list paged by what came back (2 + 2) until the person is found.
    assert methods(requests_mock) == ["POST", "GET", "GET"]
    first_get = requests_mock.request_history[1]
    assert first_get.qs["form_id"] == ["2"]
    after = parse_timestamp(first_get.qs["created_after"][0])
    assert started - LOOKUP_MARGIN <= after <= dt.datetime.now(tz=UTC) - LOOKUP_MARGIN
    assert [request.qs["offset"] for request in requests_mock.request_history[1:]] == [
        ["0"],
        ["2"],
    ]
    assert waits == [14.0]  # no answer came: Buenno may still have been making it


def test_a_post_lost_and_not_found_is_sent_again_once(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, waits: list[float]
) -> None:
    api = FakeBuenno(requests_mock)
    api.add(email="other@example.com")
    # A gateway's 502 before the call reached Buenno, then Buenno's answer.
    requests_mock.post(
        INVITATIONS, [{"status_code": 502, "text": "Bad Gateway"}, {"json": api.create}]
    )

    run = push(config, tmp_path, invitation(email="bo@example.com"))

    assert run.dead_letters == []
    assert len(api.of("bo@example.com")) == 1
    assert methods(requests_mock) == ["POST", "GET", "GET", "POST"]
    assert len(waits) == 1


def test_a_truncated_answer_is_looked_up_at_once(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, waits: list[float]
) -> None:
    api = FakeBuenno(requests_mock)

    def truncated(request: t.Any, context: t.Any) -> str:
        api.create(request, context)
        return '{"invitation": {"id'

    requests_mock.post(INVITATIONS, text=truncated, headers={"Content-Type": "application/json"})

    run = push(config, tmp_path, invitation(pf_external_id="crm-7", email="cy@example.com"))

    assert run.dead_letters == []
    assert len(api.of("cy@example.com")) == 1
    assert methods(requests_mock) == ["POST", "GET"]
    assert waits == []  # Buenno answered: it had finished


def test_a_failed_look_up_dead_letters_the_record_as_uncertain_and_sends_it_no_more(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, waits: list[float]
) -> None:
    api = FakeBuenno(requests_mock)
    requests_mock.post(
        INVITATIONS, [{"exc": requests.exceptions.ConnectionError}, {"json": api.create}]
    )
    requests_mock.get(INVITATIONS, status_code=404, json={"error_message": "No such list"})

    run = push(
        one_at_a_time(config),
        tmp_path,
        invitation(email="di@example.com"),
        invitation(email="ed@example.com"),
    )

    [dead] = run.dead_letters
    assert dead["record"] == {"email": "di@example.com"}
    assert dead["uncertain"] is True
    assert "may have been acted on" in dead["reason"]
    assert "looking it up in Buenno's list of invitations failed" in dead["reason"]
    assert "No such list" in dead["reason"]
    assert methods(requests_mock) == ["POST", "GET", "POST"]  # the next person is invited
    assert len(api.of("ed@example.com")) == 1
    assert len(waits) == 1


def test_a_post_lost_every_time_and_never_found_is_dead_lettered_as_uncertain(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, waits: list[float]
) -> None:
    FakeBuenno(requests_mock)
    requests_mock.post(INVITATIONS, exc=requests.exceptions.ReadTimeout)

    run = push(config, tmp_path, invitation(email="fa@example.com"))

    [dead] = run.dead_letters
    assert dead["uncertain"] is True
    assert f"sent {sinks.MAX_SENDS} times" in dead["reason"]
    assert methods(requests_mock) == ["POST", "GET"] * sinks.MAX_SENDS
    assert len(waits) == sinks.MAX_SENDS


@pytest.mark.parametrize(
    ("listed", "same"),
    [
        ({"email": "anna@example.com", "phone": "00358401234567"}, True),
        ({"email": "ANNA@example.com", "phone": "+358401234567"}, True),
        ({"email": "anna@example.com", "phone": None}, False),
        ({"email": "anna@example.com", "phone": "00358401234568"}, False),
        ({"email": "anna@example.com", "phone": "00358401234567", "pf_external_id": "x"}, True),
    ],
)
def test_an_invitation_is_recognised_by_every_contact_sent(
    listed: dict[str, t.Any], *, same: bool
) -> None:
    sent = {"email": "Anna@Example.com", "phone": "00358401234567", "first_name": "Anna"}
    assert is_same_invitation(listed, sent) is same


def test_an_external_id_sent_must_match_too() -> None:
    sent = {"email": "anna@example.com", "pf_external_id": "crm-7"}
    assert is_same_invitation({"email": "anna@example.com", "pf_external_id": "crm-7"}, sent)
    assert not is_same_invitation({"email": "anna@example.com", "pf_external_id": "crm-8"}, sent)
    assert not is_same_invitation({"email": "anna@example.com"}, sent)
