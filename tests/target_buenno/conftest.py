"""Fixtures for target-buenno unit tests: a mocked Buenno API and runs of the target."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from target_buenno import sinks
from tests.helpers.target_buenno import API, TOKEN


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits before looking up an invitation whose answer was lost, recorded, not slept."""
    slept: list[float] = []
    monkeypatch.setattr(sinks, "sleep", slept.append)
    return slept


@pytest.fixture
def config(tmp_path: Path) -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": API, "ledger_path": str(tmp_path / "ledger.sqlite")}
