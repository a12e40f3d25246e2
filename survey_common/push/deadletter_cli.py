"""``survey-deadletter``: resend the records of a dead-letter file, or drop its old lines.

A dead-letter line keeps the record as the target received it (after stream maps), so
once the source is fixed (or the line itself edited) it can be sent again. ``resend``
turns the lines back into Singer messages, a SCHEMA per stream and a RECORD per line,
to pipe into the same target (with a config without ``stream_maps``: the records are
already mapped). Lines marked ``uncertain`` may have reached the platform and are left
out unless ``--include-uncertain`` is given.

The file holds people's contact details and is kept until removed; ``prune`` drops
the lines older than a number of days, rewriting the file owner-only in one rename so
that a reader never sees half of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import typing as t
from pathlib import Path

from survey_common.push.private_files import create_private
from survey_common.timestamps import UTC, parse_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


def _lines(path: Path) -> Iterator[dict[str, t.Any]]:
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)


def resend_messages(
    path: Path, *, stream: str | None = None, include_uncertain: bool = False
) -> Iterator[dict[str, t.Any]]:
    """Yield the Singer messages that send a dead-letter file's records again.

    Each stream's SCHEMA is loose (every field of any type): the target checks each
    record against its own push schema, as it did the first time.
    """
    announced: set[str] = set()
    for line in _lines(path):
        if (stream is not None and line["stream"] != stream) or (
            line.get("uncertain") and not include_uncertain
        ):
            continue
        if line["stream"] not in announced:
            announced.add(line["stream"])
            yield {
                "type": "SCHEMA",
                "stream": line["stream"],
                "schema": {"type": "object", "properties": {}},
                "key_properties": [],
            }
        yield {"type": "RECORD", "stream": line["stream"], "record": line["record"]}


def prune(path: Path, *, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Drop the lines written more than ``older_than_days`` days ago; return how many."""
    cutoff = (now or dt.datetime.now(tz=UTC)) - dt.timedelta(days=older_than_days)
    kept = [line for line in _lines(path) if parse_timestamp(line["at"]) >= cutoff]
    dropped = sum(1 for _ in _lines(path)) - len(kept)
    fresh = path.with_name(path.name + ".pruning")
    fresh.unlink(missing_ok=True)
    create_private(fresh)
    with fresh.open("w", encoding="utf-8") as file:
        file.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in kept)
    fresh.replace(path)
    return dropped


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``survey-deadletter resend FILE`` or ``prune FILE --older-than-days N``."""
    parser = argparse.ArgumentParser(
        prog="survey-deadletter", description="Resend or prune a target's dead-letter file."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    resend = commands.add_parser(
        "resend", help="print the file's records as Singer messages, to pipe into the target"
    )
    resend.add_argument("file", type=Path)
    resend.add_argument("--stream", help="only the records of this stream")
    resend.add_argument(
        "--include-uncertain",
        action="store_true",
        help="also records that may have reached the platform (check them first)",
    )
    pruning = commands.add_parser("prune", help="drop the lines older than a number of days")
    pruning.add_argument("file", type=Path)
    pruning.add_argument("--older-than-days", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "resend":
        for message in resend_messages(
            args.file, stream=args.stream, include_uncertain=args.include_uncertain
        ):
            sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        return 0
    dropped = prune(args.file, older_than_days=args.older_than_days)
    sys.stderr.write(
        f"{args.file}: {dropped} line(s) older than {args.older_than_days} days dropped\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
