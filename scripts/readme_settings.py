"""Keep the generated parts of the docs pages equal to the code they describe.

Each connector has its page, ``docs/<connector>.md``, with two generated blocks:

- ``<!-- settings:NAME -->`` ... ``<!-- /settings:NAME -->``: the connector's own
  settings, from its ``--about --format=markdown``. The settings singer-sdk adds to every
  connector (stream maps, flattening, ...) are left out there and listed once, between
  ``<!-- settings:sdk -->`` markers in ``docs/meltano-project.md``, so that the same
  fourteen rows are not read six times.
- ``<!-- register:NAME -->`` ... ``<!-- /register:NAME -->``: links to the points of the
  readings register (``survey_common.readings.REGISTER``) that concern the connector.

``--write`` regenerates the blocks (``make readme``); ``--check`` (the default) exits 1
when one is stale, so a setting or a register point cannot change without its page.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.metadata
import re
import sys
import typing as t
from pathlib import Path

from click.testing import CliRunner

from survey_common.readings import REGISTER, ReadingPoint

DISTRIBUTION = "survey-connectors"
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The page whose section lists the settings singer-sdk gives every connector.
SDK_PAGE = DOCS / "meltano-project.md"
SDK_BLOCK = "sdk"


def connector_commands() -> dict[str, importlib.metadata.EntryPoint]:
    """Return the distribution's tap and target console scripts by name."""
    entry_points = importlib.metadata.distribution(DISTRIBUTION).entry_points
    return {
        ep.name: ep
        for ep in entry_points
        if ep.group == "console_scripts" and ep.name.startswith(("tap-", "target-"))
    }


def page_of(name: str) -> Path:
    """Return the docs page of a connector."""
    return DOCS / f"{name}.md"


def anchor(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading (before de-duplication).

    Lower case, every character but letters, digits, ``_``, ``-`` and spaces dropped,
    spaces made hyphens: ``Is `sort_by` honoured?`` becomes ``is-sort_by-honoured``.
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@functools.cache
def settings_rows(name: str) -> tuple[str, tuple[str, ...]]:
    """Return the header and the rows of a connector's ``--about`` settings table."""
    entry_point = connector_commands()[name]
    result = CliRunner().invoke(entry_point.load(), ["--about", "--format=markdown"])
    if result.exit_code != 0:
        raise RuntimeError(f"{name} --about failed: {result.output}")
    match = re.search(r"## Settings\n\n(\|.*?\n)\n", result.output, flags=re.DOTALL)
    if not match:
        raise RuntimeError(f"{name} --about has no settings table")
    lines = match.group(1).splitlines()
    return "\n".join(lines[:2]), tuple(lines[2:])


def row_setting(row: str) -> str:
    """Return the top-level setting of a row (``batch_config`` for ``batch_config.storage``)."""
    return row.split("|")[1].strip().split(".")[0]


@functools.cache
def sdk_settings(name: str) -> frozenset[str]:
    """Return the top-level settings singer-sdk adds to a connector, as its class declares them."""
    module, attribute = connector_commands()[name].value.split(":")
    connector = getattr(importlib.import_module(module), attribute.split(".")[0])
    builtin: dict[str, t.Any] = {"properties": {}}
    connector.append_builtin_config(builtin)
    return frozenset(builtin["properties"])


def own_settings_table(name: str) -> str:
    """Return a connector's settings table without the SDK's settings."""
    header, rows = settings_rows(name)
    own = [row for row in rows if row_setting(row) not in sdk_settings(name)]
    return "\n".join([header, *own]) + "\n"


def sdk_settings_table() -> str:
    """Return the SDK's settings once, with the connectors that take each.

    Raises:
        RuntimeError: When two connectors describe the same SDK setting differently, since
            one table could not then be true of both.
    """
    names = sorted(connector_commands())
    seen: dict[str, set[str]] = {}
    for name in names:
        for row in settings_rows(name)[1]:
            if row_setting(row) in sdk_settings(name):
                seen.setdefault(row, set()).add(name)
    settings = [row.split("|")[1].strip() for row in seen]
    if len(settings) != len(set(settings)):
        raise RuntimeError("connectors describe an SDK setting differently")
    header = settings_rows(names[0])[0].splitlines()
    lines = [header[0] + " Taken by |", header[1] + ":---------|"]
    taps = {name for name in names if name.startswith("tap-")}
    for row, takers in seen.items():
        if takers == set(names):
            who = "every connector"
        elif takers == taps:
            who = "the taps"
        else:
            who = ", ".join(sorted(takers))
        lines.append(f"{row} {who} |")
    return "\n".join(lines) + "\n"


def _is_target_test(path: str) -> bool:
    """Whether a test path is about a target (its directory or file names one)."""
    return "target" in path


def _is_tap_test(path: str) -> bool:
    """Whether a test path is about a tap: neither a target's, the sandbox's nor the probe's."""
    return not any(word in path for word in ("target", "sandbox", "probe"))


def register_points(name: str) -> list[ReadingPoint]:
    """Return the register points of a connector's platform that its tests concern.

    A point belongs to a platform's target when one of its tests is a target's, and to
    its tap when one of them is neither a target's nor only the sandbox's or the probe's;
    a point can belong to both.
    """
    platform = name.split("-", 1)[1]
    concerns = _is_target_test if name.startswith("target-") else _is_tap_test
    return [
        point
        for point in REGISTER
        if point.platform == platform and any(concerns(test.split("::")[0]) for test in point.tests)
    ]


def register_list(name: str) -> str:
    """Return the Markdown list linking a connector's register points."""
    lines = [
        f"- [{point.title}](readings.md#{anchor(point.title)}) (`{point.key}`)"
        for point in register_points(name)
    ]
    return "\n".join(lines) + "\n" if lines else "None.\n"


def fill(text: str, block: str, content: str, where: Path) -> str:
    """Put ``content`` between the ``<!-- BLOCK -->`` markers of ``text``.

    Raises:
        RuntimeError: When the page lacks the markers.
    """
    pattern = re.compile(rf"(<!-- {block} -->\n).*?(<!-- /{block} -->)", re.DOTALL)
    if not pattern.search(text):
        raise RuntimeError(f"{where.name} has no '<!-- {block} -->' block")
    return pattern.sub(lambda match: match.group(1) + content + match.group(2), text)


def pages() -> dict[Path, str]:
    """Return every page with generated blocks, as it should read now."""
    wanted: dict[Path, str] = {}
    for name in sorted(connector_commands()):
        path = page_of(name)
        text = path.read_text(encoding="utf-8")
        text = fill(text, f"settings:{name}", own_settings_table(name), path)
        wanted[path] = fill(text, f"register:{name}", register_list(name), path)
    text = SDK_PAGE.read_text(encoding="utf-8")
    wanted[SDK_PAGE] = fill(text, f"settings:{SDK_BLOCK}", sdk_settings_table(), SDK_PAGE)
    return wanted


def main() -> int:
    """Check or rewrite the generated blocks of the docs pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the pages in place")
    args = parser.parse_args()
    stale = []
    for path, text in pages().items():
        if path.read_text(encoding="utf-8") == text:
            continue
        if args.write:
            path.write_text(text, encoding="utf-8")
        else:
            stale.append(path.relative_to(ROOT).as_posix())
    if stale:
        print(f"stale generated blocks in {', '.join(stale)}: run `make readme`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
