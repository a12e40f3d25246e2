"""Buenno's read endpoints on a shared seeded sandbox: auth, envelopes, paging, windows."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from survey_sandbox.buenno.seed import BUENNO_TOKEN, BUENNO_TOKEN_2
from tests.helpers.sandbox_buenno import SHARED_SIZE, BuennoClient

WHOLE_RANGE = {"from": "2023-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}


def instant(text: str) -> datetime:
    """Read the sandbox's timestamps (``Z`` or ``+00:00``) as aware datetimes."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- authentication and routing -----------------------------------------------------


def test_token_info_envelope(buenno: BuennoClient):
    response = buenno.get("/token-info")

    assert response.status_code == 200
    assert response.json() == {
        "api_token": {
            "name": "Sandbox CRM token",
            "forms": [
                {
                    "id": 1,
                    "name": "Customer Satisfaction 2025",
                    "company_name": "Sandbox Retail Oy",
                },
                {"id": 2, "name": "Store Visit Survey", "company_name": "Sandbox Retail Oy"},
                {"id": 3, "name": "Legacy Form 2023", "company_name": "Sandbox Retail Oy"},
            ],
        }
    }


def test_second_token_sees_only_its_form(buenno: BuennoClient):
    other = BuennoClient(buenno.session, buenno.base_url, BUENNO_TOKEN_2)

    forms = other.get("/token-info").json()["api_token"]["forms"]
    replies = other.get("/replies", **WHOLE_RANGE, limit=1000).json()["replies"]

    assert [form["id"] for form in forms] == [4]
    assert {reply["name"] for reply in replies} == {"Customer Feedback 2025"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/token-info"),
        ("GET", "/invitations"),
        ("POST", "/invitations"),
        ("GET", "/replies?from=2024-01-01&to=2024-02-01"),
        ("GET", "/replies"),
        ("GET", "/invitations?limit=0&form_id=99"),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"api-auth-token": "not-a-real-token-31337"}])
def test_missing_or_unknown_token_is_401(buenno: BuennoClient, method, path, headers):
    response = buenno.session.request(
        method, buenno.base_url + path, headers=headers, data={"phone": "00358401234567"}
    )

    assert response.status_code == 401
    assert set(response.json()) == {"error_message"}
    assert "31337" not in response.text


def test_unknown_path_and_wrong_method_are_404(buenno: BuennoClient, session: requests.Session):
    headers = {"api-auth-token": BUENNO_TOKEN}

    unknown = session.get(buenno.base_url + "/forms", headers=headers)
    wrong_method = session.delete(buenno.base_url + "/invitations", headers=headers)
    post_token_info = session.post(buenno.base_url + "/token-info", headers=headers)
    outside = session.get(buenno.base_url.replace("/buenno/api/v01", "/nowhere"), headers=headers)

    for response in (unknown, wrong_method, post_token_info, outside):
        assert response.status_code == 404
        assert set(response.json()) == {"error_message"}


# --- invitations --------------------------------------------------------------------


def test_invitations_default_page_is_first_active_form_by_id(buenno: BuennoClient):
    invitations = buenno.get("/invitations").json()["invitations"]

    assert len(invitations) == 100
    assert {invitation["form_id"] for invitation in invitations} == {1}
    ids = [invitation["id"] for invitation in invitations]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_invitation_has_every_documented_field(buenno: BuennoClient):
    invitation = buenno.get("/invitations", limit=1).json()["invitations"][0]

    assert list(invitation) == [
        "id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "form_id",
        "pf_timestamp",
        "pf_store",
        "pf_seller_name",
        "pf_seller_id",
        "pf_product_category",
        "pf_target",
        "pf_gender",
        "pf_age",
        "pf_external_id",
        "preferred_language",
        "invitation_link",
        "scheduled_at",
        "sent_at",
        "opened_at",
        "answered_at",
        "created_at",
        "updated_at",
    ]
    assert invitation["created_at"].endswith("+00:00")
    assert invitation["updated_at"].endswith("+00:00")


def test_invitations_limit_is_clamped_to_250(buenno: BuennoClient):
    response = buenno.get("/invitations", limit=1000)

    assert response.status_code == 200
    assert len(response.json()["invitations"]) == 250


@pytest.mark.parametrize("limit", ["0", "-5", "many", "2.5"])
def test_invitations_bad_limit_is_400(buenno: BuennoClient, limit):
    response = buenno.get("/invitations", limit=limit)

    assert response.status_code == 400
    assert "limit" in response.json()["error_message"]


def test_invitations_offset_pages_through_in_id_order(buenno: BuennoClient):
    pages = [
        buenno.get("/invitations", limit=250, offset=offset).json()["invitations"]
        for offset in (0, 250)
    ]
    first_hundred = buenno.get("/invitations").json()["invitations"]

    ids = [invitation["id"] for page in pages for invitation in page]
    assert len(pages[0]) == 250
    assert len(pages[1]) == SHARED_SIZE - 250
    assert ids == sorted(ids)
    assert [invitation["id"] for invitation in first_hundred] == ids[:100]


