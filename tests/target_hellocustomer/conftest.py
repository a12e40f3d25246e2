"""Fixtures for target-hellocustomer unit tests: a mocked Hello Customer and runs of the target."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from tests.helpers.target_hellocustomer import API, TOKEN, TOUCHPOINT


@pytest.fixture
def config(tmp_path: Path) -> dict[str, t.Any]:
    """Dutch respondents to one touchpoint, no pacing, a ledger of the test's own."""
    return {
        "api_token": TOKEN,
        "api_url": API,
        "campaign_id": TOUCHPOINT,
        "default_language": "nl",
        "min_request_interval": 0,
        "ledger_path": str(tmp_path / "ledger.sqlite"),
    }
