"""The target every platform's push target builds on: settings, routing, state, exit code.

singer-sdk's ``Target`` reads the Singer messages; this class adds what pushing into an
API needs:

- Settings every target shares (``push_settings``), validated without echoing secrets.
- Routing by stream name: an unknown stream fails at once, listing the accepted names.
- Pushes side by side: record sinks hand each vetted record to one pool of pushes
  (``survey_common.push.pool``) with ``max_concurrent_requests`` workers, which never
  has two pushes of one key in flight and stops at the first failure that stops the
  run. A target whose platform takes one call at a time sets ``concurrent_pushes``
  false and pushes each record as it is read.
- State gating: a STATE message is passed on once every record before it was pushed,
  so a rerun from it never pushes an accepted record again. Each STATE is held with
  its position in the input (the records read before it) and passed on as soon as
  every push before that position finished (by the worker that finished the last one,
  or as the STATE is read); only then does singer-sdk see it as its latest state, so
  whatever makes singer-sdk write its state (a drain, a termination signal) writes one
  that is safe. Pushes that are not idempotent are also written to the push journal
  before they are sent, with their position, and a STATE passed on forgets only those
  before it, so that a run killed before its next STATE does not send them again when
  rerun from the last one.
  Sinks that batch hold the state back until the batch before it was sent: when a full
  batch is sent and nothing else is pending, at the next STATE that finds nothing
  pending, or at the end.
- A summary per stream at the end, then exit code 1 when ``fail_on_rejected`` is set
  and a record was rejected, only after the final state was written.
- A run that cannot go on (``PushStoppedError``) ends with its message and exit code 1,
  without a traceback: pushes on their way finish first, and the state behind every
  finished push is written, then the summary.
- Personal data stays out of logs and out of other users' reach: URL queries are hidden
  from urllib3's log, and the dead-letter file, journal and ledger are owner-only.
"""

from __future__ import annotations

import abc
import collections
import copy
import threading
import typing as t
from functools import cached_property
from pathlib import Path

from singer_sdk import Target
from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import PluginCapabilities
from singer_sdk.mapper import RemoveRecordTransform
from typing_extensions import override

from survey_common.http import quiet_urls
from survey_common.http.inflight import DEFAULT_MAX_CONCURRENT_REQUESTS, InFlightLimit
from survey_common.http.redact import Redactor
from survey_common.one_line_exit import OneLineExit
from survey_common.push.client import PushClient, PushStoppedError
from survey_common.push.deadletter import DeadLetterFile
from survey_common.push.journal import PushJournal
from survey_common.push.ledger import Ledger
from survey_common.push.pool import PushPool
from survey_common.push.report import RunReport
from survey_common.push.sink import DroppedStreamSink
from survey_common.settings import DEFAULT_REQUEST_TIMEOUT, SecretSafeConfigMixin
from survey_common.tap.tap import DISTRIBUTION

if t.TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable, MutableSet

    import requests
    from singer_sdk.helpers.capabilities import CapabilitiesEnum
    from singer_sdk.sinks import Sink

    from survey_common.http.ratelimit import MinIntervalLimiter
    from survey_common.push.sink import PushSinkBase

#: Where rejected records go when ``dead_letter_path`` is not set: the working directory.
DEFAULT_DEAD_LETTER_PATH = "dead-letter.jsonl"


class UnknownStreamError(PushStoppedError):
    """An input stream the target has no sink for."""


class RejectedRecordsError(PushStoppedError):
    """Records were rejected and ``fail_on_rejected`` asks the run to fail for it."""


