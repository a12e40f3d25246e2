"""singer-sdk's per-record path, without the work that changes nothing.

For every record the SDK walks the record against the selection mask to drop
deselected properties (a tenth of a tap's time when, as usual, every property is
selected), looks up the effective schema for a type conformance the suite's streams
turn off (``TYPE_CONFORMANCE_LEVEL``: ``post_process`` has already conformed the
record), and, in a stream without child streams, copies the record as the context of
children to sync. Here the mask is checked once: where it deselects something the
SDK's own path runs, else the RECORD messages are made as the SDK makes them, one per
stream map that keeps the record; children are looked for only where there are some.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers.types import Context, Record
    from singer_sdk.singerlib import SelectionMask
    from singer_sdk.streams import Stream

    _Stream = Stream
else:
    _Stream = object


@t.runtime_checkable
class DirectRecordWriter(t.Protocol):
    """A message writer that encodes a RECORD line from its parts (``SurveyTap``'s)."""

    def write_record(
        self,
        stream: str,
        record: dict[str, t.Any],
        version: int | None,
        time_extracted: dt.datetime,
    ) -> None:
        """Write the RECORD line of ``record`` in ``stream``."""
        ...


class PlainRecordMessages(_Stream):
    """Mixed into a stream whose records ``post_process`` conforms and the SDK must not."""

    _checked_mask: SelectionMask | None = None
    _selects_everything = False
    #: The writer, stream maps and selection ``_direct_target`` last looked at.
    _checked_for: tuple[object, object, object] | None = None
    _direct: tuple[DirectRecordWriter, str] | None = None

    def _every_property_selected(self) -> bool:
        """Return whether the selection keeps every property, checking each mask once.

        A breadcrumb the mask does not list takes its parent's value, so a mask whose
        every entry is true selects every property at any depth.
        """
        mask = self.mask
        if mask is not self._checked_mask:
            self._checked_mask = mask
            self._selects_everything = all(mask.values())
        return self._selects_everything

    @override
    def _process_record(
        self,
        record: Record,
        child_context: Context | None = None,
        partition_context: Context | None = None,
    ) -> None:
        """Add the partition's keys; sync child streams only where the stream has some.

        Without child streams the SDK's version still copies every record as the
        context of children to sync, then finds none.
        """
        if self.child_streams:
            super()._process_record(record, child_context, partition_context)
            return
        for key, value in (partition_context or {}).items():
            record.setdefault(key, value)

    def _direct_target(self) -> tuple[DirectRecordWriter, str] | None:
        """Return the writer and stream name where RECORD lines are written from their parts.

        They are where the tap's writer can (``DirectRecordWriter``) and each record goes
        out as it is: every property selected, one stream map that changes nothing, no
        flattening. That is looked at again only when the writer, the maps or the
        selection is another object: a protocol check and a walk of the mask for every
        record cost more than writing its line.
        """
        writer, maps, mask = self._tap.message_writer, self.stream_maps, self.mask
        checked = self._checked_for
        if (
            checked is None
            or checked[0] is not writer
            or checked[1] is not maps
            or checked[2] is not mask
        ):
            as_read = (
                self._every_property_selected()
                and len(maps) == 1
                and type(maps[0]) is SameRecordTransform
                and not maps[0].flattening_enabled
            )
            direct = as_read and isinstance(writer, DirectRecordWriter)
            self._direct = (
                (t.cast("DirectRecordWriter", writer), maps[0].stream_alias) if direct else None
            )
            self._checked_for = (writer, maps, mask)
        return self._direct

    @override
    def _write_record_message(self, record: Record) -> None:
        """Write the RECORD line straight from the record where it goes out as it is.

        Making a ``RecordMessage`` and its dict for every record only to encode them was a
        tenth of what a tap spent per record; the line written is the same.
        """
        direct = self._direct_target()
        if direct is None:
            super()._write_record_message(record)
            return
        writer, stream = direct
        writer.write_record(stream, record, self._stream_version, dt.datetime.now(dt.timezone.utc))
        self.state_manager.is_flushed = False

    @override
    def _generate_record_messages(self, record: Record) -> Generator[RecordMessage, None, None]:
        """Yield a message per stream map; the SDK's own path where a property is deselected."""
        if not self._every_property_selected():
            yield from super()._generate_record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped_record = stream_map.transform(record)
            if mapped_record is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped_record,
                    version=self._stream_version,
                    time_extracted=dt.datetime.now(dt.timezone.utc),
                )
