"""How the benchmarks run a tap, a target or the floor: as its own process, measured.

Wall time comes from the runner; peak RSS and CPU time from ``wait4`` on the very
process (:mod:`benchmarks.measure`), so the runner's own memory and work never count.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import typing as t
from pathlib import Path

from benchmarks.cases import TapCase
from survey_sandbox.server import SandboxServer


@dataclasses.dataclass
class Run:
    """What one process cost."""

    #: Wall time of the process itself, its start-up included.
    seconds: float
    peak_rss_mb: float
    #: CPU time it spent, user and system.
    cpu_seconds: float
    stdout: str

    @property
    def cpu_share(self) -> float:
        """Return the share of its wall time the process spent on a CPU."""
        return self.cpu_seconds / self.seconds


def run_process(args: list[str], *, stdin: Path | None = None, capture: bool = False) -> Run:
    """Run ``args`` to completion and measure its own wall time, CPU time and peak RSS."""
    with (
        open(stdin or os.devnull, "rb") as source,  # noqa: PTH123 - a plain binary handle
        tempfile.TemporaryFile() as stdout_file,
        tempfile.TemporaryFile() as stderr_file,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report_file = Path(scratch) / "report.json"
        measured = [sys.executable, "-m", "benchmarks.measure", str(report_file), *args]
        process = subprocess.run(  # noqa: S603 - our own entry points
            measured,
            stdin=source,
            stdout=stdout_file if capture else subprocess.DEVNULL,
            stderr=stderr_file,
            check=False,
        )
        if process.returncode != 0:
            stderr_file.seek(0)
            tail = stderr_file.read()[-3000:].decode(errors="replace")
            raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{tail}")
        stdout_file.seek(0)
        text = stdout_file.read().decode() if capture else ""
        report = json.loads(report_file.read_text())
    return Run(report["wall_seconds"], report["max_rss_kb"] / 1024, report["cpu_seconds"], text)


@dataclasses.dataclass
class Installation:
    """Where connectors and the floor are run from."""

    #: The development environment's, until ``benchmarks.runtime`` installs the package.
    bin_dir: Path = Path(sys.executable).parent


INSTALLATION = Installation()


def executable(name: str) -> str:
    """Return the console script ``name`` of the installation benchmarked."""
    return str(INSTALLATION.bin_dir / name)


class TapRunner:
    """Runs one tap case with a catalog that selects only its stream."""

    def __init__(self, case: TapCase, workdir: Path) -> None:
        """Keep the case; config and catalog are written per sandbox."""
        self.case = case
        self.workdir = workdir / case.tap
        self.workdir.mkdir(parents=True, exist_ok=True)

    def configure(self, sandbox: SandboxServer) -> None:
        """Write the config for ``sandbox`` and a catalog selecting only the stream."""
        config = {
            "api_token": self.case.token,
            "api_url": sandbox.base_url(self.case.platform),
            **self.case.settings,
        }
        self.config = self.workdir / "config.json"
        self.config.write_text(json.dumps(config))
        discovered = run_process(
            [executable(self.case.tap), "--config", str(self.config), "--discover"], capture=True
        )
        catalog = json.loads(discovered.stdout)
        for entry in catalog["streams"]:
            for metadata in entry["metadata"]:
                if metadata["breadcrumb"] == []:
                    metadata["metadata"]["selected"] = entry["tap_stream_id"] == self.case.stream
        self.catalog = self.workdir / "catalog.json"
        self.catalog.write_text(json.dumps(catalog))

    def run(self, *, state: dict[str, t.Any] | None = None, capture: bool = False) -> Run:
        """Run the tap once, from ``state`` if given."""
        args = [executable(self.case.tap), "--config", str(self.config)]
        args += ["--catalog", str(self.catalog)]
        if state is not None:
            state_file = self.workdir / "state.json"
            state_file.write_text(json.dumps(state))
            args += ["--state", str(state_file)]
        return run_process(args, capture=capture)

    def floor(self, sandbox: SandboxServer) -> Run:
        """Run the plain requests loop over the same pages."""
        return run_process(
            [
                executable("python"),
                "-m",
                "benchmarks.floor",
                self.case.platform,
                sandbox.base_url(self.case.platform),
                self.case.token,
            ]
        )


def last_state(singer_output: str) -> dict[str, t.Any]:
    """Return the value of the last STATE message a tap wrote."""
    states = [json.loads(line)["value"] for line in singer_output.splitlines() if '"STATE"' in line]
    return t.cast("dict[str, t.Any]", states[-1])


def count_records(singer_output: str) -> int:
    """Return how many RECORD messages a tap wrote."""
    return sum(1 for line in singer_output.splitlines() if '"RECORD"' in line)


def sandbox_for(workdir: Path, name: str, sizes: dict[str, int], **kwargs: t.Any) -> SandboxServer:
    """Return a sandbox with only the given platforms seeded (others get no data)."""
    all_sizes = {"buenno": 0, "feedbackapi": 0, "hellocustomer": 0, **sizes}
    return SandboxServer(workdir / f"{name}.db", platform_sizes=all_sizes, **kwargs)
