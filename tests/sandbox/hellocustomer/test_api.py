"""Hello Customer in the sandbox, over real sockets: auth, the five calls, throttle, seeding."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.cli import build_parser
from survey_sandbox.hellocustomer.languages import LANGUAGES
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    HELLOCUSTOMER_TOKEN_2,
    SEGMENTS,
    STORES,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_FITNESS,
    TOUCHPOINT_STORE_VISIT,
    TOUCHPOINT_WEBSHOP,
)
from survey_sandbox.hellocustomer.throttle import Throttle
from tests.helpers.sandbox_hellocustomer import (
    ADD_MULTIPLE_EXAMPLE,
    DUTCH,
    FAST_INTERVAL,
    HelloCustomerClient,
)

SIZE = 120
UTC = timezone.utc
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
FRENCH = "901af5bc-06cb-4de0-b523-135ecfdc882a"
ENGLISH = "df88d743-1b99-44ef-b47f-260c78030ee7"
GERMAN = "b913eca5-638c-4b5c-80fd-4bc9e3b29587"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# The document's examples, as printed.
ADD_RESPONDENT_EXAMPLE = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "JohnDoe@mycompany.com",
    "phoneNumber": "+32486697306",
    "custom_UniqueID": "8754864354",
    "campaign_UniqueID": "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
    "language_UniqueID": "1b5c1275-4f92-422f-b1fc-799bf8e30598",
    "keyValues": {"Winkel": "Brugge", "Leeftijd": "35", "Gemeente": "Damme"},
}
ADD_ANSWER_EXAMPLE = {
    "cultureInfo": "FR",
    "languageUniqueId": "1B5C1275-4F92-422F-B1FC-799BF8E30598",
    "metadata": {"number of pieces": "8", "shop": "1"},
    "respondent": {
        "UniqueID": None,
        "FirstName": "Jef",
        "LastName": "Tester",
        "Email": "jef@hellocustomer.com",
        "Phone": None,
    },
    "CompanyUniqueID": "ec28d381-4883-4731-9462-74c3dc82aff1",
    "answers": [
        {
            "QuestionItemUniqueID": "CFD52369-B323-4CF3-BA11-9ACD0983B01D",
            "Score": 3,
            "Text": None,
            "Boolean": None,
            "Options": None,
        },
        {
            "QuestionItemUniqueID": "8DEA4E28-9E0C-4E4F-92B0-04F50FEB74CB",
            "Score": None,
            "Text": "J\u2019aime bien américain préparé.",
            "Boolean": None,
            "Options": None,
        },
    ],
    "campaign_UniqueID": "f30f55f0-a770-4096-aa9f-8bc2a2aff25f",
}

RESPONSE_FIELDS = [
    "firstName",
    "lastName",
    "privateIp",
    "publicIp",
    "email",
    "phoneNumber",
    "campaign_UniqueID",
    "language_UniqueID",
    "respondent_UniqueID",
    "survey_UniqueID",
    "hasBeenContacted",
    "hasBeenForwarded",
    "dateSurveyed",
    "dateAnswer",
    "custom_UniqueID",
    "keyValues",
    "answerQuestions",
    "answerTags",
    "forwardedMessages",
    "repliedMessages",
    "notes",
    "hasBeenDisabledForReview",
    "uniqueID",
]
QUESTION_FIELDS = [
    "survey_UniqueID",
    "question_UniqueID",
    "question_SiblingUniqueID",
    "question_Text",
    "question_SortOrder",
    "question_HasScoreAnswer",
    "question_HasNpsValueAnswer",
    "question_HasTextAnswer",
    "question_HasBooleanAnswer",
    "question_HasCesScoreAnswer",
    "question_HasCsatScoreAnswer",
    "question_HasMultipleChoiceAnswer",
]


def get(url: str, **options: Any) -> requests.Response:
    """GET on a connection of its own (see HelloCustomerClient), with a timeout."""
    return requests.get(url, timeout=10, **options)


def post(url: str, **options: Any) -> requests.Response:
    """POST on a connection of its own (see HelloCustomerClient), with a timeout."""
    return requests.post(url, timeout=10, **options)


def instant(text: str) -> datetime:
    """Read the API's ``Z`` timestamps as aware datetimes."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def windows_of_2025() -> list[tuple[datetime, datetime]]:
    """The year 2025 in consecutive inclusive windows of at most 31 days."""
    windows = []
    start = YEAR_START
    while start.year == 2025:
        end = min(start + timedelta(days=31), datetime(2026, 1, 1, tzinfo=UTC))
        windows.append((start, end - timedelta(seconds=1)))
        start = end
    return windows


def nps_scores(responses: list[dict[str, Any]]) -> list[int]:
    """The NPS answers among listed responses."""
    return [
        answer["answer_Value"]
        for response in responses
        for answer in response["answerQuestions"]
        if answer["question_HasNpsValueAnswer"]
    ]


def expected_nps(scores: list[int]) -> dict[str, Any]:
    """The NPS figures as the document's example computes them (see test_nps_document_example)."""
    if not scores:
        return {"nps": 0, "detractors": 0, "passive": 0, "promoters": 0}
    promoters = sum(score >= 9 for score in scores)
    detractors = sum(score <= 6 for score in scores)
    promoter_share = round(100 * promoters / len(scores), 2)
    detractor_share = round(100 * detractors / len(scores), 2)
    return {
        "nps": int(100 * (promoters - detractors) / len(scores)),
        "detractors": detractor_share,
        "passive": round(100 - promoter_share - detractor_share, 2),
        "promoters": promoter_share,
    }


def figures(body: dict[str, Any]) -> dict[str, Any]:
    """The computed figures of a get-NPS answer, without its date and id."""
    return {name: body[name] for name in ("nps", "detractors", "passive", "promoters")}


