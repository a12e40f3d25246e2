"""Fixtures, options and markers shared by every test layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_common.push_client import PushClient
from survey_common.rest import SurveyAPIStream


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
#: Test modules that take minutes (whole syncs killed and resumed, faults injected into every
#: call, generated hostile input, Meltano projects): ``make test-fast`` leaves them out.
SLOW_MODULES = frozenset(
    {
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
