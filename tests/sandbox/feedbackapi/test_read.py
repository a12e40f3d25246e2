"""FeedbackAPI's read side on a shared seeded sandbox: auth, envelopes, paging, sorting,
filters, record shapes and the seeded data's consistency."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from survey_sandbox import SandboxServer
from survey_sandbox.feedbackapi.people import CLIENT_ACCOUNT_NAME
from survey_sandbox.feedbackapi.seed import (
    FEEDBACKAPI_CLIENT_TOKEN,
    FEEDBACKAPI_TOKEN,
)
from tests.helpers.sandbox_buenno import SHARED_SIZE
from tests.helpers.sandbox_feedbackapi import PATHS, SEED_END, SEED_START, FeedbackApiClient, iso

KEYS = {
    "customers": [
        "id",
        "created",
        "email",
        "mobile_number",
        "fname",
        "sname",
        "last_sms",
        "last_email",
        "country_code",
        "invalid",
        "opt_out",
        "locations",
    ],
    "locations": [
        "id",
        "created",
        "name",
        "address_line_1",
        "address_line_2",
        "address_line_3",
        "postal_code",
        "country_code",
    ],
    "reviews": [
        "id",
        "created",
        "title",
        "description",
        "location",
        "platform",
        "platform_name",
        "rating",
        "url",
        "reviewer_name",
        "reviewer_image",
        "reviewer_url",
    ],
    "feedback": [
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
    ],
    "feedback_requests": [
        "id",
        "created",
        "due",
        "updated",
        "subscriber",
        "template",
        "location",
        "type",
        "message_opened",
        "message_clicked",
        "message_bounced",
        "bounce_reason",
        "spam_complaint",
        "full_url",
        "branded_url",
        "feedback",
    ],
    "accounts": [
        "id",
        "created",
        "name",
        "active",
        "max_locations",
        "max_users",
        "max_campaigns",
        "sms_allowance",
        "active_locations",
        "active_users",
    ],
    "users": ["id", "created", "name", "email", "type", "status", "last_access"],
}


@pytest.fixture(scope="module")
def api(sandbox: SandboxServer) -> FeedbackApiClient:
    """The shared sandbox's FeedbackAPI with the agency token."""
    return FeedbackApiClient(sandbox.base_url("feedbackapi"))


@pytest.fixture(scope="module")
def client(sandbox: SandboxServer) -> FeedbackApiClient:
    """The shared sandbox's FeedbackAPI with the client account's token."""
    return FeedbackApiClient(sandbox.base_url("feedbackapi"), FEEDBACKAPI_CLIENT_TOKEN)


@pytest.fixture(scope="module")
def everything(api: FeedbackApiClient) -> dict[str, list[dict[str, Any]]]:
    """Every record of every resource the agency token sees, read once per module."""
    return {kind: api.every(path) for kind, path in PATHS.items()}


# --- authentication and routing -----------------------------------------------------


def test_base_url_is_the_documented_version_root(sandbox: SandboxServer):
    assert sandbox.base_url("feedbackapi") == sandbox.url + "/feedbackapi/v1.3"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *[("GET", path) for path in PATHS.values()],
        ("GET", "/customers/abcdef"),
        ("POST", "/customers"),
        ("POST", "/accounts/abcdef"),
        ("DELETE", "/users/abcdef"),
        ("GET", "/customers?limit=0"),
    ],
)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic " + base64.b64encode(b"wrong-token-31337:").decode()},
        {"Authorization": "Basic " + base64.b64encode(b":" + FEEDBACKAPI_TOKEN.encode()).decode()},
        {"Authorization": f"Bearer {FEEDBACKAPI_TOKEN}"},
        {"Authorization": "Basic not*base64-31337"},
    ],
    ids=["none", "unknown", "token-as-password", "bearer", "malformed"],
)
def test_missing_or_wrong_credentials_are_401(api: FeedbackApiClient, method, path, headers):
    response = api.request(method, path, auth=None, headers=headers, json={"email": "a@x.org"})

    assert response.status_code == 401
    body = response.json()
    assert list(body) == ["type", "message", "param"]
    assert body["type"] == "authentication_error"
    assert body["param"] is None
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert "31337" not in response.text
    assert FEEDBACKAPI_TOKEN not in response.text