@dataclass
class Fresh:
    """A small sandbox of a test's own, its database file and a paced client."""

    sandbox: SandboxServer
    db: Path
    api: HelloCustomerClient

    def admin(self, path: str) -> str:
        """The URL of an admin endpoint."""
        return f"{self.sandbox.url}/_sandbox/hellocustomer{path}"

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Query the database file read-only while the sandbox serves it."""
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A seeded sandbox shared by the read-only tests of this module."""
    with SandboxServer(
        tmp_path_factory.mktemp("hellocustomer") / "sandbox.db",
        size=SIZE,
        hellocustomer_min_interval=FAST_INTERVAL,
    ) as server:
        yield server


@pytest.fixture(scope="module")
def api(shared: SandboxServer) -> HelloCustomerClient:
    """The shared sandbox's Hello Customer API with the first token."""
    return HelloCustomerClient(shared.base_url("hellocustomer"))


@pytest.fixture(scope="module")
def year(api: HelloCustomerClient) -> dict[str, list[dict[str, Any]]]:
    """Every seeded response of the first token's touchpoints, read in 31-day windows."""
    collected: dict[str, list[dict[str, Any]]] = {}
    for touchpoint in (TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE, TOUCHPOINT_WEBSHOP):
        collected[touchpoint] = []
        for start, end in windows_of_2025():
            response = api.responses(touchpoint, start, end)
            assert response.status_code == 200
            collected[touchpoint].extend(response.json())
    return collected


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    """A small sandbox of its own, for tests that write or count calls."""
    with SandboxServer(
        tmp_path / "sandbox.db", size=5, hellocustomer_min_interval=FAST_INTERVAL
    ) as server:
        yield Fresh(
            server,
            tmp_path / "sandbox.db",
            HelloCustomerClient(server.base_url("hellocustomer")),
        )


# --- authentication and routing -----------------------------------------------------


def test_base_url(shared: SandboxServer):
    assert shared.base_url("hellocustomer") == shared.url + "/hellocustomer/V1.0/EN"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "basic "},
        {"Authorization": "basic wrong-token-31337"},
        {"Authorization": f"Bearer {HELLOCUSTOMER_TOKEN}"},
        {"Authorization": HELLOCUSTOMER_TOKEN},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250101000000/20250131000000"),
        ("POST", f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/add"),
        ("GET", "/nowhere"),
    ],
)
def test_missing_or_wrong_credentials_are_401(api: HelloCustomerClient, headers, method, path):
    response = api.request(method, path, ADD_RESPONDENT_EXAMPLE, headers=headers)

    assert response.status_code == 401
    assert set(response.json()) == {"message"}
    assert "authorisation" in response.json()["message"]
    assert response.headers["WWW-Authenticate"].lower().startswith("basic")
    assert "31337" not in response.text
    assert HELLOCUSTOMER_TOKEN not in response.text


@pytest.mark.parametrize("scheme", ["basic", "Basic", "BASIC"])
def test_scheme_is_case_insensitive(api: HelloCustomerClient, scheme):
    response = api.request(
        "GET",
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250101000000/20250102000000",
        headers={"Authorization": f"{scheme} {HELLOCUSTOMER_TOKEN}"},
    )

    assert response.status_code == 200


def test_a_touchpoint_of_another_token_is_401(api: HelloCustomerClient):
    foreign = api.responses(TOUCHPOINT_FITNESS, YEAR_START, YEAR_START + timedelta(days=31))
    other = HelloCustomerClient(api.base_url, HELLOCUSTOMER_TOKEN_2)
    own = other.responses(TOUCHPOINT_FITNESS, YEAR_START, YEAR_START + timedelta(days=31))
    back = other.responses(TOUCHPOINT_STORE_VISIT, YEAR_START, YEAR_START + timedelta(days=1))

    assert foreign.status_code == back.status_code == 401
    assert foreign.json() == {
        "message": "The authorisation of the call failed:"
        " API token does not contain this touchpoint/CampaignUniqueID"
    }
    assert own.status_code == 200
    assert {row["campaign_UniqueID"] for row in own.json()} == {TOUCHPOINT_FITNESS}


@pytest.mark.parametrize("touchpoint", ["0b8e4b10-0000-4000-8000-000000000000", "not-a-touchpoint"])
def test_an_unknown_touchpoint_is_400(api: HelloCustomerClient, touchpoint):
    response = api.get(f"/campaign/{touchpoint}/answers/getall/20250101000000/20250102000000")

    assert response.status_code == 400
    assert response.json() == {"message": f"Touchpoint with ID: {touchpoint} not found"}


def test_unknown_paths_are_404_and_wrong_methods_405(api: HelloCustomerClient):
    campaign = f"/campaign/{TOUCHPOINT_STORE_VISIT}"

    assert api.get("/").status_code == 404
    assert api.get(f"{campaign}/answers").status_code == 404
    assert api.get(f"{campaign}/answers/add").status_code == 405
    assert api.post(f"{campaign}/answers/getall/20250101000000/20250102000000").status_code == 405


def test_paths_match_in_any_case(api: HelloCustomerClient):
    upper = api.get(
        f"/Campaign/{TOUCHPOINT_STORE_VISIT.upper()}/Answers/GetAll/20250301000000/20250331000000"
    )
    lower = api.responses(
        TOUCHPOINT_STORE_VISIT, datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC)
    )

    assert upper.status_code == 200
    assert upper.json() == lower.json()


# --- get responses ------------------------------------------------------------------


def test_every_seeded_response_is_read_once_in_31_day_windows(year):
    for touchpoint, responses in year.items():
        assert len(responses) == SIZE
        assert len({response["uniqueID"] for response in responses}) == SIZE
        assert {response["campaign_UniqueID"] for response in responses} == {touchpoint}
        answered = [instant(response["dateAnswer"]) for response in responses]
        assert answered == sorted(answered)
        assert all(moment.year == 2025 for moment in answered)


