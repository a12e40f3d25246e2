"""FeedbackAPI's writes, admin endpoints, determinism and persistence.

Tests that change data get a fresh sandbox each; refused writes and records that cannot
meet each other share one writable sandbox of this module.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_sandbox import SandboxServer
from survey_sandbox.feedbackapi import queries as feedbackapi_queries
from survey_sandbox.feedbackapi import store as feedbackapi_store
from survey_sandbox.feedbackapi.people import CLIENT_ACCOUNT_NAME
from survey_sandbox.feedbackapi.seed import (
    EMAIL_TEMPLATES,
    FEEDBACKAPI_CLIENT_TOKEN,
    FEEDBACKAPI_TOKEN,
    SMS_TEMPLATES,
)
from tests.helpers.sandbox_feedbackapi import PATHS, FeedbackApiClient, admin, iso, now


@pytest.fixture
def api(fresh_sandbox: SandboxServer) -> FeedbackApiClient:
    """A fresh sandbox's FeedbackAPI with the agency token."""
    return FeedbackApiClient(fresh_sandbox.base_url("feedbackapi"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A small sandbox the module's tests may write to, each in a way no other one sees."""
    with SandboxServer(tmp_path_factory.mktemp("scratch") / "sandbox.db", size=20) as server:
        yield server


@pytest.fixture
def scratch_api(scratch: SandboxServer) -> FeedbackApiClient:
    """The writable module sandbox's FeedbackAPI with the agency token."""
    return FeedbackApiClient(scratch.base_url("feedbackapi"))


@pytest.fixture
def locations(api: FeedbackApiClient) -> list[str]:
    """The ids of the fresh sandbox's locations."""
    return [row["id"] for row in api.data("/locations")]


def create_customer(api: FeedbackApiClient, **fields: Any) -> dict[str, Any]:
    response = api.post("/customers", json=fields)
    assert response.status_code == 200, response.text
    customer: dict[str, Any] = response.json()
    return customer


def assert_error(response: requests.Response, status: int, param: str | None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["type", "message", "param"]
    assert body["type"] == "invalid_request_error"
    assert body["param"] == param
    assert body["message"]


# --- customers ----------------------------------------------------------------------


def test_create_customer_answers_the_documented_shape(api: FeedbackApiClient, locations):
    before = now()
    location = api.get(f"/locations/{locations[0]}").json()

    customer = create_customer(
        api, email="customer@example.com", mobile_number="+1813555555", location=location["id"]
    )

    assert customer == {
        "id": customer["id"],
        "created": customer["created"],
        "email": "customer@example.com",
        "mobile_number": "+1813555555",
        "fname": None,
        "sname": None,
        "last_sms": None,
        "last_email": None,
        "country_code": location["country_code"],
        "invalid": False,
        "opt_out": False,
        "locations": [location["id"]],
    }
    assert before <= customer["created"] <= now()
    assert api.get(f"/customers/{customer['id']}").json() == customer
    assert api.data("/customers", created_after=before) == [customer]


def test_create_customer_form_encoded_as_curl_sends_it(api: FeedbackApiClient, locations):
    response = api.post(
        "/customers",
        data=f"mobile_number=+1813555555&email=curl@example.com&country_code=us"
        f"&fname=Zo%C3%AB&location={locations[1]}",
        json=None,
    )

    assert response.status_code == 200, response.text
    customer = response.json()
    assert customer["mobile_number"] == "+1813555555"
    assert customer["country_code"] == "US"
    assert customer["fname"] == "Zoë"
    assert customer["locations"] == [locations[1]]


def test_vnd_api_json_bodies_are_read(api: FeedbackApiClient, locations):
    response = api.request(
        "POST",
        "/customers",
        data='{"email": "vnd@example.com", "location": "%s"}' % locations[0],  # noqa: UP031
        headers={"Content-Type": "application/vnd.api+json"},
    )

    assert response.status_code == 200
    assert response.json()["email"] == "vnd@example.com"


def test_creating_an_existing_email_updates_that_customer(api: FeedbackApiClient, locations):
    first = create_customer(api, email="same@example.com", fname="Päivi", location=locations[0])
    total = api.get("/customers").json()["total_count"]

    again = create_customer(
        api, email="SAME@example.com", sname="Mäkinen", location=locations[1], country_code="FI"
    )

    assert again["id"] == first["id"]
    assert again["created"] == first["created"]
    assert again["email"] == "SAME@example.com"
    assert (again["fname"], again["sname"], again["country_code"]) == ("Päivi", "Mäkinen", "FI")
    assert again["locations"] == [locations[0], locations[1]]
    assert api.get("/customers").json()["total_count"] == total


def test_creating_an_existing_mobile_number_updates_that_customer(
    api: FeedbackApiClient, locations
):
    first = create_customer(api, mobile_number="+358401234567", location=locations[0])

    again = create_customer(
        api, mobile_number="+358401234567", email="now@example.com", location=locations[0]
    )

    assert again["id"] == first["id"]
    assert again["email"] == "now@example.com"
    assert again["locations"] == [locations[0]]


def test_a_deleted_customer_added_again_keeps_its_id(api: FeedbackApiClient, locations):
    first = create_customer(api, email="back@example.com", location=locations[0])
    assert api.delete(f"/customers/{first['id']}").json() == {"id": first["id"], "deleted": True}

    again = create_customer(api, email="back@example.com", location=locations[1])

    assert again["id"] == first["id"]
    assert again["locations"] == [locations[0], locations[1]]


def test_email_and_mobile_of_two_customers_is_402(api: FeedbackApiClient, locations):
    create_customer(api, email="one@example.com", location=locations[0])
    create_customer(api, mobile_number="+447810123456", location=locations[0])

    response = api.post(
        "/customers",
        json={
            "email": "one@example.com",
            "mobile_number": "+447810123456",
            "location": locations[0],
        },
    )

    assert_error(response, 402, "mobile_number")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"location": "LOC"}, "email"),
        ({"email": "x@example.com"}, "location"),
        ({"email": "x@example.com", "location": "nope00"}, "location"),
        ({"email": "not-an-address", "location": "LOC"}, "email"),
        ({"mobile_number": "0401234567", "location": "LOC"}, "mobile_number"),
        ({"email": "x@example.com", "location": "LOC", "country_code": "FIN"}, "country_code"),
        ({"email": "x@example.com", "location": "LOC", "fname": ["a"]}, "fname"),
    ],
)
def test_invalid_customer_is_400_naming_the_parameter(scratch_api: FeedbackApiClient, body, param):
    location = scratch_api.data("/locations")[0]["id"]
    body = {name: location if value == "LOC" else value for name, value in body.items()}

    assert_error(scratch_api.post("/customers", json=body), 400, param)


