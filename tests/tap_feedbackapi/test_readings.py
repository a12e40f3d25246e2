"""tap-feedbackapi under each reading of the list rules the document leaves open.

A mocked list that can take either reading of each point (page numbering, bounds, filter
format, order, what ``total_count`` counts) and lose records mid-read: the tap reads
every record once, whichever reading it meets, and learns which one it met.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from dataclasses import dataclass, field

import pytest
from singer_sdk.exceptions import FatalAPIError

from survey_common.timestamps import parse_timestamp
from tap_feedbackapi.streams import AccountsFilterRequiredError
from tap_feedbackapi.tap import TapFeedbackAPI
from tests.helpers.singer_output import run_tap
from tests.helpers.tap_feedbackapi import API, calls, envelope, query
from tests.helpers.tap_feedbackapi import serve as serve_stream

if t.TYPE_CHECKING:
    import requests_mock as rm

START = 1_734_000_000


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    """What the tap learned is logged at INFO."""
    caplog.set_level(logging.INFO)


def record(number: int, created: int | None = None) -> dict[str, t.Any]:
    return {"id": f"f{number:05d}", "created": START + number if created is None else created}


@dataclass
class FakeList:
    """The feedback list under chosen readings; ``on_page`` may change it between pages."""

    records: list[dict[str, t.Any]]
    pages_from_one: bool = False
    exclusive: bool = False
    iso_only: bool = False
    newest_first: bool = False
    #: Records from this number on come last, in no order of their key (by id reversed).
    shuffled_from: int | None = None
    total_everything: bool = False
    ignores_page: bool = False
    on_page: t.Callable[[int, FakeList], None] = lambda served, listed: None
    served: int = 0
    params: list[dict[str, str]] = field(default_factory=list)

    def answer(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        params = query(request)
        self.params.append(params)
        self.on_page(self.served, self)
        self.served += 1
        bounds = {k: v for k, v in params.items() if k.endswith(("_after", "_before"))}
        if self.iso_only and any(v.isdigit() for v in bounds.values()):
            context.status_code = 400
            name = next(k for k, v in bounds.items() if v.isdigit())
            return {"type": "invalid_request_error", "message": "ISO 8601 only", "param": name}
        rows = [r for r in self.records if self._within(r, bounds)]
        rows.sort(key=lambda r: (r["created"], r["id"]), reverse=self.newest_first)
        if (first := self.shuffled_from) is not None:
            rows.sort(
                key=lambda r: (0, r["id"]) if r["id"] < f"f{first:05d}" else (1, r["id"][::-1])
            )
        limit = int(params["limit"])
        page = 0 if self.ignores_page else int(params["page"])
        if self.pages_from_one:
            page = max(page - 1, 0)
        total = len(self.records) if self.total_everything else len(rows)
        return envelope(rows[page * limit : (page + 1) * limit], total=total, page=page + 1)

    def _within(self, row: dict[str, t.Any], bounds: dict[str, str]) -> bool:
        created = parse_timestamp(row["created"])
        for name, value in bounds.items():
            bound = parse_timestamp(value)
            if name.endswith("_after") and (
                created <= bound if self.exclusive else created < bound
            ):
                return False
            if name.endswith("_before") and (
                created >= bound if self.exclusive else created > bound
            ):
                return False
        return True


def serve(api: rm.Mocker, fake: FakeList) -> None:
    api.get(f"{API}/feedback", json=fake.answer)


def emitted(output: t.Any) -> list[str]:
    return [r["id"] for r in output.records("feedback")]


def test_pages_counted_from_one_are_learned_and_nothing_is_lost(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeList([record(i) for i in range(250)], pages_from_one=True)
    serve(empty_api, fake)

    output = run_tap(TapFeedbackAPI, config)

    assert emitted(output) == [f"f{i:05d}" for i in range(250)]
    assert sorted(c["page"] for c in fake.params) == ["0", "1", "2", "3"]  # a repeat, then on
    assert caplog.text.count("other reading of feedbackapi.page-base") == 1


def test_pages_counted_from_zero_cost_nothing_more(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeList([record(i) for i in range(250)])
    serve(empty_api, fake)

    output = run_tap(TapFeedbackAPI, config)

    assert emitted(output) == [f"f{i:05d}" for i in range(250)]
    assert sorted(c["page"] for c in fake.params) == ["0", "1", "2"]
    assert "ours reading of feedbackapi.page-base" in caplog.text


def test_a_page_parameter_that_is_ignored_stops_the_run(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve(empty_api, FakeList([record(i) for i in range(250)], ignores_page=True))
    tap = TapFeedbackAPI(config=config, parse_env_config=False)

    with pytest.raises(FatalAPIError, match="assumption that it honours 'page' failed"):
        tap.streams["feedback"].sync()


@pytest.mark.parametrize("exclusive", [False, True], ids=["inclusive", "exclusive"])
def test_records_at_the_bookmarks_second_are_read_under_both_bounds(
    empty_api: rm.Mocker, config: dict[str, t.Any], exclusive: bool
) -> None:
    # Two records share the bookmark's second; the run before stopped after the first.
    records = [record(0), record(1), record(2, START + 1), record(3)]
    state = {
        "bookmarks": {
            "feedback": {
                "replication_key": "created",
                "replication_key_value": dt.datetime.fromtimestamp(
                    START + 1, tz=dt.timezone.utc
                ).isoformat(),
            }
        }
    }
    serve(empty_api, FakeList(records, exclusive=exclusive))

    output = run_tap(TapFeedbackAPI, config, state=state)

    assert emitted(output) == ["f00001", "f00002", "f00003"]  # nothing older than the bookmark


def test_a_filter_refused_as_epoch_is_sent_again_as_iso(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeList([record(i) for i in range(150)], iso_only=True)
    serve(empty_api, fake)
    empty_api.get(f"{API}/users", json=fake.answer)

    output = run_tap(TapFeedbackAPI, {**config, "start_date": "2024-01-01T00:00:00Z"})

    assert emitted(output) == [f"f{i:05d}" for i in range(150)]
    sent = [c for c in fake.params if "created_after" in c]
    assert sent[0]["created_after"].isdigit()
    assert sent[1]["created_after"] == "2023-12-31T23:59:59Z"
    assert all(not c["created_before"].isdigit() for c in fake.params[1:])  # learned once
    assert caplog.text.count("other reading of feedbackapi.filter-format") == 1


def test_a_total_counting_everything_costs_one_empty_page(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    records = [record(i) for i in range(150)] + [record(900, START + 10**8)]  # after the run
    fake = FakeList(records, total_everything=True)
    serve(empty_api, fake)

    output = run_tap(TapFeedbackAPI, config)

    assert emitted(output) == [f"f{i:05d}" for i in range(150)]
    assert sorted(c["page"] for c in fake.params) == ["0", "1", "2"]


def delete_at_second_page(count: int, before: int = 1) -> t.Callable[[int, FakeList], None]:
    """Delete ``count`` records that the first page held, just before page ``before``."""

    def delete(served: int, fake: FakeList) -> None:
        if served == before:
            first_page = fake.records[-100:] if fake.newest_first else fake.records[:100]
            for gone in first_page[10 : 10 + count]:
                fake.records.remove(gone)

    return delete


@pytest.mark.parametrize("deleted", [1, 30, 150])
def test_newest_first_answers_lose_nothing_when_records_leave_mid_read(
    empty_api: rm.Mocker, config: dict[str, t.Any], deleted: int, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeList(
        [record(i) for i in range(350)], newest_first=True, on_page=delete_at_second_page(deleted)
    )
    serve(empty_api, fake)

    output = run_tap(TapFeedbackAPI, config)

    ids = emitted(output)
    assert len(ids) == len(set(ids))
    assert set(ids) >= {r["id"] for r in fake.records}
    assert "other reading of feedbackapi.sort-by" in caplog.text
    bookmark = output.final_state["bookmarks"]["feedback"]["replication_key_value"]
    # Set when the stream ended, from the records after the order showed: the newest but one.
    assert parse_timestamp(bookmark) == parse_timestamp(START + 348)


@pytest.mark.parametrize(("shuffled_from", "deleted"), [(0, 0), (0, 30), (150, 0), (150, 30)])
def test_an_unordered_list_loses_nothing_and_repeats_nothing(
    empty_api: rm.Mocker, config: dict[str, t.Any], shuffled_from: int, deleted: int
) -> None:
    fake = FakeList(
        [record(i) for i in range(350)],
        shuffled_from=shuffled_from,
        on_page=delete_at_second_page(deleted, before=3),
    )
    serve(empty_api, fake)

    output = run_tap(TapFeedbackAPI, config)

    ids = emitted(output)
    assert set(ids) >= {r["id"] for r in fake.records}
    if not deleted:
        assert len(ids) == len(set(ids)) == 350
        assert len(fake.params) == 4


def test_accounts_listed_without_filters_are_read_whole(
    empty_api: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    accounts = [{**record(i), "name": f"Account {i}", "active": i % 3 > 0} for i in range(150)]
    serve_stream(empty_api, "accounts", accounts)

    output = run_tap(TapFeedbackAPI, config)

    assert sorted(r["id"] for r in output.records("accounts")) == [r["id"] for r in accounts]
    sent = calls(empty_api, "accounts")
    assert [c["page"] for c in sent] == ["0", "1"]  # no request more than the list needs
    assert not [c for c in sent if "name" in c or "active" in c]
    assert caplog.text.count("ours reading of feedbackapi.accounts-required-filters") == 1


@pytest.mark.parametrize("param", ["name", "active"])
def test_accounts_refused_without_a_filter_stop_the_run_in_one_line(
    empty_api: rm.Mocker, config: dict[str, t.Any], param: str
) -> None:
    refused = {"type": "invalid_request_error", "message": f"{param} is required", "param": param}
    empty_api.get(f"{API}/accounts", status_code=400, json=refused)
    tap = TapFeedbackAPI(config=config, parse_env_config=False)

    with pytest.raises(AccountsFilterRequiredError) as stopped:
        tap.streams["accounts"].sync()

    assert str(stopped.value) == (
        f"FeedbackAPI requires a filter on {param} to list accounts (the document marks name "
        "and active as required): the accounts stream cannot be read whole; deselect it "
        "(register point feedbackapi.accounts-required-filters)"
    )
    assert len(calls(empty_api, "accounts")) == 1


def test_accounts_refused_for_another_parameter_are_not_blamed_on_the_filters(
    empty_api: rm.Mocker, config: dict[str, t.Any]
) -> None:
    refused = {"type": "invalid_request_error", "message": "bad limit", "param": "limit"}
    empty_api.get(f"{API}/accounts", status_code=400, json=refused)
    tap = TapFeedbackAPI(config=config, parse_env_config=False)

    with pytest.raises(FatalAPIError, match="bad limit") as stopped:
        tap.streams["accounts"].sync()

    assert not isinstance(stopped.value, AccountsFilterRequiredError)
