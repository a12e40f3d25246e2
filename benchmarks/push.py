"""Pushes: each target sending new people to an API that answers every call 100 ms late.

A target runs with its default settings (only the token, the URL and where its ledger,
journal and dead letters go), as its own process reading Singer messages from a file;
its wall time includes its start-up. The sandbox counts the calls it answered, and the
records are counted where they arrived, in the sandbox's own database.
"""

from __future__ import annotations

import json
import sqlite3
import typing as t
from contextlib import closing

from benchmarks.cases import LATENCY_MS, PUSH_CASES, PushCase, Scale
from benchmarks.process import executable, run_process, sandbox_for

if t.TYPE_CHECKING:
    from pathlib import Path

#: The most a push may take, as a share of its sequential minimum and in seconds.
SHARE_OF_SEQUENTIAL = 0.25
MOST_SECONDS = 5.0


def singer_input(case: PushCase, records: int, db_path: Path, path: Path) -> None:
    """Write the stream's SCHEMA, ``records`` new people and a STATE to ``path``."""
    with closing(sqlite3.connect(db_path)) as db:
        given = {name: db.execute(query).fetchone()[0] for name, query in case.given.items()}
    fields = ["email", *given]
    schema = {
        "type": "SCHEMA",
        "stream": case.stream,
        "key_properties": ["email"],
        "schema": {
            "type": "object",
            "properties": {name: {"type": "string"} for name in fields},
        },
    }
    lines = [schema]
    lines += [
        {"type": "RECORD", "stream": case.stream, "record": case.record(number, given)}
        for number in range(records)
    ]
    lines.append({"type": "STATE", "value": {"bookmarks": {"crm": records}}})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def arrived(db_path: Path, case: PushCase) -> int:
    """Count the people the benchmark pushed that the platform holds."""
    with closing(sqlite3.connect(db_path)) as db:
        (count,) = db.execute(
            f"SELECT COUNT(*) FROM {case.table} WHERE email LIKE 'bench-push-%'"  # noqa: S608 - our own table names
        ).fetchone()
    return int(count)


def bench_push(scale: Scale, workdir: Path) -> list[dict[str, t.Any]]:
    """Push ``scale.push_records`` new people with each target, at 100 ms a call."""
    results = []
    records = scale.push_records
    for case in PUSH_CASES:
        folder = workdir / case.target
        folder.mkdir(parents=True, exist_ok=True)
        input_file = folder / "input.singer"
        db_path = workdir / f"push-{case.platform}.db"
        with sandbox_for(
            workdir, db_path.stem, {case.platform: 5}, latency_ms=LATENCY_MS
        ) as server:
            singer_input(case, records, db_path, input_file)
            config = {
                "api_token": case.token,
                "api_url": server.base_url(case.platform),
                "ledger_path": str(folder / "ledger.sqlite"),
                "journal_path": str(folder / "journal.sqlite"),
                "dead_letter_path": str(folder / "dead-letter.jsonl"),
            }
            config_file = folder / "config.json"
            config_file.write_text(json.dumps(config))
            before = server.api_calls(case.platform)
            pushed = run_process(
                [executable(case.target), "--config", str(config_file)], stdin=input_file
            )
            calls = server.api_calls(case.platform) - before
        count = arrived(db_path, case)
        sequential = case.sequential_minimum(records, LATENCY_MS)
        bound = min(SHARE_OF_SEQUENTIAL * sequential, MOST_SECONDS)
        results.append(
            {
                "connector": case.target,
                "stream": case.stream,
                "records": records,
                "arrived": count,
                "calls": calls,
                "latency_ms": LATENCY_MS,
                "seconds": round(pushed.seconds, 2),
                "sequential_minimum_seconds": round(sequential, 2),
                "share_of_sequential": round(pushed.seconds / sequential, 3),
                "target": (
                    f"<= {SHARE_OF_SEQUENTIAL:.0%} of sequential minimum and"
                    f" <= {MOST_SECONDS:g} s, every record"
                ),
                "met": pushed.seconds <= bound and count == records,
            }
        )
    return results