def push_settings(
    connection: list[th.Property[t.Any]], *, journal_default: str | None = None
) -> list[th.Property[t.Any]]:
    """Return the settings every push target has: its tap's token and URL, then its own.

    Args:
        connection: The platform's token and URL settings.
        journal_default: The default ``journal_path``, for a target with pushes that are
            not idempotent; None for a target that needs no journal.
    """
    journal = [] if journal_default is None else [journal_setting(journal_default)]
    return [
        *connection,
        th.Property(
            "dead_letter_path",
            th.StringType(min_length=1),
            default=DEFAULT_DEAD_LETTER_PATH,
            title="Dead-letter file",
            description=(
                "JSON Lines file that rejected records are appended to, one line each with "
                "the stream, the record, the reason, the HTTP status, whether it may have "
                "reached the platform anyway ('uncertain') and the time. A relative path "
                "is relative to the working directory."
            ),
        ),
        th.Property(
            "fail_on_rejected",
            th.BooleanType,
            default=False,
            title="Fail on rejected records",
            description=(
                "Exit with code 1 when any record was rejected (after the final state was "
                "written). By default rejected records are reported and the run succeeds."
            ),
        ),
        *journal,
    ]


def journal_setting(default: str) -> th.Property[t.Any]:
    """Return the ``journal_path`` setting of a target whose pushes are not all idempotent."""
    return th.Property(
        "journal_path",
        th.StringType,
        default=default,
        title="Push journal file",
        description=(
            "SQLite file where each push that the platform cannot recognise a second time "
            "is noted before it is sent and after it is answered, until the next STATE "
            "passes it. A run killed in between and rerun from the last state counts those "
            "records as already present, or rejects them as uncertain when their answer "
            "never came, instead of sending them twice. A relative path is relative to the "
            "working directory; empty turns the journal off."
        ),
    )