def test_update_customer_changes_only_what_was_sent(api: FeedbackApiClient, locations):
    customer = create_customer(
        api, email="u@example.com", fname="Jane", sname="Doe", location=locations[0]
    )

    response = api.post(
        f"/customers/{customer['id']}",
        json={
            "fname": "Ciro",
            "sname": None,
            "opt_out": True,
            "location_add": [locations[1], locations[0]],
            "location_remove": [locations[2]],
        },
    )

    assert response.status_code == 200
    updated = response.json()
    assert updated == {
        **customer,
        "fname": "Ciro",
        "sname": None,
        "opt_out": True,
        "locations": [locations[0], locations[1]],
    }
    removed = api.post(
        f"/customers/{customer['id']}", data={"location_remove[]": locations[0], "opt_out": "false"}
    ).json()
    assert removed["locations"] == [locations[1]]
    assert removed["opt_out"] is False


def test_update_customer_refusals(api: FeedbackApiClient, locations):
    other = create_customer(api, email="taken@example.com", location=locations[0])
    customer = create_customer(api, email="mine@example.com", location=locations[0])
    path = f"/customers/{customer['id']}"

    assert_error(api.post(path, json={"email": "TAKEN@example.com"}), 402, "email")
    assert_error(api.post(path, json={"email": None}), 400, "email")
    assert_error(api.post(path, json={"location_add": ["nope00"]}), 400, "location_add")
    assert_error(api.post(path, json={"opt_out": "perhaps"}), 400, "opt_out")
    assert_error(api.post("/customers/nope00", json={"fname": "X"}), 404, "id")
    assert api.post(path, json={"email": "mine@example.com"}).status_code == 200
    assert api.get(f"/customers/{other['id']}").json() == other


def test_delete_customer_makes_it_inactive(api: FeedbackApiClient):
    victim = api.data("/customers")[0]

    response = api.delete(f"/customers/{victim['id']}")

    assert response.status_code == 200
    assert response.json() == {"id": victim["id"], "deleted": True}
    assert_error(api.get(f"/customers/{victim['id']}"), 404, "id")
    assert_error(api.delete(f"/customers/{victim['id']}"), 404, "id")
    body = api.get("/customers", limit=100).json()
    assert body["total_count"] == 19
    assert victim["id"] not in {row["id"] for row in body["data"]}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{not json"),
        ("application/json", b'["a list"]'),
        ("text/plain", b"email=x@example.com"),
        ("application/x-www-form-urlencoded", b"email=\xff\xfe"),
    ],
)
def test_unreadable_bodies_are_400(scratch_api: FeedbackApiClient, content_type, body):
    response = scratch_api.request(
        "POST", "/customers", data=body, headers={"Content-Type": content_type}
    )

    assert_error(response, 400, None)


