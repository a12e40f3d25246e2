"""A batch Hello Customer refuses for one bad record: every good record still arrives, once."""

from __future__ import annotations

import typing as t

import pytest

from survey_common.push.client import PushStoppedError
from tests.helpers.target_hellocustomer import (
    DUTCH,
    OTHER_TOUCHPOINT,
    TOUCHPOINT,
    FakeHelloCustomer,
    batch_url,
    people,
    push,
    respondent,
)
from tests.helpers.target_runner import state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

BAD_EMAIL = "The respondent email bad@example.com is invalid"
NOT_IN_TOUCHPOINT = "The LanguageUniqueId is not part of this touchpoint"


def test_a_refused_batch_is_halved_until_each_bad_record_is_refused_alone(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeHelloCustomer(refused={"person5@example.com": BAD_EMAIL})
    api.install(requests_mock)

    run = push({**config, "batch_size": 8}, tmp_path, "respondents", *people(8), state(n=8))

    assert sorted(api.stored_emails) == sorted(f"person{n}@example.com" for n in range(8) if n != 5)
    assert len(api.stored_emails) == 7
    # 0-7 refused; 0-3 taken; 4-7 refused; 4-5 refused; 4 taken; 5 refused; 6-7 taken.
    assert [len(call) for call in api.calls] == [8, 4, 4, 2, 1, 1, 2]
    [dead] = run.dead_letters
    assert dead["record"] == {"email": "person5@example.com"}
    assert dead["status"] == 400
    assert dead["reason"] == (
        f"Hello Customer answered HTTP 400: {BAD_EMAIL} to POST "
        f"/V1.0/EN/campaign/{TOUCHPOINT}/respondent/addmultipletocache"
    )
    assert run.states == [{"bookmarks": {"n": 8}}]
    assert "a call of 8 respondents was refused" in caplog.text
    assert "Stream 'respondents': 7 accepted, 0 already present, 1 rejected" in caplog.text


def test_several_bad_records_in_one_batch_each_reach_the_dead_letter_file(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    bad = {f"person{n}@example.com": BAD_EMAIL for n in (0, 7, 8, 19)}
    api = FakeHelloCustomer(refused=bad)
    api.install(requests_mock)

    run = push({**config, "batch_size": 20}, tmp_path, "respondents", *people(20))

    assert sorted(api.stored_emails) == sorted(
        f"person{n}@example.com" for n in range(20) if f"person{n}@example.com" not in bad
    )
    assert len(api.stored_emails) == 16
    assert sorted(dead["record"]["email"] for dead in run.dead_letters) == sorted(bad)


def test_a_language_the_touchpoint_lacks_is_sent_apart_and_refused_without_halving(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    germans = [respondent(email=f"german{n}@example.com", language="de") for n in range(5)]
    api = FakeHelloCustomer(refused={f"german{n}@example.com": NOT_IN_TOUCHPOINT for n in range(5)})
    api.install(requests_mock)

    run = push({**config, "batch_size": 10}, tmp_path, "respondents", *people(5), *germans)

    # One call per language: Dutch taken, German refused as a whole.
    assert [len(call) for call in api.calls] == [5, 5]
    assert len(api.stored_emails) == 5
    assert all(item["language_UniqueID"] == DUTCH for item in api.stored)
    assert len(run.dead_letters) == 5
    assert all(NOT_IN_TOUCHPOINT in dead["reason"] for dead in run.dead_letters)


def test_a_records_own_unknown_touchpoint_rejects_its_records_without_splitting(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(batch_url(), json=[])
    requests_mock.post(
        batch_url(OTHER_TOUCHPOINT),
        status_code=400,
        json={"message": f"Touchpoint with ID: {OTHER_TOUCHPOINT} not found"},
    )
    elsewhere = [
        respondent(email=f"x{n}@example.com", campaign_UniqueID=OTHER_TOUCHPOINT) for n in range(4)
    ]

    run = push(config, tmp_path, "respondents", *people(2), *elsewhere)

    assert requests_mock.call_count == 2
    assert len(run.dead_letters) == 4
    assert {dead["status"] for dead in run.dead_letters} == {400}


def test_an_unknown_touchpoint_in_the_setting_stops_the_run(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(
        batch_url(),
        status_code=400,
        json={"message": f"Touchpoint with ID: {TOUCHPOINT} not found"},
    )

    run = push(config, tmp_path, "respondents", *people(3), expect_error=PushStoppedError)

    assert "Check the campaign_id setting" in str(run.error)
    assert requests_mock.call_count == 1
    assert run.dead_letters == []  # the records are pushed by the next run, once fixed


def test_409_for_a_batch_is_a_refusal_like_any_other(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(
        batch_url(),
        [
            {"status_code": 409, "json": {"message": "Conflict"}},
            {"json": []},
            {"status_code": 409, "json": {"message": "Conflict"}},
        ],
    )

    run = push(config, tmp_path, "respondents", *people(2))

    assert requests_mock.call_count == 3
    [dead] = run.dead_letters
    assert (dead["record"], dead["status"]) == ({"email": "person1@example.com"}, 409)
