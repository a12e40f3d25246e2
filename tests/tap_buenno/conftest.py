"""Fixtures for tap-buenno unit tests: a mocked Buenno API built from the document's examples."""

from __future__ import annotations

import typing as t

import pytest

from tests.helpers.tap_buenno import API, EMPTY_REPLIES, TOKEN, first_page_only, fixture

if t.TYPE_CHECKING:
    import requests_mock as rm


@pytest.fixture
def config() -> dict[str, t.Any]:
    return {"api_token": TOKEN, "api_url": API}


@pytest.fixture
def healthy(requests_mock: rm.Mocker) -> rm.Mocker:
    """The API answering every call with the document's examples and no replies."""
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(
        f"{API}/invitations", json=first_page_only(fixture("invitations"), "invitations")
    )
    requests_mock.get(f"{API}/replies", json=EMPTY_REPLIES)
    return requests_mock
