"""A CRM's contacts in a real PostgreSQL, read by meltanolabs-tap-postgres and pushed.

The jobs `crm-to-buenno` and `crm-to-feedbackapi` as meltano.yml defines them: the
contacts table renamed to Buenno's invitations and FeedbackAPI's customers by the stream
maps of target-buenno--crm and target-feedbackapi--crm, against the sandbox.
"""

from __future__ import annotations

import json
import sqlite3
import time
import typing as t
from contextlib import closing

import pytest

from survey_sandbox import SandboxServer
from tests.helpers.meltano import clean_env, run_meltano

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.helpers.meltano import Postgres

FORM = 2  # active, and not the token's default form
CONTACTS_TABLE = """
CREATE TABLE public.contacts (
    contact_id integer PRIMARY KEY,
    email text,
    phone text,
    first_name text,
    last_name text,
    language text
);
INSERT INTO public.contacts VALUES
    (1, 'aino.virtanen@example.com', NULL, 'Aino', 'Virtanen', 'fi'),
    (2, NULL, '+358 40 123 4567', 'Eero', 'Mäkinen', 'fi'),
    (3, 'mia.berg@example.com', '+46 70 123 45 67', 'Mia', 'Berg', 'sv'),
    (4, 'not-an-address', NULL, 'Bad', 'Address', 'en');
"""


def new_rows(sandbox_db: Path, query: str, since: int) -> list[tuple[t.Any, ...]]:
    """Rows the query finds created since ``since`` (the seeded ones are older)."""
    with closing(sqlite3.connect(sandbox_db)) as db:
        return db.execute(query, (since,)).fetchall()


def new_invitations(sandbox_db: Path, since: int) -> list[tuple[t.Any, ...]]:
    return new_rows(
        sandbox_db,
        "SELECT pf_external_id, email, phone, first_name, last_name, preferred_language,"
        " form_id FROM buenno_invitations WHERE created_at >= ? ORDER BY pf_external_id",
        since,
    )


def new_customers(sandbox_db: Path, since: int) -> list[tuple[t.Any, ...]]:
    return new_rows(
        sandbox_db,
        "SELECT email, mobile_number, fname, sname FROM feedbackapi_customers"
        " WHERE created >= ? ORDER BY fname",
        since,
    )


def rejected(dead_letter: Path) -> list[str]:
    """The email of each record in the dead-letter file."""
    return [json.loads(line)["record"]["email"] for line in dead_letter.read_text().splitlines()]


@pytest.fixture
def crm(postgres: Postgres) -> Iterator[Postgres]:
    """The CRM's contacts table, dropped afterwards."""
    postgres.psql(CONTACTS_TABLE)
    yield postgres
    postgres.psql("DROP TABLE public.contacts")


def crm_env(crm: Postgres, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Meltano's environment for reading the CRM, with the test's own system database."""
    return clean_env(
        MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
        TAP_POSTGRES_HOST=crm.host,
        TAP_POSTGRES_PORT=str(crm.port),
        TAP_POSTGRES_USER=crm.user,
        TAP_POSTGRES_PASSWORD=crm.password,
        TAP_POSTGRES_DATABASE="postgres",
        **extra,
    )


def test_crm_contacts_become_buenno_invitations_once(
    crm: Postgres, meltano_installed: None, tmp_path: Path
) -> None:
    started = int(time.time()) - 1
    dead_letter = tmp_path / "dead-letter.jsonl"
    with SandboxServer(tmp_path / "sandbox.db", size=5) as sandbox:
        env = crm_env(
            crm,
            tmp_path,
            TARGET_BUENNO_API_URL=sandbox.base_url("buenno"),
            TARGET_BUENNO_FORM_ID=str(FORM),
            TARGET_BUENNO_DEAD_LETTER_PATH=str(dead_letter),
            # The sandbox environment keeps them in output/ of the checkout, as the demo does.
            TARGET_BUENNO_JOURNAL_PATH=str(tmp_path / "journal.sqlite"),
            TARGET_BUENNO_LEDGER_PATH=str(tmp_path / "ledger.sqlite"),
        )
        first = run_meltano("run", "crm-to-buenno", env=env)
        after_first = new_invitations(tmp_path / "sandbox.db", started)
        rejected_first = rejected(dead_letter)
        second = run_meltano("run", "crm-to-buenno", env=env)
        after_second = new_invitations(tmp_path / "sandbox.db", started)

    assert after_first == [
        ("1", "aino.virtanen@example.com", None, "Aino", "Virtanen", "fi", FORM),
        ("2", None, "00358401234567", "Eero", "Mäkinen", "fi", FORM),
        ("3", "mia.berg@example.com", "0046701234567", "Mia", "Berg", "sv", FORM),
    ]
    assert "Stream 'invitations': 3 accepted, 0 already present, 1 rejected" in first.stderr
    assert rejected_first == ["not-an-address"]
    # The whole table again (tap-postgres reads it in full): Buenno refuses the repeats.
    assert after_second == after_first
    assert "Stream 'invitations': 0 accepted, 3 already present, 1 rejected" in second.stderr


def test_crm_contacts_become_feedbackapi_customers(
    crm: Postgres, meltano_installed: None, tmp_path: Path
) -> None:
    started = int(time.time()) - 1
    dead_letter = tmp_path / "dead-letter.jsonl"
    with SandboxServer(tmp_path / "sandbox.db", size=5) as sandbox:
        with closing(sqlite3.connect(tmp_path / "sandbox.db")) as db:
            (location,) = db.execute("SELECT min(id) FROM feedbackapi_locations").fetchone()
        env = crm_env(
            crm,
            tmp_path,
            TARGET_FEEDBACKAPI_API_URL=sandbox.base_url("feedbackapi"),
            TARGET_FEEDBACKAPI_DEFAULT_LOCATION=location,
            TARGET_FEEDBACKAPI_DEAD_LETTER_PATH=str(dead_letter),
            TARGET_FEEDBACKAPI_JOURNAL_PATH=str(tmp_path / "journal.sqlite"),
        )
        result = run_meltano("run", "crm-to-feedbackapi", env=env)
        customers = new_customers(tmp_path / "sandbox.db", started)

    assert customers == [
        ("aino.virtanen@example.com", None, "Aino", "Virtanen"),
        (None, "+358401234567", "Eero", "Mäkinen"),
        ("mia.berg@example.com", "+46701234567", "Mia", "Berg"),
    ]
    assert "Stream 'customers': 3 accepted, 0 already present, 1 rejected" in result.stderr
    assert rejected(dead_letter) == ["not-an-address"]
