"""Settings fail before any request, name the setting and never echo a secret."""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_buenno.tap import TapBuenno
from tests.helpers.tap_buenno import API, TOKEN

if t.TYPE_CHECKING:
    import requests_mock as rm


def test_missing_token_names_the_setting(requests_mock: rm.Mocker) -> None:
    with pytest.raises(ConfigValidationError, match="'api_token' is a required property"):
        TapBuenno(config={"api_url": API}, parse_env_config=False)
    assert requests_mock.call_count == 0


def test_a_mistyped_token_is_not_echoed() -> None:
    secret_number = 918273645546372819
    with pytest.raises(ConfigValidationError) as failure:
        TapBuenno(config={"api_token": secret_number, "api_url": API}, parse_env_config=False)

    text = str(failure.value) + " ".join(failure.value.errors)
    assert "config['api_token']" in text
    assert str(secret_number) not in text


def test_an_empty_token_is_refused_without_echo() -> None:
    with pytest.raises(ConfigValidationError, match=r"config\['api_token'\] is invalid"):
        TapBuenno(config={"api_token": "", "api_url": API}, parse_env_config=False)


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("start_date", "last tuesday", r"config\['start_date'\] must be an ISO 8601 date-time"),
        ("lookback_days", -1, r"config\['lookback_days'\]: -1 is less than the minimum of 0"),
        ("lookback_days", "30", r"config\['lookback_days'\]: '30' is not of type 'integer'"),
        ("form_ids", ["one"], r"config\['form_ids'\]\[0\]: 'one' is not of type 'integer'"),
        ("api_url", "ftp://example.com", r"config\['api_url'\] must be an http\(s\) URL"),
        ("api_url", "http://buenno.example.com/api", r"config\['api_url'\] uses plain http://"),
    ],
)
def test_invalid_settings_name_the_setting(setting: str, value: t.Any, expected: str) -> None:
    with pytest.raises(ConfigValidationError, match=expected):
        TapBuenno(
            config={"api_token": TOKEN, "api_url": API, setting: value}, parse_env_config=False
        )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765/buenno/api/v01", "http://localhost/x", "http://[::1]:80/"]
)
def test_plain_http_is_accepted_for_loopback(url: str) -> None:
    tap = TapBuenno(config={"api_token": TOKEN, "api_url": url}, parse_env_config=False)
    assert tap.config["api_url"] == url


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigValidationError) as failure:
        TapBuenno(config={"start_date": "nope", "lookback_days": -5}, parse_env_config=False)
    assert len(failure.value.errors) == 3


def test_discovery_makes_no_request(requests_mock: rm.Mocker) -> None:
    tap = TapBuenno(config={"api_token": TOKEN, "api_url": API}, parse_env_config=False)

    catalog = tap.catalog_dict
    streams = {s["tap_stream_id"]: s for s in catalog["streams"]}
    assert set(streams) == {"forms", "invitations", "replies", "reply_answers"}
    assert streams["reply_answers"]["key_properties"] == ["reply_id", "question_id"]
    assert streams["invitations"]["replication_key"] == "created_at"
    assert requests_mock.call_count == 0
