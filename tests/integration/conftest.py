"""Integration fixtures: a real survey-sandbox on 127.0.0.1 and its database."""

from __future__ import annotations

import sqlite3
import typing as t

import pytest

from survey_common.readings import readings_from_text
from survey_sandbox.server import SandboxServer
from tests.helpers.integration import SANDBOX_SIZE

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A freshly seeded sandbox per test, so tests that add data stay independent.

    Parametrized indirectly (:data:`BOTH_READINGS`), it takes the other reading of the
    register points the parameter names.
    """
    switched = getattr(request, "param", "ours")
    readings = None if switched == "ours" else readings_from_text(switched)
    with SandboxServer(
        tmp_path / "sandbox.db", seed=7, size=SANDBOX_SIZE, readings=readings
    ) as server:
        yield server


@pytest.fixture
def sandbox_db(sandbox: SandboxServer, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "sandbox.db")
    yield connection
    connection.close()
