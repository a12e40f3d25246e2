"""EnvironmentOnceSession: the environment's proxies still apply, read once per origin."""

from __future__ import annotations

import typing as t

import pytest
import requests
from requests.adapters import HTTPAdapter
from typing_extensions import override

from survey_common.http.session import EnvironmentOnceSession


class ProxiesSeen(HTTPAdapter):
    """Answers every request with 200, noting the proxies it was told to go through."""

    def __init__(self) -> None:
        super().__init__()
        self.proxies: list[dict[str, str]] = []

    @override
    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: t.Any = None,
        verify: bool | str = True,
        cert: t.Any = None,
        proxies: t.Mapping[str, str] | None = None,
    ) -> requests.Response:
        self.proxies.append(dict(proxies or {}))
        response = requests.Response()
        response.status_code = 200
        response.request = request
        return response


def session_seeing_proxies() -> tuple[EnvironmentOnceSession, ProxiesSeen]:
    session = EnvironmentOnceSession()
    adapter = ProxiesSeen()
    session.mount("http://", adapter)
    return session, adapter


def get(session: requests.Session, url: str) -> None:
    session.send(session.prepare_request(requests.Request("GET", url)))


@pytest.fixture(autouse=True)
def no_proxies_but_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_the_environments_proxy_and_its_exceptions_apply_as_requests_applies_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "inside.example")
    session, adapter = session_seeing_proxies()

    get(session, "http://api.example/v1/customers")
    get(session, "http://inside.example/v1/customers")

    assert adapter.proxies[0]["http"] == "http://proxy.example:3128"
    assert "http" not in adapter.proxies[1]


def test_an_origins_proxies_are_read_once_and_the_sessions_own_proxies_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    session, adapter = session_seeing_proxies()
    get(session, "http://api.example/v1/customers?page=0")

    monkeypatch.setenv("HTTP_PROXY", "http://elsewhere.example:8080")
    get(session, "http://api.example/v1/customers?page=1")
    session.proxies = {"http": "http://chosen.example:1"}
    get(session, "http://api.example/v1/customers?page=2")

    assert [seen["http"] for seen in adapter.proxies] == [
        "http://proxy.example:3128",
        "http://proxy.example:3128",
        "http://chosen.example:1",
    ]
