"""The tap base every tap of the suite builds on.

Messages are encoded with the SDK's msgspec encoder rather than its default JSON one:
encoding was the largest single cost of a tap after type conformance (see the README's
Performance section), and the output is the same Singer JSON.

A tap that stops on an API failure (token refused, retries exhausted, an answer it
cannot read) ends with exit code 1 and that failure's message, which names the call
and the status or network error, rather than singer-sdk's traceback of thirty lines.

urllib3 logs each request line with its query at DEBUG; a tap hides those queries from
the start (``survey_common.http.quiet_urls``).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import threading
import typing as t
import weakref

from singer_sdk import Tap
from singer_sdk.contrib import msgspec as msgspec_encoding
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from survey_common.http import quiet_urls
from survey_common.http.inflight import DEFAULT_MAX_CONCURRENT_REQUESTS, InFlightLimit
from survey_common.one_line_exit import OneLineExit
from survey_common.settings import SecretSafeConfigMixin

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.singerlib.encoding.simple import Message


#: RECORD messages written from their parts that are encoded together.
PENDING_RECORDS = 200


class BufferedMsgSpecWriter(MsgSpecWriter):
    """The msgspec writer, writing RECORD lines out in blocks rather than one by one.

    The SDK's version flushes after every record, a system call per record; so does any
    write when Python runs unbuffered (``PYTHONUNBUFFERED``, as under some schedulers).
    Records are only useful to a target up to the next STATE, so RECORD lines are kept
    until a block is full, and written out with everything before them at any other
    message, which is flushed at once, and when the tap ends. Where stdout has
    no binary buffer (output captured as text), each line is written as text.
    """

    #: Bytes of RECORD lines kept before they are written out.
    block_size: t.ClassVar[int] = 1 << 16

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with no lines kept; whatever is kept when the tap ends is written out then.

        Records after the last STATE are still of use to a target that loads as it reads,
        so a sync that fails writes them out before the tap exits.
        """
        super().__init__(*args, **kwargs)
        self._kept = bytearray()
        #: RECORD messages written from their parts and not yet encoded, in order.
        self._pending: list[dict[str, t.Any]] = []
        weakref.finalize(self, _write_out, self._kept, self._pending)

    def write_record(
        self,
        stream: str,
        record: dict[str, t.Any],
        version: int | None,
        time_extracted: dt.datetime,
    ) -> None:
        """Keep the RECORD line ``RecordMessage(...)`` would give, without making the message.

        The message is kept as a dict, with the keys in the order the SDK's
        ``RecordMessage.to_dict`` gives them, and encoded with those kept before it in one
        call (``PENDING_RECORDS`` at a time, or before any other message): the lines are
        byte for byte the same, at half the cost of encoding each alone. A record is not
        changed once written, so encoding it a little later gives the same line.
        """
        if getattr(sys.stdout, "buffer", None) is None:
            self.write_message(
                RecordMessage(
                    stream=stream, record=record, version=version, time_extracted=time_extracted
                )
            )
            return
        message: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": record}
        if version is not None:
            message["version"] = version
        message["time_extracted"] = time_extracted
        pending = self._pending
        pending.append(message)
        if len(pending) >= PENDING_RECORDS:
            _encode_pending(self._kept, pending)
            if len(self._kept) >= self.block_size:
                _write_all(sys.stdout.buffer, self._kept)

    @override
    def write_message(self, message: Message) -> None:
        """Keep a RECORD line, write the lines kept at a full block or another message."""
        line = self.format_message(message)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(line.decode())
        else:
            _encode_pending(self._kept, self._pending)
            self._kept += line
            if len(self._kept) < self.block_size and message.type == "RECORD":
                return
            _write_all(buffer, self._kept)
        if message.type != "RECORD":
            sys.stdout.flush()


def _write_all(buffer: t.BinaryIO, kept: bytearray) -> None:
    """Write ``kept`` out whole and empty it; unbuffered stdout may take part of a block."""
    view = memoryview(kept)
    while view:
        view = view[buffer.write(view) :]
    view.release()
    kept.clear()


def _encode_pending(kept: bytearray, pending: list[dict[str, t.Any]]) -> None:
    """Encode the RECORD messages pending onto the lines kept, in order, and forget them."""
    if pending:
        kept += msgspec_encoding.encoder.encode_lines(pending)
        pending.clear()


def _write_out(kept: bytearray, pending: list[dict[str, t.Any]]) -> None:
    """Write out the RECORD lines a writer kept, however few: the tap is ending."""
    buffer = getattr(sys.stdout, "buffer", None)
    _encode_pending(kept, pending)
    if kept and buffer is not None:
        _write_all(buffer, kept)
        buffer.flush()


#: The distribution every connector ships in. singer-sdk looks a plugin's version up under
#: the plugin's own name (``tap-buenno``), which is no distribution, so ``--about`` would
#: say "[could not be detected]" without it.
DISTRIBUTION = "survey-connectors"


class SurveyTap(OneLineExit, SecretSafeConfigMixin, Tap):
    """A tap with the suite's config checks, the fast message writer and clean failures."""

    package_name = DISTRIBUTION
    message_writer_class = BufferedMsgSpecWriter
    expected_failures = (FatalAPIError,)

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the tap as a command, what start-up loaded kept out of garbage collection.

        Every page read makes tens of thousands of dicts and lists, which set off
        collections that walk every object alive, the SDK's modules and the tap's
        schemas among them (some 50,000 objects). Those live as long as the process, so
        they are frozen first: the tap then spends about 3 to 8% less CPU (measured on
        100,000 records of tap-feedbackapi and tap-buenno).
        """
        gc.freeze()
        super().invoke(*args, **kwargs)

    @override
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Hide URL queries from urllib3's log before the first request can be logged."""
        quiet_urls.install()
        self._answers = threading.local()
        super().__init__(*args, **kwargs)
        #: One bound on the calls in flight for every stream and partition of the run.
        self.in_flight_limit = InFlightLimit(
            int(self.config.get("max_concurrent_requests") or DEFAULT_MAX_CONCURRENT_REQUESTS)
        )

    @property
    def last_answer(self) -> requests.Response | None:
        """The last answer a stream of the tap received on this thread, for errors about its shape.

        Per thread: pages read ahead arrive on worker threads, while an error names the
        answer the walk is reading, which the walk takes on its own thread.
        """
        return t.cast("requests.Response | None", getattr(self._answers, "response", None))

    @last_answer.setter
    def last_answer(self, response: requests.Response | None) -> None:
        """Note the answer this thread received last."""
        self._answers.response = response