def test_invitations_created_bounds_are_strict_and_compare_instants(buenno: BuennoClient):
    invitations = buenno.get("/invitations", limit=250).json()["invitations"]
    pivot = invitations[100]
    pivot_at = instant(pivot["created_at"])
    helsinki = timezone(timedelta(hours=2))
    spellings = [
        pivot_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pivot_at.isoformat(),
        pivot_at.astimezone(helsinki).isoformat(),
        pivot_at.replace(tzinfo=None).isoformat(),
    ]

    after = [buenno.get("/invitations", created_after=text).json() for text in spellings]
    before = [buenno.get("/invitations", created_before=text).json() for text in spellings]

    assert all(result == after[0] for result in after)
    assert all(result == before[0] for result in before)
    assert pivot["id"] not in [row["id"] for row in after[0]["invitations"]]
    assert pivot["id"] not in [row["id"] for row in before[0]["invitations"]]
    assert all(instant(row["created_at"]) > pivot_at for row in after[0]["invitations"])
    assert all(instant(row["created_at"]) < pivot_at for row in before[0]["invitations"])
    one_second_earlier = (pivot_at - timedelta(seconds=1)).isoformat()
    window = buenno.get(
        "/invitations",
        created_after=one_second_earlier,
        created_before=(pivot_at + timedelta(seconds=1)).isoformat(),
    ).json()["invitations"]
    assert pivot["id"] in [row["id"] for row in window]


@pytest.mark.parametrize("param", ["created_after", "created_before"])
def test_invitations_bad_date_is_400(buenno: BuennoClient, param):
    response = buenno.get("/invitations", **{param: "last tuesday"})

    assert response.status_code == 400
    assert param in response.json()["error_message"]


def test_invitations_of_another_form(buenno: BuennoClient):
    second = buenno.get("/invitations", form_id=2).json()["invitations"]
    inactive = buenno.get("/invitations", form_id=3, limit=5)

    assert {invitation["form_id"] for invitation in second} == {2}
    assert inactive.status_code == 200
    assert {invitation["form_id"] for invitation in inactive.json()["invitations"]} == {3}


@pytest.mark.parametrize("form_id", ["4", "999", "abc"])
def test_invitations_of_a_form_the_token_does_not_have_is_404(buenno: BuennoClient, form_id):
    response = buenno.get("/invitations", form_id=form_id)

    assert response.status_code == 404
    assert set(response.json()) == {"error_message"}


# --- replies ------------------------------------------------------------------------


def test_replies_envelope_carries_numbers_as_strings(buenno: BuennoClient):
    body = buenno.get("/replies", **WHOLE_RANGE, limit=10, offset=5).json()

    assert list(body) == ["replies", "total", "limit", "offset"]
    assert body["total"] == str(3 * SHARED_SIZE)
    assert body["limit"] == "10"
    assert body["offset"] == "5"
    assert len(body["replies"]) == 10


def test_replies_default_limit_is_500_and_clamps_to_1000(buenno: BuennoClient):
    default = buenno.get("/replies", **WHOLE_RANGE).json()
    clamped = buenno.get("/replies", **WHOLE_RANGE, limit=5000).json()

    assert default["limit"] == "500"
    assert len(default["replies"]) == 500
    assert clamped["limit"] == "1000"
    assert len(clamped["replies"]) == 1000


def test_replies_pages_add_up_to_total_in_time_order(buenno: BuennoClient):
    replies = []
    offset = 0
    while True:
        body = buenno.get("/replies", **WHOLE_RANGE, limit=1000, offset=offset).json()
        replies.extend(body["replies"])
        offset += 1000
        if offset >= int(body["total"]):
            break

    assert len(replies) == int(body["total"]) == 3 * SHARED_SIZE
    assert len({reply["id"] for reply in replies}) == len(replies)
    keys = [(instant(reply["created_at"]), reply["id"]) for reply in replies]
    assert keys == sorted(keys)
    assert {reply["name"] for reply in replies} == {
        "Customer Satisfaction 2025",
        "Store Visit Survey",
        "Legacy Form 2023",
    }


def test_replies_window_is_inclusive_at_both_ends(buenno: BuennoClient):
    pivot = buenno.get("/replies", **WHOLE_RANGE, limit=1, offset=200).json()["replies"][0]
    at = pivot["created_at"]

    exact = buenno.get("/replies", **{"from": at, "to": at}).json()
    later = buenno.get(
        "/replies", **{"from": (instant(at) + timedelta(seconds=1)).isoformat(), "to": "2027-01-01"}
    ).json()

    assert pivot["id"] in [reply["id"] for reply in exact["replies"]]
    assert all(reply["created_at"] == at for reply in exact["replies"])
    assert exact["total"] == str(len(exact["replies"]))
    assert pivot["id"] not in [reply["id"] for reply in later["replies"]]