def test_a_window_holds_only_its_responses_with_both_ends_included(api: HelloCustomerClient, year):
    pivot = year[TOUCHPOINT_STORE_VISIT][SIZE // 2]
    at = instant(pivot["dateAnswer"])

    exact = api.responses(TOUCHPOINT_STORE_VISIT, at, at).json()
    before = api.responses(
        TOUCHPOINT_STORE_VISIT, at - timedelta(days=31), at - timedelta(seconds=1)
    )
    after = api.responses(
        TOUCHPOINT_STORE_VISIT, at + timedelta(seconds=1), at + timedelta(days=31)
    )

    assert pivot in exact
    assert all(response["dateAnswer"] == pivot["dateAnswer"] for response in exact)
    assert pivot not in before.json()
    assert pivot not in after.json()
    assert all(instant(row["dateAnswer"]) < at for row in before.json())


def test_31_days_is_accepted_and_32_days_refused(api: HelloCustomerClient):
    start = datetime(2025, 5, 1, tzinfo=UTC)

    exactly_31 = api.responses(TOUCHPOINT_WEBSHOP, start, start + timedelta(days=31))
    one_second_more = api.responses(
        TOUCHPOINT_WEBSHOP, start, start + timedelta(days=31, seconds=1)
    )
    days_32 = api.responses(TOUCHPOINT_WEBSHOP, start, start + timedelta(days=32))

    assert exactly_31.status_code == 200
    assert isinstance(exactly_31.json(), list)
    for refused in (one_second_more, days_32):
        assert refused.status_code == 400
        assert refused.json() == {
            "message": "The start date and end date cannot be more than 31 days apart"
        }


@pytest.mark.parametrize(
    ("start", "end", "named"),
    [
        ("2025-01-01", "20250102000000", "startDate"),
        ("20250101000000", "2025010200000", "endDate"),
        ("20250101000000", "202501020000000", "endDate"),
        ("20251301000000", "20251302000000", "startDate"),
        ("20250101000000", "20250230000000", "endDate"),
        ("20250101250000", "20250102000000", "startDate"),
        ("abcdefghijklmn", "20250102000000", "startDate"),
    ],
)
def test_dates_must_be_yyyymmddhhmmss(api: HelloCustomerClient, start, end, named):
    response = api.get(f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/{start}/{end}")

    assert response.status_code == 400
    message = response.json()["message"]
    assert named in message
    assert "yyyyMMddHHmmss" in message


def test_the_end_may_not_precede_the_start(api: HelloCustomerClient):
    response = api.get(
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250102000000/20250101000000"
    )

    assert response.status_code == 400
    assert "end date" in response.json()["message"]


def test_response_has_the_documented_fields_and_answers_match_their_flags(year):
    languages = {language.guid for language in LANGUAGES}
    for response in [row for rows in year.values() for row in rows]:
        assert list(response) == RESPONSE_FIELDS
        assert response["language_UniqueID"] in languages
        assert GUID.match(response["uniqueID"])
        assert GUID.match(response["respondent_UniqueID"])
        assert instant(response["dateSurveyed"]) <= instant(response["dateAnswer"])
        assert response["dateAnswer"].endswith("Z")
        assert response["email"]
        assert response["answerTags"] == response["notes"] == []
        assert set(response["keyValues"]) <= {"store", "segment"}
        sort_orders = [answer["question_SortOrder"] for answer in response["answerQuestions"]]
        assert sort_orders == sorted(set(sort_orders))
        assert 3 in sort_orders
        for answer in response["answerQuestions"]:
            assert answer["answer_Date"] == response["dateAnswer"]
            assert answer["survey_UniqueID"] == response["survey_UniqueID"]
            check_answer(answer)


def check_answer(answer: dict[str, Any]) -> None:
    """An answer carries exactly the value its flags announce, in the document's order."""
    values = [
        name
        for name in ("answer_Text", "answer_Value", "answer_Boolean", "answer_Options")
        if name in answer
    ]
    prediction = ["prediction"] if "prediction" in answer else []
    text_first = ["answer_Text"] if "answer_Text" in answer else []
    rest = [name for name in values if name != "answer_Text"]
    assert list(answer) == [
        *text_first,
        "answer_Date",
        *rest,
        *QUESTION_FIELDS,
        *prediction,
        "uniqueID",
    ]
    if answer["question_HasNpsValueAnswer"]:
        assert answer["question_HasScoreAnswer"]
        assert values == ["answer_Value"]
        assert 0 <= answer["answer_Value"] <= 10
    elif answer["question_HasCesScoreAnswer"]:
        assert answer["question_HasScoreAnswer"]
        assert values == ["answer_Value"]
        assert 1 <= answer["answer_Value"] <= 7
    elif answer["question_HasTextAnswer"]:
        assert values == ["answer_Text"]
        assert prediction
        for item in answer["prediction"]["items"]:
            assert item["polarity"] in ("Positive", "Negative")
            assert item["paths"][0]["order"] == 0
            assert ">" in item["paths"][0]["path"]
    elif answer["question_HasBooleanAnswer"]:
        assert values == ["answer_Boolean"]
        assert isinstance(answer["answer_Boolean"], bool)
    else:
        assert answer["question_HasMultipleChoiceAnswer"]
        assert values == ["answer_Options"]
        assert 1 <= len(answer["answer_Options"]) <= 2
    flags = [answer[name] for name in QUESTION_FIELDS[5:]]
    assert sum(flags) == (2 if answer["question_HasScoreAnswer"] else 1)


def test_seeded_data_carries_the_documents_example_guids(year):
    dutch = [
        response
        for response in year[TOUCHPOINT_CUSTOMER_SERVICE]
        if response["language_UniqueID"] == DUTCH
    ]
    effort = [
        answer
        for response in dutch
        for answer in response["answerQuestions"]
        if answer["question_SortOrder"] == 1
    ]
    friendly = [
        answer
        for response in dutch
        for answer in response["answerQuestions"]
        if answer.get("answer_Text") == "Het is heel vriendelijk personeel"
    ]

    assert {response["survey_UniqueID"] for response in dutch} == {
        "535503b5-960a-4178-8ac5-d89a886b8085"
    }
    assert {answer["question_UniqueID"] for answer in effort} == {
        "9895902c-5138-4feb-9af9-d38093b7f54e"
    }
    assert {answer["question_SiblingUniqueID"] for answer in effort} == {
        "1f6cb28d-a553-4acc-beca-0b69d9a4ddd0"
    }
    assert friendly
    assert friendly[0]["question_UniqueID"] == "eb33bd3a-6eb0-4c9a-9121-08aee26851de"
    assert friendly[0]["prediction"] == {
        "items": [
            {"polarity": "Positive", "paths": [{"order": 0, "path": "Personnel>Friendliness"}]}
        ]
    }


def test_siblings_are_shared_across_languages(year):
    by_sibling: dict[str, set[str]] = {}
    for response in year[TOUCHPOINT_STORE_VISIT]:
        for answer in response["answerQuestions"]:
            by_sibling.setdefault(answer["question_SiblingUniqueID"], set()).add(
                answer["question_UniqueID"]
            )

    assert len(by_sibling) == 5
    assert all(len(questions) == 3 for questions in by_sibling.values())


# --- get NPS ------------------------------------------------------------------------


def test_nps_document_example(fresh: Fresh):
    scores = [3] + [7, 8] * 5 + [8] + [9, 10] * 3 + [10]
    for index, score in enumerate(scores):
        created = post(
            fresh.admin("/responses"),
            json={
                "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
                "dateAnswer": f"2030-06-01T10:{index:02d}:00Z",
                "answers": [{"sortOrder": 3, "score": score}],
            },
        )
        assert created.status_code == 201

    body = fresh.api.nps(
        TOUCHPOINT_STORE_VISIT, datetime(2030, 6, 1, tzinfo=UTC), datetime(2030, 6, 2, tzinfo=UTC)
    ).json()

    assert len(scores) == 19
    assert figures(body) == {"nps": 31, "detractors": 5.26, "passive": 57.9, "promoters": 36.84}
    assert list(body) == ["nps", "detractors", "passive", "promoters", "date", "uniqueID"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$", body["date"])
    assert abs(
        datetime.fromisoformat(body["date"][:26] + "+00:00") - datetime.now(UTC)
    ) < timedelta(minutes=1)
    assert GUID.match(body["uniqueID"])


def test_nps_equals_the_stored_answers_without_filters(api: HelloCustomerClient, year):
    start, end = datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 5, 1, 23, 59, 59, tzinfo=UTC)
    listed = api.responses(TOUCHPOINT_STORE_VISIT, start, end).json()

    window = api.nps(TOUCHPOINT_STORE_VISIT, start, end)
    whole_year = api.nps(TOUCHPOINT_STORE_VISIT, YEAR_START, datetime(2026, 1, 1, tzinfo=UTC))
    empty_body = api.nps(TOUCHPOINT_STORE_VISIT, start, end, [])

    assert len(listed) >= 5
    assert window.status_code == 200
    assert figures(window.json()) == expected_nps(nps_scores(listed))
    assert figures(empty_body.json()) == figures(window.json())
    assert figures(whole_year.json()) == expected_nps(nps_scores(year[TOUCHPOINT_STORE_VISIT]))
    assert window.json()["uniqueID"] != empty_body.json()["uniqueID"]


@pytest.mark.parametrize(
    "filters",
    [
        [{"key": "store", "filterValues": ["Antwerpen"]}],
        [{"key": "store", "filterValues": ["Gent", "Brugge"]}],
        [
            {"key": "store", "filterValues": ["Gent", "Brugge", "Leuven"]},
            {"key": "segment", "filterValues": ["Gold"]},
        ],
        [{"key": "segment", "filterValues": ["Bronze", "Silver"]}],
        [{"key": "store", "filterValues": []}],
        [{"key": "store", "filterValues": ["Nowhere"]}],
        [{"key": "Store", "filterValues": ["Antwerpen"]}],
    ],
)
def test_nps_with_key_value_filters_equals_the_stored_answers(
    api: HelloCustomerClient, year, filters
):
    responses = year[TOUCHPOINT_CUSTOMER_SERVICE]
    kept = [
        response
        for response in responses
        if all(
            not entry["filterValues"]
            or response["keyValues"].get(entry["key"]) in entry["filterValues"]
            for entry in filters
        )
    ]

    body = api.nps(
        TOUCHPOINT_CUSTOMER_SERVICE, YEAR_START, datetime(2026, 1, 1, tzinfo=UTC), filters
    ).json()

    assert figures(body) == expected_nps(nps_scores(kept))


def test_seeded_key_values_make_filters_meaningful(year):
    responses = [row for rows in year.values() for row in rows]
    stores = {row["keyValues"].get("store") for row in responses}
    segments = {row["keyValues"].get("segment") for row in responses}

    assert stores == {*STORES, None}
    assert segments == {*SEGMENTS, None}


def test_nps_without_answers_is_all_zero(api: HelloCustomerClient):
    body = api.nps(
        TOUCHPOINT_WEBSHOP, datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 2, tzinfo=UTC)
    ).json()

    assert figures(body) == {"nps": 0, "detractors": 0, "passive": 0, "promoters": 0}


@pytest.mark.parametrize(
    "body",
    [
        {"key": "store", "filterValues": ["Antwerpen"]},
        [{"key": "store"}],
        [{"key": "store", "filterValues": "Antwerpen"}],
        [{"filterValues": ["Antwerpen"]}],
        [{"key": "store", "filterValues": [1]}],
        ["store"],
    ],
)
def test_nps_refuses_a_malformed_filter(api: HelloCustomerClient, body):
    response = api.nps(TOUCHPOINT_WEBSHOP, YEAR_START, datetime(2025, 2, 1, tzinfo=UTC), body)

    assert response.status_code == 400
    assert response.json() == {"message": "The JSON model is not correct"}


def test_nps_refuses_bad_dates(api: HelloCustomerClient):
    response = api.post(
        f"/campaign/{TOUCHPOINT_WEBSHOP}/analysis/nps/getnpsscore/2025-01-01/20250201000000"
    )

    assert response.status_code == 400
    assert "startDate" in response.json()["message"]


# --- add respondents ----------------------------------------------------------------


def test_add_respondent_echoes_the_body_with_201(fresh: Fresh):
    response = fresh.api.post(
        f"/Campaign/{TOUCHPOINT_STORE_VISIT}/Respondent/Add", ADD_RESPONDENT_EXAMPLE
    )

    assert response.status_code == 201
    assert response.json() == ADD_RESPONDENT_EXAMPLE
    stored = fresh.rows(
        "SELECT r.id, r.touchpoint_guid, r.language_guid, r.email, r.first_name, r.phone,"
        " r.custom_id FROM hellocustomer_respondents r WHERE r.added_by = 'respondent/add'"
    )
    assert [row[1:] for row in stored] == [
        (
            TOUCHPOINT_STORE_VISIT,
            DUTCH,
            "JohnDoe@mycompany.com",
            "John",
            "+32486697306",
            "8754864354",
        )
    ]
    key_values = fresh.rows(
        "SELECT key, value FROM hellocustomer_key_values WHERE respondent_id = ? ORDER BY position",
        stored[0][0],
    )
    assert key_values == [("Winkel", "Brugge"), ("Leeftijd", "35"), ("Gemeente", "Damme")]


@pytest.mark.parametrize(
    "language", [FRENCH, FRENCH.upper(), FRENCH.replace("-", ""), "{" + FRENCH.upper() + "}"]
)
def test_add_respondent_needs_only_email_and_language(fresh: Fresh, language):
    body = {"email": "only@example.com", "language_UniqueID": language}

    response = fresh.api.post(f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/add", body)

    assert response.status_code == 201
    assert response.json() == body


def test_add_multiple_respondents_answers_200(fresh: Fresh):
    response = fresh.api.post(
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/addmultipletocache", ADD_MULTIPLE_EXAMPLE
    )

    assert response.status_code == 200
    assert response.json() == ADD_MULTIPLE_EXAMPLE
    stored = fresh.rows(
        "SELECT email FROM hellocustomer_respondents"
        " WHERE added_by = 'respondent/addmultipletocache' ORDER BY id"
    )
    assert stored == [("john.doe@johnscompany.com",), ("jessica.day@hotmail.com",)]


def test_add_multiple_respondents_is_all_or_nothing(fresh: Fresh):
    broken = [ADD_MULTIPLE_EXAMPLE[0], {**ADD_MULTIPLE_EXAMPLE[1], "email": "jessica.day"}]

    response = fresh.api.post(
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/addmultipletocache", broken
    )
    not_a_list = fresh.api.post(
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/addmultipletocache",
        ADD_MULTIPLE_EXAMPLE[0],
    )

    assert response.status_code == 400
    assert response.json() == {"message": "The respondent email jessica.day is invalid"}
    assert not_a_list.status_code == 400
    assert not_a_list.json() == {"message": "The JSON model is not correct"}
    assert fresh.rows(
        "SELECT COUNT(*) FROM hellocustomer_respondents WHERE added_by != 'seed'"
    ) == [(0,)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"language_UniqueID": None},
            "The Guid of the language is empty or the format is incorrect",
        ),
        ({"language_UniqueID": ""}, "The Guid of the language is empty or the format is incorrect"),
        ({"language_UniqueID": "dutch"}, "The format of the Guid of the language is not valid"),
        (
            {"language_UniqueID": "0f0f0f0f-1111-4222-8333-444444444444"},
            "Language with ID: 0f0f0f0f-1111-4222-8333-444444444444 not found",
        ),
        ({"language_UniqueID": GERMAN}, "The LanguageUniqueId is not part of this touchpoint"),
        (
            {"email": "JohnDoe-at-mycompany.com"},
            "The respondent email JohnDoe-at-mycompany.com is invalid",
        ),
        ({"email": None}, "The model of the respondent is invalid"),
        ({"firstName": 12}, "The model of the respondent is invalid"),
        ({"keyValues": ["Brugge"]}, "The model of the respondent is invalid"),
        ({"campaign_UniqueID": TOUCHPOINT_WEBSHOP}, "The model of the respondent is invalid"),
    ],
)
def test_add_respondent_validation_messages(fresh: Fresh, change, message):
    response = fresh.api.post(
        f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/add", {**ADD_RESPONDENT_EXAMPLE, **change}
    )

    assert response.status_code == 400
    assert response.json() == {"message": message}


