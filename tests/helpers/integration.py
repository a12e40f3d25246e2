"""Integration helpers: the sandbox token and size, a free port, a tap run as a process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import typing as t
from dataclasses import dataclass

import pytest

from tests.helpers.singer_output import SingerOutput, parse_messages

if t.TYPE_CHECKING:
    from pathlib import Path

    from survey_sandbox.server import SandboxServer

BUENNO_TOKEN = "sandbox-buenno-token"
#: Invitations and replies per form in the sandbox the integration tests read.
SANDBOX_SIZE = 300


def free_port() -> int:
    """Return a port free on 127.0.0.1 now, for servers that must be told one to start.

    Another process may take it at any moment: call it right before the server starts,
    never at import. Servers of our own bind port 0 and report what they bound instead.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: The root of ``api_url`` in configs built at collection, before their sandbox has bound
#: a port (the SDK's standard suites are). Port 1 is privileged and unused (port 0 would
#: mean 80 to urllib3), so a test that ran before :func:`point_at` fails to connect.
UNBOUND = "http://127.0.0.1:1"


def point_at(server: SandboxServer, *configs: dict[str, t.Any]) -> None:
    """Aim each config's ``api_url`` from :data:`UNBOUND` at the port ``server`` bound.

    The SDK's test runners keep the config dict they were given, so the change reaches
    every tap and target they build afterwards.
    """
    for config in configs:
        config["api_url"] = config["api_url"].replace(UNBOUND, server.url, 1)


BOTH_READINGS = pytest.mark.parametrize("sandbox", ["ours", "all"], indirect=True)
"""Runs a test against a sandbox under our reading of every register point, then the other.

The parameter is what ``survey-sandbox --other-reading`` takes: ``ours``, ``all``, or
comma-separated keys of :data:`survey_common.readings.REGISTER`.
"""


@dataclass
class TapRun:
    """What one tap process printed and how it ended."""

    output: SingerOutput
    stderr: str
    returncode: int
    stdout: str


def run_tap_process(
    module: str,
    config: dict[str, t.Any],
    tmp_path: Path,
    state: dict[str, t.Any] | None = None,
    *,
    check: bool = True,
) -> TapRun:
    """Run a tap as its own process, the way Meltano does, with logging at DEBUG."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [sys.executable, "-m", module, "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("TAP_")}
    env["LOGLEVEL"] = "DEBUG"
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"{module} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    output = parse_messages(result.stdout) if result.returncode == 0 else SingerOutput()
    return TapRun(output, result.stderr, result.returncode, result.stdout)
