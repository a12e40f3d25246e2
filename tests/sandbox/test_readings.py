"""The sandbox takes the other reading of exactly the register points it is told to."""

from __future__ import annotations

import json
import typing as t
import urllib.request

import pytest

from survey_common.readings import REGISTER, Readings, readings_from_text
from survey_sandbox.cli import build_parser
from survey_sandbox.server import SandboxServer

if t.TYPE_CHECKING:
    from pathlib import Path


def health(sandbox: SandboxServer) -> dict[str, t.Any]:
    with urllib.request.urlopen(f"{sandbox.url}/_sandbox/health") as answer:  # noqa: S310 - loopback
        return t.cast("dict[str, t.Any]", json.load(answer))


def test_a_sandbox_reads_ours_everywhere_unless_told(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "sandbox.db", size=1) as sandbox:
        assert health(sandbox)["other_readings"] == []


def test_all_switches_every_point_of_the_register(tmp_path: Path) -> None:
    with SandboxServer(
        tmp_path / "sandbox.db", size=1, readings=readings_from_text("all")
    ) as sandbox:
        assert health(sandbox)["other_readings"] == sorted(point.key for point in REGISTER)


def test_register_keys_are_unique_and_named_by_platform() -> None:
    keys = [point.key for point in REGISTER]
    assert len(keys) == len(set(keys))
    for point in REGISTER:
        assert point.key.startswith(f"{point.platform}.")
        assert point.platform in {"buenno", "feedbackapi", "hellocustomer"}


def test_an_unknown_point_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="unknown reading no-such-point"):
        readings_from_text("no-such-point")
    readings = Readings(["a.b"], ["a.b"])
    assert readings.other("a.b")
    with pytest.raises(KeyError, match="not a point"):
        readings.other("a.c")


def test_the_command_line_takes_all_or_keys(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    assert parser.parse_args([]).other_reading.switched == frozenset()
    everything = parser.parse_args(["--other-reading", "all"]).other_reading
    assert everything.switched == frozenset(point.key for point in REGISTER)
    with pytest.raises(SystemExit):
        parser.parse_args(["--other-reading", "no-such-point"])
    assert "unknown reading no-such-point" in capsys.readouterr().err