@pytest.mark.parametrize("credentials", [f"{FEEDBACKAPI_TOKEN}:", FEEDBACKAPI_TOKEN])
def test_basic_auth_with_the_token_as_user_and_no_password(api: FeedbackApiClient, credentials):
    header = "Basic " + base64.b64encode(credentials.encode()).decode()

    response = api.request("GET", "/customers", auth=None, headers={"Authorization": header})

    assert response.status_code == 200
    assert response.json()["total_count"] == SHARED_SIZE


def test_unknown_paths_methods_and_ids_are_404_error_objects(api: FeedbackApiClient):
    responses = {
        "path": api.get("/subscribers"),
        "nested": api.get("/customers/abcdef/locations"),
        "method": api.request("PUT", "/customers"),
        "review write": api.post("/reviews", json={"title": "x"}),
        "request delete": api.delete("/feedback-request/abcdef"),
        "root": api.get(""),
    }

    for name, response in responses.items():
        assert response.status_code == 404, name
        assert response.json()["type"] == "invalid_request_error", name


@pytest.mark.parametrize("kind", list(PATHS))
def test_unknown_id_is_404_naming_the_id(api: FeedbackApiClient, kind):
    response = api.get(f"{PATHS[kind]}/zzzzzz")

    assert response.status_code == 404
    assert response.json() == {
        "type": "invalid_request_error",
        "message": response.json()["message"],
        "param": "id",
    }
    assert "zzzzzz" in response.json()["message"]


def test_trailing_slash_is_accepted(api: FeedbackApiClient):
    assert api.get("/customers/", limit=3).json() == api.get("/customers", limit=3).json()


# --- envelope and paging ------------------------------------------------------------


def test_envelope_and_defaults(api: FeedbackApiClient):
    body = api.get("/customers").json()

    assert list(body) == ["page", "total_count", "total_returned", "data"]
    assert body["page"] == 1  # the examples answer page 1 to the first page
    assert body["total_count"] == SHARED_SIZE
    assert body["total_returned"] == len(body["data"]) == 10


@pytest.mark.parametrize("limit", [1, 37, 100])
def test_limit_within_bounds(api: FeedbackApiClient, limit):
    body = api.get("/feedback", limit=limit).json()

    assert body["total_returned"] == len(body["data"]) == limit


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "2.5"])
def test_limit_out_of_bounds_is_400(api: FeedbackApiClient, limit):
    response = api.get("/reviews", limit=limit)

    assert response.status_code == 400
    assert response.json()["type"] == "invalid_request_error"
    assert response.json()["param"] == "limit"


@pytest.mark.parametrize("page", ["-1", "first"])
def test_bad_page_is_400(api: FeedbackApiClient, page):
    response = api.get("/reviews", page=page)

    assert response.status_code == 400
    assert response.json()["param"] == "page"


def test_pages_split_the_list_without_gaps_or_overlaps(api: FeedbackApiClient):
    whole = api.every("/customers")
    pages = [api.get("/customers", limit=30, page=page).json() for page in range(14)]

    ids = [row["id"] for page in pages for row in page["data"]]
    assert [row["id"] for row in whole] == ids
    assert len(set(ids)) == SHARED_SIZE
    assert [page["page"] for page in pages] == list(range(1, 15))
    assert pages[13]["total_returned"] == SHARED_SIZE - 13 * 30
    assert all(page["total_count"] == SHARED_SIZE for page in pages)


def test_a_page_past_the_end_is_empty(api: FeedbackApiClient):
    body = api.get("/customers", limit=100, page=4).json()

    assert body == {"page": 5, "total_count": SHARED_SIZE, "total_returned": 0, "data": []}


# --- sorting ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [kind for kind in PATHS if kind != "locations"])
def test_default_order_is_newest_first(everything, kind):
    created = [row["created"] for row in everything[kind]]

    assert created == sorted(created, reverse=True)


