"""Fixtures and options shared by every test layer."""

from __future__ import annotations

import pytest

from survey_common.push.client import PushClient
from survey_common.tap.stream import SurveyAPIStream


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--long``: deeper resilience runs (more kill points, more generated examples)."""
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="run the resilience tests with many more kill points and generated examples",
    )


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> bool:
    """Whether ``--long`` was given: tests sample a few cases by default, many with it."""
    return bool(request.config.getoption("--long"))


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the retry policy but shrink its waits so failure tests run in milliseconds."""
    monkeypatch.setattr(SurveyAPIStream, "backoff_base_wait", 0.001)
    monkeypatch.setattr(PushClient, "backoff_base_wait", 0.001)
