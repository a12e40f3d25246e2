"""Every connector refuses a bad setting before its first request, naming it, hiding secrets.

The cases come from each connector's ``config_jsonschema``, so a setting added later is
covered without a new test: a required setting left out, a value of the wrong type, a
number under its minimum, text shorter than its minimum length or off its pattern, a
value outside its enum, a bad item of a list, an unreadable date-time, and for API
URLs text that is no URL or plain ``http://`` to a remote host. A few rules the schema
cannot express are listed by hand.

Each connector runs in-process against a sandbox that counts requests: the run must fail
with a message that names the setting, with no request made, and neither the message
nor the log may show a secret, not even a mistyped one.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import typing as t

import pytest
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError

from survey_common.push.target import PushTarget
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT
from survey_sandbox.server import SandboxServer
from tap_buenno.tap import TapBuenno
from tap_feedbackapi.tap import TapFeedbackAPI
from tap_hellocustomer.tap import TapHelloCustomer
from target_buenno.target import TargetBuenno
from target_feedbackapi.target import TargetFeedbackAPI
from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.secret_scan import assert_no_secrets

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from singer_sdk.plugin_base import PluginBase

#: A mistyped token: it must not show anywhere either.
TYPED_TOKEN = 918273645
PLATFORMS = ("buenno", "feedbackapi", "hellocustomer")

#: Each connector, its platform, its token and the settings a good run needs.
CONNECTORS: dict[str, tuple[type[PluginBase], str, str, dict[str, t.Any]]] = {
    "tap-buenno": (TapBuenno, "buenno", BUENNO_TOKEN, {}),
    "tap-feedbackapi": (TapFeedbackAPI, "feedbackapi", FEEDBACKAPI_TOKEN, {}),
    "tap-hellocustomer": (
        TapHelloCustomer,
        "hellocustomer",
        HELLOCUSTOMER_TOKEN,
        {
            "campaign_ids": [TOUCHPOINT_STORE_VISIT],
            "start_date": "2025-01-01T00:00:00Z",
            "min_request_interval": 0,
        },
    ),
    "target-buenno": (TargetBuenno, "buenno", BUENNO_TOKEN, {}),
    "target-feedbackapi": (
        TargetFeedbackAPI,
        "feedbackapi",
        FEEDBACKAPI_TOKEN,
        {"default_location": "xS4rtY"},
    ),
    "target-hellocustomer": (
        TargetHelloCustomer,
        "hellocustomer",
        HELLOCUSTOMER_TOKEN,
        {"campaign_id": TOUCHPOINT_STORE_VISIT, "default_language": "nl"},
    ),
}
#: Rules of a connector's own that no schema keyword says, as (connector, setting, value).
BY_HAND = [
    ("target-hellocustomer", "default_language", "Klingon"),
    ("tap-hellocustomer", "nps_filters", [{"key": "store"}]),
]
#: A value of each JSON type, in the order they are tried as a wrong type.
OF_TYPE: dict[str, t.Any] = {
    "string": "text",
    "integer": 12345,
    "boolean": True,
    "array": ["x"],
    "object": {"x": 1},
}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    folder = tmp_path_factory.mktemp("sandbox")
    with SandboxServer(
        folder / "sandbox.db", seed=1, size=5, hellocustomer_min_interval=0.0
    ) as server:
        yield server


def types_of(prop: dict[str, t.Any]) -> set[str]:
    kind = prop.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def wrong_type(prop: dict[str, t.Any]) -> t.Any:
    """A value of a JSON type the setting does not take (a number takes integers too)."""
    kinds = types_of(prop)
    if "number" in kinds:
        kinds.add("integer")
    return next(value for kind, value in OF_TYPE.items() if kind not in kinds)


def bad_values(name: str, prop: dict[str, t.Any]) -> Iterator[tuple[str, t.Any]]:
    """Yield (what is wrong, value) for every rule of one setting's schema."""
    yield "wrong type", TYPED_TOKEN if prop.get("secret") else wrong_type(prop)
    if "minimum" in prop:
        yield "under the minimum", prop["minimum"] - 1
    if prop.get("minLength", 0) > 0:
        yield "too short", ""
    if "pattern" in prop:
        yield "off the pattern", "not-a-guid"
    if "enum" in prop:
        yield "not in the enum", "fortnight"
    if prop.get("format") == "date-time":
        yield "not a date-time", "yesterday"
        yield "epoch seconds, not ISO 8601", "1714521600"
    if name.endswith("api_url"):
        yield "not a URL", "api.example.com/v1"
        yield "plain http to a remote host", "http://api.example.com/v1"
    items = prop.get("items")
    if items:
        yield "an item of the wrong type", [wrong_type(items)]
        if "minimum" in items:
            yield "an item under the minimum", [items["minimum"] - 1]
        if "pattern" in items:
            yield "an item off the pattern", ["not-a-guid"]
        if items.get("required"):
            yield "an item without a required field", [{}]


