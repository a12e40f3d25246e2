"""Build the distribution's wheel offline, from a copy of the checkout.

setuptools writes ``build/`` and ``*.egg-info`` beside the sources it builds; built in
place, the tests would leave them in the checkout. The copy holds the files git knows
of (tracked, or new and not ignored), which is what a fresh clone with the change would
hold.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_files() -> list[Path]:
    """The checkout's files that git tracks or would add, relative to its root."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [Path(name) for name in listed.split("\0") if name and (ROOT / name).is_file()]


def build_wheel(out: Path) -> Path:
    """Build the wheel into ``out`` from a copy of the sources made beside it; return it."""
    source = out.parent / f"{out.name}-source"
    for name in source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
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
