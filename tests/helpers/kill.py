"""Run a connector as a process and kill it with SIGKILL part-way, as a crash or OOM kill would.

A kill gives the process no chance to flush, close or write a last STATE: what it had
written to stdout by then is all that Meltano would have saved. These runners return
exactly that, so a test can rerun the connector from it and check that nothing is lost
or pushed twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

#: Longest a run may take before the test gives up on it.
TIMEOUT_SECONDS = 120


@dataclass
class KilledRun:
    """What a run wrote before it ended or was killed, and how it ended."""

    lines: list[str]
    stderr: str
    returncode: int
    killed: bool

    @property
    def messages(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.lines if line.strip()]


def _env(prefix: str) -> dict[str, str]:
    """The test's environment without the connector's own settings, logging at DEBUG."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(prefix)}
    env["LOGLEVEL"] = "DEBUG"
    return env


def _stderr(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def run_tap_killed_after(
    module: str,
    config: dict[str, t.Any],
    folder: Path,
    state: dict[str, t.Any] | None,
    lines: int | None,
) -> KilledRun:
    """Run a tap; kill it as soon as it has written ``lines`` lines (never when None).

    Returns the lines read up to the kill: the ones a reader had received.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    args = [sys.executable, "-m", module, "--config", str(folder / "config.json")]
    if state is not None:
        (folder / "state.json").write_text(json.dumps(state))
        args += ["--state", str(folder / "state.json")]
    stderr_path = folder / "stderr.log"
    read: list[str] = []
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=stderr, env=_env("TAP_"), text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            read.append(line)
            if lines is not None and len(read) >= lines:
                process.send_signal(signal.SIGKILL)
                break
        process.stdout.close()
        returncode = process.wait(timeout=TIMEOUT_SECONDS)
    # A tap that had finished when the signal came was not killed.
    return KilledRun(read, _stderr(stderr_path), returncode, returncode == -signal.SIGKILL)


def run_target_killed_when(
    module: str,
    config: dict[str, t.Any],
    input_lines: list[str],
    folder: Path,
    *,
    name: str,
    kill_when: Callable[[], bool] | None,
) -> KilledRun:
    """Run a target over ``input_lines``; kill it once ``kill_when()`` holds (never when None).

    ``kill_when`` is asked every millisecond, typically about the requests a sandbox has
    received. The working directory is ``folder``, the same for every run of a pipeline
    as Meltano's project folder is; the run's own files are named after ``name``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config_path, input_path = folder / f"{name}.config.json", folder / f"{name}.input.jsonl"
    config_path.write_text(json.dumps(config))
    input_path.write_text("".join(input_lines), encoding="utf-8")
    args = [sys.executable, "-m", module, "--config", str(config_path)]
    stdout_path, stderr_path = folder / f"{name}.stdout.jsonl", folder / f"{name}.stderr.log"
    with (
        input_path.open("rb") as stdin,
        stdout_path.open("wb") as stdout,
        stderr_path.open("wb") as stderr,
    ):
        # umask 000: the files a killed target leaves must be owner-only all the same.
        process = subprocess.Popen(
            args,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            env=_env("TARGET_"),
            cwd=folder,
            umask=0,
        )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            if kill_when is not None and kill_when():
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
        returncode = process.wait(timeout=TIMEOUT_SECONDS)
    lines = stdout_path.read_text(encoding="utf-8").splitlines(keepends=True)
    return KilledRun(lines, _stderr(stderr_path), returncode, returncode == -signal.SIGKILL)