@pytest.mark.parametrize(
    "path",
    [
        "/campaign/0b8e4b10-0000-4000-8000-000000000000/respondent/add",
        "/campaign/0b8e4b10-0000-4000-8000-000000000000/respondent/addmultipletocache",
        "/campaign/0b8e4b10-0000-4000-8000-000000000000/answers/add",
    ],
)
def test_writes_to_an_unknown_touchpoint_are_400(fresh: Fresh, path):
    response = fresh.api.post(path, ADD_RESPONDENT_EXAMPLE)

    assert response.status_code == 400
    assert response.json() == {
        "message": "Touchpoint with ID: 0b8e4b10-0000-4000-8000-000000000000 not found"
    }


def test_a_body_that_is_not_json_is_400(fresh: Fresh):
    response = post(
        fresh.api.base_url + f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/add",
        data=b"{not json",
        headers={"Authorization": f"basic {HELLOCUSTOMER_TOKEN}"},
    )

    assert response.status_code == 400
    assert response.json() == {"message": "The JSON model is not correct"}


# --- add answer ---------------------------------------------------------------------


def test_add_answer_document_example_is_stored_and_listed(fresh: Fresh):
    response = fresh.api.post(f"/campaign/{TOUCHPOINT_WEBSHOP}/answers/add", ADD_ANSWER_EXAMPLE)

    assert response.status_code == 200
    created = response.json()
    assert list(created) == RESPONSE_FIELDS
    assert created["campaign_UniqueID"] == TOUCHPOINT_WEBSHOP
    assert created["language_UniqueID"] == DUTCH
    assert (created["firstName"], created["lastName"], created["email"]) == (
        "Jef",
        "Tester",
        "jef@hellocustomer.com",
    )
    assert created["keyValues"] == {"number of pieces": "8", "shop": "1"}
    effort, text = created["answerQuestions"]
    assert effort["question_UniqueID"] == "cfd52369-b323-4cf3-ba11-9acd0983b01d"
    assert effort["answer_Value"] == 3
    assert effort["question_HasCesScoreAnswer"]
    assert text["question_UniqueID"] == "8dea4e28-9e0c-4e4f-92b0-04f50feb74cb"
    assert text["answer_Text"] == "J\u2019aime bien américain préparé."
    assert text["prediction"] == {"items": []}
    for answer in created["answerQuestions"]:
        check_answer(answer)
    answered = instant(created["dateAnswer"])
    assert abs(answered - datetime.now(UTC)) < timedelta(minutes=1)
    listed = fresh.api.responses(TOUCHPOINT_WEBSHOP, answered, answered).json()
    assert listed == [created]


