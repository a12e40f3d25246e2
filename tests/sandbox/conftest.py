"""Sandboxes for the tests: one shared read-only server and fresh ones for writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from survey_sandbox import SandboxServer
from tests.helpers.sandbox_buenno import SHARED_SIZE, BuennoClient


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A seeded sandbox shared by a module's tests, which must not change its data."""
    with SandboxServer(
        tmp_path_factory.mktemp("shared") / "sandbox.db", size=SHARED_SIZE
    ) as server:
        yield server


@pytest.fixture
def fresh_sandbox(tmp_path) -> Iterator[SandboxServer]:
    """A small sandbox of its own, for tests that create or change data."""
    with SandboxServer(tmp_path / "sandbox.db", size=20) as server:
        yield server


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """A keep-alive HTTP session, closed after the test."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def buenno(sandbox: SandboxServer, session: requests.Session) -> BuennoClient:
    """The shared sandbox's Buenno API with the first token."""
    return BuennoClient(session, sandbox.base_url("buenno"))


@pytest.fixture
def fresh_buenno(fresh_sandbox: SandboxServer, session: requests.Session) -> BuennoClient:
    """A fresh sandbox's Buenno API with the first token."""
    return BuennoClient(session, fresh_sandbox.base_url("buenno"))
