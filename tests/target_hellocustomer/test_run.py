"""A target-hellocustomer run as a whole: state behind batches, pacing, settings, routing."""

from __future__ import annotations

import functools
import itertools
import json
import sys
import typing as t

import pytest
from singer_sdk.exceptions import ConfigValidationError

from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.platforms.hellocustomer import language_guid
from survey_common.push.target import UnknownStreamError
from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.target_hellocustomer import (
    TOUCHPOINT,
    FakeHelloCustomer,
    batch_url,
    people,
    push,
)
from tests.helpers.target_runner import record, run_target, schema, state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests
    import requests_mock as rm


def test_a_state_waits_until_the_batch_before_it_was_sent(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    states_out_at_each_call: list[str] = []

    def answer(request: requests.PreparedRequest, context: t.Any) -> t.Any:
        states_out_at_each_call.append(t.cast("t.Any", sys.stdout).getvalue())
        return api.answer(request, context)

    requests_mock.post(batch_url(), json=answer)

    run = push(
        {**config, "batch_size": 3},
        tmp_path,
        "respondents",
        *people(2),
        state(n=2),
        *people(2, 2),  # fills the batch (0, 1, 2): sent, then state 2 is passed on
        state(n=4),
        *people(1, 4),
        state(n=5),
    )

    assert [len(call) for call in api.calls] == [3, 2]
    assert states_out_at_each_call[0] == ""
    assert [json.loads(line) for line in states_out_at_each_call[1].splitlines()] == [
        {"bookmarks": {"n": 2}}
    ]
    assert run.states == [{"bookmarks": {"n": 2}}, {"bookmarks": {"n": 5}}]


def test_every_call_waits_min_request_interval_after_the_previous_answer(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    def answer(request: requests.PreparedRequest, context: t.Any) -> t.Any:
        sent_at.append(now[0])
        now[0] += 0.3  # each call takes 0.3 s to be answered
        return api.answer(request, context)

    api = FakeHelloCustomer(
        refused={"person1@example.com": "The model of the respondent is invalid"}
    )
    fake_clock = functools.partial(MinIntervalLimiter, clock=lambda: now[0], sleep=sleep)
    monkeypatch.setattr("target_hellocustomer.target.MinIntervalLimiter", fake_clock)
    requests_mock.post(batch_url(), json=answer)

    push(
        {**config, "min_request_interval": 1.5, "batch_size": 2},
        tmp_path,
        "respondents",
        *people(4),
    )

    # Batches (0, 1) refused, 0 alone, 1 alone, then (2, 3): each 1.5 s after an answer.
    assert [len(call) for call in api.calls] == [2, 1, 1, 2]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert gaps == pytest.approx([1.8, 1.8, 1.8])


def test_the_readmes_stream_map_turns_a_crm_table_into_respondents(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(batch_url(), json=[])
    config["stream_maps"] = {
        "public-customers": {
            "__alias__": "respondents",
            "email": "email_address",
            "first_name": "given_name",
            "language": "preferred_language",
            "custom_unique_id": "str(customer_id)",
            "key_values": "{'store': store_name}",
            "__key_properties__": [],
            "__else__": None,
        },
        "__else__": "__NULL__",
    }
    columns = ("email_address", "given_name", "preferred_language", "customer_id", "store_name")

    run_target(
        TargetHelloCustomer,
        config,
        [
            schema("public-customers", *columns, key_properties=["customer_id"]),
            record(
                "public-customers",
                email_address="aino@example.com",
                given_name="Aino",
                preferred_language="fi",
                customer_id=7,
                store_name="Brugge",
            ),
            schema("public-orders", "id"),
            record("public-orders", id=1),
        ],
        tmp_path,
    )

    assert requests_mock.request_history[0].json() == [
        {
            "email": "aino@example.com",
            "firstName": "Aino",
            "custom_UniqueID": "7",
            "campaign_UniqueID": TOUCHPOINT,
            "language_UniqueID": "a6f3b85b-817d-484f-88cc-2f5249293525",
            "keyValues": {"store": "Brugge"},
        }
    ]


def test_an_unknown_stream_fails_at_once_listing_the_accepted_names(
    config: dict[str, t.Any], tmp_path: Path
) -> None:
    run = run_target(
        TargetHelloCustomer,
        config,
        [schema("contacts", "email"), record("contacts", email="a@example.com")],
        tmp_path,
        expect_error=UnknownStreamError,
    )

    assert "it accepts 'respondents', 'answers'" in str(run.error)


def test_both_streams_get_their_summary_line(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run_target(
        TargetHelloCustomer,
        config,
        [schema("respondents", "email"), schema("answers", "answers")],
        tmp_path,
    )

    assert "Stream 'respondents': 0 accepted, 0 already present, 0 rejected" in caplog.text
    assert "Stream 'answers': 0 accepted, 0 already present, 0 rejected" in caplog.text
    assert requests_mock.call_count == 0


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            {"default_language": "Elvish"},
            "config['default_language'] must be an ISO 639-1 code, an English name or a GUID "
            "of the Hello Customer document's table, got 'Elvish'",
        ),
        ({"campaign_id": "store-visit"}, "config['campaign_id']: 'store-visit' does not match"),
        ({"batch_size": 0}, "config['batch_size']: 0 is less than the minimum of 1"),
    ],
)
def test_settings_are_checked_before_anything_is_sent(
    config: dict[str, t.Any], setting: dict[str, t.Any], message: str
) -> None:
    with pytest.raises(ConfigValidationError) as failure:
        TargetHelloCustomer(config={**config, **setting}, parse_env_config=False)

    assert message in str(failure.value)


DUTCH, NORWEGIAN = "1b5c1275-4f92-422f-b1fc-799bf8e30598", "3af8680c-3f2b-40f7-8ed3-2783b993cd86"


@pytest.mark.parametrize(
    ("language", "guid"),
    [("nl", DUTCH), ("Dutch", DUTCH), ("Norsk", NORWEGIAN), (DUTCH.upper(), DUTCH)],
)
def test_default_language_takes_a_code_a_name_or_a_guid(
    config: dict[str, t.Any], language: str, guid: str
) -> None:
    target = TargetHelloCustomer(
        config={**config, "default_language": language}, parse_env_config=False
    )

    assert language_guid(target.config["default_language"]) == guid