class PushTarget(OneLineExit, SecretSafeConfigMixin, Target):
    """A target that pushes each input stream into one platform's API."""

    expected_failures = (PushStoppedError,)
    # The distribution's version is the target's: see survey_common.tap.tap.DISTRIBUTION.
    package_name = DISTRIBUTION

    #: The platform's name as users know it, used in every message.
    platform_name: t.ClassVar[str]
    #: The folder of ``schemas/`` holding the push schemas.
    schema_folder: t.ClassVar[str]
    #: One sink class per accepted input stream.
    sink_classes: t.ClassVar[tuple[type[PushSinkBase], ...]]
    #: Whether record sinks push several records side by side; false pushes each as read.
    concurrent_pushes: t.ClassVar[bool] = True

    # Records are validated by each stream's push schema, not the incoming SCHEMA, so the
    # SDK's validate_records setting would do nothing here.
    capabilities: t.ClassVar[list[CapabilitiesEnum]] = [
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
        PluginCapabilities.STRUCTURED_LOGGING,
    ]

    @classmethod
    @override
    def append_builtin_config(cls, config_jsonschema: dict[str, t.Any]) -> None:
        """Add singer-sdk's stream-map and flattening settings, not those of loading targets.

        ``load_method``, ``add_record_metadata`` and ``batch_size_rows`` describe writing
        rows into a database; here they would be settings that change nothing.
        """
        super(Target, cls).append_builtin_config(config_jsonschema)

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Open the run's report; nothing is sent or written before the first record.

        urllib3's request lines would log the query of a customer look-up, which holds
        an email or a phone number: their queries are hidden before any request.
        """
        quiet_urls.install()
        super().__init__(*args, **kwargs)
        # Sinks push in turn: parallel draining would only compete for the API's limits.
        self.max_parallelism = 1
        properties = self.config_jsonschema.get("properties", {})
        self.redact = Redactor(
            str(self.config[name])
            for name, prop in properties.items()
            if prop.get("secret") and self.config.get(name)
        )
        path = Path(str(self.config.get("dead_letter_path") or DEFAULT_DEAD_LETTER_PATH))
        self.report = RunReport(DeadLetterFile(path, self.redact, logger=self.logger), self.logger)
        #: Every push sink of the run, including those replaced after a schema change.
        self.push_sinks: list[PushSinkBase] = []
        self._pushed_keys: dict[str, MutableSet[Hashable]] = {}
        self._last_state_written: dict[str, t.Any] | None = None
        #: Records read so far: the position of the record being processed.
        self.position = 0
        #: STATE messages not passed on yet, each with its mark: the records before it
        #: are those at positions below the mark.
        self._held_states: collections.deque[tuple[int, dict[str, t.Any]]] = collections.deque()
        #: The mark of ``_latest_state``: the journal forgets what comes before it.
        self._latest_mark = 0
        #: Held while states are passed on: by the main thread, or a push's worker.
        self._state_lock = threading.RLock()

    # The platform

    @abc.abstractmethod
    def authenticator(self) -> Callable[[requests.PreparedRequest], requests.PreparedRequest]:
        """Return what signs each request with the token; each platform has its own way."""

    @abc.abstractmethod
    def error_message(self, body: t.Any) -> str | None:
        """Return the API's explanation from an error body; each platform has its envelope."""

    @property
    def request_limiter(self) -> MinIntervalLimiter | None:
        """The pacing of every call, for platforms with a call-rate limit; None by default."""
        return None

    @cached_property
    def in_flight_limit(self) -> InFlightLimit:
        """The bound on calls in flight, shared by every sink and push of the run."""
        return InFlightLimit(
            int(self.config.get("max_concurrent_requests") or DEFAULT_MAX_CONCURRENT_REQUESTS)
        )

    @cached_property
    def pool(self) -> PushPool:
        """The pushes running side by side, one worker per call allowed in flight."""
        return PushPool(self.in_flight_limit.maximum, on_settled=self._pass_on_states)

    def submit_push(self, keys: Iterable[Hashable], work: Callable[[], None]) -> None:
        """Run one record's push in the pool, once no push with one of ``keys`` is in flight.

        Raises:
            PushStoppedError: an earlier push stopped the run (or the error of a bug): the
                pushes on their way finished, and the state behind them was written.
        """
        try:
            self.pool.submit(self.position, keys, work)
        except BaseException:
            self._after_failed_push()
            raise

    def _raise_failed_push(self) -> None:
        """Raise the failure of a push in the pool, once the pushes on their way finished."""
        if "pool" not in self.__dict__:
            return
        try:
            self.pool.check()
        except BaseException:
            self._after_failed_push()
            raise

    def _after_failed_push(self) -> None:
        """Let the pushes on their way finish, then pass on the state behind them and log."""
        self.pool.wait_quiet()
        self._pass_on_states()
        self.report.log_summary()

    @cached_property
    def journal(self) -> PushJournal | None:
        """The push journal, or None when the target has none or ``journal_path`` is empty."""
        path = self.config.get("journal_path")
        return PushJournal(Path(str(path)), self.logger) if path else None

    @cached_property
    def client(self) -> PushClient:
        """The one client every sink of the run sends through."""
        return PushClient(
            platform=self.platform_name,
            api_url=str(self.config["api_url"]),
            auth=self.authenticator(),
            error_message=self.error_message,
            redact=self.redact,
            logger=self.logger,
            limiter=self.request_limiter,
            in_flight=self.in_flight_limit,
            timeout=float(self.config.get("request_timeout") or DEFAULT_REQUEST_TIMEOUT),
        )

    @cached_property
    def ledger(self) -> Ledger | None:
        """The ledger of earlier runs' pushes, for a target with a ``ledger_path`` setting.

        None when the target has no such setting or it is empty: then only repeats within
        one run are skipped.
        """
        path = self.config.get("ledger_path")
        return Ledger(Path(str(path)), logger=self.logger) if path else None

    def resend_after_days(self, stream: str) -> int | None:  # noqa: ARG002 - a hook
        """Whole days after which a stream's pushed key lapses in the ledger; None: never."""
        return None

    def pushed_keys(self, stream: str) -> MutableSet[Hashable]:
        """Return the keys of what was pushed to a stream, shared by its sinks.

        The ledger's keys when there is one, so a rerun of the same input pushes nothing
        twice; otherwise this run's, kept in memory.
        """
        if self.ledger is not None:
            return self.ledger.keys(stream, resend_after_days=self.resend_after_days(stream))
        return self._pushed_keys.setdefault(stream, set())

    # Routing

    @override
    def get_sink_class(self, stream_name: str) -> type[Sink]:
        """Return the sink of an accepted stream; fail at once for any other name.

        A stream that the stream maps remove needs no sink of its own, whatever its name.
        """
        routes = {sink.stream: sink for sink in self.sink_classes}
        if stream_name in routes:
            return routes[stream_name]
        maps = self.mapper.stream_maps.get(stream_name, [])
        if maps and all(isinstance(stream_map, RemoveRecordTransform) for stream_map in maps):
            return DroppedStreamSink
        accepted = ", ".join(f"'{name}'" for name in routes)
        raise UnknownStreamError(
            f"{self.name} does not take stream '{stream_name}'; it accepts {accepted}. "
            "Rename a stream with a stream map, for example "
            f'"stream_maps": {{"{stream_name}": {{"__alias__": "{next(iter(routes))}"}}}}, '
            'or drop the streams not named there with "__else__": null.'
        )

    # State gating

    @override
    def _process_state_message(self, message_dict: dict[str, t.Any]) -> None:
        """Hold the state behind the records read before it; pass it on once they are pushed.

        singer-sdk would keep it as its latest state at once, and write it at its next
        drain whether or not the pushes before it finished: it only learns of a state
        once it is safe (``_pass_on_states``).
        """
        self._assert_line_requires(message_dict, requires={"value"})
        mark = self.position + 1
        with self._state_lock:
            if self._held_states and self._held_states[-1][0] == mark:
                self._held_states.pop()  # no record between the two: the later one says all
            self._held_states.append((mark, message_dict["value"]))
        self._raise_failed_push()
        self._pass_on_states()

    @override
    def _process_record_message(self, message_dict: dict[str, t.Any]) -> None:
        """Process a record; pass on the states whose pushes finished meanwhile.

        Also when sending a full batch emptied every sink: singer-sdk sends a full batch
        without writing the state it keeps, which would then wait for the next STATE or
        the end although nothing before it is pending.
        """
        self.position += 1
        super()._process_record_message(message_dict)
        self._raise_failed_push()
        self._pass_on_states()

    def _pass_on_states(self) -> None:
        """Make each state whose pushes all finished singer-sdk's in turn, and write it.

        Each is written at once unless a batching sink holds records not yet sent: then
        singer-sdk writes the latest after sending them, or a later call here does.
        """
        pool = self.__dict__.get("pool")
        with self._state_lock:
            while self._held_states and (
                pool is None or pool.settled_before(self._held_states[0][0])
            ):
                self._latest_mark, self._latest_state = self._held_states.popleft()
                self._write_latest_state_unless_pending()
            self._write_latest_state_unless_pending()

    def _write_latest_state_unless_pending(self) -> None:
        """Write singer-sdk's latest state, unless written or a batching sink holds records."""
        if not self._latest_state or self._latest_state == self._last_state_written:
            return
        if not any(sink.current_size for sink in self.push_sinks):
            self._write_state_message(copy.deepcopy(self._latest_state))

    @override
    def _write_state_message(self, state: dict[str, t.Any]) -> None:
        """Write a state unless it is the one written last (the final drain repeats it).

        The journal forgets this run's pushes before the state once it is out (written
        and flushed): a rerun starts after them. Not before, or a run killed in between
        would send them again; and not those after it, which may be on their way.
        """
        with self._state_lock:
            if state == self._last_state_written:
                return
            self._last_state_written = copy.deepcopy(state)
            super()._write_state_message(state)
            if self.journal is not None:
                self.journal.clear(before=self._latest_mark)

    # The end

    @override
    def process_endofpipe(self) -> None:
        """Finish the pushes, drain, write the final state, close journal and ledger, log."""
        try:
            if "pool" in self.__dict__:
                try:
                    self.pool.finish()
                except BaseException:
                    self._after_failed_push()
                    raise
                finally:
                    self.pool.close()
            self._pass_on_states()
            super().process_endofpipe()
        finally:
            if self.ledger is not None:
                self.ledger.close()
        if self.journal is not None:
            # The input ended and every push was answered: a run from the same state, or
            # from none, is a new run that means to send its records, not a rerun.
            self.journal.clear()
            self.journal.close()
        self.report.log_summary()
        if self.config.get("fail_on_rejected") and self.report.rejected:
            raise RejectedRecordsError(
                f"{self.report.rejected} record(s) were rejected and fail_on_rejected is set; "
                f"see {self.report.dead_letter.path}"
            )
