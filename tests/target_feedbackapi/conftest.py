"""Fixtures for target-feedbackapi unit tests: a mocked FeedbackAPI and runs of the target."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.target_feedbackapi import API, TOKEN


@pytest.fixture
def config() -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": API}
