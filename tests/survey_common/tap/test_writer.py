"""RECORD lines are written out in blocks, in order, always before the STATE after them."""

from __future__ import annotations

import gc
import io
import json
import typing as t

import pytest
from singer_sdk.singerlib import RecordMessage, StateMessage

from survey_common.tap.tap import BufferedMsgSpecWriter


class ShortWrites(io.RawIOBase):
    """An unbuffered stdout that takes at most 1000 bytes a write, as a pipe may."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: t.Any) -> int:
        taken = bytes(b[:1000])
        self.data += taken
        return len(taken)


def unbuffered_stdout(monkeypatch: pytest.MonkeyPatch) -> ShortWrites:
    """Replace stdout in the test itself: pytest sets its own again after fixtures."""
    raw = ShortWrites()
    stdout = io.TextIOWrapper(t.cast("io.BufferedWriter", raw), write_through=True)
    monkeypatch.setattr("sys.stdout", stdout)
    return raw


def record(number: int) -> RecordMessage:
    return RecordMessage(stream="replies", record={"id": number, "text": "x" * 100})


def lines(raw: ShortWrites) -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in raw.data.decode().splitlines()]


def test_records_are_written_whole_and_in_order_before_the_state_after_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdout = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    for number in range(1000):  # more than a block
        writer.write_message(record(number))
    writer.write_message(StateMessage(value={"bookmarks": {}}))
    messages = lines(stdout)
    assert [m["record"]["id"] for m in messages[:-1]] == list(range(1000))
    assert messages[-1] == {"type": "STATE", "value": {"bookmarks": {}}}


def test_records_kept_when_the_tap_ends_are_written_out(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    writer.write_message(record(1))
    writer.write_message(record(2))
    del writer
    gc.collect()
    assert [m["record"]["id"] for m in lines(stdout)] == [1, 2]
