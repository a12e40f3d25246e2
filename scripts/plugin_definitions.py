"""Write ``plugins/<type>s/<name>.yml``, one Meltano Hub definition per connector.

Users add a connector to their own Meltano project with
``meltano add --plugin-type extractor tap-buenno --from-ref plugins/extractors/tap-buenno.yml``.
Each definition is built from the connector's ``--about --format=json``, like the
docs pages' settings tables, so a setting cannot change without its definition. The
syntax is the Hub's (``meltano/hub``'s ``_data/meltano/<type>s/<name>/<variant>.yml``):
sorted keys, nested settings as dotted names, ``sensitive: true`` for secrets, required
settings in ``settings_group_validation``.

``--write`` regenerates the files; ``--check`` (the default) exits 1 when one is stale.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
import typing as t
from pathlib import Path

import yaml
from click.testing import CliRunner

from scripts.readme_settings import DISTRIBUTION, connector_commands

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
#: The variant Meltano records for every connector: the suite's own.
VARIANT = "survey-connectors"
#: How users know each platform; the Hub's ``label`` of its tap and target.
PLATFORM_LABELS = {
    "buenno": "Buenno",
    "feedbackapi": "FeedbackAPI",
    "hellocustomer": "Hello Customer",
}
#: Meltano's setting kind for each JSON Schema type; ``format: date-time`` and ``enum``
#: refine a string.
KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}
HEADER = (
    "# Generated from `{name} --about --format=json` by `make plugins-defs`: do not edit.\n"
    "# Add it to a Meltano project with\n"
    "#   meltano add --plugin-type {type} {name} --from-ref <this file>\n"
)


def project_url(label: str) -> str:
    """Return one of the distribution's project URLs (``[project.urls]`` in pyproject.toml)."""
    entries: list[str] = importlib.metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    for entry in entries:
        key, _, url = entry.partition(",")
        if key.strip() == label:
            return url.strip()
    raise RuntimeError(f"pyproject.toml's [project.urls] has no {label!r}: run `make install`")


def about(name: str) -> dict[str, t.Any]:
    """Return a connector's ``--about --format=json``."""
    result = CliRunner().invoke(connector_commands()[name].load(), ["--about", "--format=json"])
    if result.exit_code != 0:
        raise RuntimeError(f"{name} --about failed: {result.output}")
    loaded: dict[str, t.Any] = json.loads(result.output)
    return loaded


def json_types(prop: dict[str, t.Any]) -> list[str]:
    """Return a property's JSON types without null, looking into ``oneOf`` and ``anyOf``."""
    declared = prop.get("type")
    if declared is not None:
        types = [declared] if isinstance(declared, str) else list(declared)
    else:
        types = [
            sub_type
            for option in prop.get("oneOf", prop.get("anyOf", []))
            if isinstance(option, dict)
            for sub_type in json_types(option)
        ]
    return [name for name in types if name != "null"]


def kind(prop: dict[str, t.Any]) -> str:
    """Return Meltano's setting kind for a property.

    A property that takes a string or an array (Faker's locale) is an array to Meltano,
    which then also accepts a single value; otherwise the first type decides.
    """
    types = json_types(prop)
    if "enum" in prop:
        return "options"
    if "array" in types:
        return "array"
    if "string" in types and prop.get("format") == "date-time":
        return "date_iso8601"
    return KINDS[types[0]] if types else "string"


def label_from(name: str) -> str:
    """Return a label for a setting without a title, as the Hub writes them."""
    return " ".join(word.capitalize() for word in name.replace(".", "_").split("_"))


def settings(properties: dict[str, t.Any], prefix: str = "") -> list[dict[str, t.Any]]:
    """Return the Hub's settings for JSON Schema properties, in the connector's order.

    An object with declared properties (``batch_config``) becomes one setting per leaf,
    named with dots as Meltano expects; an object without (``stream_maps``) stays one
    setting of kind object.
    """
    found: list[dict[str, t.Any]] = []
    for key, prop in properties.items():
        name = prefix + key
        nested = prop.get("properties")
        if nested and name != "stream_maps":
            found.extend(settings(nested, prefix=f"{name}."))
            continue
        setting: dict[str, t.Any] = {
            "name": name,
            "label": prop["title"] if "title" in prop and not prefix else label_from(name),
            "kind": kind(prop),
            "description": prop.get("description", label_from(name)),
        }
        if prop.get("secret"):
            setting["sensitive"] = True
        if "enum" in prop:
            setting["options"] = [
                {"label": label_from(str(value)), "value": value} for value in prop["enum"]
            ]
        if prop.get("default") is not None:
            setting["value"] = prop["default"]
        found.append(setting)
    return found


def docs_url(name: str) -> str:
    """Return the URL of a connector's docs page, which sits beside the front page.

    The distribution's ``Documentation`` URL is the front page (README.md); each connector
    has its own page under ``docs/`` next to it.
    """
    front_page = project_url("Documentation")
    return f"{front_page.rsplit('/', 1)[0]}/docs/{name}.md"


def definition(name: str) -> dict[str, t.Any]:
    """Return the Hub definition of one connector from its ``--about``."""
    info = about(name)
    platform = name.split("-", 1)[1]
    repo = project_url("Repository")
    schema = info["settings"]
    return {
        "name": name,
        "variant": VARIANT,
        "namespace": name.replace("-", "_"),
        "label": PLATFORM_LABELS[platform],
        "description": info["description"],
        "docs": docs_url(name),
        "repo": repo,
        "pip_url": DISTRIBUTION,
        "executable": name,
        "capabilities": sorted(info["capabilities"]),
        "keywords": ["meltano_sdk", "api", platform],
        "settings": settings(schema["properties"]),
        "settings_group_validation": [sorted(schema.get("required", []))],
    }


def plugin_type(name: str) -> str:
    """Return Meltano's plugin type for a connector's command name."""
    return "extractor" if name.startswith("tap-") else "loader"


def path_of(name: str) -> Path:
    """Return where a connector's definition lives."""
    return PLUGINS / f"{plugin_type(name)}s" / f"{name}.yml"


def render(name: str) -> str:
    """Return the text of a connector's definition file."""
    body = yaml.safe_dump(definition(name), sort_keys=True, allow_unicode=True, width=88)
    return HEADER.format(name=name, type=plugin_type(name)) + body


def main() -> int:
    """Check or rewrite every connector's definition."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite plugins/ in place")
    args = parser.parse_args()
    stale = []
    for name in sorted(connector_commands()):
        path, wanted = path_of(name), render(name)
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != wanted:
            stale.append(str(path))
    if stale:
        print(f"stale plugin definitions, run `make plugins-defs`: {stale}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
