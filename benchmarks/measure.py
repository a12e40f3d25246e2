"""Run a command and report its own peak RSS, unpolluted by the benchmark runner's memory.

The runner holds a large seeded sandbox; a process forked from it counts that memory in
its peak RSS until it executes the tap. Forked from this small process instead, the tap's
figure is its own. The peak (``ru_maxrss``, kilobytes) goes to the file named first.

Usage: ``python -m benchmarks.measure RSS_FILE COMMAND...``
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the command, write its peak RSS in kilobytes, exit with its status."""
    rss_file, *command = argv
    process = subprocess.Popen(command)  # noqa: S603 - the runner's own entry points
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    Path(rss_file).write_text(str(usage.ru_maxrss))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
