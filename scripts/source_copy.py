"""Copy the checkout's sources, to build the distribution without writing into the checkout.

setuptools writes ``build/`` and ``*.egg-info`` beside the sources it builds; built in
place, a test or a benchmark would leave them in the checkout. The copy holds the files
git knows of (tracked, or new and not ignored), which is what a fresh clone with the
change would hold.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_files() -> list[Path]:
    """The checkout's files that git tracks or would add, relative to its root."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [Path(name) for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_sources(destination: Path) -> Path:
    """Copy the checkout's sources into ``destination`` (made if missing); return it."""
    for name in source_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination / name)
    return destination
