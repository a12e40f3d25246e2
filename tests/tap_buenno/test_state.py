"""Incremental state: bookmarks per form, the lookback, and the replies window."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import typing as t
from urllib.parse import parse_qs, urlsplit

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.timestamps import parse_timestamp
from tap_buenno.tap import TapBuenno
from tests.helpers.singer_output import parse_messages, run_tap
from tests.helpers.tap_buenno import API, fixture, invitation, reply

if t.TYPE_CHECKING:
    import requests_mock as rm


def sent(requests_mock: rm.Mocker, endpoint: str) -> list[dict[str, str]]:
    return [
        {k: v[0] for k, v in parse_qs(urlsplit(r.url).query).items()}
        for r in requests_mock.request_history
        if r.path.endswith(endpoint)
    ]


@pytest.fixture
def api(requests_mock: rm.Mocker) -> rm.Mocker:
    token_info = fixture("token_info")
    token_info["api_token"]["forms"].append({"id": 2, "name": "Second", "company_name": None})
    requests_mock.get(f"{API}/token-info", json=token_info)

    def invitations(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        query = parse_qs(urlsplit(request.url).query)
        form_id = int(query["form_id"][0])
        if query["offset"][0] != "0":
            return {"invitations": []}
        days = {
            1: ["2024-03-01T10:00:00+00:00", "2024-03-05T12:00:00+02:00"],
            2: ["2024-02-01T00:00:00Z"],
        }
        return {
            "invitations": [
                invitation(form_id * 100 + n, form_id, c) for n, c in enumerate(days[form_id])
            ]
        }

    requests_mock.get(f"{API}/invitations", json=invitations)
    requests_mock.get(
        f"{API}/replies",
        json={
            "replies": [reply(1, "2024-04-01T08:00:00Z"), reply(2, "2024-04-02T09:30:00Z")],
            "total": "2",
            "limit": "1000",
            "offset": "0",
        },
    )
    return requests_mock


def bookmark(state: dict[str, t.Any], stream: str, form_id: int | None = None) -> str:
    entry = state["bookmarks"][stream]
    if form_id is not None:
        entry = next(p for p in entry["partitions"] if p["context"] == {"form_id": form_id})
    return t.cast("str", entry["replication_key_value"])


def test_first_run_reads_all_history_and_bookmarks_each_form(
    api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    before = dt.datetime.now(tz=dt.timezone.utc)
    output = run_tap(TapBuenno, config)

    state = output.final_state
    assert bookmark(state, "invitations", 1) == "2024-03-05T10:00:00+00:00"  # 12:00+02:00 in UTC
    assert bookmark(state, "invitations", 2) == "2024-02-01T00:00:00+00:00"
    assert bookmark(state, "replies") == "2024-04-02T09:30:00+00:00"
    assert bookmark(state, "reply_answers") == "2024-04-02T09:30:00+00:00"

    first_invitations = sent(api, "/invitations")[0]
    assert "created_after" not in first_invitations
    assert parse_timestamp(first_invitations["created_before"]) >= before - dt.timedelta(seconds=5)
    replies = sent(api, "/replies")[0]
    assert replies["from"] == "1970-01-01T00:00:00+00:00"
    assert parse_timestamp(replies["to"]) >= before - dt.timedelta(seconds=5)


@pytest.mark.parametrize("lookback_days", [0, 30])
def test_rerun_from_state_reads_from_bookmark_minus_lookback(
    api: rm.Mocker, config: dict[str, t.Any], lookback_days: int
) -> None:
    state = run_tap(TapBuenno, config).final_state
    api.reset_mock()

    run_tap(
        TapBuenno,
        {**config, "lookback_days": lookback_days, "replies_lookback_days": lookback_days},
        state=state,
    )

    after = {
        int(q["form_id"]): parse_timestamp(q["created_after"]) for q in sent(api, "/invitations")
    }
    lookback = dt.timedelta(days=lookback_days, seconds=1)
    assert after[1] == parse_timestamp("2024-03-05T10:00:00+00:00") - lookback
    assert after[2] == parse_timestamp("2024-02-01T00:00:00+00:00") - lookback
    # Replies are edited after creation too: the same lookback, and the uncertain second.
    replies_from = parse_timestamp(sent(api, "/replies")[0]["from"])
    assert replies_from == parse_timestamp("2024-04-02T09:30:00+00:00") - lookback


def test_lookback_never_reaches_before_start_date(api: rm.Mocker, config: dict[str, t.Any]) -> None:
    state = run_tap(TapBuenno, config).final_state
    api.reset_mock()

    run_tap(
        TapBuenno,
        {**config, "start_date": "2024-03-01T00:00:00Z", "lookback_days": 90},
        state=state,
    )

    after = {int(q["form_id"]): q["created_after"] for q in sent(api, "/invitations")}
    # Form 1's bookmark minus 90 days is before start_date; form 2's bookmark itself is.
    assert after[1] == "2024-02-29T23:59:59+00:00"
    assert after[2] == "2024-02-29T23:59:59+00:00"


def test_start_date_bounds_the_first_run(api: rm.Mocker, config: dict[str, t.Any]) -> None:
    run_tap(TapBuenno, {**config, "start_date": "2024-01-15T00:00:00Z"})

    assert {q["created_after"] for q in sent(api, "/invitations")} == {"2024-01-14T23:59:59+00:00"}
    # Less the second the document leaves uncertain (are bounds inclusive?).
    assert sent(api, "/replies")[0]["from"] == "2024-01-14T23:59:59+00:00"


def test_bookmark_does_not_move_when_nothing_new_arrives(
    api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    state = run_tap(TapBuenno, config).final_state
    api.get(f"{API}/invitations", json={"invitations": []})
    api.get(f"{API}/replies", json={"replies": [], "total": "0", "limit": "1000", "offset": "0"})

    second = run_tap(TapBuenno, config, state=state).final_state

    for stream, form in [("invitations", 1), ("invitations", 2), ("replies", None)]:
        assert bookmark(second, stream, form) == bookmark(state, stream, form)


def test_state_does_not_advance_past_a_failed_stream(
    api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    state = run_tap(TapBuenno, config).final_state
    api.get(
        f"{API}/replies",
        [
            {
                "json": {
                    "replies": [reply(i, "2024-06-01T00:00:00Z") for i in range(1000)],
                    "total": "2000",
                }
            },
            {"status_code": 404, "json": {"error_message": "gone"}},
        ],
    )

    tap = TapBuenno(config=config, state=state, parse_env_config=False)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(FatalAPIError, match="gone"):
        tap.sync_all()

    states = parse_messages(buffer.getvalue()).states
    assert all(bookmark(s, "replies") == "2024-04-02T09:30:00+00:00" for s in states)
