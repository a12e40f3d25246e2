"""Locations and feedback requests: sent twice they exist twice, so they are never resent blindly."""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.helpers.target_feedbackapi import API, push
from tests.helpers.target_runner import record, state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

LOCATIONS = f"{API}/locations"
REQUESTS = f"{API}/feedback-request"


def one_at_a_time(config: dict[str, t.Any]) -> dict[str, t.Any]:
    """The settings with one push at a time: the mocked answers come in input order."""
    return {**config, "max_concurrent_requests": 1}


def feedback_request(**values: t.Any) -> dict[str, t.Any]:
    return record("feedback_requests", **values)


def test_a_feedback_request_is_sent_with_due_in_iso_8601_utc(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(REQUESTS, json={"id": "gd7TdO"})

    push(
        one_at_a_time({**config, "default_location": "re4SWf"}),
        tmp_path,
        "feedback_requests",
        feedback_request(
            subscriber="gse4Ry",
            template="dfar5V",
            due="2024-12-13T02:00:00+02:00",
            suppress_message=True,
        ),
        feedback_request(subscriber="gse4Ry", template="dfar5V", location="own001", due=1734048000),
    )

    assert [r.json() for r in requests_mock.request_history] == [
        {
            "subscriber": "gse4Ry",
            "template": "dfar5V",
            "location": "re4SWf",
            "due": "2024-12-13T00:00:00+00:00",
            "suppress_message": True,
        },
        {
            "subscriber": "gse4Ry",
            "template": "dfar5V",
            "location": "own001",
            "due": "2024-12-13T00:00:00+00:00",
        },
    ]


DUE_REFUSED = {
    "type": "invalid_request_error",
    "message": "'due' must be a Unix timestamp (epoch seconds)",
    "param": "due",
}


def test_a_due_refused_as_iso_8601_is_resent_as_epoch_seconds_once(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(
        REQUESTS,
        [
            {"status_code": 400, "json": DUE_REFUSED},
            {"json": {"id": "gd7TdO"}},
            {"json": {"id": "gse4Ry"}},
            {"json": {"id": "dfar5V"}},
        ],
    )
    ask = {"subscriber": "gse4Ry", "template": "dfar5V", "location": "re4SWf"}

    run = push(
        one_at_a_time(config),
        tmp_path,
        "feedback_requests",
        feedback_request(**ask, due="2024-12-13T00:00:00Z"),
        feedback_request(**ask, due="2024-12-14T00:00:00Z"),
        feedback_request(**ask),
    )

    assert run.dead_letters == []
    assert [r.json().get("due") for r in requests_mock.request_history] == [
        "2024-12-13T00:00:00+00:00",
        1734048000,
        1734134400,
        None,
    ]
    assert caplog.text.count("took it as epoch seconds") == 1


def test_a_due_refused_in_both_forms_rejects_the_record_naming_both(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(REQUESTS, status_code=400, json=DUE_REFUSED)

    run = push(
        config,
        tmp_path,
        "feedback_requests",
        feedback_request(subscriber="s1", template="t1", location="l1", due=1734048000),
    )

    [dead] = run.dead_letters
    assert (dead["status"], dead["uncertain"]) == (400, False)
    assert dead["reason"].startswith("due: FeedbackAPI refused it as ISO 8601 (")
    assert "and as epoch seconds (" in dead["reason"]
    assert requests_mock.call_count == 2


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"template": "t1", "location": "l1"}, "subscriber required"),
        (
            {"subscriber": "s1", "template": "t1"},
            "location is required: give one in the record or set default_location",
        ),
        (
            {"subscriber": "s1", "template": "t1", "location": "l1", "due": "soon"},
            "due: must be an ISO 8601 date-time or epoch seconds",
        ),
    ],
)
def test_invalid_feedback_requests_are_rejected_before_sending(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    reason: str,
) -> None:
    requests_mock.post(REQUESTS, json={})

    run = push(config, tmp_path, "feedback_requests", feedback_request(**values))

    assert [dead["reason"] for dead in run.dead_letters] == [reason]
    assert requests_mock.call_count == 0


def test_a_read_timeout_dead_letters_the_request_as_uncertain_and_does_not_resend_it(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(REQUESTS, [{"exc": requests.exceptions.ReadTimeout}, {"json": {"id": "x"}}])
    ask = {"subscriber": "s1", "template": "t1", "location": "l1"}

    run = push(
        config,
        tmp_path,
        "feedback_requests",
        feedback_request(**ask),
        state(n=1),
        feedback_request(**ask),  # the same request again: not risked either
        feedback_request(subscriber="s2", template="t1", location="l1"),
    )

    assert requests_mock.call_count == 2
    [dead] = run.dead_letters
    assert dead["uncertain"] is True
    assert dead["status"] is None
    assert dead["reason"].startswith("ReadTimeout on POST /v1.3/feedback-request to FeedbackAPI")
    assert run.states == [{"bookmarks": {"n": 1}}]
    assert (
        "Stream 'feedback_requests': 1 accepted, 1 already present, 1 rejected "
        "(1 of them uncertain: they may have reached the platform)"
    ) in caplog.text


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_dead_letters_a_location_as_uncertain(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, status: int
) -> None:
    requests_mock.post(LOCATIONS, status_code=status, json={"type": "api_error", "message": "Oops"})

    run = push(
        config, tmp_path, "locations", record("locations", name="Apple Park", country_code="us")
    )

    assert requests_mock.call_count == 1
    [dead] = run.dead_letters
    assert (dead["status"], dead["uncertain"]) == (status, True)
    assert f"HTTP {status}: api_error: Oops" in dead["reason"]


@pytest.mark.parametrize("status", [429, 503])
def test_answers_that_say_nothing_was_done_are_retried(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, status: int
) -> None:
    requests_mock.post(
        LOCATIONS,
        [{"status_code": status, "json": {"type": "rate_limit_error"}}, {"json": {"id": "l1"}}],
    )

    run = push(
        config,
        tmp_path,
        "locations",
        record("locations", name="Apple Park", country_code="us", postal_code=90210),
    )

    assert run.dead_letters == []
    assert requests_mock.call_count == 2
    assert requests_mock.request_history[-1].json() == {
        "name": "Apple Park",
        "postal_code": "90210",
        "country_code": "US",
    }


def test_the_same_location_twice_is_created_once(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(LOCATIONS, json={"id": "l1"})

    push(
        config,
        tmp_path,
        "locations",
        record("locations", name="Apple Park", country_code="US"),
        record("locations", name="apple park", country_code="us"),
        record("locations", name="Apple Park", country_code="US", postal_code="90210"),
    )

    assert requests_mock.call_count == 2
