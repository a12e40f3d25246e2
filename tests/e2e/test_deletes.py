"""FeedbackAPI into PostgreSQL with `meltano run`: deletes and changes arrive after one run.

Customers carry no change time, so tap-feedbackapi reads them whole every run and
announces the complete set with ACTIVATE_VERSION; MeltanoLabs target-postgres then marks
the rows no longer listed with ``_sdc_deleted_at``. Between two runs of
``meltano run tap-feedbackapi target-postgres`` one customer is deleted in the sandbox and
another opts out: after the second run PostgreSQL holds both facts.
"""

from __future__ import annotations

import sqlite3
import typing as t
from contextlib import closing

import pytest
import requests

from survey_sandbox import SandboxServer
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from tests.helpers.meltano import clean_env, run_meltano

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.helpers.meltano import Postgres

SCHEMA = "feedbackapi_deletes"


@pytest.fixture(scope="module")
def plugins_installed() -> None:
    """Only the two plugins this pipeline runs, from this checkout and PyPI."""
    run_meltano("install", "extractor", "tap-feedbackapi", env=clean_env(), timeout=1200)
    run_meltano("install", "loader", "target-postgres", env=clean_env(), timeout=1200)


def customers_in_postgres(postgres: Postgres) -> dict[str, tuple[bool, bool]]:
    """Each customer row's id: whether it is marked deleted, and its opt_out."""
    rows = postgres.psql(
        f"SELECT id, _sdc_deleted_at IS NOT NULL, opt_out FROM {SCHEMA}.customers"  # noqa: S608 - fixed name
    )
    return {
        line.split("|")[0]: (line.split("|")[1] == "t", line.split("|")[2] == "t")
        for line in rows.splitlines()
        if line
    }


def listed_customers(sandbox_db: Path) -> set[str]:
    """The customers the sandbox lists now (deleted ones are not)."""
    with closing(sqlite3.connect(sandbox_db)) as db:
        return {
            row[0] for row in db.execute("SELECT id FROM feedbackapi_customers WHERE deleted = 0")
        }


def test_a_deleted_customer_is_marked_and_an_opt_out_arrives_after_one_run(
    postgres: Postgres, plugins_installed: None, tmp_path: Path
) -> None:
    with SandboxServer(tmp_path / "sandbox.db", size=5) as sandbox:
        api = sandbox.base_url("feedbackapi")
        env = clean_env(
            MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
            TAP_FEEDBACKAPI_API_URL=api,
            TARGET_POSTGRES_HOST=postgres.host,
            TARGET_POSTGRES_PORT=str(postgres.port),
            TARGET_POSTGRES_USER=postgres.user,
            TARGET_POSTGRES_PASSWORD=postgres.password,
            TARGET_POSTGRES_DATABASE="postgres",
            TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA=SCHEMA,
        )
        run_meltano("run", "tap-feedbackapi", "target-postgres", env=env)
        first = customers_in_postgres(postgres)
        listed = listed_customers(tmp_path / "sandbox.db")
        deleted, opted_out = sorted(customer for customer, (_, out) in first.items() if not out)[:2]
        requests.delete(
            f"{api}/customers/{deleted}", auth=(FEEDBACKAPI_TOKEN, ""), timeout=10
        ).raise_for_status()
        requests.post(
            f"{api}/customers/{opted_out}",
            auth=(FEEDBACKAPI_TOKEN, ""),
            json={"opt_out": True},
            timeout=10,
        ).raise_for_status()
        run_meltano("run", "tap-feedbackapi", "target-postgres", env=env)
        second = customers_in_postgres(postgres)
        still_listed = listed_customers(tmp_path / "sandbox.db")

    assert set(first) == listed
    assert not any(marked for marked, _ in first.values())
    assert still_listed == listed - {deleted}
    assert set(second) == listed  # the deleted customer's row is kept, marked
    assert {customer for customer, (marked, _) in second.items() if marked} == {deleted}
    assert second[opted_out] == (False, True)
