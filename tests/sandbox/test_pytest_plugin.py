"""The ``survey_sandbox`` fixture, used as a user's own tests use it: through pytest only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from collections import Counter
from pathlib import Path

import pytest
import requests

from survey_common.readings import REGISTER

if t.TYPE_CHECKING:
    from survey_sandbox.pytest_plugin import SandboxEndpoints

pytest_plugins = ["pytester"]
BIN = Path(sys.executable).parent


def run_tap(name: str, survey_sandbox: SandboxEndpoints, tmp_path: Path) -> list[dict[str, t.Any]]:
    """Run a tap with the fixture's settings for it, as a user's test would."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps(survey_sandbox.config(name)))
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("TAP_", "TARGET_"))
    }
    result = subprocess.run(
        [str(BIN / name), "--config", str(config)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.survey_sandbox(seed=3, size=12)
@pytest.mark.parametrize("tap", ["tap-buenno", "tap-feedbackapi", "tap-hellocustomer"])
def test_every_tap_reads_the_sandbox_with_its_settings(
    tap: str, survey_sandbox: SandboxEndpoints, tmp_path: Path
) -> None:
    messages = run_tap(tap, survey_sandbox, tmp_path)

    records = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert records, f"{tap} read nothing"
    assert survey_sandbox.api_calls(tap.removeprefix("tap-")) > 0
    if tap == "tap-buenno":
        # Every Buenno form gets `size` invitations.
        forms = Counter(
            m["record"]["form_id"]
            for m in messages
            if m["type"] == "RECORD" and m["stream"] == "invitations"
        )
        assert set(forms.values()) == {12}


def test_the_environment_names_every_setting_of_every_connector(
    survey_sandbox: SandboxEndpoints,
) -> None:
    env = survey_sandbox.env()

    assert env["TAP_BUENNO_API_URL"] == survey_sandbox.api_urls["buenno"]
    assert env["TARGET_FEEDBACKAPI_API_TOKEN"] == survey_sandbox.tokens["feedbackapi"]
    assert json.loads(env["TAP_HELLOCUSTOMER_CAMPAIGN_IDS"]) == list(survey_sandbox.campaign_ids)
    assert env["TAP_HELLOCUSTOMER_START_DATE"] == survey_sandbox.hellocustomer_start_date
    # Meltano 4.4 cannot take a decimal setting from the environment.
    assert not any(key.endswith("_MIN_REQUEST_INTERVAL") for key in env)


@pytest.mark.survey_sandbox(fault_rate=1.0, fault_kinds="5xx", size=1)
def test_faults_are_injected_as_asked(survey_sandbox: SandboxEndpoints) -> None:
    answer = requests.get(
        f"{survey_sandbox.api_urls['buenno']}/token-info",
        headers={"api-auth-token": survey_sandbox.tokens["buenno"]},
        timeout=10,
    )

    assert answer.status_code in {500, 502, 503, 504}


@pytest.mark.survey_sandbox(other_reading="all", size=1)
def test_the_other_reading_is_taken_as_asked(survey_sandbox: SandboxEndpoints) -> None:
    health = requests.get(f"{survey_sandbox.url}/_sandbox/health", timeout=10).json()

    assert health["other_readings"] == sorted(point.key for point in REGISTER)


def test_without_a_marker_the_sandbox_answers_with_our_readings(
    survey_sandbox: SandboxEndpoints,
) -> None:
    health = requests.get(f"{survey_sandbox.url}/_sandbox/health", timeout=10).json()
    token_info = requests.get(
        f"{survey_sandbox.api_urls['buenno']}/token-info",
        headers={"api-auth-token": survey_sandbox.tokens["buenno"]},
        timeout=10,
    )

    assert health == {"status": "ok", "other_readings": []}
    assert token_info.status_code == 200
    assert (survey_sandbox.seed, survey_sandbox.size) == (42, 100)


def test_a_module_marker_applies_and_the_sandbox_stops_after_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pathlib
        import pytest

        pytestmark = pytest.mark.survey_sandbox(seed=5, size=2)

        def test_uses_it(survey_sandbox):
            assert (survey_sandbox.seed, survey_sandbox.size) == (5, 2)
            pathlib.Path("url").write_text(survey_sandbox.url)
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    url = (pytester.path / "url").read_text()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=5)
