"""Feed Singer messages to a target, in-process or as a process, and read back what it left."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import stat
import subprocess
import sys
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.secret_scan import assert_no_personal_data, assert_no_secrets, personal_data

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk import Target

Message = dict[str, t.Any]


def schema(stream: str, *names: str, key_properties: list[str] | None = None) -> Message:
    """A SCHEMA message whose fields are loosely typed, as a tap of a CRM would send."""
    properties = {
        name: {"type": ["string", "number", "integer", "boolean", "null"]} for name in names
    }
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": {"type": "object", "properties": properties},
        "key_properties": key_properties or [],
    }


def record(stream: str, **values: t.Any) -> Message:
    return {"type": "RECORD", "stream": stream, "record": values}


def state(**bookmarks: t.Any) -> Message:
    return {"type": "STATE", "value": {"bookmarks": bookmarks}}


@dataclass
class TargetRun:
    """What one target run wrote to stdout, left in the dead-letter file, and raised.

    ``error`` is set only for a run whose test expected an error (``run_target``'s
    ``expect_error``); any other error fails the test where it was raised.
    """

    stdout: str
    dead_letter_path: Path
    error: BaseException | None = None
    states: list[dict[str, t.Any]] = field(default_factory=list)

    @property
    def dead_letters(self) -> list[dict[str, t.Any]]:
        if not self.dead_letter_path.exists():
            return []
        lines = self.dead_letter_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]


def run_target(
    target_class: type[Target],
    config: dict[str, t.Any],
    messages: list[Message],
    tmp_path: Path,
    *,
    expect_error: type[Exception] | None = None,
) -> TargetRun:
    """Run the target over ``messages`` the way the CLI does.

    A target that raises fails the test, unless the test names the error it expects with
    ``expect_error``: then the run must raise exactly that kind, kept in ``TargetRun.error``
    for the test to read its message. Catching everything would let a crash pass as success.
    """
    config = {"dead_letter_path": str(tmp_path / "dead-letter.jsonl"), **config}
    if "journal_path" in target_class.config_jsonschema["properties"]:
        config.setdefault("journal_path", str(tmp_path / "journal.sqlite"))
    buffer = io.StringIO()
    error: BaseException | None = None
    # The summary and the fields left out are logged at INFO, which caplog should see.
    logger = logging.getLogger(target_class.name)
    level = logger.level
    logger.setLevel(logging.INFO)
    with contextlib.redirect_stdout(buffer):
        target = target_class(config=config, parse_env_config=False)
        try:
            target.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)))
        except Exception as exc:
            if expect_error is None or not isinstance(exc, expect_error):
                raise
            error = exc
        finally:
            logger.setLevel(level)
    if expect_error is not None and error is None:
        raise AssertionError(
            f"{target_class.name} finished without raising {expect_error.__name__}"
        )
    stdout = buffer.getvalue()
    states = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return TargetRun(stdout, Path(config["dead_letter_path"]), error, states)


@dataclass
class TargetProcess:
    """What one target process printed and left, and how it ended."""

    returncode: int
    stdout: str
    stderr: str
    dead_letter_path: Path

    @property
    def states(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    @property
    def dead_letters(self) -> list[dict[str, t.Any]]:
        return TargetRun("", self.dead_letter_path).dead_letters


def files_kept(folder: Path, config: dict[str, t.Any]) -> list[Path]:
    """The files a target keeps in its working directory: dead letters, ledgers, journals.

    SQLite's side files (``-wal``, ``-shm``, ``-journal``) count: they hold the same pages.
    """
    named = [
        folder / str(config[setting])
        for setting in ("dead_letter_path", "journal_path", "ledger_path")
        if config.get(setting)
    ]
    patterns = ("dead-letter*.jsonl", "*ledger*.sqlite*", "*journal*.sqlite*")
    found = {path for pattern in patterns for path in folder.glob(pattern)}
    side = {path.with_name(path.name + suffix) for path in named for suffix in SQLITE_SIDES}
    return sorted(path for path in found | set(named) | side if path.is_file())


#: The side files SQLite keeps beside a database.
SQLITE_SIDES = ("-wal", "-shm", "-journal")


def assert_kept_private(
    folder: Path,
    config: dict[str, t.Any],
    messages: Iterable[Message],
    printed: dict[str, str],
    dead_letter_path: Path,
) -> None:
    """Check what a target run left: owner-only files, no token, no contact details.

    The dead-letter file may hold the records themselves (that is what it is for) but
    no token; the log, the states, the ledger and the journal hold neither.
    """
    kept = files_kept(folder, config)
    wide = {str(path): oct(stat.S_IMODE(path.stat().st_mode)) for path in kept}
    wide = {path: mode for path, mode in wide.items() if int(mode, 8) & 0o077}
    assert not wide, f"files readable by group or others: {wide}"
    contents = {path.name: path.read_bytes() for path in kept if path != dead_letter_path}
    assert_no_secrets({**printed, **contents, "dead-letter file": _read(dead_letter_path)})
    assert_no_personal_data({**printed, **contents}, personal_data(messages))


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def push_stream(
    target_class: type[Target],
    fields: t.Mapping[str, t.Sequence[str]],
    config: dict[str, t.Any],
    tmp_path: Path,
    stream: str,
    *body: Message,
    expect_error: type[Exception] | None = None,
) -> TargetRun:
    """Run the target over ``stream``'s SCHEMA (loosely typed ``fields``), then ``body``."""
    return run_target(
        target_class,
        config,
        [schema(stream, *fields[stream]), *body],
        tmp_path,
        expect_error=expect_error,
    )


def run_target_process(
    module: str, config: dict[str, t.Any], messages: list[Message], tmp_path: Path
) -> TargetProcess:
    """Run a target as its own process, the way Meltano does, logging at DEBUG.

    The dead-letter file is ``dead-letter.jsonl`` in ``tmp_path``, the working directory.
    The process runs with umask 000, the most permissive, and what it left is checked
    with ``assert_kept_private`` before it is returned: every test that runs a target
    this way checks that it keeps personal data and tokens where they belong.
    """
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps(config))
    env = {key: value for key, value in os.environ.items() if not key.startswith("TARGET_")}
    env["LOGLEVEL"] = "DEBUG"
    result = subprocess.run(
        [sys.executable, "-m", module, "--config", str(config_file)],
        input="".join(json.dumps(message) + "\n" for message in messages),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
        umask=0,
    )
    run = TargetProcess(
        result.returncode, result.stdout, result.stderr, tmp_path / "dead-letter.jsonl"
    )
    printed = {"stdout": run.stdout, "stderr": run.stderr}
    assert_kept_private(tmp_path, config, messages, printed, run.dead_letter_path)
    return run