def test_replies_window_reads_offsets(buenno: BuennoClient):
    utc = buenno.get("/replies", **{"from": "2024-03-01T10:00:00Z", "to": "2024-03-08T10:00:00Z"})
    helsinki = buenno.get(
        "/replies", **{"from": "2024-03-01T12:00:00+02:00", "to": "2024-03-08T12:00:00+02:00"}
    )

    assert utc.status_code == helsinki.status_code == 200
    assert utc.json() == helsinki.json()
    assert int(utc.json()["total"]) > 0


@pytest.mark.parametrize(
    "params",
    [
        {"to": "2024-02-01T00:00:00Z"},
        {"from": "2024-01-01T00:00:00Z"},
        {},
        {"from": "yesterday", "to": "2024-02-01T00:00:00Z"},
        {"from": "2024-01-01T00:00:00Z", "to": "2024-13-01T00:00:00Z"},
    ],
)
def test_replies_need_valid_from_and_to(buenno: BuennoClient, params):
    response = buenno.get("/replies", **params)

    assert response.status_code == 400
    message = response.json()["error_message"]
    assert "from" in message or "to" in message


def test_reply_has_every_documented_field_and_consistent_scores(buenno: BuennoClient):
    replies = buenno.get("/replies", **WHOLE_RANGE, limit=1000).json()["replies"]

    assert list(replies[0]) == [
        "id",
        "name",
        "email",
        "phone",
        "first_name",
        "last_name",
        "pf_timestamp",
        "pf_store",
        "pf_seller_name",
        "pf_seller_id",
        "pf_product_category",
        "pf_target",
        "pf_gender",
        "pf_age",
        "pf_external_id",
        "preferred_language",
        "question_count",
        "score_sum",
        "avg_score",
        "answers",
        "updated_at",
        "created_at",
    ]
    for reply in replies:
        assert reply["created_at"].endswith("Z")
        assert instant(reply["updated_at"]) >= instant(reply["created_at"])
        assert 2 <= len(reply["answers"]) <= 5
        main_points = [
            answer["points"]
            for answer in reply["answers"]
            if answer["question_type_id"] == 1 and answer["points"] is not None
        ]
        assert reply["question_count"] == len(main_points)
        assert reply["score_sum"] == sum(main_points)
        assert reply["avg_score"] == round(sum(main_points) / len(main_points), 2)
        nps = [answer for answer in reply["answers"] if answer["question_type_id"] == 13]
        assert len(nps) == 1
        assert 0 <= nps[0]["points"] <= 10
        for answer in reply["answers"]:
            assert list(answer) == [
                "question",
                "points",
                "answer",
                "question_id",
                "question_type_id",
            ]


def test_seed_mixes_contacts_names_and_free_text(buenno: BuennoClient):
    replies = buenno.get("/replies", **WHOLE_RANGE, limit=1000).json()["replies"]
    invitations = buenno.get("/invitations", limit=250).json()["invitations"]
    names = {reply["last_name"] for reply in replies} | {row["last_name"] for row in invitations}

    assert any(reply["email"] == "" for reply in replies)
    assert any(reply["phone"] is None for reply in replies)
    assert any(reply["first_name"] is None for reply in replies)
    assert any(answer["answer"] is None for reply in replies for answer in reply["answers"])
    assert any("ä" in name or "ö" in name for name in names if name)
    assert any(row["opened_at"] for row in invitations)
    assert any(row["answered_at"] for row in invitations)
    assert any(row["sent_at"] is None for row in invitations)


@pytest.mark.parametrize(
    ("locale", "nps_question"),
    [
        (None, "How likely are you to recommend us to a friend or colleague?"),
        ("en", "How likely are you to recommend us to a friend or colleague?"),
        ("fi", "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?"),
        ("sv", "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?"),
        ("fi_FI", "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?"),
        ("de", "How likely are you to recommend us to a friend or colleague?"),
    ],
)
def test_replies_locale_chooses_question_language(buenno: BuennoClient, locale, nps_question):
    params = {**WHOLE_RANGE, "limit": 20}
    if locale:
        params["locale"] = locale

    replies = buenno.get("/replies", **params).json()["replies"]

    questions = {
        answer["question"]
        for reply in replies
        for answer in reply["answers"]
        if answer["question_type_id"] == 13
    }
    assert questions == {nps_question}


def test_a_page_of_1000_replies_is_quick(buenno: BuennoClient):
    buenno.get("/token-info")
    started = time.perf_counter()
    response = buenno.get("/replies", **WHOLE_RANGE, limit=1000)
    elapsed = time.perf_counter() - started

    assert len(response.json()["replies"]) == 1000
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert elapsed < 2
