"""The virtualenv the benchmarks run connectors from: the package as Meltano installs it.

Meltano gives each plugin a virtualenv of its own holding the package and its runtime
dependencies, compiled. The project's development environment holds much more (the
benchmark chart's matplotlib brings numpy, which singer-sdk's joblib then imports in
every tap; editable sources are compiled at every start when bytecode is not written),
and starting a tap there cost 0.4 s of CPU against 0.25 s in its own: a tenth of a
100,000-record run, measured against the user's tap that never pays it. The floor runs
from the same virtualenv, so both start as they would for a user.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.source_copy import copy_sources


def install(workdir: Path) -> Path:
    """Install the package (runtime dependencies only) in a new virtualenv; return its bin.

    It is built from a copy of the sources as they stand, so that the build leaves
    nothing in the checkout.
    """
    source = copy_sources(workdir / "runtime-source")
    venv = workdir / "runtime-venv"
    uv = str(Path(sys.executable).with_name("uv"))
    subprocess.run(  # noqa: S603 - uv from the development environment
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
    )
    python = venv / "bin" / "python"
    subprocess.run(  # noqa: S603 - installs this project
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            str(python),
            str(source),
        ],
        check=True,
    )
    return python.parent
