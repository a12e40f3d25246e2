"""Settings fail before any request, name the setting and never echo the token."""

from __future__ import annotations

import typing as t

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_hellocustomer.tap import TapHelloCustomer
from tests.helpers.tap_hellocustomer import API, CAMPAIGN, TOKEN

if t.TYPE_CHECKING:
    import requests_mock as rm

VALID = {
    "api_token": TOKEN,
    "api_url": API,
    "campaign_ids": [CAMPAIGN],
    "start_date": "2024-01-01T00:00:00Z",
}


def build(**changes: t.Any) -> TapHelloCustomer:
    config = {**VALID, **changes}
    return TapHelloCustomer(
        config={k: v for k, v in config.items() if v is not None}, parse_env_config=False
    )


@pytest.mark.parametrize("missing", ["api_token", "campaign_ids", "start_date"])
def test_required_settings_are_named(missing: str, requests_mock: rm.Mocker) -> None:
    with pytest.raises(ConfigValidationError, match=f"'{missing}' is a required property"):
        build(**{missing: None})
    assert requests_mock.call_count == 0


def test_a_mistyped_token_is_not_echoed() -> None:
    secret_number = 918273645546372819
    with pytest.raises(ConfigValidationError) as failure:
        build(api_token=secret_number)

    text = str(failure.value) + " ".join(failure.value.errors)
    assert "config['api_token']" in text
    assert str(secret_number) not in text


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (
            "campaign_ids",
            ["store-visit"],
            r"config\['campaign_ids'\]\[0\]: 'store-visit' does not match",
        ),
        ("campaign_ids", CAMPAIGN, r"config\['campaign_ids'\]: '.*' is not of type 'array'"),
        ("start_date", "last tuesday", r"config\['start_date'\] must be an ISO 8601 date-time"),
        ("end_date", "tomorrow", r"config\['end_date'\] must be an ISO 8601 date-time"),
        ("nps_period", "quarter", r"config\['nps_period'\]: 'quarter' is not one of"),
        (
            "nps_filters",
            [{"key": "store"}],
            r"config\['nps_filters'\]\[0\]: 'filterValues' is a required",
        ),
        (
            "nps_filters",
            [{"key": "store", "filterValues": "Antwerpen"}],
            r"config\['nps_filters'\]\[0\]\['filterValues'\]: 'Antwerpen' is not of type 'array'",
        ),
        (
            "min_request_interval",
            -1,
            r"config\['min_request_interval'\]: -1 is less than the minimum",
        ),
        (
            "api_url",
            "http://api.hellocustomer.com/V1.0/EN",
            r"config\['api_url'\] uses plain http://",
        ),
    ],
)
def test_invalid_settings_name_the_setting(setting: str, value: t.Any, expected: str) -> None:
    with pytest.raises(ConfigValidationError, match=expected):
        build(**{setting: value})


def test_defaults() -> None:
    tap = build()

    assert tap.config["api_url"] == API
    assert build(api_url=None).config["api_url"] == "https://api.hellocustomer.com/V1.0/EN"
    assert tap.config["nps_period"] == "month"
    assert tap.config["min_request_interval"] == 1.0
    assert tap.request_limiter.interval == 1.0


def test_touchpoints_are_read_once_each_in_lower_case() -> None:
    tap = build(campaign_ids=[CAMPAIGN.upper(), CAMPAIGN, "C8DC5F94-A9E8-4743-8744-E66A73A7E724"])

    assert tap.streams["responses"].partitions == [
        {"campaign_id": CAMPAIGN},
        {"campaign_id": "c8dc5f94-a9e8-4743-8744-e66a73a7e724"},
    ]


def test_discovery_makes_no_request(requests_mock: rm.Mocker) -> None:
    catalog = build().catalog_dict

    streams = {s["tap_stream_id"]: s for s in catalog["streams"]}
    assert set(streams) == {"responses", "response_answers", "nps", "languages"}
    assert streams["responses"]["key_properties"] == ["uniqueID"]
    assert streams["responses"]["replication_key"] == "dateAnswer"
    assert streams["response_answers"]["key_properties"] == ["uniqueID"]
    assert streams["nps"]["key_properties"] == [
        "campaign_id",
        "period",
        "filter_set",
        "period_start",
    ]
    assert streams["nps"]["replication_key"] == "period_start"
    assert streams["languages"]["key_properties"] == ["language_UniqueID"]
    assert requests_mock.call_count == 0
