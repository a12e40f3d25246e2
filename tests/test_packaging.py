"""A non-editable install works from any directory: schemas travel inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.wheel import build_wheel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_ships_every_schema_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (ROOT / "schemas").glob("*/*.json"):
        assert f"survey_schemas/{schema.parent.name}/{schema.name}" in names


def test_installed_wheel_discovers_streams_from_another_directory(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = elsewhere / "config.json"
    config.write_text(json.dumps({"api_token": "x", "api_url": "http://127.0.0.1:9/api"}))
    probe = (
        "import survey_schemas, sys; from tap_buenno.tap import TapBuenno;"
        "print(survey_schemas.__file__, file=sys.stderr); TapBuenno.cli()"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe, "--config", str(config), "--discover"],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
        check=True,
        capture_output=True,
        text=True,
    )

    assert str(site) in result.stderr  # the installed copy, not the checkout
    streams = {s["tap_stream_id"]: s for s in json.loads(result.stdout)["streams"]}
    assert set(streams) == {"forms", "invitations", "replies", "reply_answers"}
    assert "answers" in streams["replies"]["schema"]["properties"]
