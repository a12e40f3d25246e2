"""target-hellocustomer as a process against the throttling sandbox: each good record once.

The sandbox refuses calls less than ``INTERVAL`` apart and the target is told the same
interval, so every push must arrive without a single 429. Respondents are read back
from the sandbox's tables (the API has no call that lists them); answers are read back
by tap-hellocustomer, as a warehouse would see them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import typing as t

import pytest
import requests

from survey_common.readings import readings_from_text
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_STORE_VISIT,
    TOUCHPOINT_WEBSHOP,
)
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import BOTH_READINGS, run_tap_process
from tests.helpers.target_runner import Message, record, run_target_process, schema, state

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Seconds between calls, on both sides: short to keep the suite fast.
INTERVAL = 0.2
ENGLISH = "DF88D743-1B99-44EF-B47F-260C78030EE7"
UNKNOWN_TOUCHPOINT = "0badc0de-0000-4000-8000-000000000000"
COMPANY = "ec28d381-4883-4731-9462-74c3dc82aff1"


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A small sandbox under ``ours``, ``all`` or the register keys the parameter names."""
    switched = getattr(request, "param", "ours")
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=3,
        size=5,
        hellocustomer_min_interval=INTERVAL,
        readings=None if switched == "ours" else readings_from_text(switched),
    ) as server:
        yield server


def query(tmp_path: Path, sql: str, *args: t.Any) -> list[tuple[t.Any, ...]]:
    """Read the sandbox's database, as a test of what the platform now holds."""
    with contextlib.closing(sqlite3.connect(tmp_path / "sandbox.db")) as connection:
        return connection.execute(sql, args).fetchall()


def stats(sandbox: SandboxServer) -> dict[str, int]:
    answer = requests.get(f"{sandbox.url}/_sandbox/hellocustomer/stats", timeout=10)
    return t.cast("dict[str, int]", answer.json())


def config_for(sandbox: SandboxServer, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": sandbox.base_url("hellocustomer"),
        "campaign_id": TOUCHPOINT_STORE_VISIT,
        "default_language": "nl",
        "batch_size": 10,
        "min_request_interval": INTERVAL,
        **extra,
    }


def respondent(**values: t.Any) -> Message:
    return record("respondents", **values)


#: (touchpoint, email) of every good respondent: Dutch by default, French by code,
#: English by GUID, and two for the webshop touchpoint by the record's own GUID.
GOOD = [
    *[respondent(email=f"klant{n}@example.com", first_name=f"Klant {n}") for n in range(14)],
    *[respondent(Email=f"client{n}@example.com", language="fr") for n in range(4)],
    *[respondent(email=f"guest{n}@example.com", language_unique_id=ENGLISH) for n in range(2)],
    *[
        respondent(email=f"shopper{n}@example.com", campaign_UniqueID=TOUCHPOINT_WEBSHOP)
        for n in range(2)
    ],
]
BAD = [
    respondent(email="klant(at)example.com"),
    respondent(first_name="No address"),
    respondent(email="alien@example.com", language="Klingon"),
    respondent(email="duits@example.com", language="de"),  # no German survey: 400
    respondent(email="lost@example.com", campaign_UniqueID=UNKNOWN_TOUCHPOINT),  # 400
]
SENT_FIELDS = ("email", "Email", "first_name", "language", "language_unique_id")


def respondent_messages() -> list[Message]:
    """Good and bad records mixed, a person twice, and states between them."""
    return [
        schema("respondents", *SENT_FIELDS, "campaign_UniqueID"),
        *GOOD[:8],
        *BAD[:3],
        state(crm=1),
        GOOD[0],  # the same person again in the run
        *GOOD[8:],
        *BAD[3:],
        state(crm=2),
    ]


def added_respondents(tmp_path: Path) -> list[tuple[str, str, str]]:
    return t.cast(
        "list[tuple[str, str, str]]",
        query(
            tmp_path,
            "SELECT touchpoint_guid, email, language_guid FROM hellocustomer_respondents"
            " WHERE added_by = 'respondent/addmultipletocache'",
        ),
    )


