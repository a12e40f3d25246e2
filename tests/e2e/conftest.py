"""End-to-end fixtures: Meltano's plugins installed once, a throw-away PostgreSQL cluster.

These tests run the pipelines of ``meltano.yml`` with the real ``meltano`` command, as a
user does, so they need the plugins installed (``meltano install``, once per session,
into the project's ``.meltano``: a second session reuses uv's cache and takes seconds).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import typing as t
from pathlib import Path

import pytest

from tests.helpers.integration import free_port
from tests.helpers.meltano import POSTGRES_BIN_GLOB, Postgres, clean_env, run_meltano

if t.TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def meltano_installed() -> None:
    """Every plugin of meltano.yml installed, from this checkout and PyPI."""
    run_meltano("install", env=clean_env(), timeout=1200)


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
