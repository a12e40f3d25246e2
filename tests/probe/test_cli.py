"""survey-probe's command: one line per finding, clean failures, no secret in any line."""

from __future__ import annotations

import json
import typing as t

import pytest

from survey_common.readings import ReadingPoint
from survey_probe import cli
from survey_probe.finding import Finding, ProbeClient, ProbeFailedError
from survey_sandbox.server import SandboxServer
from tests.helpers.secret_scan import SANDBOX_TOKENS, assert_no_secrets

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

WRONG_TOKEN = "wrong-token-0123456789"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    db = tmp_path_factory.mktemp("probe-cli") / "sandbox.db"
    with SandboxServer(db, size=1, hellocustomer_min_interval=0) as server:
        yield server


def point(key: str) -> ReadingPoint:
    return ReadingPoint(key, "buenno", key, "quote", "ours", "other", "connector", ("t",))


def test_findings_are_printed_and_the_rest_named_unsettled(monkeypatch: pytest.MonkeyPatch):
    register = (point("buenno.a"), point("buenno.b"), point("buenno.c"))

    def one_finding(config: Mapping[str, t.Any]) -> Iterator[Finding]:
        yield Finding("buenno.b", "other", "asked 1000, the API answered 500")

    monkeypatch.setattr(cli, "REGISTER", register)
    monkeypatch.setitem(cli.PROBES, "buenno", one_finding)
    lines: list[str] = []

    assert cli.run("buenno", {"api_token": "x"}, lines.append) == 0

    assert lines == [
        "buenno.b: other (asked 1000, the API answered 500)",
        "not settled by a read-only call: buenno.a, buenno.c",
    ]


def test_a_refused_token_ends_the_probe_with_one_line_and_exit_1(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
):
    def token_info(config: Mapping[str, t.Any]) -> Iterator[Finding]:
        client = ProbeClient(
            "Buenno",
            str(config["api_url"]),
            headers={"api-auth-token": str(config["api_token"])},
            secrets=(str(config["api_token"]),),
        )
        client.call("GET", "/token-info")
        yield from ()

    monkeypatch.setitem(cli.PROBES, "buenno", token_info)
    lines: list[str] = []
    config = {"api_url": sandbox.base_url("buenno"), "api_token": WRONG_TOKEN}

    assert cli.run("buenno", config, lines.append) == 1

    assert lines == [
        "survey-probe: Buenno rejected the API token (HTTP 401 to GET /buenno/api/v01/token-info):"
        " check the api_token setting."
    ]
    assert_no_secrets({"probe output": "\n".join(lines)}, [*SANDBOX_TOKENS, WRONG_TOKEN])


def test_an_unreachable_host_names_the_call_not_the_url(sandbox: SandboxServer) -> None:
    client = ProbeClient("Buenno", "http://127.0.0.1:9/api", timeout=2)
    with pytest.raises(ProbeFailedError, match=r"^GET /token-info failed: ConnectionError"):
        client.call("GET", "/token-info", params={"secret": "q"})
    assert client.calls == 1


def test_the_command_refuses_a_settings_file_without_a_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = tmp_path / "config.json"
    settings.write_text(json.dumps({"api_url": "http://127.0.0.1:1"}))

    assert cli.main(["buenno", "--config", str(settings)]) == 1

    assert capsys.readouterr().err == "survey-probe: the settings file needs a string api_token\n"


def test_the_command_names_an_unreadable_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = tmp_path / "config.json"
    settings.write_text("{not json")

    assert cli.main(["buenno", "--config", str(settings)]) == 1

    assert capsys.readouterr().err.startswith(
        f"survey-probe: cannot read the settings file {settings}:"
    )
