"""What target-buenno sends for each record, and what it rejects before sending."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.target_buenno import CREATED, INVITATIONS, TOKEN, invitation, push, sent_forms

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm


def test_a_record_becomes_a_form_encoded_invitation(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    run = push(
        config,
        tmp_path,
        invitation(
            email=" aino@example.com ",
            phone="+358 44 123 4567",
            first_name="Äino",
            last_name="",
            pf_age=34.0,
            pf_timestamp="2024-01-01T12:00:00+02:00",
            preferred_language="FI",
            pf_store=None,
            crm_id=77,
        ),
    )

    [form] = sent_forms(requests_mock)
    assert form == {
        "email": "aino@example.com",
        "phone": "00358441234567",
        "first_name": "Äino",
        "pf_age": "34",
        "pf_timestamp": "1704103200",
        "preferred_language": "fi",
    }
    request = requests_mock.request_history[-1]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["api-auth-token"] == TOKEN
    assert run.dead_letters == []


def test_the_records_form_id_overrides_the_setting(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    push(
        {**config, "form_id": 2},
        tmp_path,
        invitation(email="a@example.com"),
        invitation(email="b@example.com", form_id=5),
    )

    assert {form["email"]: form["form_id"] for form in sent_forms(requests_mock)} == {
        "a@example.com": "2",
        "b@example.com": "5",
    }


def test_without_any_form_id_buenno_chooses_the_form(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    push(config, tmp_path, invitation(email="a@example.com"))

    assert "form_id" not in sent_forms(requests_mock)[0]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, "email or phone is required"),
        ({"email": "   ", "phone": None}, "email or phone is required"),
        ({"email": "aino(at)example.com"}, "email: must be a valid email"),
        ({"phone": "044 123 4567"}, "phone: has no valid country code (write +358... or 00358...)"),
        ({"phone": "call me"}, "phone: is not a phone number"),
        ({"phone": "+358 12"}, "phone: is not a valid phone number for its country"),
        ({"email": "a@example.com", "pf_age": "old"}, "pf_age: must be of type integer or null"),
        ({"email": "a@example.com", "pf_age": -1}, "pf_age: must be at least 0"),
        (
            {"email": "a@example.com", "pf_timestamp": "yesterday"},
            "pf_timestamp: must be epoch seconds or an ISO 8601 date-time",
        ),
        ({"email": "a@example.com", "form_id": 0}, "form_id: must be at least 1"),
        (
            {"email": "a@example.com", "preferred_language": "finnish"},
            "preferred_language: must match the pattern ^[A-Za-z]{2}$",
        ),
    ],
)
def test_invalid_records_are_rejected_before_sending(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    values: dict[str, t.Any],
    reason: str,
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    run = push(config, tmp_path, invitation(**values), invitation(email="good@example.com"))

    [dead] = run.dead_letters
    assert dead["reason"] == reason
    assert dead["status"] is None
    assert dead["uncertain"] is False
    assert dead["record"] == values
    assert requests_mock.call_count == 1  # only the good record went out


def test_the_same_person_twice_is_sent_once(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    push(
        config,
        tmp_path,
        invitation(email="aino@example.com"),
        invitation(email="AINO@example.com", first_name="Aino"),
        invitation(phone="+358441234567"),
        invitation(email="other@example.com", phone="00358441234567"),  # the same phone
        invitation(email="aino@example.com", form_id=2),  # another form: invited there too
    )

    assert requests_mock.call_count == 3
    assert "Stream 'invitations': 3 accepted, 2 already present, 0 rejected" in caplog.text


def test_the_same_external_id_twice_is_sent_once(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    push(
        config,
        tmp_path,
        invitation(email="a@example.com", pf_external_id=42),
        invitation(email="b@example.com", pf_external_id="42"),
    )

    assert requests_mock.call_count == 1


def test_fields_buenno_does_not_take_are_named_once_in_the_log(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)

    push(
        config,
        tmp_path,
        invitation(email="a@example.com", crm_id=1, segment="gold"),
        invitation(email="b@example.com", crm_id=2),
    )

    assert caplog.text.count("field(s) crm_id, segment are not sent") == 1
    assert "gold" not in caplog.text
