"""Every test function checks something: a test with nothing to fail on passes vacuously.

A check is an ``assert``, ``pytest.raises``/``warns``/``fail``, a ``raise``, or a call of a
helper whose name says it checks (``assert_*``, ``check*``, ``expect*``).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CHECKING_CALLS = ("raises", "warns", "fail")
CHECKING_PREFIXES = ("assert", "check", "expect")


def checks(node: ast.AST) -> bool:
    """Whether ``node`` is a check, by the rule of the module's docstring."""
    if isinstance(node, ast.Assert | ast.Raise):
        return True
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        name = node.func.id if isinstance(node.func, ast.Name) else name
        return name in CHECKING_CALLS or name.startswith(CHECKING_PREFIXES)
    return False


def unchecked_tests(source: str) -> list[str]:
    """The test functions of a module's source that check nothing."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test")
        and not any(checks(inner) for inner in ast.walk(node))
    ]


def test_every_test_function_checks_something() -> None:
    found = {
        str(path.relative_to(TESTS)): names
        for path in sorted(TESTS.rglob("test_*.py"))
        if (names := unchecked_tests(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_a_test_without_a_check_is_found() -> None:
    source = "def test_runs():\n    run()\n\ndef test_checks():\n    assert run()\n"
    assert unchecked_tests(source) == ["test_runs"]
