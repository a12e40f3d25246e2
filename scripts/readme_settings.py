"""Keep the README's settings tables equal to what each connector's ``--about`` says.

Each connector's table sits between ``<!-- settings:NAME -->`` and
``<!-- /settings:NAME -->`` in README.md. ``--write`` regenerates them, ``--check``
(the default) exits 1 when one is stale, so a setting cannot change without its
documentation.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
from pathlib import Path

from click.testing import CliRunner

DISTRIBUTION = "survey-connectors"
README = Path(__file__).resolve().parent.parent / "README.md"


def connector_commands() -> dict[str, importlib.metadata.EntryPoint]:
    """Return the distribution's tap and target console scripts by name."""
    entry_points = importlib.metadata.distribution(DISTRIBUTION).entry_points
    return {
        ep.name: ep
        for ep in entry_points
        if ep.group == "console_scripts" and ep.name.startswith(("tap-", "target-"))
    }


def settings_table(entry_point: importlib.metadata.EntryPoint) -> str:
    """Return the settings table of a connector's ``--about --format=markdown``."""
    result = CliRunner().invoke(entry_point.load(), ["--about", "--format=markdown"])
    if result.exit_code != 0:
        raise RuntimeError(f"{entry_point.name} --about failed: {result.output}")
    match = re.search(r"## Settings\n\n(\|.*?\n)\n", result.output, flags=re.DOTALL)
    if not match:
        raise RuntimeError(f"{entry_point.name} --about has no settings table")
    return match.group(1)


def render(readme: str) -> str:
    """Return the README with every connector's settings table regenerated."""
    for name, entry_point in sorted(connector_commands().items()):
        block = re.compile(
            rf"(<!-- settings:{name} -->\n).*?(<!-- /settings:{name} -->)", re.DOTALL
        )
        if not block.search(readme):
            raise RuntimeError(f"README.md has no '<!-- settings:{name} -->' block for {name}")
        table = settings_table(entry_point)

        def replace(match: re.Match[str], table: str = table) -> str:
            return match.group(1) + table + match.group(2)

        readme = block.sub(replace, readme)
    return readme


def main() -> int:
    """Check or rewrite the README's settings tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md in place")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if args.write:
        README.write_text(wanted, encoding="utf-8")
        return 0
    if wanted != current:
        print("README.md settings tables are stale: run `make readme`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
