"""Personal data at rest: owner-only files, digests instead of contact details, quiet logs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import stat
import typing as t

import pytest

from survey_common.http import quiet_urls
from survey_common.http.redact import MASKED, mask_personal
from survey_common.push import deadletter_cli
from survey_common.push.journal import PushJournal
from survey_common.push.ledger import Ledger
from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.target_hellocustomer import (
    TOUCHPOINT,
    FakeHelloCustomer,
    people,
    push,
    respondent,
)
from tests.helpers.target_runner import run_target

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import requests_mock as rm


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Run the test with umask 000, under which plain ``open`` makes world-readable files."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_run_leaves_owner_only_files_even_with_a_permissive_umask(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    permissive_umask: None,
) -> None:
    FakeHelloCustomer(refused={"bad@example.com": "no"}).install(requests_mock)
    config["journal_path"] = str(tmp_path / "journal.sqlite")

    push(config, tmp_path, "respondents", *people(2), respondent(email="bad@example.com"))

    written = sorted(path.name for path in tmp_path.iterdir() if path.is_file())
    assert {"dead-letter.jsonl", "ledger.sqlite", "journal.sqlite"} <= set(written)
    assert {name: oct(mode(tmp_path / name)) for name in written} == {
        name: oct(0o600) for name in written
    }


def test_sqlite_side_files_are_owner_only_while_a_journal_is_open(
    tmp_path: Path, permissive_umask: None
) -> None:
    journal = PushJournal(tmp_path / "journal.sqlite")
    journal.sending("locations", {("Helsinki", "FI"): 1})

    sides = [tmp_path / f"journal.sqlite{suffix}" for suffix in ("-wal", "-shm")]
    assert all(side.exists() for side in sides)
    assert [mode(side) for side in sides] == [0o600, 0o600]
    journal.close()


def test_an_existing_file_readable_by_others_is_tightened_and_named(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    FakeHelloCustomer(refused={"bad@example.com": "no"}).install(requests_mock)
    dead_letter = tmp_path / "dead-letter.jsonl"
    dead_letter.write_text("")
    dead_letter.chmod(0o644)
    Ledger(tmp_path / "ledger.sqlite").close()
    (tmp_path / "ledger.sqlite").chmod(0o664)

    push(config, tmp_path, "respondents", respondent(email="bad@example.com"))

    assert mode(dead_letter) == 0o600
    assert mode(tmp_path / "ledger.sqlite") == 0o600
    assert f"{dead_letter} was readable by other users (mode 0644)" in caplog.text
    assert "ledger.sqlite was readable by other users (mode 0664)" in caplog.text


def test_the_ledger_and_journal_hold_digests_keyed_per_file_never_the_address(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    FakeHelloCustomer().install(requests_mock)
    person = (TOUCHPOINT, "email", "aino@example.com")

    push(config, tmp_path, "respondents", respondent(email="Aino@Example.com"))

    ledger_bytes = (tmp_path / "ledger.sqlite").read_bytes()
    assert b"example.com" not in ledger_bytes
    assert b"aino" not in ledger_bytes.lower()
    first, second = Ledger(tmp_path / "ledger.sqlite"), Ledger(tmp_path / "other.sqlite")
    assert person in first.keys("respondents", resend_after_days=90)
    assert first.digest(person) != second.digest(person)  # no matching across files
    first.close()
    second.close()
    journal = PushJournal(tmp_path / "journal.sqlite")
    journal.sending("respondents", {person: 1})
    journal.close()
    assert b"aino" not in (tmp_path / "journal.sqlite").read_bytes()


def old_ledger(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Write a ledger as earlier versions did: the keys as JSON text, no digest secret."""
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            "CREATE TABLE pushed (stream TEXT NOT NULL, key TEXT NOT NULL, "
            "pushed_at TEXT NOT NULL, PRIMARY KEY (stream, key))"
        )
        connection.executemany("INSERT INTO pushed VALUES (?, ?, ?)", rows)


def test_an_old_ledger_is_migrated_on_open_and_a_rerun_surveys_nobody_twice(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    yesterday = "2099-01-01T02:00:00+00:00"  # in force whatever the date of the test
    old_ledger(
        tmp_path / "ledger.sqlite",
        [
            (
                "respondents",
                json.dumps([TOUCHPOINT, "email", f"person{n}@example.com"], separators=(",", ":")),
                yesterday,
            )
            for n in range(3)
        ]
        + [("answers", f'["{TOUCHPOINT}","answers","9f2c"]', "2020-01-01T00:00:00+00:00")],
    )
    api = FakeHelloCustomer()
    api.install(requests_mock)

    push(config, tmp_path, "respondents", *people(4))

    assert api.calls == [["person3@example.com"]]  # the three of the old ledger are skipped
    assert "Stream 'respondents': 1 accepted, 3 already present, 0 rejected" in caplog.text
    assert "4 stored key(s) replaced by keyed digests" in caplog.text
    assert b"example.com" not in (tmp_path / "ledger.sqlite").read_bytes()
    ledger = Ledger(tmp_path / "ledger.sqlite")
    assert (TOUCHPOINT, "answers", "9f2c") in ledger.keys("answers", resend_after_days=None)
    ledger.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "ledger.sqlite")) as connection:
        times = connection.execute("SELECT pushed_at FROM pushed WHERE stream = 'answers'")
        assert times.fetchall() == [("2020-01-01T00:00:00+00:00",)]  # history kept


