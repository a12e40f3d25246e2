"""The docs hold together: every relative link resolves, the front page stays a front page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import report
from scripts import readme_settings
from survey_common.readings import REGISTER

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: ``[text](target)``; a target with a scheme (``https:``, ``mailto:``) is not relative.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


def relative_links(page: Path) -> list[str]:
    """Return the relative link targets of a Markdown page, code blocks left out."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [target for target in LINK.findall(text) if not re.match(r"^[a-z]+:", target)]


def anchors(page: Path) -> set[str]:
    """Return the anchors GitHub gives a page's headings, repeats numbered as it numbers them."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE):
        slug = base = readme_settings.anchor(heading)
        repeat = 0
        while slug in found:
            repeat += 1
            slug = f"{base}-{repeat}"
        found.add(slug)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_points_at_an_existing_file_and_heading(page: Path) -> None:
    links = relative_links(page)
    for link in links:
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name}: {link} points at nothing"
        if fragment and target.suffix == ".md":
            assert fragment in anchors(target), f"{page.name}: {link} names no heading"


def test_the_front_page_is_short_and_links_every_docs_page() -> None:
    readme = ROOT / "README.md"
    assert len(readme.read_bytes()) < 15_000
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in relative_links(readme)}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.resolve() in linked, f"README.md does not link {page.name}"


def test_every_connector_has_its_page() -> None:
    for name in readme_settings.connector_commands():
        assert readme_settings.page_of(name).exists(), name


def test_every_register_point_is_on_a_connector_page() -> None:
    listed = {
        point.key
        for name in readme_settings.connector_commands()
        for point in readme_settings.register_points(name)
    }
    assert listed == {point.key for point in REGISTER}


def test_sdk_settings_are_listed_once() -> None:
    """The SDK's own settings are in one table, not in every connector's."""
    pages = [page for page in PAGES if "| stream_maps |" in page.read_text(encoding="utf-8")]
    assert pages == [readme_settings.SDK_PAGE]


def test_the_performance_page_holds_the_bench_table_and_make_bench_writes_it() -> None:
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert report.TABLE_START in page
    assert report.TABLE_END in page
    assert "--page docs/performance.md" in (ROOT / "Makefile").read_text(encoding="utf-8")
