"""The register of readings: its page is current, and every test it names exists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scripts import readings_register
from survey_common.readings import REGISTER

ROOT = Path(__file__).resolve().parent.parent


def test_docs_page_is_generated_from_the_register() -> None:
    page = readings_register.PAGE.read_text(encoding="utf-8")
    assert page == readings_register.render(), "run `make docs`"


def test_every_platform_has_points_and_every_point_names_a_test() -> None:
    platforms = {point.platform for point in REGISTER}
    assert platforms == set(readings_register.PLATFORM_TITLES)
    for point in REGISTER:
        assert point.tests, f"{point.key} names no test"
        for text in (point.quote, point.ours, point.other, point.connector):
            assert text, point.key


@pytest.mark.parametrize("point", REGISTER, ids=lambda point: point.key)
def test_the_tests_a_point_names_exist(point: object) -> None:
    for test in point.tests:  # type: ignore[attr-defined]
        path, _, name = test.partition("::")
        name = name.split("[")[0].split("::")[-1]
        source = ROOT / path
        assert source.is_file(), f"{test}: no file {path}"
        functions = {
            node.name
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert name in functions, f"{test}: no test {name} in {path}"
