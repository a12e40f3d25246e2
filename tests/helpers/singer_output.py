"""Run a tap in-process and read back the Singer messages it wrote."""

from __future__ import annotations

import contextlib
import io
import json
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from singer_sdk import Tap


@dataclass
class SingerOutput:
    """The messages of one tap run, sorted by kind."""

    messages: list[dict[str, t.Any]] = field(default_factory=list)

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def schemas(self, stream: str) -> list[dict[str, t.Any]]:
        return [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream]

    @property
    def states(self) -> list[dict[str, t.Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict[str, t.Any]:
        return self.states[-1]


def parse_messages(text: str) -> SingerOutput:
    return SingerOutput([json.loads(line) for line in text.splitlines() if line.strip()])


def run_tap(
    tap_class: type[Tap],
    config: dict[str, t.Any],
    state: dict[str, t.Any] | None = None,
) -> SingerOutput:
    """Sync every stream of a tap and return what it wrote to stdout."""
    tap = tap_class(config=config, state=state, parse_env_config=False)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tap.sync_all()
    return parse_messages(buffer.getvalue())
