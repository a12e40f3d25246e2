"""Fixtures for tap-feedbackapi unit tests: a mocked FeedbackAPI built from the document's examples."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.tap_feedbackapi import API, PATHS, TOKEN, envelope

if t.TYPE_CHECKING:
    import requests_mock as rm


@pytest.fixture
def config() -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": API}


@pytest.fixture
def empty_api(requests_mock: rm.Mocker) -> rm.Mocker:
    """Every list endpoint answers an empty page until a test says otherwise."""
    for path in PATHS.values():
        requests_mock.get(f"{API}{path}", json=envelope([]))
    return requests_mock
