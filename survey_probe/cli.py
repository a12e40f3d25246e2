"""The ``survey-probe`` command: which reading of each register point a real API takes.

``survey-probe PLATFORM --config FILE`` reads the same settings file the platform's tap
takes (``api_url``, ``api_token`` and what the checks need, such as Hello Customer's
``campaign_ids``), runs that platform's checks and prints one line per point::

    buenno.replies-page-cap: other (asked limit=1000, the API answered limit=500 ...)

then the register points it could not settle. Output holds counts, statuses and the
register's own words only: no record data, no token. Exit code 0 when every check ran,
1 with one line when a call failed (a refused token, an unreachable host).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from survey_common.readings import REGISTER
from survey_probe import buenno, feedbackapi, hellocustomer
from survey_probe.finding import Finding, ProbeFailedError

Probe = Callable[[Mapping[str, Any]], Iterable[Finding]]

PROBES: dict[str, Probe] = {
    "buenno": buenno.probe,
    "feedbackapi": feedbackapi.probe,
    "hellocustomer": hellocustomer.probe,
}
"""Each platform's checks, by the platform's name in the register."""


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(
        prog="survey-probe",
        description="Settle the readings register (docs/readings.md) against a real account"
        " with a few read-only calls. Prints which reading the API takes for each point it"
        " can settle, and how it knows; never record data or a token.",
    )
    parser.add_argument("platform", choices=sorted(PROBES), help="the platform to probe")
    parser.add_argument(
        "--config",
        required=True,
        type=Path,
        help="the tap's settings file (JSON): api_url, api_token, and for Hello Customer"
        " campaign_ids",
    )
    return parser


def report_line(finding: Finding) -> str:
    """Word one finding as the line the command prints."""
    return f"{finding.key}: {finding.reading} ({finding.evidence})"


def run(platform: str, config: Mapping[str, Any], out: Callable[[str], None]) -> int:
    """Run a platform's checks, printing each finding as it comes; return the exit code."""
    settled: set[str] = set()
    try:
        for finding in PROBES[platform](config):
            settled.add(finding.key)
            out(report_line(finding))
    except ProbeFailedError as error:
        out(f"survey-probe: {error}")
        return 1
    unsettled = [
        point.key for point in REGISTER if point.platform == platform and point.key not in settled
    ]
    if unsettled:
        out(f"not settled by a read-only call: {', '.join(unsettled)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, read the settings and run the probe."""
    args = build_parser().parse_args(argv)
    try:
        config = json.loads(args.config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(
            f"survey-probe: cannot read the settings file {args.config}: {error}", file=sys.stderr
        )
        return 1
    if not isinstance(config, dict) or not isinstance(config.get("api_token"), str):
        print("survey-probe: the settings file needs a string api_token", file=sys.stderr)
        return 1

    def out(line: str) -> None:
        print(line, flush=True)

    return run(args.platform, config, out)
