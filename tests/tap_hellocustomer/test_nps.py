"""NPS per calendar period, per filter set; the period still open is read again next run."""

from __future__ import annotations

import datetime as dt
import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.timestamps import UTC
from tap_hellocustomer.periods import next_period_start, period_start
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_hellocustomer import CAMPAIGN, CAMPAIGN_2, Call, FakeHelloCustomer

if t.TYPE_CHECKING:
    import requests_mock as rm


def figure_of(call: Call) -> dict[str, t.Any]:
    """An NPS that says which call it answers: the day of the month it starts on."""
    return {"nps": call.start.day, "detractors": 10.5, "passive": 20, "promoters": 69.5}


@pytest.fixture
def nps_api(api: FakeHelloCustomer) -> FakeHelloCustomer:
    api.nps = figure_of
    return api


def nps_windows(api: FakeHelloCustomer) -> list[tuple[str, str]]:
    return api.windows("nps")


def test_months_follow_the_calendar_and_ask_up_to_their_last_second(
    nps_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(
        TapHelloCustomer,
        {**config, "start_date": "2024-01-15T09:00:00Z", "end_date": "2024-04-10T00:00:00Z"},
    )

    assert nps_windows(nps_api) == [
        ("2024-01-01T00:00:00+00:00", "2024-01-31T23:59:59+00:00"),
        ("2024-02-01T00:00:00+00:00", "2024-02-29T23:59:59+00:00"),
        ("2024-03-01T00:00:00+00:00", "2024-03-31T23:59:59+00:00"),
        ("2024-04-01T00:00:00+00:00", "2024-04-09T23:59:59+00:00"),
    ]
    records = output.records("nps")
    assert [(r["period_start"], r["period_end"]) for r in records] == [
        ("2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00"),
        ("2024-02-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00"),
        ("2024-03-01T00:00:00+00:00", "2024-04-01T00:00:00+00:00"),
        ("2024-04-01T00:00:00+00:00", "2024-04-10T00:00:00+00:00"),
    ]
    assert records[1] == {
        "campaign_id": CAMPAIGN,
        "period": "month",
        "filter_set": "[]",
        "filters": [],
        "period_start": "2024-02-01T00:00:00+00:00",
        "period_end": "2024-03-01T00:00:00+00:00",
        "nps": 1,
        "detractors": 10.5,
        "passive": 20,
        "promoters": 69.5,
    }
    assert all(c.body == [] for c in nps_api.calls if c.kind == "nps")  # the whole touchpoint


def test_weeks_start_on_monday(nps_api: FakeHelloCustomer, config: dict[str, t.Any]) -> None:
    # 2024-01-03 is a Wednesday; 2024-01-01 the Monday before.
    run_tap(
        TapHelloCustomer,
        {
            **config,
            "nps_period": "week",
            "start_date": "2024-01-03T00:00:00Z",
            "end_date": "2024-01-17T12:00:00Z",
        },
    )

    assert nps_windows(nps_api) == [
        ("2024-01-01T00:00:00+00:00", "2024-01-07T23:59:59+00:00"),
        ("2024-01-08T00:00:00+00:00", "2024-01-14T23:59:59+00:00"),
        ("2024-01-15T00:00:00+00:00", "2024-01-17T11:59:59+00:00"),
    ]


def test_days_across_the_end_of_a_year(
    nps_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    output = run_tap(
        TapHelloCustomer,
        {
            **config,
            "nps_period": "day",
            "start_date": "2023-12-31T18:00:00Z",
            "end_date": "2024-01-02T00:00:00Z",
        },
    )

    assert nps_windows(nps_api) == [
        ("2023-12-31T00:00:00+00:00", "2023-12-31T23:59:59+00:00"),
        ("2024-01-01T00:00:00+00:00", "2024-01-01T23:59:59+00:00"),
    ]
    assert {r["period"] for r in output.records("nps")} == {"day"}


@pytest.mark.parametrize(
    ("moment", "period", "start", "following"),
    [
        ("2023-12-31T23:59:59", "month", "2023-12-01", "2024-01-01"),
        ("2024-01-31T12:00:00", "month", "2024-01-01", "2024-02-01"),
        ("2024-02-29T12:00:00", "month", "2024-02-01", "2024-03-01"),
        ("2024-12-31T00:00:00", "week", "2024-12-30", "2025-01-06"),
        ("2024-02-29T23:00:00", "day", "2024-02-29", "2024-03-01"),
    ],
)
def test_period_arithmetic(moment: str, period: t.Any, start: str, following: str) -> None:
    begins = period_start(dt.datetime.fromisoformat(moment).replace(tzinfo=UTC), period)

    assert begins == dt.datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert next_period_start(begins, period) == dt.datetime.fromisoformat(following).replace(
        tzinfo=UTC
    )


def test_each_filter_set_has_its_own_figures_and_bookmark(
    nps_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    filters = [
        {"key": "store", "filterValues": ["Antwerpen"]},
        {"key": "segment", "filterValues": ["Gold", "Silver"]},
    ]

    output = run_tap(
        TapHelloCustomer,
        {**config, "campaign_ids": [CAMPAIGN, CAMPAIGN_2], "nps_filters": filters},
    )

    bodies = [(c.campaign, c.body) for c in nps_api.calls if c.kind == "nps"]
    assert bodies == [
        (CAMPAIGN, [filters[0]]),
        (CAMPAIGN, [filters[1]]),
        (CAMPAIGN_2, [filters[0]]),
        (CAMPAIGN_2, [filters[1]]),
    ]
    records = output.records("nps")
    assert [(r["campaign_id"], r["filters"]) for r in records] == bodies
    keys = {(r["campaign_id"], r["period"], r["filter_set"], r["period_start"]) for r in records}
    assert len(keys) == 4  # the primary key tells the filter sets apart
    partitions = output.final_state["bookmarks"]["nps"]["partitions"]
    assert len(partitions) == 4
    assert {p["context"]["filter_set"] for p in partitions} == {
        '[{"filterValues":["Antwerpen"],"key":"store"}]',
        '[{"filterValues":["Gold","Silver"],"key":"segment"}]',
    }


def test_the_period_still_open_is_read_again_and_replaced(
    nps_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    config = {**config, "start_date": "2024-01-01T00:00:00Z", "end_date": "2024-02-10T00:00:00Z"}
    first = run_tap(TapHelloCustomer, config)
    nps_api.calls.clear()

    second = run_tap(
        TapHelloCustomer, {**config, "end_date": "2024-03-05T00:00:00Z"}, state=first.final_state
    )

    assert nps_windows(nps_api) == [
        ("2024-02-01T00:00:00+00:00", "2024-02-29T23:59:59+00:00"),
        ("2024-03-01T00:00:00+00:00", "2024-03-04T23:59:59+00:00"),
    ]
    open_then = first.records("nps")[-1]
    closed_now = second.records("nps")[0]
    assert (open_then["period_start"], open_then["period_end"]) == (
        "2024-02-01T00:00:00+00:00",
        "2024-02-10T00:00:00+00:00",
    )
    assert (closed_now["period_start"], closed_now["period_end"]) == (
        "2024-02-01T00:00:00+00:00",
        "2024-03-01T00:00:00+00:00",
    )
    bookmark = second.final_state["bookmarks"]["nps"]["partitions"][0]["replication_key_value"]
    assert bookmark == "2024-03-01T00:00:00+00:00"


def test_changing_the_period_starts_again_from_start_date(
    nps_api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    state = run_tap(TapHelloCustomer, config).final_state
    nps_api.calls.clear()

    run_tap(TapHelloCustomer, {**config, "nps_period": "week"}, state=state)

    assert nps_windows(nps_api)[0] == ("2024-01-01T00:00:00+00:00", "2024-01-07T23:59:59+00:00")


def test_an_answer_that_is_not_an_nps_object_fails_clearly(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        f"{config['api_url']}/campaign/{CAMPAIGN}/analysis/nps/getnpsscore/20240101000000/20240110235959",
        json=[],
    )

    with pytest.raises(FatalAPIError, match=r"getnpsscore/.* without an NPS object"):
        run_tap(TapHelloCustomer, config)