def test_a_failing_handler_answers_the_error_object_and_the_server_goes_on(
    api: FeedbackApiClient, monkeypatch
):
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(feedbackapi_queries, "list_records", broken)
        failed = api.get("/customers")
    recovered = api.get("/customers")

    assert failed.status_code == 500
    assert failed.json() == {
        "type": "api_error",
        "message": "Internal sandbox error",
        "param": None,
    }
    assert recovered.status_code == 200


# --- locations ----------------------------------------------------------------------


def test_create_update_and_delete_a_location(api: FeedbackApiClient, locations):
    created = api.post(
        "/locations/",
        data={
            "name": "Apple Park",
            "address_line_1": "The Spaceship, 1 Apple Park Way",
            "address_line_2": "Cupertino",
            "address_line_3": "CA",
            "postal_code": "90210",
            "country_code": "US",
            "review_profile[]": ["https://reviews.example.com/a", "https://reviews.example.com/b"],
        },
    ).json()
    customer = create_customer(api, email="park@example.com", location=created["id"])

    renamed = api.post(f"/locations/{created['id']}", json={"name": "The HyperRing"}).json()
    deleted = api.delete(f"/locations/{created['id']}").json()

    assert created == {
        "id": created["id"],
        "created": created["created"],
        "name": "Apple Park",
        "address_line_1": "The Spaceship, 1 Apple Park Way",
        "address_line_2": "Cupertino",
        "address_line_3": "CA",
        "postal_code": "90210",
        "country_code": "US",
    }
    assert renamed == {**created, "name": "The HyperRing"}
    assert deleted == {"id": created["id"], "deleted": True}
    assert api.get(f"/locations/{created['id']}").status_code == 404
    assert len(api.every("/locations")) == len(locations)
    assert api.get(f"/customers/{customer['id']}").json()["locations"] == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"country_code": "US"}, "name"),
        ({"name": "Nowhere"}, "country_code"),
        ({"name": "Nowhere", "country_code": "USA"}, "country_code"),
        (
            {"name": "Nowhere", "country_code": "US", "review_profile": ["ftp://x"]},
            "review_profile",
        ),
    ],
)
def test_invalid_location_is_400(scratch_api: FeedbackApiClient, body, param):
    assert_error(scratch_api.post("/locations", json=body), 400, param)


def test_update_location_refuses_to_clear_required_fields(api: FeedbackApiClient, locations):
    path = f"/locations/{locations[0]}"

    assert_error(api.post(path, json={"name": None}), 400, "name")
    cleared = api.post(path, json={"address_line_2": None, "review_profile": ["https://r.example"]})
    assert cleared.status_code == 200
    assert cleared.json()["address_line_2"] is None


# --- feedback requests --------------------------------------------------------------


def test_create_feedback_request_answers_the_documented_shape(api: FeedbackApiClient, locations):
    customer = create_customer(api, email="fr@example.com", location=locations[2])
    before = now()

    response = api.post(
        "/feedback-request/",
        data={"subscriber": customer["id"], "template": EMAIL_TEMPLATES[0]},
    )

    assert response.status_code == 200, response.text
    created = response.json()
    assert created == {
        "id": created["id"],
        "created": created["created"],
        "due": created["created"],
        "updated": created["created"],
        "subscriber": customer["id"],
        "template": EMAIL_TEMPLATES[0],
        "location": locations[2],
        "type": "email",
        "message_opened": False,
        "message_clicked": False,
        "message_bounced": False,
        "bounce_reason": None,
        "spam_complaint": False,
        "full_url": created["full_url"],
        "branded_url": created["branded_url"],
        "feedback": None,
    }
    assert before <= created["created"] <= now()
    assert created["full_url"].startswith("https://")
    assert created["full_url"] != created["branded_url"]
    assert api.data("/feedback-request", updated_after=before) == [created]
    assert api.get(f"/customers/{customer['id']}").json()["last_email"] == created["created"]


