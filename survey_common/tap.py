"""The tap base every tap of the suite builds on.

Messages are encoded with the SDK's msgspec encoder rather than its default JSON one:
encoding was the largest single cost of a tap after type conformance (see the README's
Performance section), and the output is the same Singer JSON.
"""

from __future__ import annotations

import sys
import typing as t

from singer_sdk import Tap
from singer_sdk.contrib.msgspec import MsgSpecWriter

from survey_common.settings import SecretSafeConfigMixin

if t.TYPE_CHECKING:
    from singer_sdk.singerlib.encoding.simple import Message


class BufferedMsgSpecWriter(MsgSpecWriter):
    """The msgspec writer, flushing at messages other than RECORD rather than at each one.

    The SDK's version flushes after every record, a system call per record. Records are
    only useful to a target up to the next STATE, which is flushed at once. Where stdout
    has no binary buffer (output captured as text), the line is written as text.
    """

    def write_message(self, message: Message) -> None:
        """Write one message line; flush unless it is a RECORD."""
        line = self.format_message(message)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(line.decode())
        else:
            buffer.write(line)
        if message.type != "RECORD":
            sys.stdout.flush()


class SurveyTap(SecretSafeConfigMixin, Tap):
    """A tap with the suite's config checks and the fast message writer."""

    message_writer_class = BufferedMsgSpecWriter
