"""A user's own Meltano project: the shipped definitions added, installed, tested and run.

A fresh ``meltano init`` project in a temporary folder adds all six connectors from
``plugins/`` as docs/meltano-project.md shows, with ``pip_url`` pointed at the wheel
built from this checkout, and target-jsonl from the package index. Against the
``survey_sandbox`` fixture it runs a tap into target-jsonl, pushes a record through each
target with ``meltano invoke``, runs ``meltano config test``
with a good and a bad token, and runs two partitions of tap-buenno (one form each,
each with its own state) at the same time.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import typing as t
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
import yaml

from scripts import plugin_definitions
from tests.helpers.meltano import clean_env
from tests.helpers.target_runner import record, schema
from tests.helpers.wheel import build_wheel

if t.TYPE_CHECKING:
    from survey_sandbox.pytest_plugin import SandboxEndpoints

BIN = Path(sys.executable).parent
TAPS = ("tap-buenno", "tap-feedbackapi", "tap-hellocustomer")
TARGETS = ("target-buenno", "target-feedbackapi", "target-hellocustomer")
#: target-jsonl as its Hub definition has it, trimmed to what the test sets.
TARGET_JSONL = {
    "name": "target-jsonl",
    "variant": "andyh1203",
    "namespace": "target_jsonl",
    "pip_url": "target-jsonl==0.1.4",
    "executable": "target-jsonl",
    "settings": [
        {"name": "destination_path", "kind": "string", "value": "output"},
        {"name": "do_timestamp_file", "kind": "boolean", "value": False},
    ],
}


def meltano(
    project: Path, *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``meltano`` in the user's project; fail the test with its output if asked to."""
    result = subprocess.run(
        [str(BIN / "meltano"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"meltano {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh Meltano project with every connector added from its definition and installed."""
    root = tmp_path_factory.mktemp("own")
    wheel = build_wheel(root / "wheel")
    env = clean_env()
    meltano(root, "init", "project", env=env)
    project = root / "project"
    definitions = root / "definitions"
    definitions.mkdir()
    for name in (*TAPS, *TARGETS):
        # The user's one edit: pip_url points at their copy of the wheel.
        definition = yaml.safe_load(plugin_definitions.path_of(name).read_text())
        definition["pip_url"] = str(wheel)
        ref = definitions / f"{name}.yml"
        ref.write_text(yaml.safe_dump(definition))
        kind = plugin_definitions.plugin_type(name)
        meltano(
            project,
            "add",
            "--plugin-type",
            kind,
            name,
            "--from-ref",
            str(ref),
            "--no-install",
            env=env,
        )
    jsonl = definitions / "target-jsonl.yml"
    jsonl.write_text(yaml.safe_dump(TARGET_JSONL))
    meltano(
        project,
        "add",
        "--plugin-type",
        "loader",
        "target-jsonl",
        "--from-ref",
        str(jsonl),
        "--no-install",
        env=env,
    )
    # Hello Customer's pace in the sandbox (the vendor's is one call a second): in the
    # project, since Meltano 4.4 cannot take a decimal setting from the environment.
    meltano(project, "config", "set", "tap-hellocustomer", "min_request_interval", "0.05", env=env)
    meltano(project, "install", env=env)
    return project


def sandbox_env(survey_sandbox: SandboxEndpoints, **extra: str) -> dict[str, str]:
    """The environment of a pipeline run against the sandbox."""
    return clean_env(**{**survey_sandbox.env(), **extra})


def read_jsonl(folder: Path) -> dict[str, list[dict[str, t.Any]]]:
    """Every record target-jsonl wrote, by stream."""
    return {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted(folder.glob("*.jsonl"))
    }


def test_every_connector_is_added_under_its_own_type_only(project: Path) -> None:
    plugins = yaml.safe_load((project / "meltano.yml").read_text())["plugins"]

    assert set(plugins) == {"extractors", "loaders"}
    assert [p["name"] for p in plugins["extractors"]] == list(TAPS)
    assert [p["name"] for p in plugins["loaders"]] == [*TARGETS, "target-jsonl"]
    for plugin in plugins["extractors"] + plugins["loaders"][:3]:
        assert plugin["pip_url"].endswith(".whl")
        assert plugin["variant"] == plugin_definitions.VARIANT
        secrets = [s["name"] for s in plugin["settings"] if s.get("sensitive")]
        assert secrets == ["api_token"]


@pytest.mark.parametrize("name", [*TAPS, *TARGETS])
def test_every_installed_connector_names_the_distributions_version(
    project: Path, name: str
) -> None:
    kind = plugin_definitions.plugin_type(name)
    executable = project / ".meltano" / f"{kind}s" / name / "venv" / "bin" / name

    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.startswith(f"{name} v0.1.0,")


@pytest.mark.survey_sandbox(seed=11, size=10)
def test_a_tap_runs_into_a_loader_from_the_package_index(
    project: Path, survey_sandbox: SandboxEndpoints, tmp_path: Path
) -> None:
    env = sandbox_env(survey_sandbox, TARGET_JSONL_DESTINATION_PATH=str(tmp_path))

    meltano(project, "run", "tap-buenno", "target-jsonl", env=env)

    with closing(sqlite3.connect(survey_sandbox.db_path)) as sandbox:
        invitations = sandbox.execute(
            "SELECT i.id FROM buenno_invitations i JOIN buenno_forms f ON f.id = i.form_id"
            " WHERE f.token = ?",
            (survey_sandbox.tokens["buenno"],),
        ).fetchall()
    loaded = read_jsonl(tmp_path)
    assert invitations
    assert sorted(r["id"] for r in loaded["invitations"]) == sorted(i for (i,) in invitations)


#: For each target: its stream, and the table and column where the sandbox keeps a push.
PUSHED_TO = {
    "target-buenno": ("invitations", "buenno_invitations", "email"),
    "target-feedbackapi": ("customers", "feedbackapi_customers", "email"),
    "target-hellocustomer": ("respondents", "hellocustomer_respondents", "email"),
}


@pytest.mark.survey_sandbox(seed=12, size=2)
@pytest.mark.parametrize("target", TARGETS)
def test_every_target_pushes_a_record_from_the_users_project(
    project: Path, survey_sandbox: SandboxEndpoints, target: str
) -> None:
    stream, table, column = PUSHED_TO[target]
    email = f"own-project-{target}@example.com"
    with closing(sqlite3.connect(survey_sandbox.db_path)) as sandbox:
        location = sandbox.execute("SELECT id FROM feedbackapi_locations LIMIT 1").fetchone()[0]
    env = sandbox_env(
        survey_sandbox,
        TARGET_FEEDBACKAPI_DEFAULT_LOCATION=location,
        TARGET_HELLOCUSTOMER_CAMPAIGN_ID=survey_sandbox.campaign_ids[0],
        TARGET_HELLOCUSTOMER_DEFAULT_LANGUAGE="nl",
    )
    messages = [schema(stream, "email"), record(stream, email=email)]

    result = subprocess.run(
        [str(BIN / "meltano"), "invoke", target],
        cwd=project,
        env=env,
        input="".join(json.dumps(message) + "\n" for message in messages),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    with closing(sqlite3.connect(survey_sandbox.db_path)) as sandbox:
        pushed = sandbox.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (email,))  # noqa: S608 - table names above
        assert pushed.fetchone()[0] == 1


@pytest.mark.survey_sandbox(size=2)
@pytest.mark.parametrize("tap", TAPS)
def test_the_connection_test_passes_with_the_sandboxs_token(
    project: Path, survey_sandbox: SandboxEndpoints, tap: str
) -> None:
    good = meltano(project, "config", "test", tap, env=sandbox_env(survey_sandbox), check=False)

    assert good.returncode == 0, good.stderr[-2000:]
    assert "Plugin configuration is valid" in good.stdout + good.stderr


@pytest.mark.survey_sandbox(size=2)
@pytest.mark.parametrize("tap", TAPS)
def test_the_connection_test_fails_with_a_wrong_token_naming_the_setting(
    project: Path, survey_sandbox: SandboxEndpoints, tap: str
) -> None:
    wrong = {f"{tap.upper().replace('-', '_')}_API_TOKEN": "not-the-token"}

    bad = meltano(
        project, "config", "test", tap, env=sandbox_env(survey_sandbox, **wrong), check=False
    )

    assert bad.returncode != 0
    assert "Plugin configuration is invalid" in bad.stdout + bad.stderr
    assert "api_token" in bad.stdout + bad.stderr  # the message says which setting to fix
    assert "not-the-token" not in bad.stdout + bad.stderr


@pytest.mark.survey_sandbox(seed=5, size=20)
def test_two_partition_jobs_at_once_emit_what_one_job_does(
    project: Path, survey_sandbox: SandboxEndpoints, tmp_path: Path
) -> None:
    # Each partition is a plugin inheriting from tap-buenno, so Meltano keeps its own state.
    for form in (1, 2):
        name = f"tap-buenno--form-{form}"
        env = clean_env()
        meltano(
            project,
            "add",
            "--plugin-type",
            "extractor",
            name,
            "--inherit-from",
            "tap-buenno",
            env=env,
        )
        meltano(project, "config", "set", name, "form_ids", f"[{form}]", env=env)
    meltano(project, "config", "set", "tap-buenno", "form_ids", "[1, 2]", env=clean_env())

    for form in (1, 2):
        (tmp_path / str(form)).mkdir()
    jobs = {
        form: subprocess.Popen(
            [str(BIN / "meltano"), "run", f"tap-buenno--form-{form}", "target-jsonl"],
            cwd=project,
            env=sandbox_env(
                survey_sandbox, TARGET_JSONL_DESTINATION_PATH=str(tmp_path / str(form))
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for form in (1, 2)
    }
    outcomes = {form: job.communicate(timeout=600) for form, job in jobs.items()}
    whole = tmp_path / "whole"
    whole.mkdir()
    # One job over both forms; --full-refresh, as another test of the module left a state.
    meltano(
        project,
        "run",
        "--full-refresh",
        "tap-buenno",
        "target-jsonl",
        env=sandbox_env(survey_sandbox, TARGET_JSONL_DESTINATION_PATH=str(whole)),
    )

    for form, job in jobs.items():
        assert job.returncode == 0, outcomes[form][1][-3000:]
    partitions = [read_jsonl(tmp_path / str(form)) for form in (1, 2)]
    one_job = read_jsonl(whole)
    # form_ids partitions invitations; replies are read for every form of the token
    # (the document's /replies has no form filter), so they belong in one job.
    for stream in ("invitations",):
        together = Counter(json.dumps(r, sort_keys=True) for p in partitions for r in p[stream])
        assert together == Counter(json.dumps(r, sort_keys=True) for r in one_job[stream])
        assert {r["form_id"] for r in partitions[0][stream]} == {1}
        assert {r["form_id"] for r in partitions[1][stream]} == {2}
    states = meltano(project, "state", "list", env=clean_env()).stdout.split()
    assert {s for s in states if "tap-buenno--form-" in s} == {
        "dev:tap-buenno--form-1-to-target-jsonl",
        "dev:tap-buenno--form-2-to-target-jsonl",
    }