def test_scheduled_and_suppressed_feedback_requests(api: FeedbackApiClient, locations):
    customer = create_customer(
        api, email="s@example.com", mobile_number="+46701234567", location=locations[0]
    )
    later = now() + 86_400

    scheduled = api.post(
        "/feedback-request",
        json={"subscriber": customer["id"], "template": SMS_TEMPLATES[0], "due": iso(later)},
    ).json()
    suppressed = api.post(
        "/feedback-request",
        json={
            "subscriber": customer["id"],
            "template": EMAIL_TEMPLATES[1],
            "location": locations[1],
            "due": later,
            "suppress_message": True,
        },
    ).json()

    assert (scheduled["type"], scheduled["due"]) == ("sms", later)
    assert scheduled["updated"] == scheduled["created"]
    assert (suppressed["type"], suppressed["location"]) == ("suppressed", locations[1])
    unchanged = api.get(f"/customers/{customer['id']}").json()
    assert (unchanged["last_sms"], unchanged["last_email"]) == (None, None)
    assert api.data("/feedback-request", due_after=later - 1, due_before=iso(later)) == [
        suppressed,
        scheduled,
    ]


def test_feedback_request_refusals(api: FeedbackApiClient, locations):
    email_only = create_customer(api, email="e@example.com", location=locations[0])
    opted_out = create_customer(api, email="o@example.com", location=locations[0])
    api.post(f"/customers/{opted_out['id']}", json={"opt_out": True})

    def send(**body: Any) -> requests.Response:
        return api.post("/feedback-request", json=body)

    assert_error(send(subscriber=email_only["id"], template=SMS_TEMPLATES[1]), 402, "subscriber")
    assert_error(send(subscriber=opted_out["id"], template=EMAIL_TEMPLATES[0]), 402, "subscriber")
    assert_error(send(subscriber=email_only["id"], template="nope00"), 400, "template")
    assert_error(send(subscriber="nope00", template=EMAIL_TEMPLATES[0]), 400, "subscriber")
    assert_error(send(subscriber=email_only["id"]), 400, "template")
    assert_error(
        send(subscriber=email_only["id"], template=EMAIL_TEMPLATES[0], due="soon"), 400, "due"
    )
    quiet = send(subscriber=opted_out["id"], template=SMS_TEMPLATES[0], suppress_message="true")
    assert quiet.status_code == 200
    assert api.post("/feedback-request/abcdef", json={}).status_code == 404


# --- accounts -----------------------------------------------------------------------


def test_create_update_and_delete_an_account(api: FeedbackApiClient):
    created = api.post(
        "/accounts/", data={"name": "Savastano and Son", "active": "true", "verb": "use"}
    ).json()

    json_update = api.post(
        f"/accounts/{created['id']}", json={"max_locations": 100, "sms_allowance": "2000"}
    ).json()
    form_update = api.post(
        f"/accounts/{created['id']}", data={"max_users": "3", "active": "false"}
    ).json()
    cleared = api.post(f"/accounts/{created['id']}", json={"sms_allowance": None}).json()
    deleted = api.delete(f"/accounts/{created['id']}").json()

    assert created == {
        "id": created["id"],
        "created": created["created"],
        "name": "Savastano and Son",
        "active": True,
        "max_locations": None,
        "max_users": None,
        "max_campaigns": None,
        "sms_allowance": None,
        "active_locations": 0,
        "active_users": 0,
    }
    assert json_update == {**created, "max_locations": 100, "sms_allowance": "2000"}
    assert form_update == {**json_update, "max_users": 3, "active": False}
    assert cleared["sms_allowance"] is None
    assert deleted == {"id": created["id"], "deleted": True}
    assert api.get(f"/accounts/{created['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"active": True, "verb": "use"}, "name"),
        ({"name": "X", "verb": "use"}, "active"),
        ({"name": "X", "active": True}, "verb"),
        ({"name": "X", "active": True, "verb": "buy"}, "verb"),
        ({"name": "X", "active": "sometimes", "verb": "use"}, "active"),
        ({"name": "X", "active": True, "verb": "use", "max_users": -1}, "max_users"),
        ({"name": "X", "active": True, "verb": "use", "sms_allowance": "lots"}, "sms_allowance"),
    ],
)
def test_invalid_account_is_400(scratch_api: FeedbackApiClient, body, param):
    assert_error(scratch_api.post("/accounts", json=body), 400, param)


def test_the_client_token_reads_but_cannot_manage_accounts(fresh_sandbox: SandboxServer):
    client = FeedbackApiClient(fresh_sandbox.base_url("feedbackapi"), FEEDBACKAPI_CLIENT_TOKEN)
    agency = FeedbackApiClient(fresh_sandbox.base_url("feedbackapi"))
    [own] = client.data("/accounts")
    location = client.post("/locations", json={"name": "Kahvila Kallio", "country_code": "FI"})

    assert own["name"] == CLIENT_ACCOUNT_NAME
    assert_error(
        client.post("/accounts", json={"name": "X", "active": True, "verb": "use"}), 402, None
    )
    assert_error(client.post(f"/accounts/{own['id']}", json={"name": "Renamed"}), 402, None)
    assert_error(client.delete(f"/accounts/{own['id']}"), 402, None)
    assert location.status_code == 200
    assert client.get(f"/accounts/{own['id']}").json()["active_locations"] == (
        own["active_locations"] + 1
    )

    assert agency.delete(f"/accounts/{own['id']}").status_code == 200
    gone = client.get("/customers")
    assert gone.status_code == 401
    assert gone.json()["type"] == "authentication_error"


