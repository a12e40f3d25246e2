"""A target-buenno run as a whole: state gating, routing, secrets, the summary and the exit."""

from __future__ import annotations

import json
import sys
import typing as t

import pytest
from singer_sdk.exceptions import ConfigValidationError

from survey_common.push.client import PushStoppedError
from survey_common.push.target import RejectedRecordsError, UnknownStreamError
from target_buenno.target import TargetBuenno
from tests.helpers.target_buenno import CREATED, INVITATIONS, TOKEN, invitation, push
from tests.helpers.target_runner import record, run_target, schema, state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests
    import requests_mock as rm


@pytest.mark.parametrize("in_flight", [1, 8])
def test_each_state_is_passed_on_once_every_record_before_it_was_pushed(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path, in_flight: int
) -> None:
    states_seen_by_each_push: list[str] = []

    def created(request: requests.PreparedRequest, context: t.Any) -> dict[str, t.Any]:
        states_seen_by_each_push.append(t.cast("t.Any", sys.stdout).getvalue())
        return dict(CREATED)

    requests_mock.post(INVITATIONS, json=created)

    run = push(
        {**config, "max_concurrent_requests": in_flight},
        tmp_path,
        invitation(email="a@example.com"),
        invitation(email="b@example.com"),
        state(contacts=2),
        state(contacts=2),  # repeated: passed on once
        invitation(email="c@example.com"),
        state(contacts=3),
    )

    assert run.states == [{"bookmarks": {"contacts": 2}}, {"bookmarks": {"contacts": 3}}]
    # No state was out before a, b were pushed. One push at a time, the first one was out
    # before c; side by side, c may be pushed before a and b are answered.
    assert states_seen_by_each_push[:2] == ["", ""]
    if in_flight == 1:
        assert json.loads(states_seen_by_each_push[2]) == {"bookmarks": {"contacts": 2}}


def test_rejected_records_do_not_hold_back_the_state(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, status_code=400, json={"error_message": "Bad"})

    run = push(config, tmp_path, invitation(email="a@example.com"), state(contacts=1))

    assert run.states == [{"bookmarks": {"contacts": 1}}]
    assert len(run.dead_letters) == 1


def test_fail_on_rejected_fails_only_after_the_final_state(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    run = push(
        {**config, "fail_on_rejected": True},
        tmp_path,
        invitation(email="a@example.com"),
        invitation(email="not-an-address"),
        state(contacts=2),
        expect_error=RejectedRecordsError,
    )

    assert str(run.error) == (
        "1 record(s) were rejected and fail_on_rejected is set; "
        f"see {tmp_path / 'dead-letter.jsonl'}"
    )
    assert run.states == [{"bookmarks": {"contacts": 2}}]
    assert "Stream 'invitations': 1 accepted, 0 already present, 1 rejected" in caplog.text


def test_without_fail_on_rejected_a_run_with_rejections_succeeds(
    config: dict[str, t.Any], tmp_path: Path
) -> None:
    run = push(config, tmp_path, invitation(email="not-an-address"))

    assert len(run.dead_letters) == 1


def test_an_unknown_stream_fails_at_once_listing_the_accepted_names(
    config: dict[str, t.Any], tmp_path: Path
) -> None:
    run = run_target(
        TargetBuenno,
        config,
        [schema("contacts", "email"), record("contacts", email="a@example.com")],
        tmp_path,
        expect_error=UnknownStreamError,
    )

    assert str(run.error) == (
        "target-buenno does not take stream 'contacts'; it accepts 'invitations'. Rename a "
        'stream with a stream map, for example "stream_maps": {"contacts": {"__alias__": '
        '"invitations"}}, or drop the streams not named there with "__else__": null.'
    )


def test_streams_the_stream_maps_drop_need_no_sink(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)
    config["stream_maps"] = {"contacts": {"__alias__": "invitations"}, "__else__": None}

    run_target(
        TargetBuenno,
        config,
        [
            schema("orders", "id"),
            record("orders", id=1),
            schema("contacts", "email"),
            record("contacts", email="a@example.com"),
        ],
        tmp_path,
    )

    assert requests_mock.call_count == 1
    assert "Stream 'invitations': 1 accepted" in caplog.text
    assert "Stream 'orders'" not in caplog.text  # no summary for it


def test_a_stream_without_records_still_gets_its_summary_line(
    config: dict[str, t.Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    push(config, tmp_path)

    assert "Stream 'invitations': 0 accepted, 0 already present, 0 rejected" in caplog.text


def test_a_stream_map_alias_routes_a_renamed_stream(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)
    config["stream_maps"] = {
        "public-contacts": {"__alias__": "invitations", "email": "contact_email"}
    }

    run_target(
        TargetBuenno,
        config,
        [
            schema("public-contacts", "contact_email"),
            record("public-contacts", contact_email="a@example.com"),
        ],
        tmp_path,
    )

    assert requests_mock.request_history[-1].text == "email=a%40example.com"


def test_the_token_is_written_nowhere_even_when_the_api_echoes_it(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    echo = {"error_message": f"token {TOKEN} may not use form 9"}
    requests_mock.get(INVITATIONS, json={"invitations": []})  # the 500's look-up
    requests_mock.post(
        INVITATIONS,
        [
            {"status_code": 500, "json": echo},
            {"status_code": 400, "json": echo},
            {"status_code": 401, "json": echo},
        ],
    )

    run = push(
        config,
        tmp_path,
        invitation(email="a@example.com", form_id=9),
        invitation(email="b@example.com"),
        expect_error=PushStoppedError,
    )

    dead_letter = run.dead_letter_path.read_text()
    assert "token [redacted] may not use form 9" in dead_letter
    for text in (dead_letter, run.stdout, caplog.text, str(run.error), *capsys.readouterr()):
        assert TOKEN not in text


def test_a_wrongly_typed_token_is_not_echoed_by_settings_validation(tmp_path: Path) -> None:
    with pytest.raises(ConfigValidationError, match="api_token") as failure:
        TargetBuenno(config={"api_token": 12345678}, parse_env_config=False)
    assert "12345678" not in str(failure.value)
