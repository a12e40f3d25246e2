"""RECORD lines are written out in blocks, in order, always before the STATE after them."""

from __future__ import annotations

import datetime as dt
import decimal
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


@pytest.mark.parametrize("version", [None, 1733000000000])
def test_a_record_written_from_its_parts_is_the_line_its_message_gives(
    monkeypatch: pytest.MonkeyPatch, version: int | None
) -> None:
    extracted = dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)
    fields = {"id": 7, "score": decimal.Decimal("9.50"), "at": "2025-01-02T03:04:05+00:00"}
    as_message = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    writer.write_message(
        RecordMessage(stream="replies", record=fields, version=version, time_extracted=extracted)
    )
    writer.write_message(StateMessage(value={}))
    from_parts = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    writer.write_record("replies", fields, version, extracted)
    writer.write_message(StateMessage(value={}))

    assert from_parts.data == as_message.data
    assert b'"score":9.50' in from_parts.data


def write_from_parts(writer: BufferedMsgSpecWriter, numbers: range) -> None:
    extracted = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
    for number in numbers:
        writer.write_record("replies", {"id": number, "text": "x" * 100}, None, extracted)


def test_records_written_from_their_parts_come_out_in_order_before_any_other_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdout = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    write_from_parts(writer, range(1000))  # several encodings and blocks
    writer.write_message(record(1000))  # a record that came the SDK's way
    write_from_parts(writer, range(1001, 1003))
    writer.write_message(StateMessage(value={"bookmarks": {}}))

    messages = lines(stdout)
    assert [m["record"]["id"] for m in messages[:-1]] == list(range(1003))
    assert messages[-1] == {"type": "STATE", "value": {"bookmarks": {}}}


def test_records_written_from_their_parts_are_written_out_when_the_tap_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdout = unbuffered_stdout(monkeypatch)
    writer = BufferedMsgSpecWriter()
    write_from_parts(writer, range(5))
    del writer
    gc.collect()
    assert [m["record"]["id"] for m in lines(stdout)] == list(range(5))
