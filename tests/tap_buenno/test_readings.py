"""tap-buenno under both readings of what its document leaves open (docs/readings.md).

A small model of the replies endpoint answers under each reading of the page size and
of what ``limit``/``offset`` count; the tap must read every reply exactly once.
"""

from __future__ import annotations

import copy
import logging
import typing as t
from urllib.parse import parse_qs, urlsplit

import pytest
from singer_sdk.exceptions import FatalAPIError

from tap_buenno.tap import TapBuenno
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_buenno import API, EMPTY_REPLIES, fixture, invitation, reply, sync

if t.TYPE_CHECKING:
    import requests_mock as rm


def query(request: t.Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


def replies_with_answers(count: int) -> list[dict[str, t.Any]]:
    """Replies with 1 to 4 answers each (the document's example answers, cycled)."""
    replies = []
    for reply_id in range(1, count + 1):
        record = reply(reply_id)
        answers = record["answers"]
        record["answers"] = [
            {**copy.deepcopy(answers[n % len(answers)]), "question_id": n}
            for n in range(1 + reply_id % 4)
        ]
        replies.append(record)
    return replies


def serve_replies(
    mock: rm.Mocker,
    replies: list[dict[str, t.Any]],
    *,
    cap: int,
    counts_answers: bool,
    silent: bool = False,
) -> None:
    """Serve ``replies`` with pages capped at ``cap``, offsets in replies or in answers.

    A ``silent`` cap is not shown in the envelope, which repeats the limit asked.
    """
    answers_total = sum(len(r["answers"]) for r in replies)

    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        limit, offset = min(int(params["limit"]), cap), int(params["offset"])
        if not counts_answers:
            chosen = replies[offset : offset + limit]
        else:
            chosen, first, taken = [], 0, 0
            for record in replies:
                last = first + len(record["answers"])
                if last > offset:
                    if chosen and taken + len(record["answers"]) > limit:
                        break
                    chosen.append(record)
                    taken += len(record["answers"])
                first = last
        total = answers_total if counts_answers else len(replies)
        shown = params["limit"] if silent else str(limit)
        return {"replies": chosen, "total": str(total), "limit": shown, "offset": str(offset)}

    mock.get(f"{API}/token-info", json=fixture("token_info"))
    mock.get(f"{API}/invitations", json={"invitations": []})
    mock.get(f"{API}/replies", json=page)


def reply_offsets(mock: rm.Mocker) -> list[int]:
    return [int(query(r)["offset"]) for r in mock.request_history if r.path.endswith("/replies")]


@pytest.mark.parametrize("envelope", ["wrapped", "bare"])
def test_token_info_forms_are_read_from_either_envelope(
    requests_mock: rm.Mocker, config: dict[str, t.Any], envelope: str
) -> None:
    token = fixture("token_info")
    requests_mock.get(
        f"{API}/token-info", json=token if envelope == "wrapped" else token["api_token"]
    )
    requests_mock.get(f"{API}/invitations", json={"invitations": []})
    requests_mock.get(f"{API}/replies", json=EMPTY_REPLIES)

    output = run_tap(TapBuenno, config)

    assert [form["id"] for form in output.records("forms")] == [1]
    assert [query(r)["form_id"] for r in requests_mock.request_history if "invit" in r.path] == [
        "1"
    ]


def test_token_info_of_another_shape_fails_clearly(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    requests_mock.get(f"{API}/token-info", json={"token": {"forms": []}})

    with pytest.raises(FatalAPIError, match=r"GET /api/v01/token-info .*'api_token.forms' list"):
        sync(config)


def test_capped_reply_pages_are_all_read(
    requests_mock: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    serve_replies(requests_mock, replies_with_answers(1_234), cap=500, counts_answers=False)
    caplog.set_level(logging.INFO)

    output = run_tap(TapBuenno, config)

    assert [r["id"] for r in output.records("replies")] == list(range(1, 1_235))
    assert sorted(reply_offsets(requests_mock)) == [0, 500, 1_000]  # the total ends paging
    assert caplog.text.count("answered limit=500 to a request for 1000 replies") == 1


@pytest.mark.parametrize("cap", [1000, 500])
def test_offsets_that_count_answers_are_learned_and_each_reply_read_once(
    requests_mock: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture, cap: int
) -> None:
    replies = replies_with_answers(1_500)
    serve_replies(requests_mock, replies, cap=cap, counts_answers=True)
    caplog.set_level(logging.INFO)

    output = run_tap(TapBuenno, config)

    ids = [r["id"] for r in output.records("replies")]
    assert sorted(ids) == list(range(1, 1_501))
    assert len(ids) == len(set(ids))
    answers = output.records("reply_answers")
    assert len(answers) == sum(len(r["answers"]) for r in replies)
    assert caplog.text.count("limit and offset count answers, not replies") == 1
    offsets = reply_offsets(requests_mock)
    # One page more than the answers need: the one that shows what offset counts.
    assert len(offsets) == -(-sum(len(r["answers"]) for r in replies) // cap) + 1


def test_a_silent_cap_in_replies_is_not_taken_for_answers(
    requests_mock: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    replies = replies_with_answers(700)
    # The envelope says the limit asked, not the cap: only the next page tells them apart.
    serve_replies(requests_mock, replies, cap=100, counts_answers=False, silent=True)
    caplog.set_level(logging.INFO)

    output = run_tap(TapBuenno, config)

    assert sorted(r["id"] for r in output.records("replies")) == list(range(1, 701))
    assert "limit and offset count replies" in caplog.text


@pytest.mark.parametrize("count", [99, 100, 250, 430])
def test_capped_invitation_pages_are_all_read(
    requests_mock: rm.Mocker, config: dict[str, t.Any], count: int
) -> None:
    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        offset, limit = int(params["offset"]), min(int(params["limit"]), 100)
        return {
            "invitations": [invitation(i) for i in range(1, count + 1)][offset : offset + limit]
        }

    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(f"{API}/invitations", json=page)
    requests_mock.get(f"{API}/replies", json=EMPTY_REPLIES)

    output = run_tap(TapBuenno, config)

    assert [r["id"] for r in output.records("invitations")] == list(range(1, count + 1))
