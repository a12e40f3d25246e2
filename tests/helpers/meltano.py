"""Running Meltano as a user does, and reading what it did: for the end-to-end tests.

``run_meltano`` runs the project's ``meltano`` in this checkout, ``clean_env`` keeps a
developer's own settings out of it, ``record_counts`` reads what a tap emitted from
Meltano's log, and ``Postgres`` is the throw-away cluster the e2e fixture starts.
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Where Debian's postgresql package puts the server programs, one folder per major version.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: A singer-sdk metric as Meltano passes it on: ``... ] <plugin> METRIC: {json}``.
METRIC_LINE = re.compile(r"\] (?P<plugin>\S+)\s+METRIC: (?P<metric>\{.*\})\s*$")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without Meltano or connector settings, plus ``extra``.

    A developer's own ``TAP_*`` variables (a real token, say) must not reach the pipelines.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MELTANO_", "TAP_", "TARGET_"))
    }
    env.update(extra)
    return env


def run_meltano(
    *args: str, env: dict[str, str], timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run the project's ``meltano`` in the project folder; fail the test with its output if it fails."""
    result = subprocess.run(
        [str(BIN / "meltano"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"meltano {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return result


def record_counts(log: str, tap: str) -> collections.Counter[str]:
    """Per stream, the records the tap says it emitted: the sum of its record_count metrics.

    singer-sdk logs the counter per stream and context, at least at the end of each; Meltano
    passes the tap's log lines on with the plugin's name.
    """
    counts: collections.Counter[str] = collections.Counter()
    for line in log.splitlines():
        match = METRIC_LINE.search(line)
        if match is None or match["plugin"] != tap:
            continue
        metric = json.loads(match["metric"])
        if metric.get("metric") == "record_count":
            counts[metric["tags"]["stream"]] += int(metric["value"])
    return counts


@dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL cluster: where it listens and how to run psql against it."""

    host: str
    port: int
    user: str
    password: str
    bin_dir: Path
    run_as: tuple[str, ...]

    def psql(self, sql: str) -> str:
        """Run SQL in the ``postgres`` database; return psql's unaligned output."""
        result = subprocess.run(
            [
                *self.run_as,
                str(self.bin_dir / "psql"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-A",
                "-t",
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={**os.environ, "PGPASSWORD": self.password},
        )
        return result.stdout

    def rows(self, sql: str) -> list[tuple[t.Any, ...]]:
        """Run a query; return its rows as tuples of JSON values, in the query's column order.

        The rows travel as one JSON document, so text holding ``|`` or line breaks is safe.
        """
        document = self.psql(f"SELECT coalesce(json_agg(to_json(q)), '[]') FROM ({sql}) q")  # noqa: S608 - the caller's query
        return [tuple(row.values()) for row in json.loads(document)]
