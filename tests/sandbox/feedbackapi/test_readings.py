"""FeedbackAPI's lists and retrievals under the other reading of each read-side register point."""

from __future__ import annotations

import sqlite3
import typing as t

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_common.readings.feedbackapi import (
    ACCOUNTS_REQUIRED_FILTERS,
    FILTER_BOUNDS,
    FILTER_FORMAT,
    PAGE_BASE,
    SCORE_KEYS,
    SORT_BY,
    TIMESTAMPS,
    TOTAL_COUNT,
)
from survey_common.timestamps import parse_timestamp
from survey_sandbox import SandboxServer
from survey_sandbox.feedbackapi.people import CLIENT_ACCOUNT_NAME
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="module", params=["ours", "all"])
def sandbox(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[SandboxServer]:
    readings = None if request.param == "ours" else readings_from_text(request.param)
    with SandboxServer(
        tmp_path_factory.mktemp("readings") / "sandbox.db", size=30, readings=readings
    ) as server:
        yield server


def other(sandbox: SandboxServer, key: str) -> bool:
    health = requests.get(f"{sandbox.url}/_sandbox/health", timeout=10).json()
    return key in health["other_readings"]


def get(sandbox: SandboxServer, path: str, **params: t.Any) -> requests.Response:
    return requests.get(
        f"{sandbox.base_url('feedbackapi')}{path}",
        params=params,
        auth=(FEEDBACKAPI_TOKEN, ""),
        timeout=10,
    )


def ids(answer: requests.Response) -> list[str]:
    answer.raise_for_status()
    return [record["id"] for record in answer.json()["data"]]


def test_page_zero_is_page_one_under_the_other_page_base(sandbox: SandboxServer) -> None:
    page_0 = ids(get(sandbox, "/customers", limit=5, page=0, sort_by="created-asc"))
    page_1 = ids(get(sandbox, "/customers", limit=5, page=1, sort_by="created-asc"))

    assert (page_0 == page_1) is other(sandbox, PAGE_BASE)


def test_sort_by_is_ignored_under_the_other_reading(sandbox: SandboxServer) -> None:
    answer = get(sandbox, "/feedback", limit=100, sort_by="created-asc")
    created = [record["created"] for record in answer.json()["data"]]

    assert (created == sorted(created)) is not other(sandbox, SORT_BY)


def test_epoch_filters_are_refused_naming_the_parameter_under_the_other_format(
    sandbox: SandboxServer,
) -> None:
    epoch = get(sandbox, "/reviews", created_after=0)
    iso = get(sandbox, "/reviews", created_after="1970-01-01T00:00:00Z")

    assert iso.status_code == 200
    if other(sandbox, FILTER_FORMAT):
        assert epoch.status_code == 400
        assert epoch.json()["param"] == "created_after"
    else:
        assert epoch.status_code == 200


def test_bounds_exclude_their_instant_under_the_other_reading(sandbox: SandboxServer) -> None:
    customer = get(sandbox, "/customers", limit=1).json()["data"][0]
    at = parse_timestamp(customer["created"]).strftime("%Y-%m-%dT%H:%M:%SZ")

    answer = get(sandbox, "/customers", created_after=at, created_before=at, limit=100)

    assert (customer["id"] in ids(answer)) is not other(sandbox, FILTER_BOUNDS)


def test_total_counts_everything_under_the_other_reading(sandbox: SandboxServer) -> None:
    everything = get(sandbox, "/feedback", limit=1).json()["total_count"]
    after = "2100-01-01T00:00:00Z"
    filtered = get(sandbox, "/feedback", limit=1, created_after=after).json()

    assert filtered["data"] == []
    assert filtered["total_count"] == (everything if other(sandbox, TOTAL_COUNT) else 0)


def test_records_follow_the_attribute_tables_under_the_other_readings(
    sandbox: SandboxServer,
) -> None:
    feedback = get(sandbox, "/feedback", limit=1).json()["data"][0]
    retrieved = get(sandbox, f"/feedback/{feedback['id']}").json()

    for record in (feedback, retrieved):
        assert isinstance(record["created"], str) is other(sandbox, TIMESTAMPS)
        assert ("nps_score" in record) is other(sandbox, SCORE_KEYS)
        assert ("nps-score" in record) is not other(sandbox, SCORE_KEYS)


@pytest.mark.parametrize("switched", ["ours", ACCOUNTS_REQUIRED_FILTERS])
def test_accounts_are_refused_without_name_and_active_under_the_other_reading(
    tmp_path: Path, switched: str
) -> None:
    readings = None if switched == "ours" else readings_from_text(switched)
    with SandboxServer(tmp_path / "sandbox.db", size=300, readings=readings) as server:
        unfiltered = get(server, "/accounts", limit=100)
        name_only = get(server, "/accounts", limit=100, name=CLIENT_ACCOUNT_NAME)
        with sqlite3.connect(tmp_path / "sandbox.db") as db:
            rows = db.execute(
                "SELECT id, name, active FROM feedbackapi_accounts WHERE deleted = 0"
            ).fetchall()
        filtered = {
            (name, active): ids(get(server, "/accounts", limit=100, name=name, active=flag))
            for name in {row[1] for row in rows}
            for active, flag in ((1, "true"), (0, "false"))
        }

    assert len(rows) > 1
    for (name, active), listed in filtered.items():  # both filters: exactly those accounts
        assert sorted(listed) == sorted(r[0] for r in rows if (r[1], r[2]) == (name, active))
    if switched == "ours":
        assert sorted(ids(unfiltered)) == sorted(row[0] for row in rows)
        assert ids(name_only)
    else:
        assert unfiltered.status_code == name_only.status_code == 400
        assert unfiltered.json()["type"] == "invalid_request_error"
        assert [unfiltered.json()["param"], name_only.json()["param"]] == ["name", "active"]
