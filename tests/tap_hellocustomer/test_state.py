"""Incremental state: a bookmark per touchpoint, reruns that read only what is new."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.timestamps import UTC
from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.singer_output import parse_messages, run_tap
from tests.helpers.tap_hellocustomer import CAMPAIGN, CAMPAIGN_2, FakeHelloCustomer, response

if t.TYPE_CHECKING:
    import requests_mock as rm


def bookmark(state: dict[str, t.Any], campaign: str = CAMPAIGN) -> str | None:
    partitions = state["bookmarks"]["responses"].get("partitions", [])
    entry: dict[str, t.Any] = next(
        (p for p in partitions if p["context"] == {"campaign_id": campaign}), {}
    )
    return entry.get("replication_key_value")


@pytest.fixture
def two_touchpoints(api: FakeHelloCustomer, config: dict[str, t.Any]) -> dict[str, t.Any]:
    api.responses = [
        response("a1", "2024-01-02T08:00:00Z"),
        response("a2", "2024-01-05T17:30:00Z"),
        response("b1", "2024-01-03T09:15:00Z", CAMPAIGN_2),
    ]
    return {**config, "campaign_ids": [CAMPAIGN, CAMPAIGN_2]}


def test_each_touchpoint_is_bookmarked_at_its_latest_answer(
    api: FakeHelloCustomer, two_touchpoints: dict[str, t.Any]
) -> None:
    state = run_tap(TapHelloCustomer, two_touchpoints).final_state

    assert bookmark(state, CAMPAIGN) == "2024-01-05T17:30:00+00:00"
    assert bookmark(state, CAMPAIGN_2) == "2024-01-03T09:15:00+00:00"
    answers = state["bookmarks"]["response_answers"]
    assert answers["replication_key_value"] == "2024-01-05T17:30:00+00:00"
    assert "partitions" not in answers  # one bookmark, not one per window


def test_a_rerun_reads_from_the_bookmark_and_emits_only_new_responses(
    api: FakeHelloCustomer, two_touchpoints: dict[str, t.Any]
) -> None:
    state = run_tap(TapHelloCustomer, two_touchpoints).final_state
    api.calls.clear()
    api.responses += [
        response("a3", "2024-01-05T17:30:01Z"),
        response("b2", "2024-01-09T00:00:00Z", CAMPAIGN_2),
    ]

    second = run_tap(TapHelloCustomer, two_touchpoints, state=state)

    assert [r["uniqueID"] for r in second.records("responses")] == ["a3", "b2"]
    assert {a["response_id"] for a in second.records("response_answers")} == {"a3", "b2"}
    assert api.windows("responses", CAMPAIGN) == [
        ("2024-01-05T17:30:00+00:00", "2024-01-11T00:00:00+00:00")
    ]
    assert api.windows("responses", CAMPAIGN_2)[0][0] == "2024-01-03T09:15:00+00:00"
    assert bookmark(second.final_state, CAMPAIGN) == "2024-01-05T17:30:01+00:00"
    assert bookmark(second.final_state, CAMPAIGN_2) == "2024-01-09T00:00:00+00:00"


def test_a_bookmark_with_a_fraction_of_a_second_starts_at_its_whole_second(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    api.responses = [
        response("seen", "2024-01-04T10:00:00.250Z"),
        response("same-second-later", "2024-01-04T10:00:00.750Z"),
    ]
    state = {
        "bookmarks": {
            "responses": {
                "partitions": [
                    {
                        "context": {"campaign_id": CAMPAIGN},
                        "replication_key": "dateAnswer",
                        "replication_key_value": "2024-01-04T10:00:00.250000+00:00",
                    }
                ]
            }
        }
    }

    output = run_tap(TapHelloCustomer, config, state=state)

    assert api.windows("responses")[0][0] == "2024-01-04T10:00:00+00:00"
    assert [r["uniqueID"] for r in output.records("responses")] == ["same-second-later"]


def test_the_bookmark_stays_when_nothing_new_arrives(
    api: FakeHelloCustomer, two_touchpoints: dict[str, t.Any]
) -> None:
    state = run_tap(TapHelloCustomer, two_touchpoints).final_state

    second = run_tap(TapHelloCustomer, two_touchpoints, state=state)

    assert second.records("responses") == []
    assert bookmark(second.final_state, CAMPAIGN) == bookmark(state, CAMPAIGN)
    assert bookmark(second.final_state, CAMPAIGN_2) == bookmark(state, CAMPAIGN_2)


def test_responses_at_the_end_date_wait_for_the_next_run(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    api.responses = [
        response("before", "2024-01-10T23:59:59Z"),
        response("at-end", "2024-01-11T00:00:00Z"),
    ]

    first = run_tap(TapHelloCustomer, config)
    second = run_tap(
        TapHelloCustomer, {**config, "end_date": "2024-01-12T00:00:00Z"}, state=first.final_state
    )

    assert [r["uniqueID"] for r in first.records("responses")] == ["before"]
    assert [r["uniqueID"] for r in second.records("responses")] == ["at-end"]


def test_an_end_date_in_the_future_reads_up_to_now(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    now = dt.datetime.now(tz=UTC)
    start = (now - dt.timedelta(days=3)).replace(microsecond=0)

    run_tap(
        TapHelloCustomer,
        {**config, "start_date": start.isoformat(), "end_date": "2999-01-01T00:00:00Z"},
    )

    [(_, end)] = api.windows("responses")
    assert (
        now - dt.timedelta(seconds=1)
        <= dt.datetime.fromisoformat(end)
        <= now + dt.timedelta(seconds=5)
    )


def test_every_touchpoint_and_stream_reads_up_to_the_same_moment(
    api: FakeHelloCustomer, config: dict[str, t.Any]
) -> None:
    start = (dt.datetime.now(tz=UTC) - dt.timedelta(days=2)).isoformat()
    config = {**config, "start_date": start, "campaign_ids": [CAMPAIGN, CAMPAIGN_2]}
    del config["end_date"]

    run_tap(TapHelloCustomer, config)

    ends = {dt.datetime.fromisoformat(end) for _, end in api.windows("responses")}
    nps_ends = {c.end + dt.timedelta(seconds=1) for c in api.calls if c.kind == "nps"}
    assert len(ends) == 1
    assert nps_ends == ends  # the open NPS period asks up to the second before


def test_no_call_when_the_span_is_empty(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    output = run_tap(TapHelloCustomer, {**config, "end_date": "2023-12-01T00:00:00Z"})

    assert requests_mock.call_count == 0
    assert output.records("responses") == []
    assert output.records("nps") == []


def test_a_failed_window_leaves_the_previous_bookmark(
    api: FakeHelloCustomer, config: dict[str, t.Any], requests_mock: rm.Mocker
) -> None:
    config = {**config, "end_date": "2024-03-01T00:00:00Z"}
    api.responses = [response("old", "2024-01-02T00:00:00Z")]
    state = run_tap(TapHelloCustomer, {**config, "end_date": "2024-01-03T00:00:00Z"}).final_state
    api.responses.append(response("new", "2024-01-20T00:00:00Z"))
    second_window = "/answers/getall/20240129095959/20240227140001"
    requests_mock.get(
        f"{config['api_url']}/campaign/{CAMPAIGN}{second_window}",
        status_code=400,
        json={"message": "The JSON model is not correct"},
    )

    tap = TapHelloCustomer(config=config, state=state, parse_env_config=False)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(FatalAPIError):
        tap.sync_all()

    output = parse_messages(buffer.getvalue())
    assert [r["uniqueID"] for r in output.records("responses")] == ["new"]
    assert output.states
    assert all(bookmark(s) == "2024-01-02T00:00:00+00:00" for s in output.states)
