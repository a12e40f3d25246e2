"""The ledger: a contact table sent every night surveys each person once per resend_after_days."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import typing as t

import pytest

from survey_common.push.ledger import Ledger
from tests.helpers.target_hellocustomer import (
    TOUCHPOINT,
    FakeHelloCustomer,
    people,
    push,
    respondent,
)

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

UTC = dt.timezone.utc
MONDAY_2AM = dt.datetime(2024, 3, 4, 2, 0, 5, tzinfo=UTC)


class Clock:
    """A settable clock for the ledger."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def rows(path: Path, query: str) -> list[tuple[t.Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def person(email: str) -> tuple[str, str, str]:
    return (TOUCHPOINT, "email", email)


def test_a_push_is_in_force_for_whole_utc_days_whatever_the_hour(tmp_path: Path) -> None:
    clock = Clock(MONDAY_2AM)
    ledger = Ledger(tmp_path / "ledger.sqlite", clock=clock)
    ledger.keys("respondents", resend_after_days=2).add(person("a@example.com"))
    ledger.close()

    def pushed_again_allowed(now: dt.datetime) -> bool:
        clock.now = now
        reopened = Ledger(tmp_path / "ledger.sqlite", clock=clock)
        try:
            return person("a@example.com") not in reopened.keys("respondents", resend_after_days=2)
        finally:
            reopened.close()

    assert not pushed_again_allowed(MONDAY_2AM + dt.timedelta(days=1, hours=21))  # Tue 23:00
    # Wednesday, two days on: a nightly run a few minutes earlier than Monday's may send.
    assert pushed_again_allowed(MONDAY_2AM + dt.timedelta(days=1, hours=23, minutes=58))


def test_pushes_of_this_run_are_in_force_even_with_resend_after_0_days(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite", clock=Clock(MONDAY_2AM))
    keys = ledger.keys("respondents", resend_after_days=0)

    keys |= {person("a@example.com"), person("b@example.com")}

    assert person("a@example.com") in keys
    assert set(keys) == {
        ledger.digest(person("a@example.com")),
        ledger.digest(person("b@example.com")),
    }
    assert len(keys) == 2
    ledger.close()
    next_run = Ledger(tmp_path / "ledger.sqlite", clock=Clock(MONDAY_2AM + dt.timedelta(minutes=1)))
    assert len(next_run.keys("respondents", resend_after_days=0)) == 0
    next_run.close()


def test_answers_never_lapse_and_lapsed_respondents_leave_the_file(tmp_path: Path) -> None:
    clock = Clock(MONDAY_2AM)
    ledger = Ledger(tmp_path / "ledger.sqlite", clock=clock)
    ledger.keys("respondents", resend_after_days=90).add(person("a@example.com"))
    ledger.keys("answers", resend_after_days=None).add((TOUCHPOINT, "answers", "9f2c"))
    ledger.close()

    clock.now = MONDAY_2AM + dt.timedelta(days=3650)
    later = Ledger(tmp_path / "ledger.sqlite", clock=clock)
    assert (TOUCHPOINT, "answers", "9f2c") in later.keys("answers", resend_after_days=None)
    assert list(later.keys("respondents", resend_after_days=90)) == []
    answer_digest = later.digest((TOUCHPOINT, "answers", "9f2c"))
    later.close()
    assert rows(tmp_path / "ledger.sqlite", "SELECT stream, key FROM pushed") == [
        ("answers", answer_digest)
    ]


def test_a_rerun_of_the_same_contact_table_surveys_nobody_again(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)
    push(config, tmp_path, "respondents", *people(3))
    caplog.clear()

    push(config, tmp_path, "respondents", *people(4))

    assert api.calls == [[f"person{n}@example.com" for n in range(3)], ["person3@example.com"]]
    assert "Stream 'respondents': 1 accepted, 3 already present, 0 rejected" in caplog.text
    assert len(rows(tmp_path / "ledger.sqlite", "SELECT key FROM pushed")) == 4


@pytest.mark.parametrize(("days_ago", "surveyed_again"), [(89, False), (90, True)])
def test_a_person_is_surveyed_again_once_resend_after_days_have_passed(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    days_ago: int,
    surveyed_again: bool,
) -> None:
    earlier = Ledger(
        tmp_path / "ledger.sqlite",
        clock=lambda: dt.datetime.now(tz=UTC) - dt.timedelta(days=days_ago),
    )
    earlier.keys("respondents", resend_after_days=90).add(person("a@example.com"))
    earlier.close()
    api = FakeHelloCustomer()
    api.install(requests_mock)

    push(config, tmp_path, "respondents", respondent(email="A@example.com"))

    assert len(api.stored) == surveyed_again


def test_without_a_ledger_only_repeats_within_the_run_are_skipped(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)
    config["ledger_path"] = ""

    push(config, tmp_path, "respondents", *people(2), *people(2))
    push(config, tmp_path, "respondents", *people(2))

    assert len(api.stored) == 4
    assert not (tmp_path / "ledger.sqlite").exists()


def test_the_ledger_is_kept_in_the_working_directory_by_default(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    FakeHelloCustomer().install(requests_mock)
    monkeypatch.chdir(tmp_path)
    del config["ledger_path"]

    push(config, tmp_path, "respondents", *people(1))

    assert (tmp_path / "hellocustomer-ledger.sqlite").exists()