def cases() -> Iterator[t.Any]:
    for connector, (plugin, _platform, _token, _extra) in CONNECTORS.items():
        schema = plugin.config_jsonschema
        for name in schema.get("required", []):
            yield pytest.param(connector, name, None, id=f"{connector}-{name}-missing")
        for name, prop in schema["properties"].items():
            for problem, value in bad_values(name, prop):
                yield pytest.param(connector, name, value, id=f"{connector}-{name}-{problem}")
    for connector, name, value in BY_HAND:
        yield pytest.param(connector, name, value, id=f"{connector}-{name}-by-hand")


def good_config(connector: str, sandbox: SandboxServer, tmp_path: Path) -> dict[str, t.Any]:
    plugin, platform, token, extra = CONNECTORS[connector]
    config = {"api_token": token, "api_url": sandbox.base_url(platform), **extra}
    for path_setting in ("dead_letter_path", "journal_path", "ledger_path"):
        if path_setting in plugin.config_jsonschema["properties"]:
            config[path_setting] = str(tmp_path / path_setting)
    return config


def run(plugin: type[PluginBase], config: dict[str, t.Any]) -> None:
    """Build the connector and run it as its CLI would: a tap syncs, a target reads a record."""
    with contextlib.redirect_stdout(io.StringIO()):
        connector = plugin(config=config, parse_env_config=False)
        if isinstance(connector, Tap):
            connector.sync_all()
        elif isinstance(connector, PushTarget):
            stream = connector.sink_classes[0].stream
            schema = {"type": "object", "properties": {}}
            messages = [
                {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": []},
                {"type": "RECORD", "stream": stream, "record": {"email": "a@example.com"}},
            ]
            connector.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)))


@pytest.mark.parametrize("connector", sorted(CONNECTORS))
def test_a_good_config_runs_and_reaches_the_sandbox(
    connector: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The runs below would make requests if a bad setting got past the checks."""
    platform = CONNECTORS[connector][1]
    calls_before = sandbox.api_calls(platform)

    run(CONNECTORS[connector][0], good_config(connector, sandbox, tmp_path))

    assert sandbox.api_calls(platform) > calls_before


@pytest.mark.parametrize(("connector", "name", "value"), list(cases()))
def test_a_bad_setting_fails_before_any_request_naming_it(  # noqa: PLR0917 - pytest passes them
    connector: str,
    name: str,
    value: t.Any,
    sandbox: SandboxServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    plugin, _platform, token, _extra = CONNECTORS[connector]
    config = good_config(connector, sandbox, tmp_path)
    if value is None:
        del config[name]
    else:
        config[name] = value
    calls_before = {platform: sandbox.api_calls(platform) for platform in PLATFORMS}
    caplog.set_level(logging.DEBUG)

    with pytest.raises(ConfigValidationError) as failure:
        run(plugin, config)

    assert {platform: sandbox.api_calls(platform) for platform in PLATFORMS} == calls_before
    errors = getattr(failure.value, "errors", None) or []
    message = " ".join([str(failure.value), *map(str, errors)])
    assert f"'{name}'" in message, message
    assert_no_secrets({"error": message, "log": caplog.text}, [token, str(TYPED_TOKEN)])


@pytest.mark.parametrize(
    ("connector", "name"),
    [
        (connector, name)
        for connector, (plugin, *_rest) in CONNECTORS.items()
        for name, prop in plugin.config_jsonschema["properties"].items()
        if prop.get("default") is not None
    ],
)
def test_a_null_setting_takes_its_default(
    connector: str, name: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    plugin = CONNECTORS[connector][0]
    config = {**good_config(connector, sandbox, tmp_path), name: None}

    built = plugin(config=config, parse_env_config=False)

    assert built.config[name] == plugin.config_jsonschema["properties"][name]["default"]
