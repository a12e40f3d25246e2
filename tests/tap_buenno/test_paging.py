"""Paging asks for the largest pages and stops on an empty page or the reported total.

A page shorter than asked ends a list only once the server has sent a full page in the
run: until then it may be a server's cap (see the readings register).
"""

from __future__ import annotations

import contextlib
import io
import typing as t
from urllib.parse import parse_qs, urlsplit

import pytest

from tap_buenno.tap import TapBuenno
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_buenno import API, fixture, invitation, reply

if t.TYPE_CHECKING:
    import requests
    import requests_mock as rm


def query(request: requests.PreparedRequest | t.Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


def serve_invitations(requests_mock: rm.Mocker, per_form: dict[int, int]) -> None:
    """Serve ``per_form[form_id]`` invitations per form, honouring limit and offset."""

    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        form_id, offset, limit = int(params["form_id"]), int(params["offset"]), int(params["limit"])
        ids = range(form_id * 10_000 + 1, form_id * 10_000 + per_form[form_id] + 1)
        return {"invitations": [invitation(i, form_id) for i in list(ids)[offset : offset + limit]]}

    requests_mock.get(f"{API}/invitations", json=page)


def invitation_requests(requests_mock: rm.Mocker) -> list[dict[str, str]]:
    return [query(r) for r in requests_mock.request_history if r.path.endswith("/invitations")]


@pytest.mark.parametrize(
    ("count", "expected_offsets"),
    [
        (0, ["0"]),
        (249, ["0", "249"]),  # a short first page may be a cap: the next one tells
        (250, ["0", "250"]),
        (251, ["0", "250"]),
        (500, ["0", "250", "500"]),
    ],
)
def test_invitation_pages_of_250(
    requests_mock: rm.Mocker, config: dict[str, t.Any], count: int, expected_offsets: list[str]
) -> None:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(
        f"{API}/replies", json={"replies": [], "total": "0", "limit": "1000", "offset": "0"}
    )
    serve_invitations(requests_mock, {1: count})

    output = run_tap(TapBuenno, config)

    ids = [r["id"] for r in output.records("invitations")]
    assert ids == list(range(10_001, 10_001 + count))
    sent = invitation_requests(requests_mock)
    assert [r["offset"] for r in sent] == expected_offsets
    assert {r["limit"] for r in sent} == {"250"}
    assert {r["form_id"] for r in sent} == {"1"}


def test_every_form_of_the_token_is_read_with_one_token_info_call(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    token_info = fixture("token_info")
    token_info["api_token"]["forms"].append({"id": 2, "name": "Second", "company_name": None})
    token_info["api_token"]["forms"].append({"id": 3, "name": "Empty", "company_name": None})
    requests_mock.get(f"{API}/token-info", json=token_info)
    requests_mock.get(
        f"{API}/replies", json={"replies": [], "total": "0", "limit": "1000", "offset": "0"}
    )
    serve_invitations(requests_mock, {1: 3, 2: 251, 3: 0})

    output = run_tap(TapBuenno, config)

    by_form: dict[int, int] = {}
    for record in output.records("invitations"):
        by_form[record["form_id"]] = by_form.get(record["form_id"], 0) + 1
    assert by_form == {1: 3, 2: 251}
    token_info_calls = [r for r in requests_mock.request_history if r.path.endswith("/token-info")]
    assert len(token_info_calls) == 1
    assert [(r["form_id"], r["offset"]) for r in invitation_requests(requests_mock)] == [
        ("1", "0"),
        ("1", "3"),  # no full page seen yet: a short page may be a cap
        ("2", "0"),
        ("2", "250"),
        ("3", "0"),
    ]


def test_configured_form_ids_replace_token_info(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    requests_mock.get(
        f"{API}/replies", json={"replies": [], "total": "0", "limit": "1000", "offset": "0"}
    )
    serve_invitations(requests_mock, {7: 2, 9: 1})
    catalog_free_config = {**config, "form_ids": [7, 9]}

    tap = TapBuenno(config=catalog_free_config, parse_env_config=False)
    tap.streams["forms"].selected = False
    with contextlib.redirect_stdout(io.StringIO()):
        tap.sync_all()

    assert not [r for r in requests_mock.request_history if r.path.endswith("/token-info")]
    assert [r["form_id"] for r in invitation_requests(requests_mock)] == ["7", "7", "9", "9"]


def test_replies_pages_of_1000_and_answers_flattened_per_page(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    total = 2_345

    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        offset, limit = int(params["offset"]), int(params["limit"])
        ids = list(range(1, total + 1))[offset : offset + limit]
        return {
            "replies": [reply(i) for i in ids],
            "total": str(total),
            "limit": str(limit),
            "offset": str(offset),
        }

    requests_mock.get(f"{API}/token-info", json={"api_token": {"name": "t", "forms": []}})
    requests_mock.get(f"{API}/replies", json=page)

    output = run_tap(TapBuenno, config)

    assert [r["id"] for r in output.records("replies")] == list(range(1, total + 1))
    answers = output.records("reply_answers")
    assert len(answers) == 3 * total
    assert len({(a["reply_id"], a["question_id"]) for a in answers}) == 3 * total
    sent = [query(r) for r in requests_mock.request_history if r.path.endswith("/replies")]
    # Pages read ahead are in flight together: the order they reach the API is not the walk's.
    assert sorted((int(r["offset"]), r["limit"]) for r in sent) == [
        (0, "1000"),
        (1000, "1000"),
        (2000, "1000"),
    ]
    # One SCHEMA message per page for the flattened answers, not one per reply.
    assert len(output.schemas("reply_answers")) == 3


@pytest.mark.parametrize(("total", "offsets"), [(10_000, 10), (10_500, 11)])
def test_replies_read_ahead_ask_each_offset_once_and_none_past_the_total(
    requests_mock: rm.Mocker, config: dict[str, t.Any], total: int, offsets: int
) -> None:
    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        offset, limit = int(query(request)["offset"]), int(query(request)["limit"])
        ids = range(offset + 1, min(offset + limit, total) + 1)
        return {"replies": [reply(i) for i in ids], "total": str(total), "limit": str(limit)}

    requests_mock.get(f"{API}/token-info", json={"api_token": {"name": "t", "forms": []}})
    requests_mock.get(f"{API}/replies", json=page)

    output = run_tap(TapBuenno, config)

    assert [r["id"] for r in output.records("replies")] == list(range(1, total + 1))
    sent = [int(query(r)["offset"]) for r in requests_mock.request_history if "/replies" in r.url]
    assert sorted(sent) == [1000 * i for i in range(offsets)]


def test_a_filter_on_replies_also_filters_their_answers(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    requests_mock.get(f"{API}/token-info", json={"api_token": {"name": "t", "forms": []}})
    requests_mock.get(
        f"{API}/replies",
        json={
            "replies": [reply(1), reply(2), reply(3)],
            "total": "3",
            "limit": "1000",
            "offset": "0",
        },
    )
    config["stream_maps"] = {"replies": {"__filter__": "id != 1"}}

    output = run_tap(TapBuenno, config)

    assert [r["id"] for r in output.records("replies")] == [2, 3]
    assert sorted({a["reply_id"] for a in output.records("reply_answers")}) == [2, 3]


@pytest.mark.parametrize(
    ("total", "report_total", "offsets"),
    [(2000, True, ["0", "1000"]), (2000, False, ["0", "1000", "2000"]), (1000, True, ["0"])],
)
def test_replies_total_ends_paging_at_a_full_last_page(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    total: int,
    report_total: bool,
    offsets: list[str],
) -> None:
    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        offset, limit = int(params["offset"]), int(params["limit"])
        body: dict[str, t.Any] = {
            "replies": [reply(i) for i in range(total)][offset : offset + limit]
        }
        if report_total:
            body.update(total=str(total), limit=str(limit), offset=str(offset))
        return body

    requests_mock.get(f"{API}/token-info", json={"api_token": {"name": "t", "forms": []}})
    requests_mock.get(f"{API}/replies", json=page)

    output = run_tap(TapBuenno, config)

    assert len(output.records("replies")) == total
    sent = [query(r) for r in requests_mock.request_history if r.path.endswith("/replies")]
    assert [r["offset"] for r in sent] == offsets
