"""Fixtures, options and markers shared by every test layer."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from survey_common.push.client import PushClient
from survey_common.tap.stream import SurveyAPIStream


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--long``: deeper resilience runs (more kill points, more generated examples)."""
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="run the resilience tests with many more kill points and generated examples",
    )


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> bool:
    """Whether ``--long`` was given: tests sample a few cases by default, many with it."""
    return bool(request.config.getoption("--long"))


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the retry policy but shrink its waits so failure tests run in milliseconds."""
    monkeypatch.setattr(SurveyAPIStream, "backoff_base_wait", 0.001)
    monkeypatch.setattr(PushClient, "backoff_base_wait", 0.001)


#: The layer of each top folder of tests/ that is not a unit test folder, by its name.
LAYERS = {"e2e": "e2e", "integration": "integration", "sandbox": "sandbox"}
#: Test modules that take minutes, or many seconds each (whole syncs killed and resumed,
#: faults injected into every call, generated hostile input, Meltano projects, taps run as
#: processes by the sandbox's pytest plugin, the benchmarks): ``make test-fast`` leaves
#: them out.
SLOW_MODULES = frozenset(
    {
        "test_benchmarks.py",
        "test_pytest_plugin.py",
        "test_tap_crash.py",
        "test_target_crash.py",
        "test_faults_taps.py",
        "test_faults_targets.py",
        "test_hostile_records.py",
        "test_own_project.py",
    }
)
TESTS = Path(__file__).parent


def layer_of(path: Path) -> str:
    """The marker of a test file's layer: the top folder under tests/ says it."""
    top = path.relative_to(TESTS).parts[0]
    return LAYERS.get(top, "unit")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its layer, and as slow when it is end-to-end or heavy.

    Markers come from where a test lives, so a new test is never left unmarked and
    ``-m "not slow"`` cannot drop a layer by accident.
    """
    for item in items:
        path = Path(item.path)
        layer = layer_of(path)
        item.add_marker(layer)
        if layer == "e2e" or path.name in SLOW_MODULES:
            item.add_marker("slow")


#: What ``git status`` said of the checkout before the first test ran.
CHECKOUT_BEFORE = pytest.StashKey[set[str] | None]()
#: Ignored paths a run may create in the checkout: bytecode, tool caches, and Meltano's
#: plugin environments (``make plugins`` installs them there, as the e2e tests need).
MAY_CREATE = frozenset(
    {
        "__pycache__",
        ".pytest_cache",
        ".hypothesis",
        ".mypy_cache",
        ".ruff_cache",
        ".meltano",
    }
)


def checkout_status() -> set[str] | None:
    """The checkout's changed and new files, build output among them; None outside git.

    Untracked files are listed one by one; ignored ones (``build/``, ``*.egg-info``,
    ``*.db``) by their top ignored folder, which keeps the listing short.
    """
    commands = (
        ["git", "status", "--porcelain", "--untracked-files=all"],
        ["git", "status", "--porcelain", "--untracked-files=normal", "--ignored=matching"],
    )
    lines: set[str] = set()
    for command in commands:
        try:
            result = subprocess.run(
                command,
                cwd=TESTS.parent,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            )
        except (OSError, subprocess.CalledProcessError):
            return None  # not a git checkout (an unpacked sdist): nothing to compare
        lines.update(result.stdout.splitlines())
    # A line is two status letters, a space and the path.
    return {line for line in lines if not MAY_CREATE & set(Path(line[3:]).parts)}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note the checkout's state, so that the end of the run can tell what tests left."""
    session.stash[CHECKOUT_BEFORE] = checkout_status()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when the tests left files in the checkout, or changed tracked ones.

    Tests write to temporary folders only; a file in the checkout would be committed by
    the next ``git add`` and would make the next run differ from a fresh clone's.
    """
    before = session.stash.get(CHECKOUT_BEFORE, None)
    after = checkout_status()
    if before is None or after is None:
        return
    left = sorted(after - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                "The tests left these in the checkout (git status --porcelain):", red=True
            )
            for line in left:
                reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
