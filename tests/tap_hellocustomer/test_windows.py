"""Responses are read in windows every reading of "31 days apart" accepts, each response once."""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t

import pytest

from survey_common.tap.pagination import DateWindowPaginator
from survey_common.timestamps import UTC
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.singer_output import SingerOutput, run_tap
from tests.helpers.tap_hellocustomer import CAMPAIGN, FakeHelloCustomer, response

if t.TYPE_CHECKING:
    import requests_mock as rm


def read(
    api: FakeHelloCustomer, config: dict[str, t.Any], start: str, end: str
) -> tuple[SingerOutput, list[tuple[str, str]]]:
    """Run the tap; check every call's path dates pass both countings of 31 days."""
    output = run_tap(TapHelloCustomer, {**config, "start_date": start, "end_date": end})
    for call in api.calls:
        if call.kind == "responses":
            assert call.end - call.start < dt.timedelta(days=30)
            assert (call.end.date() - call.start.date()).days + 1 <= 31  # calendar days
    return output, api.windows("responses")


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2024-01-29T00:00:00Z", [("2024-01-01T00:00:00+00:00", "2024-01-29T00:00:00+00:00")]),
        (
            "2024-01-30T00:00:00Z",
            [
                ("2024-01-01T00:00:00+00:00", "2024-01-29T00:00:00+00:00"),
                ("2024-01-29T00:00:00+00:00", "2024-01-30T00:00:00+00:00"),
            ],
        ),
        (
            "2024-02-01T00:00:00Z",
            [
                ("2024-01-01T00:00:00+00:00", "2024-01-29T00:00:00+00:00"),
                ("2024-01-29T00:00:00+00:00", "2024-02-01T00:00:00+00:00"),
            ],
        ),
    ],
    ids=["28-days", "29-days", "31-days"],
)
def test_spans_up_to_28_days_take_one_call_and_longer_ones_more(
    api: FakeHelloCustomer,
    config: dict[str, t.Any],
    end: str,
    expected: list[tuple[str, str]],
) -> None:
    _, windows = read(api, config, "2024-01-01T00:00:00Z", end)

    assert windows == expected


def test_a_year_takes_fourteen_contiguous_windows(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    _, windows = read(api, config, "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z")

    assert len(windows) == 14  # 365 days = 13 windows of 28 days and one of 1
    assert windows[0][0] == "2023-01-01T00:00:00+00:00"
    assert windows[-1][1] == "2024-01-01T00:00:00+00:00"
    assert all(previous[1] == following[0] for previous, following in itertools.pairwise(windows))


def test_each_call_asks_14_hours_and_a_second_more_on_both_sides(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    # Path dates may be the account's local time (UTC-12 to UTC+14) and their ends may be
    # excluded: what the window holds is asked for under every such reading.
    read(api, config, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")

    [path] = [r.path for r in requests_mock.request_history if "/answers/getall/" in r.path]
    assert path.endswith(f"/campaign/{CAMPAIGN}/answers/getall/20231231095959/20240102140001")


def test_a_response_on_a_window_boundary_comes_once(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    # The API includes both ends, so both windows return the response at 2024-02-01 00:00.
    api.responses = [
        response("before", "2024-01-31T23:59:59Z"),
        response("boundary", "2024-02-01T00:00:00Z"),
        response("after", "2024-02-01T00:00:01Z"),
    ]

    output, windows = read(api, config, "2024-01-01T00:00:00Z", "2024-02-02T00:00:00Z")

    assert len(windows) == 2
    assert [r["uniqueID"] for r in output.records("responses")] == ["before", "boundary", "after"]
    answers = [a["uniqueID"] for a in output.records("response_answers")]
    assert len(answers) == len(set(answers)) == 6


def test_windows_starting_at_the_end_of_a_month_cover_every_day(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    ends_of_months = ["2023-01-31T12:00:00Z", "2023-02-28T23:59:59Z", "2023-03-31T00:00:00Z"]
    api.responses = [response(f"r{n}", day) for n, day in enumerate(ends_of_months)]

    output, windows = read(api, config, "2023-01-31T00:00:00Z", "2023-04-30T00:00:00Z")

    assert windows == [
        ("2023-01-31T00:00:00+00:00", "2023-02-28T00:00:00+00:00"),
        ("2023-02-28T00:00:00+00:00", "2023-03-28T00:00:00+00:00"),
        ("2023-03-28T00:00:00+00:00", "2023-04-25T00:00:00+00:00"),
        ("2023-04-25T00:00:00+00:00", "2023-04-30T00:00:00+00:00"),
    ]
    assert [r["uniqueID"] for r in output.records("responses")] == ["r0", "r1", "r2"]


def test_a_window_across_the_leap_day_still_lasts_28_days(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    api.responses = [
        response("leap-day", "2024-02-29T12:00:00Z"),
        response("march", "2024-03-03T00:00:00Z"),
    ]

    output, windows = read(api, config, "2024-02-01T00:00:00Z", "2024-03-15T00:00:00Z")

    assert windows == [
        ("2024-02-01T00:00:00+00:00", "2024-02-29T00:00:00+00:00"),
        ("2024-02-29T00:00:00+00:00", "2024-03-15T00:00:00+00:00"),
    ]
    assert [r["uniqueID"] for r in output.records("responses")] == ["leap-day", "march"]


def test_a_window_without_responses_between_full_ones_does_not_stop_the_read(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    api.responses = [
        response("january", "2024-01-15T10:00:00Z"),
        # nothing from 2024-01-29 to 2024-02-26
        response("march", "2024-03-20T10:00:00Z"),
    ]

    output, windows = read(api, config, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z")

    assert len(windows) == 4
    assert [r["uniqueID"] for r in output.records("responses")] == ["january", "march"]
    bookmark = output.final_state["bookmarks"]["responses"]["partitions"][0]
    assert bookmark["replication_key_value"] == "2024-03-20T10:00:00+00:00"


def test_dates_in_paths_are_utc_whatever_offset_the_settings_carry(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    read(api, config, "2024-01-01T02:00:00+02:00", "2024-01-02T01:00:00+01:00")

    [path] = [r.path for r in requests_mock.request_history if "/answers/getall/" in r.path]
    assert path.endswith(f"/campaign/{CAMPAIGN}/answers/getall/20231231095959/20240102140001")


def test_each_touchpoint_walks_its_own_windows(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    other = "c8dc5f94-a9e8-4743-8744-e66a73a7e724"
    api.responses = [
        response("one", "2024-01-05T00:00:00Z"),
        response("two", "2024-01-06T00:00:00Z", other),
    ]

    output = run_tap(TapHelloCustomer, {**config, "campaign_ids": [CAMPAIGN, other.upper()]})

    assert len(api.windows("responses", CAMPAIGN)) == 1
    assert len(api.windows("responses", other)) == 1
    assert {(r["uniqueID"], r["campaign_UniqueID"]) for r in output.records("responses")} == {
        ("one", CAMPAIGN),
        ("two", other),
    }


def test_the_paginator_refuses_an_empty_span() -> None:
    moment = dt.datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="empty"):
        DateWindowPaginator(moment, moment, 31)
