"""Incremental state: epoch or ISO in, ISO out, bookmarks sent back as epoch filters.

Bounds go out widened by a second (the bookmark's own second is read whether the API
counts bounds in or out); streams without a change time are read whole every run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import typing as t

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.timestamps import parse_timestamp, to_iso_utc
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import parse_messages, run_tap
from tests.helpers.tap_feedbackapi import API, calls, envelope, query, serve

if t.TYPE_CHECKING:
    import requests_mock as rm

DEC_14 = "2024-12-14T00:00:00+00:00"  # 1734134400


@pytest.mark.parametrize(
    "created", [1734134400, "1734134400", "2024-12-14T00:00:00Z", "2024-12-14T02:00:00+02:00"]
)
def test_epoch_and_iso_inputs_become_utc_iso(
    empty_api: rm.Mocker, config: dict[str, t.Any], created: t.Any
) -> None:
    empty_api.get(
        f"{API}/reviews", json=envelope([{"id": "r1", "created": created, "rating": "4.5"}])
    )

    output = run_tap(TapFeedbackAPI, config)

    review = output.records("reviews")[0]
    assert review["created"] == DEC_14
    assert review["rating"] == 4.5


def test_state_round_trip(empty_api: rm.Mocker, config: dict[str, t.Any]) -> None:
    serve(
        empty_api,
        "feedback",
        [{"id": "a", "created": 1734000000}, {"id": "b", "created": 1734134400}],
    )
    serve(
        empty_api, "feedback_requests", [{"id": "f", "created": 1733000000, "updated": 1734200000}]
    )
    serve(empty_api, "customers", [{"id": "c", "created": 1734000000}])
    first = run_tap(TapFeedbackAPI, config)
    state = first.final_state
    assert state["bookmarks"]["feedback"]["replication_key_value"] == DEC_14
    assert state["bookmarks"]["feedback_requests"]["replication_key"] == "updated"
    assert "created_after" not in calls(empty_api, "feedback")[0]
    empty_api.reset_mock()

    second = run_tap(TapFeedbackAPI, config, state=state)

    feedback = calls(empty_api, "feedback")[0]
    assert feedback["created_after"] == "1734134399"
    assert [r["id"] for r in second.records("feedback")] == ["b"]  # "a" was emitted before
    requests_ = calls(empty_api, "feedback_requests")[0]
    assert requests_["updated_after"] == "1734199999"
    assert requests_["sort_by"] == "updated-asc"
    assert "created_after" not in requests_
    assert "created_after" not in calls(empty_api, "customers")[0]  # read whole every run
    assert [r["id"] for r in second.records("customers")] == ["c"]


def test_start_date_and_upper_bound(empty_api: rm.Mocker, config: dict[str, t.Any]) -> None:
    before = int(dt.datetime.now(tz=dt.timezone.utc).timestamp())

    run_tap(TapFeedbackAPI, {**config, "start_date": "2024-01-01T00:00:00Z"})

    sent = calls(empty_api, "feedback")[0]
    assert sent["created_after"] == "1704067199"
    assert before + 1 <= int(sent["created_before"]) <= before + 6
    whole = calls(empty_api, "users")[0]
    assert "created_after" not in whole
    assert int(whole["created_before"]) >= before + 1


def test_a_failed_run_resumes_where_it_stopped(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    feedback = [{"id": f"l{i:04d}", "created": 1734000000 + i} for i in range(1500)]
    pages_served = 0

    def failing_after_twelve_pages(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        nonlocal pages_served
        pages_served += 1
        if pages_served > 12:
            context.status_code = 404
            return {"type": "invalid_request_error", "message": "gone"}
        number = int(query(request)["page"])
        return envelope(feedback[number * 100 : (number + 1) * 100], total=1500, page=number)

    empty_api.get(f"{API}/feedback", json=failing_after_twelve_pages)

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(FatalAPIError, match="HTTP 404"):
        TapFeedbackAPI(config=config, parse_env_config=False).sync_all()
    states = parse_messages(buffer.getvalue()).states
    bookmark = states[-1]["bookmarks"]["feedback"]["replication_key_value"]
    assert bookmark == to_iso_utc(parse_timestamp(1734000000 + 999))  # record 1000 of 1200 read

    serve(empty_api, "feedback", feedback)
    empty_api.reset_mock()
    resumed = run_tap(TapFeedbackAPI, config, state=states[-1])

    assert calls(empty_api, "feedback")[0]["created_after"] == str(1734000000 + 998)
    ids = [r["id"] for r in resumed.records("feedback")]
    assert ids == [f"l{i:04d}" for i in range(999, 1500)]  # from the bookmark on, nothing lost