def test_add_answer_takes_an_nps_score_and_no_email(fresh: Fresh):
    survey = post(
        fresh.admin("/responses"),
        json={"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "language_UniqueID": ENGLISH},
    ).json()
    questions = {
        answer["question_SortOrder"]: answer["question_UniqueID"]
        for answer in survey["answerQuestions"]
    }
    assert 3 in questions
    body = {
        "languageUniqueId": ENGLISH,
        "CompanyUniqueID": "ec28d381-4883-4731-9462-74c3dc82aff1",
        "respondent": {"Email": None},
        "answers": [{"QuestionItemUniqueID": questions[3], "Score": 10}],
    }

    response = fresh.api.post(f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/add", body)

    assert response.status_code == 200
    [answer] = response.json()["answerQuestions"]
    assert answer["answer_Value"] == 10
    assert answer["question_HasNpsValueAnswer"]


def test_admin_response_with_answers_of_each_kind(fresh: Fresh):
    response = post(
        fresh.admin("/responses"),
        json={
            "campaign_UniqueID": TOUCHPOINT_FITNESS,
            "language_UniqueID": GERMAN,
            "dateAnswer": "2031-02-03T04:05:06+01:00",
            "email": "kim@example.de",
            "keyValues": {"store": "Gent", "age": 41},
            "answers": [
                {"sortOrder": 5, "options": ["Preis", "Personal"]},
                {"sortOrder": 1, "score": 7},
                {"sortOrder": 2, "text": "Sehr freundliches Personal, aber ich musste warten."},
                {"sortOrder": 3, "score": 0},
                {"sortOrder": 4, "boolean": False},
            ],
        },
    )

    assert response.status_code == 201
    created = response.json()
    assert created["dateAnswer"] == created["dateSurveyed"] == "2031-02-03T03:05:06Z"
    assert created["keyValues"] == {"store": "Gent", "age": "41"}
    answers = created["answerQuestions"]
    assert [answer["question_SortOrder"] for answer in answers] == [1, 2, 3, 4, 5]
    assert answers[4]["answer_Options"] == ["Preis", "Personal"]
    assert answers[3]["answer_Boolean"] is False
    assert answers[1]["prediction"] == {
        "items": [
            {"polarity": "Positive", "paths": [{"order": 0, "path": "Personnel>Friendliness"}]},
            {"polarity": "Negative", "paths": [{"order": 0, "path": "Waiting time>Checkout"}]},
        ]
    }
    for answer in answers:
        check_answer(answer)


def answer_body(**changes: Any) -> dict[str, Any]:
    """The document's add-answer example with one answer replaced or fields changed."""
    return {**ADD_ANSWER_EXAMPLE, **changes}


DUTCH_EFFORT = "CFD52369-B323-4CF3-BA11-9ACD0983B01D"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            answer_body(answers=[{"QuestionItemUniqueID": None, "Score": 3}]),
            "The questionItemUniqueId is empty or the format is incorrect",
        ),
        (
            answer_body(answers=[{"Score": 3}]),
            "The questionItemUniqueId is empty or the format is incorrect",
        ),
        (
            answer_body(answers=[{"QuestionItemUniqueID": "CFD52369", "Score": 3}]),
            "The format of the Guid of the question item is not valid",
        ),
        (
            answer_body(
                answers=[
                    {"QuestionItemUniqueID": "0f0f0f0f-1111-4222-8333-444444444444", "Score": 3}
                ]
            ),
            "The questionItemUniqueId of an answer is not correct",
        ),
        (
            answer_body(
                languageUniqueId=FRENCH,
                answers=[{"QuestionItemUniqueID": DUTCH_EFFORT, "Score": 3}],
            ),
            "The questionItemUniqueId of an answer is not correct",
        ),
        (
            answer_body(answers=[{"QuestionItemUniqueID": DUTCH_EFFORT, "Score": 8}]),
            "The JSON model is not correct",
        ),
        (
            answer_body(answers=[{"QuestionItemUniqueID": DUTCH_EFFORT, "Text": "good"}]),
            "The JSON model is not correct",
        ),
        (
            answer_body(
                answers=[
                    {"QuestionItemUniqueID": DUTCH_EFFORT, "Score": 3},
                    {"QuestionItemUniqueID": DUTCH_EFFORT, "Score": 4},
                ]
            ),
            "The JSON model is not correct",
        ),
        (answer_body(answers=[]), "The JSON model is not correct"),
        (answer_body(CompanyUniqueID="acme"), "The JSON model is not correct"),
        (answer_body(metadata=["shop"]), "The JSON model is not correct"),
        (answer_body(campaign_UniqueID=TOUCHPOINT_STORE_VISIT), "The JSON model is not correct"),
        (
            answer_body(languageUniqueId=None),
            "The Guid of the language is empty or the format is incorrect",
        ),
        (
            answer_body(languageUniqueId="{1B5C1275}"),
            "The format of the Guid of the language is not valid",
        ),
        (
            answer_body(languageUniqueId=ENGLISH),
            "The LanguageUniqueId is not part of this touchpoint",
        ),
        (answer_body(respondent=None), "The model of the respondent is invalid"),
        (answer_body(respondent={"Email": "jef"}), "The respondent email jef is invalid"),
        ([ADD_ANSWER_EXAMPLE], "The JSON model is not correct"),
    ],
)
def test_add_answer_validation_messages(fresh: Fresh, body, message):
    response = fresh.api.post(f"/campaign/{TOUCHPOINT_WEBSHOP}/answers/add", body)

    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert fresh.rows(
        "SELECT COUNT(*) FROM hellocustomer_respondents WHERE added_by != 'seed'"
    ) == [(0,)]


