"""Run a command and report its own cost, unpolluted by the benchmark runner.

The runner holds a large seeded sandbox; a process forked from it counts that memory in
its peak RSS until it executes the tap. Forked from this small process instead, the tap's
figure is its own. Its wall time is taken here too, from just before it starts to its
end, so this launcher's own start-up does not count; its CPU time (user and system,
``ru_utime + ru_stime``) says how much of that wall time it worked rather than waited.
The three go as JSON to the file named first: ``max_rss_kb``, ``cpu_seconds`` and
``wall_seconds``.

Usage: ``python -m benchmarks.measure REPORT_FILE COMMAND...``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the command, write its peak RSS, CPU and wall time, exit with its status."""
    report_file, *command = argv
    started = time.perf_counter()
    process = subprocess.Popen(command)  # noqa: S603 - the runner's own entry points
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    report = {
        # Kilobytes on Linux.
        "max_rss_kb": usage.ru_maxrss,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "wall_seconds": wall,
    }
    Path(report_file).write_text(json.dumps(report))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