# --- users --------------------------------------------------------------------------


def test_create_user_answers_a_pending_invitation(api: FeedbackApiClient):
    listed = api.get("/users").json()["total_count"]

    first = api.post("/users/", data={"email": "rishi@example.gov.uk", "send_invite": "true"})
    again = api.post("/users", json={"email": "Rishi@example.gov.uk"})

    assert first.status_code == 200
    invitation = first.json()
    assert list(invitation) == ["email", "type", "status", "invite_url"]
    assert invitation["email"] == "rishi@example.gov.uk"
    assert (invitation["type"], invitation["status"]) == ("standard", "pending")
    assert invitation["invite_url"].startswith("https://")
    assert "\\/" in first.text
    assert again.json() == invitation
    assert api.get("/users").json()["total_count"] == listed


def test_user_refusals_and_delete(api: FeedbackApiClient):
    active = api.data("/users")[0]

    assert_error(api.post("/users", json={}), 400, "email")
    assert_error(api.post("/users", json={"email": "nobody"}), 400, "email")
    assert_error(
        api.post("/users", json={"email": "a@example.com", "send_invite": 2}), 400, "send_invite"
    )
    response = api.delete(f"/users/{active['id']}")
    assert response.json() == {"id": active["id"], "deleted": True}
    assert_error(api.get(f"/users/{active['id']}"), 404, "id")


def test_inviting_an_active_user_again_is_402(fresh_sandbox: SandboxServer):
    agency = FeedbackApiClient(fresh_sandbox.base_url("feedbackapi"))
    user = admin(fresh_sandbox, "/users", {"email": "active@example.com", "name": "Åsa"}).json()

    response = agency.post("/users", json={"email": "active@example.com"})

    assert user["status"] == "active"
    assert_error(response, 402, "email")


# --- admin endpoints ----------------------------------------------------------------


def admin_bodies(api: FeedbackApiClient, tag: str) -> dict[str, dict[str, Any]]:
    """A valid admin body for every resource, with emails made unique by ``tag``."""
    location = api.data("/locations")[0]["id"]
    customer = create_customer(api, email=f"admin-{tag}@example.com", location=location)["id"]
    account = api.data("/accounts")[0]["id"]
    return {
        "customers": {"email": f"new-{tag}@example.com", "fname": "Ngozi", "location": location},
        "locations": {"name": "Ølbar Nørrebro", "country_code": "DK", "account": account},
        "reviews": {
            "location": location,
            "platform": "gO4r1e",
            "platform_name": "Google",
            "rating": 4.5,
            "title": "Très bien",
            "description": "Hyvää kahvia",
        },
        "feedback": {
            "location": location,
            "type": "nps",
            "nps_score": 9,
            "subscriber": customer,
            "campaign": "cmP01a",
            "campaign_step": "stP01a",
        },
        "feedback_requests": {"subscriber": customer, "template": EMAIL_TEMPLATES[0]},
        "accounts": {"name": "B613", "active": True, "verb": "visit", "sms_allowance": 5000},
        "users": {"email": f"carol-{tag}@example.com", "name": "Carol Baskin", "account": account},
    }


@pytest.mark.parametrize("kind", list(PATHS))
@pytest.mark.parametrize("spelling", [str, iso], ids=["epoch", "iso"])
def test_admin_creates_records_at_a_chosen_time(
    scratch: SandboxServer, scratch_api: FeedbackApiClient, kind, spelling
):
    created_at = 1_767_139_200  # 2025-12-31T00:00:00Z
    tag = f"{kind}-{spelling.__name__}"
    body = {**admin_bodies(scratch_api, tag)[kind], "created": spelling(created_at)}
    path = PATHS[kind]

    response = admin(scratch, path, body)

    assert response.status_code == 201, response.text
    record = response.json()
    assert record["created"] == created_at
    assert scratch_api.get(f"{path}/{record['id']}").json() == record
    window = {"created_after": created_at, "created_before": iso(created_at)}
    assert record in scratch_api.every(path, **window)