def test_forgetting_a_person_lets_them_be_surveyed_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    api = FakeHelloCustomer()
    api.install(requests_mock)
    push(config, tmp_path, "respondents", *people(2))
    ledger = Ledger(tmp_path / "ledger.sqlite")
    assert ledger.forget("respondents", (TOUCHPOINT, "email", "person1@example.com"))
    ledger.close()

    push(config, tmp_path, "respondents", *people(2))

    assert api.calls[-1] == ["person1@example.com"]


def test_urllib3_request_lines_are_logged_without_their_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_urls.install()
    caplog.set_level(logging.DEBUG, logger="urllib3")
    pool = logging.getLogger("urllib3.connectionpool")

    # urllib3's own format for a request line, and for a retried URL.
    pool.debug(
        '%s://%s:%s "%s %s %s" %s %s',
        "https",
        "api.feedbackapi.test",
        443,
        "GET",
        "/v1.3/customers?email=aino%40example.com&limit=100",
        "HTTP/1.1",
        200,
        512,
    )
    pool.warning(
        "Retrying (%r) after connection broken by '%r': %s",
        "Retry(total=2)",
        "ProtocolError()",
        "/v1.3/customers?mobile_number=%2B358401234567",
    )

    assert "aino" not in caplog.text
    assert "358401234567" not in caplog.text
    assert '"GET /v1.3/customers?[query hidden] HTTP/1.1" 200 512' in caplog.text
    assert "/v1.3/customers?[query hidden]" in caplog.messages[1]


def test_api_messages_in_the_log_have_contact_details_masked() -> None:
    record = {"email": "two..dots@example.com", "first_name": "Aino", "phone": "+358 40 123 4567"}
    message = (
        "Hello Customer answered HTTP 400: The respondent email two..dots@example.com "
        "(Aino, +358 40 123 4567, also 00358401234567) is invalid to POST /campaign/c8dc/add"
    )

    masked = mask_personal(message, [record])

    assert masked == (
        f"Hello Customer answered HTTP 400: The respondent email {MASKED} "
        f"({MASKED}, {MASKED}, also {MASKED}) is invalid to POST /campaign/c8dc/add"
    )


def test_a_dead_letter_file_once_fixed_is_resent_through_the_target(
    requests_mock: rm.Mocker,
    config: dict[str, t.Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api = FakeHelloCustomer(refused={"bad@example.com": "The respondent email is invalid"})
    api.install(requests_mock)
    push(config, tmp_path, "respondents", respondent(email="bad@example.com", first_name="Aino"))
    dead_letter = tmp_path / "dead-letter.jsonl"
    api.refused.clear()  # fixed at the source (here: the platform now takes it)

    assert deadletter_cli.main(["resend", str(dead_letter)]) == 0
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    dead_letter.rename(tmp_path / "fixed.jsonl")
    run_target(TargetHelloCustomer, config, messages, tmp_path)

    assert [(person["email"], person["firstName"]) for person in api.stored] == [
        ("bad@example.com", "Aino")
    ]
    assert not dead_letter.exists()  # nothing rejected the second time


def test_uncertain_records_are_resent_only_when_asked(tmp_path: Path) -> None:
    dead_letter = tmp_path / "dead-letter.jsonl"
    lines = [
        {"stream": "respondents", "record": {"email": "a@example.com"}, "uncertain": True},
        {"stream": "respondents", "record": {"email": "b@example.com"}, "uncertain": False},
    ]
    dead_letter.write_text("".join(json.dumps(line) + "\n" for line in lines))

    def emails(**options: t.Any) -> list[str]:
        messages = deadletter_cli.resend_messages(dead_letter, **options)
        return [m["record"]["email"] for m in messages if m["type"] == "RECORD"]

    assert emails() == ["b@example.com"]
    assert emails(include_uncertain=True) == ["a@example.com", "b@example.com"]


def test_prune_drops_old_lines_and_keeps_the_file_owner_only(
    tmp_path: Path, permissive_umask: None
) -> None:
    dead_letter = tmp_path / "dead-letter.jsonl"
    lines = [
        {
            "stream": "respondents",
            "record": {"email": "old@example.com"},
            "at": "2024-01-01T00:00:00+00:00",
        },
        {
            "stream": "respondents",
            "record": {"email": "new@example.com"},
            "at": "2024-03-01T00:00:00+00:00",
        },
    ]
    dead_letter.write_text("".join(json.dumps(line) + "\n" for line in lines))

    dropped = deadletter_cli.prune(
        dead_letter, older_than_days=30, now=dt.datetime(2024, 3, 2, tzinfo=dt.timezone.utc)
    )

    assert dropped == 1
    assert [
        json.loads(line)["record"]["email"] for line in dead_letter.read_text().splitlines()
    ] == ["new@example.com"]
    assert mode(dead_letter) == 0o600
