"""A CRM's contacts in a real PostgreSQL, read by meltanolabs-tap-postgres and pushed by target-buenno.

`meltano run crm-to-buenno` as meltano.yml defines it: the contacts table renamed to
Buenno's invitations by the stream maps of target-buenno--crm, against the sandbox.
"""

from __future__ import annotations

import json
import sqlite3
import time
import typing as t
from contextlib import closing

from survey_sandbox import SandboxServer
from tests.e2e.conftest import clean_env, run_meltano

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.conftest import Postgres

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


def new_invitations(sandbox_db: Path, since: int) -> list[tuple[t.Any, ...]]:
    """Invitations created through the API since ``since`` (the seeded ones are older)."""
    with closing(sqlite3.connect(sandbox_db)) as db:
        return db.execute(
            "SELECT pf_external_id, email, phone, first_name, last_name, preferred_language,"
            " form_id FROM buenno_invitations WHERE created_at >= ? ORDER BY pf_external_id",
            (since,),
        ).fetchall()


def test_crm_contacts_become_buenno_invitations_once(
    postgres: Postgres, meltano_installed: None, tmp_path: Path
) -> None:
    postgres.psql(CONTACTS_TABLE)
    started = int(time.time()) - 1
    dead_letter = tmp_path / "dead-letter.jsonl"
    with SandboxServer(tmp_path / "sandbox.db", size=5) as sandbox:
        env = clean_env(
            MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
            TAP_POSTGRES_HOST=postgres.host,
            TAP_POSTGRES_PORT=str(postgres.port),
            TAP_POSTGRES_USER=postgres.user,
            TAP_POSTGRES_PASSWORD=postgres.password,
            TAP_POSTGRES_DATABASE="postgres",
            TARGET_BUENNO_API_URL=sandbox.base_url("buenno"),
            TARGET_BUENNO_FORM_ID=str(FORM),
            TARGET_BUENNO_DEAD_LETTER_PATH=str(dead_letter),
        )
        first = run_meltano("run", "crm-to-buenno", env=env)
        after_first = new_invitations(tmp_path / "sandbox.db", started)
        rejected = [json.loads(line) for line in dead_letter.read_text().splitlines()]
        second = run_meltano("run", "crm-to-buenno", env=env)
        after_second = new_invitations(tmp_path / "sandbox.db", started)

    assert after_first == [
        ("1", "aino.virtanen@example.com", None, "Aino", "Virtanen", "fi", FORM),
        ("2", None, "00358401234567", "Eero", "Mäkinen", "fi", FORM),
        ("3", "mia.berg@example.com", "0046701234567", "Mia", "Berg", "sv", FORM),
    ]
    assert "Stream 'invitations': 3 accepted, 0 already present, 1 rejected" in first.stderr
    assert [entry["record"]["email"] for entry in rejected] == ["not-an-address"]
    assert rejected[0]["reason"].startswith("email")
    # The whole table again (tap-postgres reads it in full): Buenno refuses the repeats.
    assert after_second == after_first
    assert "Stream 'invitations': 0 accepted, 3 already present, 1 rejected" in second.stderr