def test_admin_records_carry_what_was_given(scratch: SandboxServer, scratch_api: FeedbackApiClient):
    bodies = admin_bodies(scratch_api, "given")

    review = admin(scratch, "/reviews", bodies["reviews"]).json()
    feedback = admin(scratch, "/feedback", bodies["feedback"]).json()
    user = admin(scratch, "/users", bodies["users"]).json()

    assert (review["rating"], review["title"], review["reviewer_name"]) == (4.5, "Très bien", None)
    assert (feedback["nps-score"], feedback["star-rating"], feedback["happy"]) == (9, None, None)
    assert feedback["subscriber_email"] == "admin-given@example.com"
    assert feedback["campaign"] == "cmP01a"
    assert (user["name"], user["status"], user["last_access"]) == ("Carol Baskin", "active", False)


@pytest.mark.parametrize(
    "case",
    [
        (
            "/customers",
            {"email": "x@example.com", "location": "LOC", "colour": "red"},
            400,
            "colour",
        ),
        (
            "/customers",
            {"email": "x@example.com", "location": "LOC", "created": "soon"},
            400,
            "created",
        ),
        ("/reviews", {"location": "LOC", "platform": "p", "rating": 7}, 400, "rating"),
        ("/reviews", {"location": "nope00", "platform": "p"}, 400, "location"),
        ("/feedback", {"location": "LOC", "type": "nps"}, 400, "nps_score"),
        (
            "/feedback",
            {"location": "LOC", "type": "nps", "nps_score": 5, "star_rating": 2},
            400,
            "star_rating",
        ),
        ("/feedback", {"location": "LOC", "type": "stars"}, 400, "type"),
        ("/users", {"email": "u@example.com", "type": "admin"}, 400, "type"),
        ("/users", {"email": "u@example.com", "account": "nope00"}, 400, "account"),
        ("/locations", {"name": "N", "country_code": "FI", "account": "nope00"}, 400, "account"),
        ("/nothing", {}, 404, None),
    ],
)
def test_admin_create_rejects_bad_input(
    scratch: SandboxServer, scratch_api: FeedbackApiClient, case
):
    path, body, status, param = case
    location = scratch_api.data("/locations")[0]["id"]
    body = {name: location if value == "LOC" else value for name, value in body.items()}

    assert_error(admin(scratch, path, body), status, param)


def test_admin_customer_with_a_known_contact_is_409(
    fresh_sandbox: SandboxServer, api: FeedbackApiClient, locations
):
    known = create_customer(api, email="known@example.com", location=locations[0])

    response = admin(
        fresh_sandbox, "/customers", {"email": known["email"], "location": locations[0]}
    )

    assert response.status_code == 409
    assert response.json()["param"] == "email"


def new_request(api: FeedbackApiClient, template: str = EMAIL_TEMPLATES[0]) -> dict[str, Any]:
    location = api.data("/locations")[0]["id"]
    customer = create_customer(
        api, email="req@example.com", mobile_number="+4915112345678", location=location
    )
    response = api.post(
        "/feedback-request", json={"subscriber": customer["id"], "template": template}
    )
    assert response.status_code == 200, response.text
    request: dict[str, Any] = response.json()
    return request


def test_admin_moves_a_feedback_request_on(fresh_sandbox: SandboxServer, api: FeedbackApiClient):
    created = new_request(api)
    path = f"/feedback-request/{created['id']}"
    opened_at = created["created"] + 60
    answered_at = created["created"] + 600

    opened = admin(fresh_sandbox, path, {"message_opened": True, "updated": opened_at}).json()
    answered = admin(
        fresh_sandbox,
        path,
        {
            "feedback": {"type": "star-rating", "star_rating": 2, "comments": "Kylmää kahvia"},
            "updated": iso(answered_at),
        },
    ).json()
    again = admin(fresh_sandbox, path, {"feedback": {"type": "happy", "happy": True}})

    assert opened == {**created, "message_opened": True, "updated": opened_at}
    assert answered["updated"] == answered_at
    assert answered["message_clicked"] is True
    nested = answered["feedback"]
    assert list(nested) == [
        "id",
        "created",
        "type",
        "nps-score",
        "star-rating",
        "happy",
        "comments",
        "platform_name",
        "subscriber",
        "subscriber_name",
        "subscriber_email",
        "location",
        "campaign",
        "campaign_step",
    ]
    assert (nested["type"], nested["star-rating"], nested["created"]) == (
        "star-rating",
        2,
        answered_at,
    )
    assert nested["subscriber"] == created["subscriber"]
    assert nested["campaign"] is None
    assert api.get(f"/feedback/{nested['id']}").json() == nested
    assert api.data("/feedback-request", updated_after=answered_at) == [answered]
    assert (
        api.data(
            "/feedback-request", updated_before=answered_at - 1, created_after=created["created"]
        )
        == []
    )
    assert again.status_code == 409


