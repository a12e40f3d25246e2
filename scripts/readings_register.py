"""Write ``docs/readings.md``, the register of readings, from :mod:`survey_common.readings`.

The register is data (quote, our reading, the other, what the connector does, the tests,
the probe) so that the sandbox's switches, ``survey-probe`` and this page cannot drift
apart. ``--write`` regenerates the page; ``--check`` (the default) exits 1 when it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey_common.readings import REGISTER, ReadingPoint

PAGE = Path(__file__).resolve().parent.parent / "docs" / "readings.md"
PLATFORM_TITLES = {
    "buenno": "Buenno API v01",
    "feedbackapi": "FeedbackAPI v1.3",
    "hellocustomer": "Hello Customer API V1.0",
}

INTRODUCTION = """\
# The register of readings

The three vendors' documents (`../shared/api-docs/` in the development tree) leave many
points open: page numbering, what a limit counts, whether a date bound is inclusive, which
date a filter uses. A connector written from one reading silently loses records against an
API that takes the other. This page lists every such point we found, with the document's
words, the reading the connectors were first written from and why, the other reading, what
the connector does under it, and the tests that show it.

Every point can be switched in the sandbox, one at a time or all together:

```sh
survey-sandbox --other-reading buenno.replies-page-cap      # one point
survey-sandbox --other-reading all                           # every point
```

The integration tests run every tap and target against the sandbox under both readings
and compare with its database. `survey-probe` settles the points it can against a real
account with a handful of read-only calls; please tell us what it prints.

This page is generated from `survey_common/readings/` by `make docs`; a test keeps it equal.
"""


def render_point(point: ReadingPoint) -> str:
    """Return one point's section."""
    tests = "\n".join(f"  - `{test}`" for test in point.tests)
    probe = point.probe or "Not settled by a read-only call."
    quote = "\n".join(f"> {line}" if line else ">" for line in point.quote.splitlines())
    return (
        f"### {point.title}\n\n"
        f"Switch: `{point.key}`\n\n"
        f"{quote}\n\n"
        f"- **Our reading**: {point.ours}\n"
        f"- **The other reading**: {point.other}\n"
        f"- **What the connector does**: {point.connector}\n"
        f"- **survey-probe**: {probe}\n"
        f"- **Tests**:\n{tests}\n"
    )


def render() -> str:
    """Return the whole page."""
    sections = [INTRODUCTION]
    for platform, title in PLATFORM_TITLES.items():
        points = [point for point in REGISTER if point.platform == platform]
        sections.append(f"## {title}\n")
        sections.extend(render_point(point) for point in points)
    return "\n".join(sections)


def main() -> int:
    """Write or check the page; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite docs/readings.md")
    args = parser.parse_args()
    page = render()
    if args.write:
        PAGE.parent.mkdir(exist_ok=True)
        PAGE.write_text(page, encoding="utf-8")
        return 0
    if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != page:
        print("docs/readings.md is stale: run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
