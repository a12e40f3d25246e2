"""target-feedbackapi's customers: looked up, then updated or created; E.164, JSON bodies."""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.helpers.target_feedbackapi import API, FakeCustomers, push
from tests.helpers.target_runner import record

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm

CUSTOMERS = f"{API}/customers"
NOBODY = {"page": 0, "total_count": 0, "total_returned": 0, "data": []}


def customer(**values: t.Any) -> dict[str, t.Any]:
    return record("customers", **values)


def test_a_record_becomes_a_json_customer_with_an_e164_number(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)

    push(
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

    looked_up = [r.qs for r in requests_mock.request_history if r.method == "GET"]
    assert looked_up == [
        {"email": ["ciro@example.com"], "limit": ["100"]},
        {"mobile_number": ["+447810123456"], "limit": ["100"]},
    ]
    [sent] = [r for r in requests_mock.request_history if r.method == "POST"]
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert sent.json() == {
        "email": "ciro@example.com",
        "mobile_number": "+447810123456",
        "fname": "Ciro",
        "country_code": "GB",
        "location": "xS4rtY",
    }
    assert len(api.customers) == 1


def test_default_location_is_used_when_a_record_has_none(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    FakeCustomers(requests_mock)

    push(
        {**config, "default_location": "dflt01"},
        tmp_path,
        "customers",
        customer(email="a@example.com"),
        customer(email="b@example.com", location="own001"),
    )

    posts = [r.json() for r in requests_mock.request_history if r.method == "POST"]
    assert {post["email"]: post["location"] for post in posts} == {
        "a@example.com": "dflt01",
        "b@example.com": "own001",
    }


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
    FakeCustomers(requests_mock)

    run = push(config, tmp_path, "customers", customer(**values))

    [dead] = run.dead_letters
    assert (dead["stream"], dead["reason"], dead["status"]) == ("customers", reason, None)
    assert requests_mock.call_count == 0


def test_the_same_record_twice_is_sent_once_and_a_known_person_is_not_created_again(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeCustomers(requests_mock)
    first = customer(email="a@example.com", mobile_number="+358441234567", location="x1")

    push(
        config,
        tmp_path,
        "customers",
        first,
        first,
        customer(email="A@EXAMPLE.COM", location="x1"),
        customer(mobile_number="00358 44 123 4567", location="x1"),
        customer(email="a@example.com", location="x2"),  # attaches a second location
    )

    [person] = api.customers.values()
    assert person["locations"] == ["x1", "x2"]
    writes = [r.url for r in requests_mock.request_history if r.method == "POST"]
    assert writes == [CUSTOMERS, f"{CUSTOMERS}/{person['id']}"]
    assert "Stream 'customers': 2 accepted, 3 already present, 0 rejected" in caplog.text


def test_a_create_that_may_have_arrived_is_looked_up_before_a_resend(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)
    arrived = api.create  # the fake's own create: the customer is made, the answer is lost

    def timed_out(request: t.Any, context: t.Any) -> None:
        arrived(request, context)
        raise requests.exceptions.ReadTimeout

    requests_mock.post(CUSTOMERS, json=timed_out)

    run = push(
        config, tmp_path, "customers", customer(email="a@example.com", fname="A", location="x1")
    )

    assert run.dead_letters == []
    assert len(api.customers) == 1
    assert [r.method for r in requests_mock.request_history] == ["GET", "POST", "GET"]


def test_a_create_that_provably_did_not_arrive_is_sent_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)
    requests_mock.post(CUSTOMERS, [{"exc": requests.exceptions.ReadTimeout}, {"json": api.create}])

    run = push(config, tmp_path, "customers", customer(email="a@example.com", location="x1"))

    assert run.dead_letters == []
    assert len(api.customers) == 1
    assert [r.method for r in requests_mock.request_history] == ["GET", "POST", "GET", "POST"]


def test_an_existing_customer_is_updated_with_only_the_fields_given(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)
    known = api.add(
        email="ciro@example.com",
        fname="Ciro",
        sname="Marzio",
        opt_out=False,
        locations=["x1", "x2"],
    )

    run = push(
        config,
        tmp_path,
        "customers",
        customer(email="CIRO@example.com", opt_out=True, locations=["x2", "x3"]),
        customer(email="ciro@example.com", location="x3"),  # no opt_out: stays opted out
    )

    assert run.dead_letters == []
    writes = [r for r in requests_mock.request_history if r.method == "POST"]
    assert [r.url for r in writes] == [f"{CUSTOMERS}/{known['id']}"]
    assert writes[0].json() == {"opt_out": True, "location_add": ["x3"], "location_remove": ["x1"]}
    assert (known["fname"], known["sname"], known["opt_out"]) == ("Ciro", "Marzio", True)
    assert known["locations"] == ["x2", "x3"]
    assert len(api.customers) == 1


def test_every_customer_with_the_persons_contacts_is_opted_out(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeCustomers(requests_mock)
    by_email = api.add(email="twice@example.com", locations=["x1"])
    by_mobile = api.add(mobile_number="+358441234567", locations=["x1"])

    run = push(
        config,
        tmp_path,
        "customers",
        customer(
            email="twice@example.com", mobile_number="+358441234567", opt_out=True, location="x1"
        ),
    )

    assert run.dead_letters == []
    assert by_email["opt_out"] is by_mobile["opt_out"] is True
    assert (by_email["mobile_number"], by_mobile["email"]) == (None, None)


def test_a_field_the_create_did_not_keep_is_set_with_an_update(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeCustomers(requests_mock, create_keeps_country=False)

    # One push at a time: what is learned from the first record serves the second.
    run = push(
        {**config, "max_concurrent_requests": 1},
        tmp_path,
        "customers",
        customer(email="a@example.com", country_code="fi", opt_out=True, location="x1"),
        customer(email="b@example.com", country_code="SE", location="x1"),
    )

    assert run.dead_letters == []
    assert [(c["country_code"], c["opt_out"]) for c in api.customers.values()] == [
        ("FI", True),
        ("SE", False),
    ]
    assert caplog.text.count("Create Customer did not keep 'country_code'") == 1


def test_an_update_that_reset_fields_not_sent_is_learned_and_repaired(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeCustomers(requests_mock, update_replaces=True)
    first = api.add(email="a@example.com", fname="Aino", opt_out=True, locations=["x1"])
    second = api.add(email="b@example.com", sname="Berg", country_code="SE", locations=["x1"])

    # One push at a time: what is learned from the first record serves the second, which
    # side by side could go out before the first's answer was read.
    run = push(
        {**config, "max_concurrent_requests": 1},
        tmp_path,
        "customers",
        customer(email="a@example.com", sname="Aalto", location="x1"),
        customer(email="b@example.com", fname="Bo", location="x1"),
    )

    assert run.dead_letters == []
    assert (first["fname"], first["sname"], first["opt_out"]) == ("Aino", "Aalto", True)
    assert (second["fname"], second["sname"], second["country_code"]) == ("Bo", "Berg", "SE")
    writes = [r.json() for r in requests_mock.request_history if r.method == "POST"]
    assert writes == [
        {"sname": "Aalto"},
        {"fname": "Aino", "sname": "Aalto", "opt_out": True},
        {"sname": "Berg", "country_code": "SE", "opt_out": False, "fname": "Bo"},  # learned
    ]
    assert caplog.text.count("Update Customer reset fields it was not sent") == 1


def test_402_rejects_the_record_with_the_error_object(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.get(CUSTOMERS, json=NOBODY)
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