def test_admin_clicks_imply_opens_for_email_and_bounces_and_complaints_reach_the_customer(
    fresh_sandbox: SandboxServer, api: FeedbackApiClient
):
    request = new_request(api)
    path = f"/feedback-request/{request['id']}"

    clicked = admin(fresh_sandbox, path, {"message_clicked": True}).json()
    bounced = admin(
        fresh_sandbox, path, {"message_bounced": True, "bounce_reason": "Mailbox full"}
    ).json()
    admin(fresh_sandbox, path, {"spam_complaint": True})

    assert (clicked["message_opened"], clicked["message_clicked"]) == (True, True)
    assert abs(clicked["updated"] - now()) < 60
    assert (bounced["message_bounced"], bounced["bounce_reason"]) == (True, "Mailbox full")
    customer = api.get(f"/customers/{request['subscriber']}").json()
    assert (customer["invalid"], customer["opt_out"]) == (True, True)


def test_an_sms_click_is_not_an_open(fresh_sandbox: SandboxServer, api: FeedbackApiClient):
    request = new_request(api, SMS_TEMPLATES[0])

    clicked = admin(fresh_sandbox, f"/feedback-request/{request['id']}", {"message_clicked": True})

    assert clicked.json()["message_opened"] is False


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"clicked_at": 1}, "clicked_at"),
        ({"message_opened": "sometimes"}, "message_opened"),
        ({"updated": "later"}, "updated"),
        ({"feedback": "great"}, "feedback"),
        ({"feedback": {"type": "nps", "nps_score": 11}}, "nps_score"),
        ({"feedback": {"type": "nps", "nps_score": 5, "subscriber": "x"}}, "feedback"),
    ],
)
def test_admin_move_rejects_bad_input(
    scratch: SandboxServer, scratch_api: FeedbackApiClient, body, param
):
    request_id = scratch_api.data("/feedback-request")[0]["id"]

    assert_error(admin(scratch, f"/feedback-request/{request_id}", body), 400, param)
    assert admin(scratch, "/feedback-request/nope00", {}).status_code == 404


def test_injected_faults_answer_the_error_object_then_pass(
    fresh_sandbox: SandboxServer, api: FeedbackApiClient
):
    queued = admin(fresh_sandbox, "/faults", {"status": 429, "count": 2}).json()
    admin(fresh_sandbox, "/faults", {"status": 503})

    statuses = [api.get("/customers") for _ in range(4)]

    assert queued == {"pending": 2}
    assert [response.status_code for response in statuses] == [429, 429, 503, 200]
    assert statuses[0].json()["type"] == "rate_limit_error"
    assert statuses[2].json()["type"] == "api_error"
    for body, param in (({"status": 404}, "status"), ({"status": 429, "count": 0}, "count")):
        assert_error(admin(fresh_sandbox, "/faults", body), 400, param)


# --- the sandbox around it ----------------------------------------------------------


def snapshot(sandbox: SandboxServer) -> dict[str, list[dict[str, Any]]]:
    client = FeedbackApiClient(sandbox.base_url("feedbackapi"))
    return {kind: client.every(path) for kind, path in PATHS.items()}


def test_same_seed_gives_identical_data_and_another_seed_differs(tmp_path):
    runs = []
    for name, seed in (("a", 42), ("b", 42), ("c", 7)):
        with SandboxServer(tmp_path / f"{name}.db", size=30, seed=seed) as sandbox:
            runs.append(snapshot(sandbox))

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert len(runs[2]["feedback"]) == len(runs[0]["feedback"]) == 30


def test_size_zero_still_has_accounts_locations_and_users(tmp_path):
    with SandboxServer(tmp_path / "empty.db", size=0) as sandbox:
        data = snapshot(sandbox)

    assert {kind: len(rows) for kind, rows in data.items()} == {
        "customers": 0,
        "locations": 3,
        "reviews": 0,
        "feedback": 0,
        "feedback_requests": 0,
        "accounts": 3,
        "users": 2,
    }


