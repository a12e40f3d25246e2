"""End-to-end fixtures: Meltano's plugins installed once, a throw-away PostgreSQL cluster.

These tests run the pipelines of ``meltano.yml`` with the real ``meltano`` command, as a
user does, so they need the plugins installed (``meltano install``, once per session,
into the project's ``.meltano``: a second session reuses uv's cache and takes seconds).
"""

from __future__ import annotations

import collections
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.conftest import free_port

if t.TYPE_CHECKING:
    from collections.abc import Iterator

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


@pytest.fixture(scope="session")
def meltano_installed() -> None:
    """Every plugin of meltano.yml installed, from this checkout and PyPI."""
    run_meltano("install", env=clean_env(), timeout=1200)


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


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's server programs, or None when there is none."""
    found = sorted(
        (
            path
            for path in Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/"))
            if (path / "initdb").exists()
        ),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A throw-away cluster on a free port in a temporary folder, removed afterwards.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
    user that Debian's package creates. Without the package the tests are skipped,
    except in CI, which must run them.
    """
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        reason = (
            f"PostgreSQL's server programs are not installed (no {POSTGRES_BIN_GLOB}/initdb):"
            " `apt-get install postgresql` to run the CRM tests, as .ci/run does"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    run_as: tuple[str, ...] = ()
    data_dir = Path(tempfile.mkdtemp(prefix="survey-connectors-pg-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(data_dir, account.pw_uid, account.pw_gid)
        run_as = ("runuser", "-u", "postgres", "--")
    cluster = data_dir / "cluster"
    password = secrets.token_hex(16)
    password_file = data_dir / "password"
    password_file.write_text(password)
    if run_as:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(cluster),
            "-U",
            "postgres",
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    # pg_ctl must be told a port: taken right before it starts, as late as it can be.
    port = free_port()
    options = f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(cluster), "-w"]
    subprocess.run(
        [*pg_ctl, "-l", str(data_dir / "server.log"), "-o", options, "start"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    try:
        yield Postgres("127.0.0.1", port, "postgres", password, bin_dir, run_as)
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(data_dir, ignore_errors=True)