# --- admin --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"campaign_UniqueID": "0b8e4b10-0000-4000-8000-000000000000"}, 404),
        ({"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "colour": "red"}, 400),
        ({"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "dateAnswer": "soon"}, 400),
        (
            {
                "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
                "answers": [{"sortOrder": 9, "score": 1}],
            },
            400,
        ),
        (
            {
                "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
                "answers": [{"sortOrder": 3, "score": 11}],
            },
            400,
        ),
        ({"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "language_UniqueID": GERMAN}, 400),
        ({"campaign_UniqueID": TOUCHPOINT_STORE_VISIT, "email": "nobody"}, 400),
        (
            {
                "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
                "dateAnswer": "2030-01-01T00:00:00Z",
                "dateSurveyed": "2030-01-02T00:00:00Z",
            },
            400,
        ),
        (
            {
                "campaign_UniqueID": TOUCHPOINT_STORE_VISIT,
                "language_UniqueID": ENGLISH,
                "answers": [{"sortOrder": 5, "options": ["Staff", "Parking"]}],
            },
            400,
        ),
    ],
)
def test_admin_response_rejects_bad_input(fresh: Fresh, body, status):
    response = post(fresh.admin("/responses"), json=body)

    assert response.status_code == status
    assert set(response.json()) == {"message"}


def test_admin_response_defaults(fresh: Fresh):
    created = post(
        fresh.admin("/responses"), json={"campaign_UniqueID": TOUCHPOINT_CUSTOMER_SERVICE}
    ).json()

    assert created["language_UniqueID"] == DUTCH
    assert abs(instant(created["dateAnswer"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert any(answer["question_HasNpsValueAnswer"] for answer in created["answerQuestions"])
    assert created["email"] == ""
    assert created["keyValues"] == {}


# --- throttle and stats -------------------------------------------------------------


def test_the_default_interval_is_one_second_with_retry_after(tmp_path):
    with SandboxServer(tmp_path / "sandbox.db", size=1) as sandbox:
        url = sandbox.base_url("hellocustomer") + (
            f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250101000000/20250102000000"
        )
        headers = {"Authorization": f"basic {HELLOCUSTOMER_TOKEN}"}
        first = get(url, headers=headers)
        second = get(url, headers=headers)
        time.sleep(1.05)
        third = get(url, headers=headers)
        stats = get(sandbox.url + "/_sandbox/hellocustomer/stats").json()

    assert first.status_code == 200
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "1"
    assert second.json() == {
        "message": "Too many requests are following up on each other and there is less than"
        " 1 second between each API call"
    }
    assert third.status_code == 200
    assert stats == {"calls": 3, "rate_limited": 1}


def test_calls_slower_than_the_interval_are_never_refused(fresh: Fresh):
    for _ in range(6):
        response = fresh.api.responses(
            TOUCHPOINT_STORE_VISIT, YEAR_START, YEAR_START + timedelta(days=2)
        )
        assert response.status_code == 200
        time.sleep(FAST_INTERVAL)

    assert get(fresh.admin("/stats")).json() == {"calls": 6, "rate_limited": 0}


def test_faster_calls_are_429_per_token_and_counted(tmp_path):
    interval = 0.3
    with SandboxServer(
        tmp_path / "sandbox.db", size=1, hellocustomer_min_interval=interval
    ) as sandbox:
        root = sandbox.base_url("hellocustomer")
        stats_url = sandbox.url + "/_sandbox/hellocustomer/stats"
        url = (
            root
            + f"/campaign/{TOUCHPOINT_STORE_VISIT}/answers/getall/20250101000000/20250102000000"
        )
        other_url = (
            root + f"/campaign/{TOUCHPOINT_FITNESS}/answers/getall/20250101000000/20250102000000"
        )
        token_1 = {"Authorization": f"basic {HELLOCUSTOMER_TOKEN}"}
        token_2 = {"Authorization": f"basic {HELLOCUSTOMER_TOKEN_2}"}

        statuses = [
            get(url, headers=token_1).status_code,
            get(other_url, headers=token_2).status_code,
            get(url, headers=token_1).status_code,
            get(url, headers={"Authorization": "basic nobody"}).status_code,
            post(
                root + f"/campaign/{TOUCHPOINT_STORE_VISIT}/respondent/add",
                json=ADD_RESPONDENT_EXAMPLE,
                headers=token_1,
            ).status_code,
        ]
        refused = get(url, headers=token_1)
        admin = [get(stats_url).status_code for _ in range(5)]
        time.sleep(interval)
        later = get(url, headers=token_1)
        stats = get(stats_url).json()

    assert statuses == [200, 200, 429, 401, 429]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "less than 0.3 seconds between each API call" in refused.json()["message"]
    assert admin == [200] * 5
    assert later.status_code == 200
    assert stats == {"calls": 7, "rate_limited": 3}


def test_throttle_arithmetic():
    now = [100.0]
    throttle = Throttle(2.5, clock=lambda: now[0])

    first = throttle.admit("a")
    now[0] = 100.2
    too_soon = throttle.admit("a")
    other_client = throttle.admit("b")
    now[0] = 102.4
    still_too_soon = throttle.admit("a")
    now[0] = 102.5
    on_time = throttle.admit("a")

    assert (first, too_soon, other_client, still_too_soon, on_time) == (None, 3, None, 1, None)
    assert throttle.stats() == {"calls": 0, "rate_limited": 2}
    assert Throttle(0).admit("a") is None
    assert Throttle(0).admit("a") is None
    with pytest.raises(ValueError, match="minimum interval"):
        Throttle(-1)


def test_a_zero_interval_turns_the_throttle_off(tmp_path):
    with SandboxServer(tmp_path / "sandbox.db", size=1, hellocustomer_min_interval=0) as sandbox:
        api = HelloCustomerClient(sandbox.base_url("hellocustomer"), min_interval=0)
        statuses = {
            api.responses(TOUCHPOINT_WEBSHOP, YEAR_START, YEAR_START).status_code for _ in range(5)
        }
        stats = get(sandbox.url + "/_sandbox/hellocustomer/stats").json()

    assert statuses == {200}
    assert stats == {"calls": 5, "rate_limited": 0}


@pytest.mark.parametrize("interval", [-0.5, float("nan"), float("inf")])
def test_a_bad_interval_is_refused(tmp_path, interval):
    with pytest.raises(ValueError, match="hellocustomer_min_interval"):
        SandboxServer(tmp_path / "sandbox.db", hellocustomer_min_interval=interval)


# --- seeding and the command line ---------------------------------------------------


def everything(sandbox: SandboxServer) -> list[Any]:
    """Every response of every touchpoint in 2025, read without the throttle."""
    views = []
    for token, touchpoints in (
        (
            HELLOCUSTOMER_TOKEN,
            (TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE, TOUCHPOINT_WEBSHOP),
        ),
        (HELLOCUSTOMER_TOKEN_2, (TOUCHPOINT_FITNESS,)),
    ):
        api = HelloCustomerClient(sandbox.base_url("hellocustomer"), token, min_interval=0)
        for touchpoint in touchpoints:
            for start, end in windows_of_2025():
                views.append(api.responses(touchpoint, start, end).json())
    return views


def test_same_seed_gives_identical_data_and_another_seed_differs(tmp_path):
    runs = []
    for name, seed in (("a", 42), ("b", 42), ("c", 7)):
        with SandboxServer(
            tmp_path / f"{name}.db", size=15, seed=seed, hellocustomer_min_interval=0
        ) as sandbox:
            runs.append(everything(sandbox))

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert sum(len(view) for view in runs[0]) == sum(len(view) for view in runs[2]) == 4 * 15


def test_seeded_dates_lie_in_2025_and_meta_is_recorded(fresh: Fresh):
    lowest, highest = fresh.rows(
        "SELECT MIN(date_answer), MAX(date_answer) FROM hellocustomer_responses"
    )[0]
    meta = fresh.rows("SELECT seed, size FROM sandbox_meta WHERE platform = 'hellocustomer'")

    assert lowest >= 1735689600  # 2025-01-01T00:00:00Z
    assert highest < 1767225600  # 2026-01-01T00:00:00Z
    assert meta == [(42, 5)]
    assert fresh.rows("SELECT COUNT(*) FROM hellocustomer_responses") == [(20,)]


def test_data_persists_across_restarts_unless_reset(tmp_path):
    db = tmp_path / "sandbox.db"
    with SandboxServer(db, size=3) as sandbox:
        created = post(
            sandbox.url + "/_sandbox/hellocustomer/responses",
            json={"campaign_UniqueID": TOUCHPOINT_WEBSHOP, "dateAnswer": "2032-01-01T00:00:00Z"},
        ).json()

    def still_there(*, reset: bool = False) -> bool:
        with SandboxServer(db, size=3, reset=reset, hellocustomer_min_interval=0) as sandbox:
            api = HelloCustomerClient(sandbox.base_url("hellocustomer"), min_interval=0)
            moment = datetime(2032, 1, 1, tzinfo=UTC)
            return created in api.responses(TOUCHPOINT_WEBSHOP, moment, moment).json()

    assert still_there()
    assert not still_there(reset=True)


def test_cli_option_and_help():
    parser = build_parser()
    text = parser.format_help()

    assert parser.parse_args([]).hellocustomer_min_interval == 1.0
    assert (
        parser.parse_args(["--hellocustomer-min-interval", "0.25"]).hellocustomer_min_interval
        == 0.25
    )
    for touchpoint in (
        TOUCHPOINT_STORE_VISIT,
        TOUCHPOINT_CUSTOMER_SERVICE,
        TOUCHPOINT_WEBSHOP,
        TOUCHPOINT_FITNESS,
    ):
        assert touchpoint in text
    for expected in (
        "--hellocustomer-min-interval",
        HELLOCUSTOMER_TOKEN_2,
        "/hellocustomer/V1.0/EN",
        "/_sandbox/hellocustomer/stats",
        "/_sandbox/hellocustomer/responses",
    ):
        assert expected in text


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_cli_refuses_a_bad_interval(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--hellocustomer-min-interval", value])

    assert exit_info.value.code == 2
    assert "--hellocustomer-min-interval" in capsys.readouterr().err
