"""Buenno's create-invitation endpoint and the admin endpoints, each on a fresh sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests

from survey_sandbox import SandboxServer
from tests.helpers.sandbox_buenno import BuennoClient


def now_minus(seconds: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat()


def test_create_invitation_by_phone_answers_the_documented_shape(fresh_buenno: BuennoClient):
    before = datetime.now(timezone.utc).replace(microsecond=0)

    response = fresh_buenno.post("/invitations", phone="00358441234567")

    assert response.status_code == 200
    invitation = response.json()["invitation"]
    assert invitation["phone"] == "00358441234567"
    assert invitation["email"] is None
    assert invitation["first_name"] is None
    assert invitation["form_id"] == 1
    assert invitation["invitation_link"].startswith("https://")
    assert invitation["sent_at"] is None
    assert invitation["opened_at"] is None
    assert invitation["answered_at"] is None
    created = datetime.fromisoformat(invitation["created_at"])
    assert invitation["created_at"].endswith("+00:00")
    assert created >= before
    assert invitation["updated_at"] == invitation["scheduled_at"] == invitation["created_at"]


def test_created_invitation_is_listed(fresh_buenno: BuennoClient):
    created = fresh_buenno.post(
        "/invitations",
        email="Päivi.Mäkinen@example.com",
        first_name="Päivi",
        last_name="Mäkinen",
        pf_age="41",
        pf_timestamp="1700000000",
        pf_store="Helsinki Kamppi",
        pf_seller_id="S100",
        preferred_language="FI",
        form_id="2",
    ).json()["invitation"]

    listed = fresh_buenno.get("/invitations", form_id=2, created_after=now_minus(120)).json()[
        "invitations"
    ]

    assert listed == [created]
    assert created["id"] > 80
    assert created["form_id"] == 2
    assert created["first_name"] == "Päivi"
    assert created["pf_age"] == 41
    assert created["pf_timestamp"] == 1700000000
    assert created["pf_seller_id"] == "S100"
    assert created["preferred_language"] == "fi"


def test_create_invitation_accepts_json(fresh_sandbox: SandboxServer, session: requests.Session):
    response = session.post(
        fresh_sandbox.base_url("buenno") + "/invitations",
        json={"email": "json@example.com", "pf_age": 30, "form_id": 2, "last_name": None},
        headers={"api-auth-token": "sandbox-buenno-token"},
    )

    assert response.status_code == 200
    assert response.json()["invitation"]["pf_age"] == 30
    assert response.json()["invitation"]["form_id"] == 2


def test_ids_keep_increasing(fresh_buenno: BuennoClient):
    first = fresh_buenno.post("/invitations", email="a@example.com").json()["invitation"]
    second = fresh_buenno.post("/invitations", email="b@example.com").json()["invitation"]

    assert second["id"] == first["id"] + 1


def test_duplicate_contact_on_the_same_form_is_409(fresh_buenno: BuennoClient):
    assert fresh_buenno.post("/invitations", email="dup@example.com").status_code == 200

    again = fresh_buenno.post("/invitations", email="dup@example.com")
    other_form = fresh_buenno.post("/invitations", email="dup@example.com", form_id=2)
    with_phone = fresh_buenno.post("/invitations", email="dup@example.com", phone="0046701234567")

    assert again.status_code == 409
    assert set(again.json()) == {"error_message"}
    assert other_form.status_code == 200
    assert with_phone.status_code == 200


def test_duplicate_external_id_is_409_whatever_the_contact(fresh_buenno: BuennoClient):
    first = fresh_buenno.post("/invitations", email="x1@example.com", pf_external_id="CRM-1")
    same_id = fresh_buenno.post("/invitations", email="x2@example.com", pf_external_id="CRM-1")
    same_contact = fresh_buenno.post("/invitations", email="x1@example.com", pf_external_id="CRM-2")

    assert first.status_code == 200
    assert same_id.status_code == 409
    assert same_contact.status_code == 200


def test_create_on_inactive_form_is_403(fresh_buenno: BuennoClient):
    response = fresh_buenno.post("/invitations", email="late@example.com", form_id=3)

    assert response.status_code == 403
    assert set(response.json()) == {"error_message"}


@pytest.mark.parametrize("form_id", ["4", "999", "x"])
def test_create_on_a_foreign_or_unknown_form_is_404(fresh_buenno: BuennoClient, form_id):
    response = fresh_buenno.post("/invitations", email="who@example.com", form_id=form_id)

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({}, "phone or email"),
        ({"first_name": "Aino", "phone": "", "email": " "}, "phone or email"),
        ({"phone": "+358441234567"}, "phone"),
        ({"phone": "358441234567"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@example.com", "pf_age": "old"}, "pf_age"),
        ({"email": "a@example.com", "pf_timestamp": "2024-01-01"}, "pf_timestamp"),
        ({"email": "a@example.com", "preferred_language": "fin"}, "preferred_language"),
    ],
)
def test_invalid_invitation_is_400(fresh_buenno: BuennoClient, form, field):
    response = fresh_buenno.post("/invitations", **form)

    assert response.status_code == 400
    assert field in response.json()["error_message"]


# --- admin endpoints ----------------------------------------------------------------


def admin_url(sandbox: SandboxServer, path: str) -> str:
    return f"{sandbox.url}/_sandbox/buenno{path}"


def test_health(fresh_sandbox: SandboxServer, session: requests.Session):
    response = session.get(fresh_sandbox.url + "/_sandbox/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "other_readings": []}


def test_admin_reply_with_given_answers_is_listed(
    fresh_sandbox: SandboxServer, fresh_buenno: BuennoClient, session: requests.Session
):
    response = session.post(
        admin_url(fresh_sandbox, "/replies"),
        json={
            "form_id": 2,
            "created_at": "2030-05-01T12:00:00+03:00",
            "email": "admin@example.com",
            "first_name": "Väinö",
            "answers": [
                {"question_id": 201, "points": 50},
                {"question_id": 202, "points": 100, "answer": "Hyvä"},
                {"question_id": 203, "points": 9},
                {"question_id": 204, "answer": None},
            ],
        },
    )

    assert response.status_code == 201
    reply = response.json()["reply"]
    assert reply["name"] == "Store Visit Survey"
    assert reply["created_at"] == reply["updated_at"] == "2030-05-01T09:00:00Z"
    assert (reply["question_count"], reply["score_sum"], reply["avg_score"]) == (2, 150, 75.0)
    assert [answer["question_type_id"] for answer in reply["answers"]] == [1, 1, 13, 2]
    listed = fresh_buenno.get(
        "/replies", **{"from": "2030-05-01T09:00:00Z", "to": "2030-05-01T09:00:00Z"}
    ).json()
    assert listed["total"] == "1"
    assert listed["replies"] == [reply]


def test_admin_reply_defaults(fresh_sandbox: SandboxServer, session: requests.Session):
    reply = session.post(admin_url(fresh_sandbox, "/replies"), json={"form_id": 1}).json()["reply"]

    created = datetime.fromisoformat(reply["created_at"].replace("Z", "+00:00"))
    assert abs(created - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert 2 <= len(reply["answers"]) <= 5
    assert reply["email"] == ""


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"form_id": 99}, 404),
        ({"form_id": 1, "answers": [{"question_id": 201, "points": 5}]}, 400),
        ({"form_id": 1, "answers": "lots"}, 400),
        ({"form_id": 1, "created_at": "soon"}, 400),
        ({"form_id": 1, "phone": "12345"}, 400),
        ({"form_id": 1, "created": "2024-01-01T00:00:00Z"}, 400),
    ],
)
def test_admin_reply_rejects_bad_input(fresh_sandbox: SandboxServer, session, body, status):
    response = session.post(admin_url(fresh_sandbox, "/replies"), json=body)

    assert response.status_code == status
    assert set(response.json()) == {"error_message"}


def test_admin_moves_an_invitation_on(fresh_buenno: BuennoClient, fresh_sandbox, session):
    created = fresh_buenno.post("/invitations", email="move@example.com").json()["invitation"]

    response = session.post(
        admin_url(fresh_sandbox, f"/invitations/{created['id']}"),
        json={
            "sent_at": "2031-01-01T10:00:00Z",
            "opened_at": "2031-01-01T12:00:00+02:00",
            "updated_at": "2031-01-02T00:00:00Z",
        },
    )

    assert response.status_code == 200
    moved = response.json()["invitation"]
    assert moved["sent_at"] == moved["opened_at"] == "2031-01-01T10:00:00+00:00"
    assert moved["answered_at"] is None
    assert moved["updated_at"] == "2031-01-02T00:00:00+00:00"
    assert moved["created_at"] == created["created_at"]
    listed = fresh_buenno.get("/invitations", created_after=now_minus(120)).json()["invitations"]
    assert listed == [moved]


def test_admin_update_stamps_now_by_default_and_can_clear(fresh_sandbox, session):
    url = admin_url(fresh_sandbox, "/invitations/1")
    session.post(url, json={"answered_at": "2024-06-01T00:00:00Z"})

    cleared = session.post(url, json={"answered_at": None}).json()["invitation"]

    assert cleared["answered_at"] is None
    updated = datetime.fromisoformat(cleared["updated_at"])
    assert abs(updated - datetime.now(timezone.utc)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/invitations/999999", {"opened_at": None}, 404),
        ("/invitations/abc", {"opened_at": None}, 400),
        ("/invitations/1", {"clicked_at": "2024-01-01T00:00:00Z"}, 400),
        ("/invitations/1", {"opened_at": 12}, 400),
        ("/nothing", {}, 404),
    ],
)
def test_admin_invitation_update_rejects_bad_input(fresh_sandbox, session, path, body, status):
    response = session.post(admin_url(fresh_sandbox, path), json=body)

    assert response.status_code == status
    assert set(response.json()) == {"error_message"}
