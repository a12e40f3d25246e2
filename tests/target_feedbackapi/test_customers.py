"""target-feedbackapi's customers: E.164 numbers, a location, JSON bodies, upserts."""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.target_feedbackapi.conftest import API, CUSTOMER, push
from tests.target_runner import record

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

CUSTOMERS = f"{API}/customers"


def customer(**values: t.Any) -> dict[str, t.Any]:
    return record("customers", **values)


def test_a_record_becomes_a_json_customer_with_an_e164_number(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(CUSTOMERS, json=CUSTOMER)

    run = push(
        config,
        tmp_path,
        "customers",
        customer(
            email="ciro@example.com",
            mobile_number="07810 123456",
            fname="Ciro",
            sname=" ",
            country_code="gb",
            location="xS4rtY",
        ),
    )

    assert run.error is None
    sent = requests_mock.request_history[-1]
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert sent.json() == {
        "email": "ciro@example.com",
        "mobile_number": "+447810123456",
        "fname": "Ciro",
        "country_code": "GB",
        "location": "xS4rtY",
    }


def test_default_location_is_used_when_a_record_has_none(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(CUSTOMERS, json=CUSTOMER)

    push(
        {**config, "default_location": "dflt01"},
        tmp_path,
        "customers",
        customer(email="a@example.com"),
        customer(email="b@example.com", location="own001"),
    )

    assert [r.json()["location"] for r in requests_mock.request_history] == ["dflt01", "own001"]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"location": "x1"}, "email or mobile_number is required"),
        (
            {"mobile_number": "0441234567", "location": "x1"},
            "mobile_number: has no valid country code (write +358... or 00358...)",
        ),
        (
            {"mobile_number": "+1813555555", "location": "x1"},
            "mobile_number: is not a valid phone number for its country",
        ),
        (
            {"email": "a@example.com"},
            "location is required: give one in the record or set default_location",
        ),
        (
            {"email": "a@example.com", "location": "x1", "country_code": "FIN"},
            "country_code: must match the pattern ^[A-Za-z]{2}$",
        ),
        ({"email": "@example.com", "location": "x1"}, "email: must be a valid email"),
    ],
)
def test_invalid_customers_are_rejected_before_sending(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    reason: str,
) -> None:
    requests_mock.post(CUSTOMERS, json=CUSTOMER)

    run = push(config, tmp_path, "customers", customer(**values))

    [dead] = run.dead_letters
    assert (dead["stream"], dead["reason"], dead["status"]) == ("customers", reason, None)
    assert requests_mock.call_count == 0


def test_the_same_customer_twice_at_one_location_is_sent_once(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(CUSTOMERS, json=CUSTOMER)

    push(
        config,
        tmp_path,
        "customers",
        customer(email="a@example.com", mobile_number="+358441234567", location="x1"),
        customer(email="A@EXAMPLE.COM", location="x1"),
        customer(mobile_number="00358 44 123 4567", location="x1"),
        customer(email="a@example.com", location="x2"),  # attaches a second location
    )

    assert requests_mock.call_count == 2
    assert "Stream 'customers': 2 accepted, 2 already present, 0 rejected" in caplog.text


def test_customers_are_retried_after_a_read_timeout_since_upserts_are_idempotent(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(CUSTOMERS, [{"exc": requests.exceptions.ReadTimeout}, {"json": CUSTOMER}])

    run = push(config, tmp_path, "customers", customer(email="a@example.com", location="x1"))

    assert run.error is None
    assert run.dead_letters == []
    assert requests_mock.call_count == 2


def test_402_rejects_the_record_with_the_error_object(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(
        CUSTOMERS,
        status_code=402,
        json={
            "type": "invalid_request_error",
            "message": "The email and the mobile number belong to two customers",
            "param": "mobile_number",
        },
    )

    run = push(config, tmp_path, "customers", customer(email="a@example.com", location="x1"))

    [dead] = run.dead_letters
    assert dead["status"] == 402
    assert dead["reason"] == (
        "FeedbackAPI answered HTTP 402: invalid_request_error: The email and the mobile number "
        "belong to two customers (param mobile_number) to POST /v1.3/customers"
    )