def test_created_records_survive_a_restart_unless_reset(tmp_path):
    db = tmp_path / "sandbox.db"
    with SandboxServer(db, size=5) as sandbox:
        client = FeedbackApiClient(sandbox.base_url("feedbackapi"))
        location = client.data("/locations")[0]["id"]
        kept = create_customer(client, email="keep@example.com", location=location)

    def still_there(*, reset: bool) -> bool:
        with SandboxServer(db, size=5, reset=reset) as sandbox:
            client = FeedbackApiClient(sandbox.base_url("feedbackapi"))
            return client.get(f"/customers/{kept['id']}").status_code == 200

    assert still_there(reset=False)
    assert not still_there(reset=True)
    with sqlite3.connect(db) as connection:
        meta = connection.execute(
            "SELECT schema_version, seed, size FROM sandbox_meta WHERE platform = 'feedbackapi'"
        ).fetchone()
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    connection.close()
    assert meta == (feedbackapi_store.SCHEMA_VERSION, 42, 5)
    assert {
        "feedbackapi_accounts",
        "feedbackapi_tokens",
        "feedbackapi_templates",
        "feedbackapi_locations",
        "feedbackapi_customers",
        "feedbackapi_customer_locations",
        "feedbackapi_reviews",
        "feedbackapi_feedback",
        "feedbackapi_feedback_requests",
        "feedbackapi_users",
    } <= tables


def test_help_names_the_api_root_auth_tokens_and_admin_endpoints():
    result = subprocess.run(
        [sys.executable, "-m", "survey_sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )

    for text in (
        "/feedbackapi/v1.3",
        "HTTP Basic",
        FEEDBACKAPI_TOKEN,
        FEEDBACKAPI_CLIENT_TOKEN,
        "/_sandbox/feedbackapi/",
    ):
        assert text in result.stdout


# --- the other reading of the write points --------------------------------------------


@pytest.fixture
def other_api(tmp_path, request: pytest.FixtureRequest) -> Iterator[FeedbackApiClient]:
    """A fresh sandbox's FeedbackAPI under the other reading of the point the test names."""
    with SandboxServer(
        tmp_path / "sandbox.db", size=20, readings=readings_from_text(request.param)
    ) as server:
        yield FeedbackApiClient(server.base_url("feedbackapi"))


@pytest.mark.parametrize("other_api", ["feedbackapi.create-existing-customer"], indirect=True)
def test_other_reading_creating_a_known_contact_makes_a_second_customer(
    other_api: FeedbackApiClient,
):
    location = other_api.data("/locations")[0]["id"]
    first = create_customer(other_api, email="same@example.com", fname="A", location=location)
    again = create_customer(other_api, email="same@example.com", fname="B", location=location)

    assert again["id"] != first["id"]
    listed = other_api.data("/customers", email="same@example.com")
    assert sorted(c["fname"] for c in listed) == ["A", "B"]


@pytest.mark.parametrize("other_api", ["feedbackapi.create-customer-country"], indirect=True)
def test_other_reading_create_customer_ignores_country_code(other_api: FeedbackApiClient):
    location = other_api.data("/locations")[0]
    foreign = "SE" if location["country_code"] != "SE" else "NO"

    created = create_customer(
        other_api, email="c@example.com", country_code=foreign, location=location["id"]
    )
    updated = other_api.post(f"/customers/{created['id']}", json={"country_code": foreign})

    assert created["country_code"] == location["country_code"]
    assert updated.json()["country_code"] == foreign


@pytest.mark.parametrize("other_api", ["feedbackapi.update-customer-replaces"], indirect=True)
def test_other_reading_update_customer_resets_fields_not_sent(other_api: FeedbackApiClient):
    location = other_api.data("/locations")[0]["id"]
    customer = create_customer(
        other_api,
        email="r@example.com",
        fname="Rita",
        sname="Ruu",
        country_code="FI",
        location=location,
    )
    other_api.post(f"/customers/{customer['id']}", json={"opt_out": True})

    answer = other_api.post(f"/customers/{customer['id']}", json={"sname": "Ranta"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["fname"], body["sname"], body["country_code"], body["opt_out"]) == (
        None,
        "Ranta",
        None,
        False,
    )
    assert (body["email"], body["locations"]) == ("r@example.com", [location])


@pytest.mark.parametrize("other_api", ["feedbackapi.feedback-request-due"], indirect=True)
def test_other_reading_due_takes_epoch_seconds_only(other_api: FeedbackApiClient):
    location = other_api.data("/locations")[0]["id"]
    customer = create_customer(other_api, email="d@example.com", location=location)
    ask = {"subscriber": customer["id"], "template": EMAIL_TEMPLATES[0], "suppress_message": True}
    due = now() + 3600

    refused = other_api.post("/feedback-request", json={**ask, "due": iso(due)})
    taken = other_api.post("/feedback-request", json={**ask, "due": due})

    assert_error(refused, 400, "due")
    assert taken.status_code == 200, taken.text
    assert taken.json()["due"] == due
