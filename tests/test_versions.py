"""Every connector names the distribution's version, so users can tell which one they run."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import readme_settings

BIN = Path(sys.executable).parent
VERSION = importlib.metadata.version(readme_settings.DISTRIBUTION)


@pytest.mark.parametrize("name", sorted(readme_settings.connector_commands()))
def test_about_names_the_distributions_version(name: str) -> None:
    about = subprocess.run(
        [str(BIN / name), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    version = subprocess.run(
        [str(BIN / name), "--version"], capture_output=True, text=True, check=True, timeout=60
    )

    assert json.loads(about.stdout)["version"] == VERSION
    assert f"{name} v{VERSION}," in version.stdout
