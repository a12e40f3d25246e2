"""How target-buenno takes Buenno's answers: already present, rejected, retried, or the end of the run."""

from __future__ import annotations

import typing as t

import pytest

from survey_common.push.client import PushStoppedError
from tests.helpers.target_buenno import CREATED, INVITATIONS, invitation, push
from tests.helpers.target_runner import state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm


def one_at_a_time(config: dict[str, t.Any]) -> dict[str, t.Any]:
    """The settings with one push at a time: the mocked answers come in input order."""
    return {**config, "max_concurrent_requests": 1}


def test_409_counts_as_already_present_not_as_an_error(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(
        INVITATIONS,
        [
            {"status_code": 409, "json": {"error_message": "Invitation exists"}},
            {"json": CREATED},
        ],
    )

    run = push(
        config, tmp_path, invitation(email="a@example.com"), invitation(email="b@example.com")
    )

    assert run.dead_letters == []
    assert "Stream 'invitations': 1 accepted, 1 already present, 0 rejected" in caplog.text


@pytest.mark.parametrize("status", [400, 404])
def test_a_refused_record_goes_to_the_dead_letter_file_with_the_api_message(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, status: int
) -> None:
    requests_mock.post(
        INVITATIONS,
        [
            {"status_code": status, "json": {"error_message": "Whoops! Something went wrong."}},
            {"json": CREATED},
        ],
    )

    run = push(
        one_at_a_time(config),
        tmp_path,
        invitation(email="a@example.com", form_id=9),  # its own form: only this record fails
        invitation(email="b@example.com"),
    )

    [dead] = run.dead_letters
    assert dead["record"] == {"email": "a@example.com", "form_id": 9}
    assert dead["status"] == status
    assert dead["reason"] == (
        f"Buenno answered HTTP {status}: Whoops! Something went wrong. to POST /api/v01/invitations"
    )
    assert requests_mock.call_count == 2


def test_403_stops_the_run_after_passing_on_the_state_of_what_was_pushed(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(
        INVITATIONS,
        [
            {"json": CREATED},
            {"status_code": 403, "json": {"error_message": "No active form"}},
        ],
    )

    run = push(
        one_at_a_time(config),
        tmp_path,
        invitation(email="a@example.com"),
        state(contacts=1),
        invitation(email="b@example.com"),
        state(contacts=2),
        invitation(email="c@example.com"),
        expect_error=PushStoppedError,
    )

    assert str(run.error).startswith("Buenno answered HTTP 403: No active form")
    assert "no later invitation can succeed" in str(run.error)
    assert run.states == [{"bookmarks": {"contacts": 1}}]
    assert requests_mock.call_count == 2  # c was never tried
    assert run.dead_letters == []  # b is not bad: the next run sends it
    assert "Stream 'invitations': 1 accepted, 0 already present, 0 rejected" in caplog.text


def test_404_for_the_form_of_the_setting_stops_the_run(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, status_code=404, json={"error_message": "Form not found"})

    run = push(
        {**config, "form_id": 8, "max_concurrent_requests": 1},
        tmp_path,
        invitation(email="a@example.com"),
        invitation(email="b@example.com"),
        expect_error=PushStoppedError,
    )

    assert "form_id setting" in str(run.error)
    assert requests_mock.call_count == 1


def test_429_and_503_are_retried_a_500_is_looked_up_until_buenno_takes_the_invitation(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.get(INVITATIONS, json={"invitations": []})
    requests_mock.post(
        INVITATIONS,
        [
            {"status_code": 429, "headers": {"Retry-After": "0"}, "json": {}},
            {"status_code": 500, "text": "<html>oops</html>"},
            {"status_code": 503, "json": {"error_message": "Maintenance"}},
            {"json": CREATED},
        ],
    )

    push(config, tmp_path, invitation(email="a@example.com"))

    # A 500 may come after Buenno made the invitation: it is looked up before a resend.
    assert [r.method for r in requests_mock.request_history] == [
        "POST",
        "POST",
        "GET",
        "POST",
        "POST",
    ]
    assert "Stream 'invitations': 1 accepted" in caplog.text
    assert "Buenno answered HTTP 503: Maintenance to POST /api/v01/invitations; attempt 1 of 6" in (
        caplog.text
    )


def test_buenno_down_for_good_stops_the_run_and_the_record_is_not_dead_lettered(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, status_code=503, text="Service unavailable")

    run = push(
        config,
        tmp_path,
        state(contacts=0),
        invitation(email="a@example.com"),
        expect_error=PushStoppedError,
    )

    assert "after 6 attempts" in str(run.error)
    assert run.states == [{"bookmarks": {"contacts": 0}}]
    assert run.dead_letters == []


def test_a_gateway_down_for_good_dead_letters_the_invitation_it_may_have_passed_on_and_stops(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    # A 502 may come after Buenno made the invitation; the look-up fails the same way.
    requests_mock.post(INVITATIONS, status_code=502, text="Bad gateway")
    requests_mock.get(INVITATIONS, status_code=502, text="Bad gateway")

    run = push(
        one_at_a_time(config),
        tmp_path,
        state(contacts=0),
        invitation(email="a@example.com"),
        invitation(email="b@example.com"),
        expect_error=PushStoppedError,
    )

    assert "after 6 attempts" in str(run.error)
    assert run.states == [{"bookmarks": {"contacts": 0}}]
    [dead] = run.dead_letters
    assert dead["record"] == {"email": "a@example.com"}
    assert dead["uncertain"] is True
    assert [r.method for r in requests_mock.request_history] == ["POST"] + ["GET"] * 6
