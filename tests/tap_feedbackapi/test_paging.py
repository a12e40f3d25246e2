"""Paging: pages of 100 from page 0, ending at the reported total or a short page."""

from __future__ import annotations

import typing as t

import pytest

from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_feedbackapi import API, calls, envelope, query

if t.TYPE_CHECKING:
    import requests_mock as rm


def customer(number: int) -> dict[str, t.Any]:
    return {
        "id": f"c{number:05d}",
        "created": 1_700_000_000 + number,
        "email": f"c{number}@example.com",
    }


def serve(requests_mock: rm.Mocker, count: int, *, report_total: bool = True) -> None:
    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        number, limit = int(params["page"]), int(params["limit"])
        data = [customer(i) for i in range(count)][number * limit : (number + 1) * limit]
        body = envelope(data, total=count, page=number)
        if not report_total:
            del body["total_count"]
        return body

    requests_mock.get(f"{API}/customers", json=page)


@pytest.mark.parametrize(
    ("count", "pages"),
    [(0, ["0"]), (99, ["0"]), (100, ["0"]), (101, ["0", "1"]), (250, ["0", "1", "2"])],
)
def test_pages_of_100_until_the_total(
    empty_api: rm.Mocker, config: dict[str, t.Any], count: int, pages: list[str]
) -> None:
    serve(empty_api, count)

    output = run_tap(TapFeedbackAPI, config)

    assert [r["id"] for r in output.records("customers")] == [f"c{i:05d}" for i in range(count)]
    sent = calls(empty_api, "customers")
    # Pages read ahead are in flight together: the order they reach the API is not the walk's.
    assert sorted(c["page"] for c in sent) == pages
    assert {c["limit"] for c in sent} == {"100"}
    assert {c["sort_by"] for c in sent} == {"created-asc"}


def test_without_a_total_a_short_page_ends_paging(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve(empty_api, 200, report_total=False)

    output = run_tap(TapFeedbackAPI, config)

    assert len(output.records("customers")) == 200
    assert [c["page"] for c in calls(empty_api, "customers")] == ["0", "1", "2"]


def test_every_resource_is_read_from_its_path(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    run_tap(TapFeedbackAPI, config)

    paths = sorted({r.path for r in empty_api.request_history})
    assert paths == sorted(
        f"/v1.3{p}"
        for p in [
            "/customers",
            "/locations",
            "/reviews",
            "/feedback",
            "/feedback-request",
            "/accounts",
            "/users",
        ]
    )


@pytest.mark.parametrize("deleted", [1, 30, 100, 150])
def test_records_leaving_the_list_mid_read_shift_nothing_past_the_tap(
    empty_api: rm.Mocker, config: dict[str, t.Any], deleted: int
) -> None:
    live = [customer(i) for i in range(350)]
    pages_served = 0

    def page(request: t.Any, context: t.Any) -> dict[str, t.Any]:
        # After the first page, records at its start are deleted: later pages shift back.
        nonlocal pages_served, live
        if pages_served == 1:
            live = live[:10] + live[10 + deleted :]
        pages_served += 1
        number, limit = int(query(request)["page"]), int(query(request)["limit"])
        return envelope(live[number * limit : (number + 1) * limit], total=len(live), page=number)

    empty_api.get(f"{API}/customers", json=page)

    output = run_tap(TapFeedbackAPI, config)

    emitted = [r["id"] for r in output.records("customers")]
    assert len(emitted) == len(set(emitted))  # nothing twice
    assert set(emitted) >= {r["id"] for r in live}  # nothing still listed is missed
    assert emitted == sorted(emitted)  # still oldest first, so the bookmark stays honest
