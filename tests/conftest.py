"""Fixtures shared by every test layer."""

from __future__ import annotations

import pytest

from survey_common.push_client import PushClient
from survey_common.rest import SurveyAPIStream


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the retry policy but shrink its waits so failure tests run in milliseconds."""
    monkeypatch.setattr(SurveyAPIStream, "backoff_base_wait", 0.001)
    monkeypatch.setattr(PushClient, "backoff_base_wait", 0.001)