def test_good_respondents_arrive_once_bad_ones_are_dead_lettered_and_a_rerun_adds_nobody(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    config = config_for(sandbox)

    first = run_target_process("target_hellocustomer", config, respondent_messages(), tmp_path)

    assert first.returncode == 0, first.stderr[-3000:]
    added = added_respondents(tmp_path)
    assert len(added) == len(GOOD)
    assert len(set(added)) == len(GOOD)
    emails = {email: (touchpoint, language) for touchpoint, email, language in added}
    assert emails["klant0@example.com"] == (
        TOUCHPOINT_STORE_VISIT,
        "1b5c1275-4f92-422f-b1fc-799bf8e30598",
    )
    assert emails["client3@example.com"][1] == "901af5bc-06cb-4de0-b523-135ecfdc882a"
    assert emails["guest1@example.com"][1] == ENGLISH.lower()
    assert emails["shopper1@example.com"][0] == TOUCHPOINT_WEBSHOP
    assert first.states == [{"bookmarks": {"crm": 1}}, {"bookmarks": {"crm": 2}}]
    assert "Stream 'respondents': 22 accepted, 1 already present, 5 rejected" in first.stderr
    dead = first.dead_letters
    assert sorted(map(str, (line["record"] for line in dead))) == sorted(
        map(str, (message["record"] for message in BAD))
    )
    reasons = {line["record"].get("email"): (line["status"], line["reason"]) for line in dead}
    assert reasons["duits@example.com"][0] == 400
    assert "The LanguageUniqueId is not part of this touchpoint" in reasons["duits@example.com"][1]
    assert reasons["lost@example.com"] == (
        400,
        f"Hello Customer answered HTTP 400: Touchpoint with ID: {UNKNOWN_TOUCHPOINT} not found"
        f" to POST /hellocustomer/V1.0/EN/campaign/{UNKNOWN_TOUCHPOINT}/respondent/addmultipletocache",
    )
    assert reasons["klant(at)example.com"] == (None, "email: must be a valid email")
    assert not any(line["uncertain"] for line in dead)
    # Three batches of ten records read: one call each, but the last one's Store visit
    # call holds a German respondent and is split by language (three calls), and its
    # webshop and unknown touchpoint respondents have a call each.
    calls_of_first_run = stats(sandbox)["calls"]
    assert calls_of_first_run == 8

    second = run_target_process("target_hellocustomer", config, respondent_messages(), tmp_path)

    assert second.returncode == 0, second.stderr[-3000:]
    assert len(added_respondents(tmp_path)) == len(GOOD)
    assert "Stream 'respondents': 0 accepted, 23 already present, 5 rejected" in second.stderr
    assert len(second.dead_letters) == 2 * len(BAD)  # appended to the first run's lines
    # Only the two records the API refused were asked about again.
    assert stats(sandbox) == {"calls": calls_of_first_run + 2, "rate_limited": 0}
    for run in (first, second):
        assert HELLOCUSTOMER_TOKEN not in run.stdout + run.stderr
    assert HELLOCUSTOMER_TOKEN not in first.dead_letter_path.read_text()
    assert (
        HELLOCUSTOMER_TOKEN.encode() not in (tmp_path / "hellocustomer-ledger.sqlite").read_bytes()
    )


#: An address the target's own check lets through and the platform refuses.
REFUSED_BY_THE_PLATFORM = respondent(
    email="two..dots@example.com", first_name="Only the API says no"
)


@BOTH_READINGS
def test_respondents_arrive_once_and_bad_ones_are_dead_lettered_under_both_readings(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    # The platform's refusal falls in a call with good respondents of the same language.
    messages = respondent_messages()
    messages.insert(1, REFUSED_BY_THE_PLATFORM)
    config = config_for(sandbox)

    first = run_target_process("target_hellocustomer", config, messages, tmp_path)
    second = run_target_process("target_hellocustomer", config, messages, tmp_path)

    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    added = added_respondents(tmp_path)
    assert len(added) == len(set(added)) == len(GOOD)  # none lost, none twice
    assert "Stream 'respondents': 22 accepted, 1 already present, 6 rejected" in first.stderr
    assert "Stream 'respondents': 0 accepted, 23 already present, 6 rejected" in second.stderr
    dead = first.dead_letters[: len(BAD) + 1]  # the first run's lines
    expected = [*BAD, REFUSED_BY_THE_PLATFORM]
    assert sorted(map(str, (line["record"] for line in dead))) == sorted(
        map(str, (message["record"] for message in expected))
    )
    [platform] = [line for line in dead if line["record"].get("email") == "two..dots@example.com"]
    assert "email" in platform["reason"]
    assert "The respondent email two..dots@example.com is invalid" in platform["reason"]
    assert not any(line["uncertain"] for line in dead)
    assert stats(sandbox)["rate_limited"] == 0


def questions(tmp_path: Path, language: str) -> dict[int, str]:
    """The Store visit survey's question GUIDs in one language, by sort order."""
    rows = query(
        tmp_path,
        "SELECT q.sort_order, q.guid FROM hellocustomer_questions q"
        " JOIN hellocustomer_surveys s ON q.survey_guid = s.guid"
        " WHERE s.touchpoint_guid = ? AND s.language_guid = ?",
        TOUCHPOINT_STORE_VISIT,
        language,
    )
    return dict(rows)


@BOTH_READINGS
def test_answers_pushed_are_read_back_once_by_tap_hellocustomer(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    started = dt.datetime.now(tz=dt.timezone.utc) - dt.timedelta(minutes=1)
    asked = questions(tmp_path, ENGLISH.lower())

    def survey(email: str, **answers: t.Any) -> Message:
        return record(
            "answers",
            company_unique_id=COMPANY,
            language="en",
            respondent={"email": email, "first_name": "Jef"},
            metadata={"store": "Brugge"},
            answers=[
                {"QuestionItemUniqueID": asked[int(n)], **value} for n, value in answers.items()
            ],
        )

    good = [
        survey("jef0@example.com", **{"1": {"Score": 6}, "3": {"Score": 9}}),
        survey("jef1@example.com", **{"2": {"Text": "Friendly staff"}, "4": {"Boolean": True}}),
        survey("jef2@example.com", **{"5": {"Options": ["Price", "Staff"]}}),
    ]
    bad = [
        survey("jef3@example.com", **{"1": {"Score": 9}}),  # effort scores go to 7: 400
        survey("jef4@example.com", **{"3": {"Text": "A score was asked"}}),  # 400
    ]
    messages = [
        schema("answers", "company_unique_id", "language", "respondent", "metadata", "answers"),
        *good,
        *bad,
        good[0],  # the same survey again: added once
        state(crm=1),
    ]

    pushed = run_target_process("target_hellocustomer", config_for(sandbox), messages, tmp_path)

    assert pushed.returncode == 0, pushed.stderr[-3000:]
    assert "Stream 'answers': 3 accepted, 1 already present, 2 rejected" in pushed.stderr
    assert [line["record"] for line in pushed.dead_letters] == [m["record"] for m in bad]
    assert {line["reason"].split(" to POST")[0] for line in pushed.dead_letters} == {
        "Hello Customer answered HTTP 400: The JSON model is not correct"
    }
    again = run_target_process("target_hellocustomer", config_for(sandbox), messages, tmp_path)
    assert "Stream 'answers': 0 accepted, 4 already present, 2 rejected" in again.stderr
    read = run_tap_process(
        "tap_hellocustomer",
        {
            "api_token": HELLOCUSTOMER_TOKEN,
            "api_url": sandbox.base_url("hellocustomer"),
            "campaign_ids": [TOUCHPOINT_STORE_VISIT],
            "start_date": started.isoformat(),
            "min_request_interval": INTERVAL,
        },
        tmp_path,
    )
    ours = [r for r in read.output.records("responses") if r["email"].startswith("jef")]
    assert sorted(r["email"] for r in ours) == [f"jef{n}@example.com" for n in range(3)]
    assert all(r["keyValues"] == {"store": "Brugge"} for r in ours)
    rows = {
        (row["response_id"], row["question_SortOrder"]): row
        for row in read.output.records("response_answers")
    }
    jef0 = next(r["uniqueID"] for r in ours if r["email"] == "jef0@example.com")
    assert rows[jef0, 3]["answer_Value"] == 9
    assert stats(sandbox)["rate_limited"] == 0
