"""The Hello Customer sandbox under the other reading of each register point it switches."""

from __future__ import annotations

import sqlite3
import typing as t
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_sandbox import SandboxServer
from survey_sandbox.hellocustomer.seed import TOUCHPOINT_STORE_VISIT
from tests.helpers.sandbox_hellocustomer import (
    ADD_MULTIPLE_EXAMPLE,
    DUTCH,
    FAST_INTERVAL,
    HelloCustomerClient,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterator

UTC = timezone.utc
ADD_MULTIPLE = f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/addmultipletocache"


class Sandbox(t.NamedTuple):
    """A sandbox under one reading of one point, its database file and a paced client."""

    server: SandboxServer
    db: Path
    api: HelloCustomerClient
    other: bool

    def add_response(self, answered: datetime, surveyed: datetime | None = None) -> str:
        """Store a response through the admin endpoint and return its GUID."""
        body = {"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "dateAnswer": answered.isoformat()}
        if surveyed is not None:
            body["dateSurveyed"] = surveyed.isoformat()
        answer = requests.post(
            f"{self.server.url}/_sandbox/hellocustomer/responses", json=body, timeout=10
        )
        assert answer.status_code == 201, answer.text
        return t.cast("str", answer.json()["uniqueID"])

    def ids(self, start: datetime, end: datetime) -> set[str]:
        """The GUIDs get responses returns for a window written as given."""
        answer = self.api.responses(TOUCHPOINT_STORE_VISIT, start, end)
        assert answer.status_code == 200, answer.text
        return {row["uniqueID"] for row in answer.json()}


@pytest.fixture(params=["ours", "other"])
def reading(request: pytest.FixtureRequest) -> str:
    """Run the test under our reading, then the other."""
    return t.cast("str", request.param)


def sandbox_for(tmp_path: Path, key: str, reading: str) -> Iterator[Sandbox]:
    readings = readings_from_text(key) if reading == "other" else None
    with SandboxServer(
        tmp_path / "sandbox.db",
        size=1,
        hellocustomer_min_interval=FAST_INTERVAL,
        readings=readings,
    ) as server:
        client = HelloCustomerClient(server.base_url("hellocustomer"))
        yield Sandbox(server, tmp_path / "sandbox.db", client, readings is not None)


@pytest.fixture
def getall_date(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.getall-date", reading)


@pytest.fixture
def window_days(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.window-31-days", reading)


@pytest.fixture
def bounds(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.path-date-bounds", reading)


@pytest.fixture
def zone(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.path-date-zone", reading)


@pytest.fixture
def refusal(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.addmultiple-refusal", reading)


def test_getall_filters_on_the_survey_date_under_the_other_reading(getall_date: Sandbox) -> None:
    answered = datetime(2025, 6, 10, 12, tzinfo=UTC)
    late = getall_date.add_response(answered, surveyed=answered - timedelta(days=5))

    around_answer = getall_date.ids(answered - timedelta(days=1), answered + timedelta(days=1))
    around_survey = getall_date.ids(answered - timedelta(days=6), answered - timedelta(days=4))

    assert (late in around_answer) is not getall_date.other
    assert (late in around_survey) is getall_date.other


def test_31_days_counted_in_calendar_days_under_the_other_reading(window_days: Sandbox) -> None:
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    # 30 days and 23 hours, over 32 calendar days
    across = window_days.api.responses(
        TOUCHPOINT_STORE_VISIT, start, start + timedelta(days=30, hours=23)
    )
    # 30 days, 23 hours, 59 minutes and 59 seconds, over 31 calendar days
    whole_days = window_days.api.responses(
        TOUCHPOINT_STORE_VISIT,
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC),
    )

    assert whole_days.status_code == 200
    if window_days.other:
        assert across.status_code == 400
        assert across.json() == {
            "message": "The start date and end date cannot be more than 31 days apart"
        }
    else:
        assert across.status_code == 200


def test_the_end_is_excluded_under_the_other_reading(bounds: Sandbox) -> None:
    at = datetime(2025, 6, 10, 12, tzinfo=UTC)
    guid = bounds.add_response(at)

    ending_there = bounds.ids(at - timedelta(hours=1), at)
    starting_there = bounds.ids(at, at + timedelta(hours=1))

    assert (guid in ending_there) is not bounds.other
    assert guid in starting_there


def test_path_dates_are_brussels_time_under_the_other_reading(zone: Sandbox) -> None:
    at = datetime(2025, 6, 10, 10, tzinfo=UTC)  # 12:00 in Brussels (summer time)
    guid = zone.add_response(at)

    as_utc = zone.ids(at, at)
    as_brussels = zone.ids(at + timedelta(hours=2), at + timedelta(hours=2))

    assert (guid in as_utc) is not zone.other
    assert (guid in as_brussels) is zone.other


def test_addmultiple_adds_the_good_ones_under_the_other_reading(refusal: Sandbox) -> None:
    bad = {**ADD_MULTIPLE_EXAMPLE[1], "email": "jessica.day"}
    calls = [ADD_MULTIPLE_EXAMPLE[0], bad]

    answer = refusal.api.post(ADD_MULTIPLE, calls)
    only_bad = refusal.api.post(ADD_MULTIPLE, [bad])

    message = "The respondent email jessica.day is invalid"
    assert only_bad.status_code == 400
    assert only_bad.json() == {"message": message}
    added = added_emails(refusal)
    if refusal.other:
        assert answer.status_code == 200
        assert answer.json() == {
            "added": [ADD_MULTIPLE_EXAMPLE[0]],
            "refused": [{"index": 1, "email": "jessica.day", "message": message}],
        }
        assert added == ["john.doe@johnscompany.com"]
    else:
        assert answer.status_code == 400
        assert answer.json() == {"message": message}
        assert added == []


def added_emails(sandbox: Sandbox) -> list[str]:
    """The emails addmultipletocache added, read from the sandbox's database file."""
    connection = sqlite3.connect(f"file:{sandbox.db}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT email FROM hellocustomer_respondents"
            " WHERE added_by = 'respondent/addmultipletocache' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    return [row[0] for row in rows]


@pytest.fixture
def plain(tmp_path: Path) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.getall-date", "ours")


def test_a_response_changed_after_its_answer_shows_its_new_values(plain: Sandbox) -> None:
    sandbox = plain
    at = datetime(2025, 6, 10, 12, tzinfo=UTC)
    guid = sandbox.add_response(at)
    admin = f"{sandbox.server.url}/_sandbox/hellocustomer/responses"

    changed = requests.patch(
        f"{admin}/{guid.upper()}",
        json={"hasBeenContacted": True, "hasBeenForwarded": True},
        timeout=10,
    )
    unknown = requests.patch(
        f"{admin}/0badc0de-0000-4000-8000-000000000000", json={"hasBeenContacted": True}, timeout=10
    )
    not_a_flag = requests.patch(f"{admin}/{guid}", json={"notes": ["x"]}, timeout=10)

    assert changed.status_code == 200
    assert changed.json()["hasBeenContacted"] is True
    [listed] = sandbox.api.responses(TOUCHPOINT_STORE_VISIT, at, at).json()
    assert (listed["hasBeenContacted"], listed["hasBeenForwarded"]) == (True, True)
    assert listed["hasBeenDisabledForReview"] is False
    assert unknown.status_code == 404
    assert not_a_flag.status_code == 400


@pytest.fixture
def guid_case(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.guid-case", reading)


def test_guids_in_upper_case_are_refused_under_the_other_reading(guid_case: Sandbox) -> None:
    upper_path = f"/campaign/{TOUCHPOINT_STORE_VISIT.upper()}/respondent/addmultipletocache"
    lower = {**ADD_MULTIPLE_EXAMPLE[0], "campaign_UniqueID": TOUCHPOINT_STORE_VISIT}
    upper_language = {**lower, "language_UniqueID": DUTCH.upper(), "email": "b@example.com"}

    by_path = guid_case.api.post(upper_path, [lower])
    by_body = guid_case.api.post(ADD_MULTIPLE, [upper_language])
    in_lower_case = guid_case.api.post(ADD_MULTIPLE, [{**lower, "email": "c@example.com"}])

    assert in_lower_case.status_code == 200
    if guid_case.other:
        assert (by_path.status_code, by_body.status_code) == (400, 400)
        assert DUTCH.upper() in by_body.json()["message"]
        assert added_emails(guid_case) == ["c@example.com"]
    else:
        assert (by_path.status_code, by_body.status_code) == (200, 200)
        assert len(added_emails(guid_case)) == 3


@pytest.fixture
def capped(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.getall-cap", reading)


def test_getall_answers_at_most_100_under_the_other_reading(capped: Sandbox) -> None:
    day = datetime(2025, 6, 10, tzinfo=UTC)
    for hour in range(120):
        capped.add_response(day + timedelta(minutes=10 * hour))

    answer = capped.api.responses(TOUCHPOINT_STORE_VISIT, day, day + timedelta(days=1))

    dates = [row["dateAnswer"] for row in answer.json()]
    assert len(dates) == (100 if capped.other else 120)
    assert dates == sorted(dates)  # the oldest first


@pytest.fixture
def nps_date(tmp_path: Path, reading: str) -> Iterator[Sandbox]:
    yield from sandbox_for(tmp_path, "hellocustomer.nps-date", reading)


def test_nps_counts_by_the_survey_date_under_the_other_reading(nps_date: Sandbox) -> None:
    answered = datetime(2025, 6, 10, 12, tzinfo=UTC)
    body = {
        "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
        "dateAnswer": answered.isoformat(),
        "dateSurveyed": (answered - timedelta(days=5)).isoformat(),
        "answers": [{"sortOrder": 3, "score": 10}],  # the NPS question
    }
    created = requests.post(
        f"{nps_date.server.url}/_sandbox/hellocustomer/responses", json=body, timeout=10
    )
    assert created.status_code == 201, created.text

    by_answer = nps_date.api.nps(
        TOUCHPOINT_STORE_VISIT, answered - timedelta(days=1), answered + timedelta(days=1)
    ).json()
    by_survey = nps_date.api.nps(
        TOUCHPOINT_STORE_VISIT, answered - timedelta(days=6), answered - timedelta(days=4)
    ).json()

    counted, empty = (by_survey, by_answer) if nps_date.other else (by_answer, by_survey)
    assert counted["promoters"] == 100
    assert empty["promoters"] == 0
