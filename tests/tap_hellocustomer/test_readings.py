"""Responses under either date getall may filter on: none lost, none twice, the date learned."""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

import pytest

from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_hellocustomer import FakeHelloCustomer, response

LEARNED = "Hello Customer's answers/getall filters on"


@pytest.fixture
def late_answers() -> list[dict[str, t.Any]]:
    """Responses answered days after their survey, across a window edge and start_date."""
    return [
        # surveyed before start_date, answered after it
        response("early", "2024-01-02T09:00:00Z", date_surveyed="2023-12-29T09:00:00Z"),
        # surveyed in the first window, answered in the second
        response("edge", "2024-01-30T12:00:00Z", date_surveyed="2024-01-27T12:00:00Z"),
        response("plain", "2024-02-10T12:00:00Z", date_surveyed="2024-02-10T11:00:00Z"),
        # surveyed within the first window's margin: the lookback before start_date
        # returns it again
        response("straddle", "2024-01-01T05:00:00Z", date_surveyed="2023-12-31T20:00:00Z"),
        # on the edge of two windows: both calls return it
        response("boundary", "2024-01-29T00:00:00Z", date_surveyed="2024-01-28T23:00:00Z"),
        # answered before start_date: not wanted under any reading
        response("old", "2023-12-30T12:00:00Z", date_surveyed="2023-12-28T12:00:00Z"),
    ]


@pytest.mark.parametrize("filter_on", ["dateAnswer", "dateSurveyed"])
def test_every_response_answered_in_the_span_arrives_once_under_either_date(
    api: FakeHelloCustomer,
    config: dict[str, t.Any],
    late_answers: list[dict[str, t.Any]],
    filter_on: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.responses, api.filter_on = late_answers, filter_on
    config = {**config, "end_date": "2024-02-20T00:00:00Z", "lookback_days": 7}

    with caplog.at_level(logging.INFO):
        output = run_tap(TapHelloCustomer, config)

    assert sorted(r["uniqueID"] for r in output.records("responses")) == [
        "boundary",
        "early",
        "edge",
        "plain",
        "straddle",
    ]
    answers = [a["uniqueID"] for a in output.records("response_answers")]
    assert len(answers) == len(set(answers)) == 10
    [learned] = [m for m in caplog.messages if LEARNED in m]
    assert learned.startswith(f"{LEARNED} {filter_on}:")


def test_a_first_run_skips_the_lookback_before_start_date_once_the_answer_date_is_seen(
    api: FakeHelloCustomer, config: dict[str, t.Any], late_answers: list[dict[str, t.Any]]
) -> None:
    api.responses = late_answers
    run_tap(TapHelloCustomer, {**config, "end_date": "2024-02-20T00:00:00Z", "lookback_days": 7})

    assert api.windows() == [
        ("2024-01-01T00:00:00+00:00", "2024-01-29T00:00:00+00:00"),
        ("2024-01-29T00:00:00+00:00", "2024-02-20T00:00:00+00:00"),
    ]


def test_a_first_run_reads_the_lookback_before_start_date_while_the_date_is_unknown(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    # Nothing comes back, so nothing shows which date the API filters on.
    run_tap(TapHelloCustomer, {**config, "lookback_days": 7})

    assert api.windows() == [
        ("2024-01-01T00:00:00+00:00", "2024-01-11T00:00:00+00:00"),
        ("2023-12-25T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
    ]


def test_a_rerun_reads_the_lookback_again_and_emits_what_changed(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    api.responses = [response("a", "2024-01-05T10:00:00Z"), response("b", "2024-01-09T10:00:00Z")]
    config = {**config, "lookback_days": 5}
    first = run_tap(TapHelloCustomer, config)
    api.calls.clear()
    api.responses[0]["hasBeenContacted"] = True

    second = run_tap(
        TapHelloCustomer, {**config, "end_date": "2024-01-12T00:00:00Z"}, state=first.final_state
    )

    assert api.windows() == [("2024-01-04T10:00:00+00:00", "2024-01-12T00:00:00+00:00")]
    records = {r["uniqueID"]: r for r in second.records("responses")}
    assert sorted(records) == ["a", "b"]
    assert records["a"]["hasBeenContacted"] is True


def test_a_long_survey_to_answer_time_is_warned_about_once(
    api: FakeHelloCustomer, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    api.filter_on = "dateSurveyed"
    api.responses = [
        response(f"slow{n}", "2024-01-09T00:00:00Z", date_surveyed=f"2024-01-0{n}T00:00:00Z")
        for n in (1, 2)
    ]

    with caplog.at_level(logging.INFO):
        run_tap(TapHelloCustomer, {**config, "lookback_days": 3})

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if "more than lookback_days (3)" in w] == [
        "A response was answered 8.0 days after its survey, more than lookback_days (3), while "
        "answers/getall filters on dateSurveyed: responses like it can be missed by "
        "incremental runs. Raise lookback_days above that."
    ]


def spread(count: int, start: str = "2024-01-02T00:00:00Z") -> list[dict[str, t.Any]]:
    """``count`` responses an hour apart from ``start``, each surveyed an hour earlier."""
    first = dt.datetime.fromisoformat(start)
    return [
        response(
            f"r{n}",
            (first + dt.timedelta(hours=n)).isoformat(),
            date_surveyed=(first + dt.timedelta(hours=n - 1)).isoformat(),
        )
        for n in range(count)
    ]


def test_a_window_cut_at_a_cap_is_read_again_in_halves(
    api: FakeHelloCustomer, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    api.responses, api.cap = spread(200), 100  # 200 hours: within the ten days read

    with caplog.at_level(logging.INFO):
        output = run_tap(TapHelloCustomer, config)

    got = [r["uniqueID"] for r in output.records("responses")]
    assert len(got) == len(set(got)) == 200
    learned = [m for m in caplog.messages if "cut an answer at 100 responses" in m]
    assert len(learned) == 1
    windows = api.windows()
    assert windows[0] == ("2024-01-01T00:00:00+00:00", "2024-01-11T00:00:00+00:00")
    # The window, then its halves, each halved again while it reaches the cap.
    assert windows[1] == ("2024-01-01T00:00:00+00:00", "2024-01-06T00:00:00+00:00")
    assert ("2024-01-06T00:00:00+00:00", "2024-01-11T00:00:00+00:00") in windows


def test_a_round_count_without_a_cap_costs_two_calls_and_changes_nothing(
    api: FakeHelloCustomer, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    api.responses = spread(150)

    with caplog.at_level(logging.INFO):
        output = run_tap(TapHelloCustomer, config)

    got = [r["uniqueID"] for r in output.records("responses")]
    assert len(got) == len(set(got)) == 150
    assert len(api.windows()) == 3  # the window, then its halves
    assert not [m for m in caplog.messages if "cut an answer" in m]
