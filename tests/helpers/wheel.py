"""Build the distribution's wheel offline, from a copy of the checkout (``scripts.source_copy``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.source_copy import copy_sources


def build_wheel(out: Path) -> Path:
    """Build the wheel into ``out`` from a copy of the sources made beside it; return it."""
    source = copy_sources(out.parent / f"{out.name}-source")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("-q", "-w", str(out), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("survey_connectors-*.whl"))
