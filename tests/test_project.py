"""The project's documentation and Meltano declarations agree with the connectors' code."""

from __future__ import annotations

import importlib
import typing as t
from pathlib import Path

import pytest
import yaml

from scripts import demo, readme_settings

ROOT = Path(__file__).resolve().parent.parent
MELTANO_CAPABILITIES = {"catalog", "discover", "state", "about", "stream-maps", "schema-flattening"}


def meltano_plugins() -> dict[str, dict[str, t.Any]]:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    plugins = project["plugins"].get("extractors", []) + project["plugins"].get("loaders", [])
    return {plugin["name"]: plugin for plugin in plugins}


def connectors() -> dict[str, t.Any]:
    """Map each connector's command to its class (entry points name ``module:Class.cli``)."""
    found = {}
    for name, entry_point in readme_settings.connector_commands().items():
        module, attribute = entry_point.value.split(":")
        found[name] = getattr(importlib.import_module(module), attribute.split(".")[0])
    return found


@pytest.mark.parametrize("page", sorted(readme_settings.pages()), ids=lambda page: page.name)
def test_docs_settings_tables_and_register_links_match_the_code(page: Path) -> None:
    """Each connector's settings table equals its --about, its register links the register."""
    assert page.read_text(encoding="utf-8") == readme_settings.pages()[page], "run `make readme`"


def test_readme_gives_make_test_as_the_test_command() -> None:
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(connectors()))
def test_meltano_declares_every_setting_of_each_connector(name: str) -> None:
    plugin = meltano_plugins()[name]
    connector = connectors()[name]
    builtin: dict[str, t.Any] = {"properties": {}}
    connector.append_builtin_config(builtin)  # the SDK's own settings (stream maps, ...)
    schema = {
        key: prop
        for key, prop in connector.config_jsonschema["properties"].items()
        if key not in builtin["properties"]
    }

    declared = {setting["name"]: setting for setting in plugin["settings"]}
    assert set(declared) == set(schema)
    assert plugin["namespace"] == name.replace("-", "_")
    assert plugin["pip_url"] == "-e ."
    assert all(setting.get("description") for setting in declared.values())
    for setting_name, prop in schema.items():
        assert bool(declared[setting_name].get("sensitive")) == bool(prop.get("secret")), (
            setting_name
        )
    if name.startswith("tap-"):
        assert set(plugin["capabilities"]) == MELTANO_CAPABILITIES


def sensitive_settings(plugins: dict[str, dict[str, t.Any]], name: str) -> set[str]:
    """A plugin's sensitive settings; an inherited plugin has its parent's."""
    plugin = plugins[name]
    if "inherit_from" in plugin:
        return sensitive_settings(plugins, plugin["inherit_from"])
    return {setting["name"] for setting in plugin["settings"] if setting.get("sensitive")}


def test_meltano_file_holds_no_secret() -> None:
    """Secrets come from the environment; only the sandbox's public test tokens are written."""
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    plugins = meltano_plugins()
    for name, plugin in plugins.items():
        assert not sensitive_settings(plugins, name) & set(plugin.get("config", {})), name
    checked = 0
    for environment in project["environments"]:
        env_plugins = environment["config"]["plugins"]
        for plugin in env_plugins.get("extractors", []) + env_plugins.get("loaders", []):
            for key in sensitive_settings(plugins, plugin["name"]) & set(plugin["config"]):
                value = str(plugin["config"][key])
                if environment["name"] == "sandbox":
                    assert value.startswith("sandbox-"), (plugin["name"], key)
                else:
                    assert value.startswith("$"), (environment["name"], plugin["name"], key)
                checked += 1
    assert checked >= 12  # six connectors, in the sandbox and in prod


def test_readme_quick_start_is_make_demo_and_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    first_block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in first_block.splitlines()]
    assert commands == ["make demo", "make test"]


def test_every_plugin_installs_from_this_checkout_or_pypi() -> None:
    for name, plugin in meltano_plugins().items():
        pip_url = plugin.get("pip_url", "")
        assert "git+" not in pip_url, name
        assert "://" not in pip_url, name
        assert "namespace" in plugin or "inherit_from" in plugin, f"{name} would need the Hub"


def test_target_duckdb_keeps_the_duckdb_it_writes_rows_with() -> None:
    assert "duckdb==1.2.2" in meltano_plugins()["target-duckdb"]["pip_url"].split()


def test_the_demo_sandbox_allows_the_interval_the_sandbox_environment_uses() -> None:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    sandbox = next(env for env in project["environments"] if env["name"] == "sandbox")
    plugins = sandbox["config"]["plugins"]
    intervals = {
        plugin["name"]: plugin["config"]["min_request_interval"]
        for plugin in plugins["extractors"] + plugins["loaders"]
        if "min_request_interval" in plugin.get("config", {})
    }
    assert intervals == {
        "tap-hellocustomer": float(demo.HELLOCUSTOMER_MIN_INTERVAL),
        "target-hellocustomer": float(demo.HELLOCUSTOMER_MIN_INTERVAL),
    }