def test_locations_default_to_name_order(everything):
    names = [row["name"] for row in everything["locations"]]

    assert names == sorted(names)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("customers", "created"),
        ("locations", "created"),
        ("reviews", "created"),
        ("reviews", "rating"),
        ("feedback", "created"),
        ("feedback_requests", "created"),
        ("feedback_requests", "updated"),
        ("feedback_requests", "due"),
        ("accounts", "name"),
        ("users", "created"),
    ],
)
def test_sort_by_asc_and_desc(api: FeedbackApiClient, kind, field):
    ascending = api.every(PATHS[kind], sort_by=f"{field}-asc")
    descending = api.every(PATHS[kind], sort_by=f"{field}-desc")

    values = [row[field] for row in ascending]
    assert values == sorted(values)
    assert descending == ascending[::-1]


@pytest.mark.parametrize("sort_by", ["created", "created-up", "star-rating-asc", "email-asc"])
def test_unknown_sort_is_400(api: FeedbackApiClient, sort_by):
    response = api.get("/feedback", sort_by=sort_by)

    assert response.status_code == 400
    assert response.json()["param"] == "sort_by"
    assert "created-asc" in response.json()["message"]


# --- instant filters ----------------------------------------------------------------


def spellings(epoch: int) -> list[str]:
    """The same instant as epoch seconds, ISO with Z, with an offset and without a zone."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    helsinki = timezone(timedelta(hours=2))
    return [
        str(epoch),
        iso(epoch),
        moment.astimezone(helsinki).isoformat(),
        moment.replace(tzinfo=None).isoformat(),
    ]


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("customers", "created"),
        ("locations", "created"),
        ("reviews", "created"),
        ("feedback", "created"),
        ("feedback_requests", "created"),
        ("feedback_requests", "updated"),
        ("feedback_requests", "due"),
        ("accounts", "created"),
        ("users", "created"),
    ],
)
def test_after_and_before_are_inclusive_and_read_epoch_and_iso(
    api: FeedbackApiClient, everything, kind, field
):
    rows = sorted(everything[kind], key=lambda row: row[field])
    pivot = rows[len(rows) // 2][field]

    after = [api.every(PATHS[kind], **{f"{field}_after": text}) for text in spellings(pivot)]
    before = [api.every(PATHS[kind], **{f"{field}_before": text}) for text in spellings(pivot)]

    assert all(result == after[0] for result in after)
    assert all(result == before[0] for result in before)
    assert {row["id"] for row in after[0]} == {row["id"] for row in rows if row[field] >= pivot}
    assert {row["id"] for row in before[0]} == {row["id"] for row in rows if row[field] <= pivot}
    window = api.every(PATHS[kind], **{f"{field}_after": pivot, f"{field}_before": iso(pivot)})
    assert window
    assert {row[field] for row in window} == {pivot}


def test_filters_combine_and_accept_fractional_epochs(api: FeedbackApiClient, everything):
    rows = everything["feedback_requests"]
    low, high = (
        sorted(row["created"] for row in rows)[100],
        sorted(row["updated"] for row in rows)[300],
    )

    result = api.every(
        "/feedback-request", created_after=f"{low - 0.5}", updated_before=f"{high}.0"
    )

    expected = {row["id"] for row in rows if row["created"] >= low and row["updated"] <= high}
    assert {row["id"] for row in result} == expected


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/customers", "created_after"),
        ("/accounts", "created_before"),
        ("/feedback-request", "due_after"),
        ("/feedback-request", "updated_before"),
    ],
)
def test_unreadable_instant_is_400(api: FeedbackApiClient, path, param):
    response = api.get(path, **{param: "last tuesday"})

    assert response.status_code == 400
    assert response.json()["param"] == param


# --- other documented filters -------------------------------------------------------


def first_with(rows: list[dict[str, Any]], field: str) -> Any:
    return next(row[field] for row in rows if row[field] is not None)


def test_customer_filters(api: FeedbackApiClient, everything):
    customers = everything["customers"]
    email = first_with(customers, "email")
    mobile = first_with(customers, "mobile_number")

    assert [row["email"] for row in api.data("/customers", email=email.upper())] == [email]
    by_mobile = api.data("/customers", mobile_number=mobile)
    unencoded_plus = api.request("GET", f"/customers?mobile_number={mobile}").json()["data"]
    assert [row["mobile_number"] for row in by_mobile] == [mobile]
    assert unencoded_plus == by_mobile
    for name in ("fname", "sname"):
        value = first_with(customers, name)
        expected = {row["id"] for row in customers if row[name] == value}
        assert {row["id"] for row in api.every("/customers", **{name: value})} == expected
    finnish = api.every("/customers", country_code="fi")
    assert {row["id"] for row in finnish} == {
        row["id"] for row in customers if row["country_code"] == "FI"
    }
    for name in ("invalid", "opt_out"):
        flagged = api.every("/customers", **{name: "true"})
        unflagged = api.every("/customers", **{name: "false"})
        assert flagged
        assert all(row[name] is True for row in flagged)
        assert all(row[name] is False for row in unflagged)
        assert len(flagged) + len(unflagged) == SHARED_SIZE


def test_location_filters(api: FeedbackApiClient, everything):
    locations = everything["locations"]
    sample = locations[0]

    for name in ("name", "postal_code", "country_code"):
        result = api.every("/locations", **{name: sample[name]})
        assert sample["id"] in {row["id"] for row in result}
        assert {row[name] for row in result} == {sample[name]}


def test_review_filters(api: FeedbackApiClient, everything):
    reviews = everything["reviews"]
    location, platform = reviews[0]["location"], reviews[0]["platform"]

    by_location = api.every("/reviews", location=location)
    by_platform = api.every("/reviews", platform=platform)
    good = api.every("/reviews", rating_greater_than="4.5")
    poor = api.every("/reviews", rating_less_than="2")

    assert {row["id"] for row in by_location} == {
        row["id"] for row in reviews if row["location"] == location
    }
    assert {row["platform"] for row in by_platform} == {platform}
    assert good
    assert all(row["rating"] >= 4.5 for row in good)
    assert all(row["rating"] <= 2 for row in poor)
    assert len(good) == sum(row["rating"] >= 4.5 for row in reviews)
    assert api.get("/reviews", rating_less_than="low").status_code == 400


def test_feedback_filters(api: FeedbackApiClient, everything):
    feedback = everything["feedback"]

    for kind in ("nps", "star-rating", "happy"):
        result = api.every("/feedback", type=kind)
        assert result
        assert {row["type"] for row in result} == {kind}
    promoters = api.every("/feedback", nps_score_greater_than=9)
    detractors = api.every("/feedback", nps_score_less_than=6, nps_score_greater_than=0)
    assert promoters
    assert all(row["type"] == "nps" and row["nps-score"] >= 9 for row in promoters)
    assert all(0 <= row["nps-score"] <= 6 for row in detractors)
    stars = api.every("/feedback", star_rating_less_than=2)
    assert all(row["star-rating"] <= 2 for row in stars)
    assert len(api.every("/feedback", star_rating_greater_than=1)) == sum(
        row["type"] == "star-rating" for row in feedback
    )
    unhappy = api.every("/feedback", happy="false")
    assert unhappy
    assert all(row["happy"] is False for row in unhappy)
    sample = next(row for row in feedback if row["subscriber"] and row["campaign"])
    for name in ("subscriber", "location", "campaign", "campaign_step"):
        result = api.every("/feedback", **{name: sample[name]})
        assert {row["id"] for row in result} == {
            row["id"] for row in feedback if row[name] == sample[name]
        }


@pytest.mark.parametrize(
    "params",
    [
        {"nps_score_less_than": "11"},
        {"nps_score_greater_than": "-1"},
        {"star_rating_less_than": "0"},
        {"star_rating_greater_than": "six"},
        {"type": "smiley"},
        {"happy": "maybe"},
    ],
)
def test_bad_feedback_filter_is_400(api: FeedbackApiClient, params):
    response = api.get("/feedback", **params)

    assert response.status_code == 400
    assert response.json()["param"] == next(iter(params))


def test_feedback_request_filters(api: FeedbackApiClient, everything):
    requests_ = everything["feedback_requests"]
    sample = requests_[0]

    for name in ("subscriber", "template", "location"):
        result = api.every("/feedback-request", **{name: sample[name]})
        assert {row["id"] for row in result} == {
            row["id"] for row in requests_ if row[name] == sample[name]
        }
    for name in ("message_opened", "message_clicked", "message_bounced", "spam_complaint"):
        yes = api.every("/feedback-request", **{name: "true"})
        no = api.every("/feedback-request", **{name: "false"})
        assert yes, name
        assert all(row[name] is True for row in yes)
        assert len(yes) + len(no) == SHARED_SIZE


def test_account_and_user_filters(api: FeedbackApiClient, everything):
    accounts = everything["accounts"]

    named = api.every("/accounts", name=CLIENT_ACCOUNT_NAME)
    inactive = api.every("/accounts", active="false")
    restricted = api.every("/users", type="restricted")

    assert [row["name"] for row in named] == [CLIENT_ACCOUNT_NAME]
    assert {row["id"] for row in inactive} == {row["id"] for row in accounts if not row["active"]}
    assert restricted
    assert {row["type"] for row in restricted} == {"restricted"}
    assert api.get("/users", type="admin").status_code == 400


# --- record shapes ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PATHS))
def test_records_carry_the_documented_fields_in_order(api: FeedbackApiClient, everything, kind):
    rows = everything[kind]
    single = api.get(f"{PATHS[kind]}/{rows[0]['id']}")

    assert single.status_code == 200
    assert single.json() == rows[0]
    for row in rows:
        assert list(row) == KEYS[kind]
        assert isinstance(row["id"], str)
        assert len(row["id"]) == 6
        assert isinstance(row["created"], int)
    assert len({row["id"] for row in rows}) == len(rows)


def test_feedback_keys_are_hyphenated_on_the_wire(api: FeedbackApiClient, everything):
    raw = api.get("/feedback", limit=100).text
    nested = next(row for row in everything["feedback_requests"] if row["feedback"])

    assert '"nps-score":' in raw
    assert '"star-rating":' in raw
    assert "nps_score" not in raw
    assert list(nested["feedback"]) == KEYS["feedback"]
    assert {row["type"] for row in everything["feedback"]} == {"nps", "star-rating", "happy"}


def test_example_quirks_are_mirrored(api: FeedbackApiClient, everything):
    users = everything["users"]
    ratings = [row["rating"] for row in everything["reviews"]]
    allowances = [row["sms_allowance"] for row in everything["accounts"]]
    raw = api.get("/feedback-request", limit=5).text

    assert any(row["last_access"] is False for row in users)
    assert all(row["last_access"] is False or isinstance(row["last_access"], int) for row in users)
    assert any(isinstance(rating, int) for rating in ratings)
    assert any(isinstance(rating, float) for rating in ratings)
    assert all(not isinstance(r, float) or not r.is_integer() for r in ratings)
    assert any(isinstance(value, str) and value.isdigit() for value in allowances)
    assert any(isinstance(value, int) for value in allowances)
    assert '"full_url":"https:\\/\\/' in raw
    assert all(row["status"] == "active" for row in users)


def test_names_are_unicode_and_sent_as_utf8(api: FeedbackApiClient, everything):
    response = api.get("/customers", limit=100)
    names = {row["sname"] for row in everything["customers"]} | {
        row["name"] for row in everything["locations"]
    }

    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert any(character in response.content.decode("utf-8") for character in "äöøüéł")
    assert any(not name.isascii() for name in names if name)


def test_feedback_types_carry_their_own_score(everything):
    for row in everything["feedback"]:
        assert (row["nps-score"] is not None) == (row["type"] == "nps")
        assert (row["star-rating"] is not None) == (row["type"] == "star-rating")
        assert (row["happy"] is not None) == (row["type"] == "happy")
        if row["nps-score"] is not None:
            assert 0 <= row["nps-score"] <= 10
        if row["star-rating"] is not None:
            assert 1 <= row["star-rating"] <= 5


# --- the seeded data ----------------------------------------------------------------


def test_counts_follow_the_size(everything):
    assert len(everything["customers"]) == SHARED_SIZE
    assert len(everything["reviews"]) == SHARED_SIZE
    assert len(everything["feedback"]) == SHARED_SIZE
    assert len(everything["feedback_requests"]) == SHARED_SIZE
    assert len(everything["locations"]) == 3 + SHARED_SIZE // 10
    assert len(everything["accounts"]) == 3 + SHARED_SIZE // 100
    assert len(everything["users"]) == 2 + SHARED_SIZE // 20


def test_seeded_instants_lie_in_2024_and_2025(everything):
    stamps = [row["created"] for rows in everything.values() for row in rows]
    for row in everything["feedback_requests"]:
        stamps.extend((row["due"], row["updated"]))
    for row in everything["customers"]:
        stamps.extend(stamp for stamp in (row["last_sms"], row["last_email"]) if stamp)

    assert min(stamps) >= SEED_START
    assert max(stamps) < SEED_END


def test_relations_point_at_existing_records(everything):
    customers = {row["id"]: row for row in everything["customers"]}
    locations = {row["id"] for row in everything["locations"]}

    for row in everything["customers"]:
        assert row["locations"]
        assert set(row["locations"]) <= locations
    for row in everything["reviews"]:
        assert row["location"] in locations
    for row in everything["feedback"]:
        assert row["location"] in locations
        if row["subscriber"] is not None:
            customer = customers[row["subscriber"]]
            assert row["subscriber_email"] == customer["email"]
            assert row["location"] in customer["locations"]
            assert row["created"] >= customer["created"]
    for row in everything["feedback_requests"]:
        customer = customers[row["subscriber"]]
        assert row["location"] in customer["locations"]
        assert row["created"] >= customer["created"]


def test_feedback_requests_move_on_after_creation(everything):
    feedback = {row["id"]: row for row in everything["feedback"]}
    rows = everything["feedback_requests"]

    for row in rows:
        assert row["updated"] >= row["due"] >= row["created"]
        assert row["full_url"].endswith("/")
        if row["feedback"] is not None:
            assert row["message_clicked"] is True
            assert row["feedback"] == feedback[row["feedback"]["id"]]
            assert row["updated"] == row["feedback"]["created"]
            assert row["feedback"]["campaign"] is None
        if row["message_clicked"] and row["type"] == "email":
            assert row["message_opened"] is True
        if row["type"] == "sms":
            assert row["message_opened"] is False
        assert (row["bounce_reason"] is not None) == row["message_bounced"]
    assert any(row["updated"] > row["created"] for row in rows)
    assert {row["type"] for row in rows} == {"email", "sms", "suppressed"}


def test_customers_reflect_their_messages(everything):
    customers = {row["id"]: row for row in everything["customers"]}

    for row in everything["feedback_requests"]:
        customer = customers[row["subscriber"]]
        if row["type"] == "email":
            assert customer["email"] is not None
            assert customer["last_email"] >= row["due"]
        if row["type"] == "sms":
            assert customer["mobile_number"] is not None
            assert customer["last_sms"] >= row["due"]
        if row["message_bounced"]:
            assert customer["invalid"] is True
        if row["spam_complaint"]:
            assert customer["opt_out"] is True


def test_accounts_count_their_active_locations_and_users(client: FeedbackApiClient, everything):
    own = client.every("/accounts")

    assert sum(row["active_locations"] for row in everything["accounts"]) == len(
        everything["locations"]
    )
    assert sum(row["active_users"] for row in everything["accounts"]) == len(everything["users"])
    assert [row["name"] for row in own] == [CLIENT_ACCOUNT_NAME]
    assert len(client.every("/locations")) == own[0]["active_locations"]
    assert len(client.every("/users")) == own[0]["active_users"]


def test_the_client_token_sees_only_its_account(client: FeedbackApiClient, everything):
    own_locations = {row["id"] for row in client.every("/locations")}
    foreign = next(row for row in everything["locations"] if row["id"] not in own_locations)

    seen = {kind: client.every(path) for kind, path in PATHS.items()}

    assert own_locations
    assert all(set(row["locations"]) & own_locations for row in seen["customers"])
    for kind in ("reviews", "feedback", "feedback_requests"):
        assert seen[kind]
        assert {row["location"] for row in seen[kind]} <= own_locations
        assert len(seen[kind]) == sum(row["location"] in own_locations for row in everything[kind])
    assert client.get(f"/locations/{foreign['id']}").status_code == 404
    other_account = next(
        row for row in everything["accounts"] if row["name"] != CLIENT_ACCOUNT_NAME
    )
    assert client.get(f"/accounts/{other_account['id']}").status_code == 404
