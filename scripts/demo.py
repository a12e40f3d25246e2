"""``make demo``: the suite's real Meltano pipelines against a local sandbox, then their result.

A data engineer deciding whether to adopt the suite should see it work in minutes without
an account anywhere. This script starts ``survey-sandbox`` in the background on a free
port with seeded data, runs the Meltano job ``demo`` of ``meltano.yml`` with every
``api_url`` pointed at it (the three platforms into DuckDB, FeedbackAPI's people pushed to
Hello Customer and read back), prints what landed, and stops the sandbox whatever
happened.

Everything it writes stays in one folder, ``output/`` unless ``--output`` says otherwise
(gitignored): the DuckDB file, the sandbox's database and log, Meltano's log and system
database (with the pipelines' state), target-hellocustomer's ledger, the targets' push
journals and the dead-letter file. A second run is incremental from that state; deleting
the folder starts afresh.

Run from the project's virtual environment (``.venv/bin/python -m scripts.demo``) after
``meltano install``; ``make demo`` does both.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

from scripts.demo_summary import print_summary
from survey_sandbox.platforms import PLATFORM_CLASSES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JOB = "demo"
#: Seconds the demo's sandbox requires between two Hello Customer calls: the interval the
#: sandbox environment of meltano.yml gives tap- and target-hellocustomer.
HELLOCUSTOMER_MIN_INTERVAL = "0.05"
#: Lines of Meltano's output shown while it runs (the rest goes to the log file).
_SHOWN = ("Running job with name", "Stream '", "[error", "[warning")
_NOT_SHOWN = ("No state was found",)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.demo",
        description="Run the suite's Meltano pipelines against a local survey-sandbox.",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "output",
        help="folder for everything the demo writes (%(default)s)",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=100,
        help="records the sandbox seeds per form, touchpoint and FeedbackAPI resource"
        " (%(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; return 0 when every pipeline succeeded."""
    args = parse_args(argv)
    output: Path = args.output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    try:
        with _sandbox(output, args.size) as url:
            print(f"survey-sandbox is serving seeded data at {url} (log: {output / 'sandbox.log'})")
            print(f"meltano run {JOB} (log: {output / 'meltano.log'})", flush=True)
            status = _run_job(_pipeline_env(url, output), output / "meltano.log")
    except SandboxError as error:
        print(f"The demo cannot start: {error}")
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted: survey-sandbox stopped.")
        return 130
    print("survey-sandbox stopped.")
    print_summary(output)
    elapsed = time.monotonic() - started
    if status != 0:
        print(f"\nThe demo failed after {elapsed:.0f} s: see {output / 'meltano.log'}.")
        return 1
    print(f"\nDone in {elapsed:.0f} s. A second `make demo` is incremental from Meltano's state.")
    return 0


class SandboxError(Exception):
    """The sandbox exited before it listened."""


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    """Treat SIGTERM as Ctrl-C, so that the sandbox is stopped on the way out."""
    raise KeyboardInterrupt


@contextmanager
def _sandbox(output: Path, size: int) -> Iterator[str]:
    """Run ``survey-sandbox`` on a free port for the duration of the block; yield its URL.

    Raises:
        SandboxError: When the sandbox exits before it listens.
    """
    log_path = output / "sandbox.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            [
                str(BIN / "survey-sandbox"),
                "--port",
                "0",
                "--db",
                str(output / "sandbox.db"),
                "--size",
                str(size),
                "--hellocustomer-min-interval",
                HELLOCUSTOMER_MIN_INTERVAL,
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None  # noqa: S101 - Popen was given stdout=PIPE
            line = process.stdout.readline()
            if not line.startswith("survey-sandbox listening on "):
                raise SandboxError(f"survey-sandbox did not start; see {log_path}")
            yield line.rsplit(" ", 1)[1].strip()
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _pipeline_env(url: str, output: Path) -> dict[str, str]:
    """Meltano's environment: the sandbox environment of meltano.yml, aimed at this sandbox.

    Variables of the caller's own Meltano and connector settings are left out, so that a
    real token in the shell never reaches the demo and the demo's state stays in
    ``output``.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MELTANO_", "TAP_", "TARGET_"))
    }
    env["MELTANO_ENVIRONMENT"] = "sandbox"
    env["MELTANO_DATABASE_URI"] = f"sqlite:///{output / 'meltano.db'}"
    for platform in PLATFORM_CLASSES:
        for kind in ("TAP", "TARGET"):
            env[f"{kind}_{platform.name.upper()}_API_URL"] = url + platform.api_root
    env["TARGET_DUCKDB_FILEPATH"] = str(output / "survey.duckdb")
    env["TARGET_HELLOCUSTOMER_LEDGER_PATH"] = str(output / "hellocustomer-ledger.sqlite")
    env["TARGET_HELLOCUSTOMER_JOURNAL_PATH"] = str(output / "hellocustomer-journal.sqlite")
    env["TARGET_FEEDBACKAPI_JOURNAL_PATH"] = str(output / "feedbackapi-journal.sqlite")
    env["TARGET_HELLOCUSTOMER_DEAD_LETTER_PATH"] = str(output / "dead-letter.jsonl")
    return env


def _run_job(env: dict[str, str], log_path: Path) -> int:
    """Run ``meltano run demo``, keeping its whole output in ``log_path``; return its status."""
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            [str(BIN / "meltano"), "run", JOB],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert process.stdout is not None  # noqa: S101 - Popen was given stdout=PIPE
            _follow(process.stdout, log)
            return process.wait()
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait()


def _follow(lines: IO[str], log: IO[str]) -> None:
    """Copy Meltano's output to the log, showing the start of each pipeline and what went wrong.

    Meltano's lines read ``TIME [LEVEL] PLUGIN MESSAGE``; a pipeline starts with
    ``Running job with name 'ENVIRONMENT:TAP-to-TARGET' ...``.
    """
    for line in lines:
        log.write(line)
        if not any(text in line for text in _SHOWN) or any(text in line for text in _NOT_SHOWN):
            continue
        plugin, _, message = line.split("] ", 1)[-1].strip().partition(" ")
        message = message.strip()
        if message.startswith(_SHOWN[0]):
            print(f"  pipeline {message.split(chr(39))[1]}", flush=True)
        else:
            print(f"    {plugin}: {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
