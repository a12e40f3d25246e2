"""The Meltano Hub definitions under plugins/ say what each connector's ``--about`` says."""

from __future__ import annotations

import typing as t

import pytest
import yaml

from scripts import plugin_definitions, readme_settings
from tests.test_project import connectors

NAMES = sorted(readme_settings.connector_commands())


def load(name: str) -> dict[str, t.Any]:
    loaded: dict[str, t.Any] = yaml.safe_load(plugin_definitions.path_of(name).read_text())
    return loaded


@pytest.mark.parametrize("name", NAMES)
def test_definition_is_current(name: str) -> None:
    path = plugin_definitions.path_of(name)
    assert path.read_text(encoding="utf-8") == plugin_definitions.render(name), (
        "run `make plugins-defs`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_definition_declares_every_setting_secrets_as_sensitive(name: str) -> None:
    definition = load(name)
    declared = {setting["name"]: setting for setting in definition["settings"]}
    schema = connectors()[name].config_jsonschema["properties"]

    assert definition["name"] == name
    assert definition["namespace"] == name.replace("-", "_")
    assert definition["executable"] == name
    assert set(schema) - {"faker_config", "batch_config"} <= set(declared)
    for setting_name, prop in schema.items():
        if setting_name in declared:
            assert bool(declared[setting_name].get("sensitive")) == bool(prop.get("secret"))
            assert declared[setting_name]["description"]
            if "default" in prop:
                assert declared[setting_name]["value"] == prop["default"]


def test_nested_settings_are_dotted_names() -> None:
    declared = {setting["name"]: setting for setting in load("tap-buenno")["settings"]}

    assert declared["batch_config.encoding.format"]["kind"] == "options"
    assert declared["faker_config.locale"]["kind"] == "array"
    assert declared["start_date"]["kind"] == "date_iso8601"
    assert declared["stream_maps"]["kind"] == "object"
