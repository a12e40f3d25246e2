"""Sinks that push records into a platform's API: the part every target shares.

A sink per input stream. For each record it:

1. makes it JSON-compatible (the SDK hands over datetimes and Decimals);
2. checks it against the stream's push schema, then the sink's field rules
   (``build_request``), and rejects it with a reason when either fails;
3. skips it, as already present, when the same person was pushed earlier in the run
   (``dedupe_keys``);
4. for a push that is not idempotent, asks the push journal whether a run killed before
   its next STATE sent it already (then it is already present, or uncertain when no
   answer came), and notes it there before it is sent;
5. sends it (``PushClient``), and judges the answer (``outcome_of``).

A rejected record is written to the dead-letter file and the run goes on; a record is
never allowed to raise out of the sink, since an exception there ends the target
without a state for what was pushed. Only failures that no later record can escape
(``PushStoppedError``: token refused, platform unavailable, no active form) stop the
run, after the summary.

``PushSinkBase`` holds steps 1 to 5 for any kind of sink; ``RecordPushSink`` pushes
each record as it comes: it vets the record (steps 1 and 2) as it is read, and hands
steps 3 to 5 to the target's pool of pushes (``survey_common.push.pool``), which runs
several side by side but never two that share a key (``dedupe_keys`` and
``flight_keys``). A batching target derives its sink from ``PushSinkBase`` and
singer-sdk's ``BatchSink`` instead, vetting records in ``process_record`` and sending
them in ``process_batch``.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import json
import typing as t
from dataclasses import dataclass

from singer_sdk.singerlib.json import serialize_json
from singer_sdk.sinks import RecordSink, Sink
from typing_extensions import override

from survey_common.push.client import PushStoppedError, UncertainDeliveryError
from survey_common.push.fields import texts
from survey_common.push.journal import INTERRUPTED_REASON, Journaled
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.schema import PushSchema

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence

    import requests
    from singer_sdk import Target
    from singer_sdk.helpers.types import Context

    from survey_common.push.client import PushClient, PushRequest
    from survey_common.push.journal import PushJournal
    from survey_common.push.target import PushTarget


def json_compatible(record: dict[str, t.Any]) -> dict[str, t.Any]:
    """Return the record as JSON values, text trimmed and blank text as null.

    The SDK hands over datetimes and Decimals: they become ISO 8601 strings and numbers.
    Exports pad and blank out text freely; `` a@b.fi `` is an address and ``""`` none.
    """
    values: dict[str, t.Any] = json.loads(serialize_json(record))
    return {
        name: (value.strip() or None) if isinstance(value, str) else value
        for name, value in values.items()
    }


@dataclass
class Delivery:
    """The keys one journaled call created: all it sent, unless its answer refused some."""

    created: frozenset[Hashable]


class PushSinkBase(Sink):
    """Validation, field rules, deduplication and judging answers, for one input stream."""

    #: The input stream this sink takes, and the name of its push schema.
    stream: t.ClassVar[str]
    #: Whether sending the same request twice leaves a single result on the platform.
    #: Pushes that are not are sent again only when they provably never arrived.
    idempotent: t.ClassVar[bool] = True

    def __init__(
        self,
        target: Target,
        stream_name: str,
        schema: dict[str, t.Any],
        key_properties: Sequence[str] | None,
    ) -> None:
        """Load the push schema and join the target's run-wide report and dedupe keys."""
        super().__init__(target, stream_name, schema, key_properties)
        self.push_target = t.cast("PushTarget", target)
        self.push_schema = PushSchema(self.push_target.schema_folder, self.stream)
        self.report = self.push_target.report
        self.report.tally(self.stream)  # a stream without records still gets its summary
        #: Keys of what this run already pushed; survives a new sink after a schema change.
        self.pushed_keys = self.push_target.pushed_keys(self.stream)
        self._unused_fields_noted: set[str] = set()
        self.push_target.push_sinks.append(self)

    @property
    def client(self) -> PushClient:
        """The target's client, shared by its sinks."""
        return self.push_target.client

    @override
    def get_validator(self) -> None:
        """Leave records to the push schema: an invalid one is rejected, not logged and kept."""
        return

    @override
    def _after_process_record(self, context: dict[str, t.Any]) -> None:
        """Log that a record was taken, without its context.

        singer-sdk logs the whole context at DEBUG, and a batching sink keeps the
        batch's records there: every email and name of the batch would reach the log.
        """
        self.logger.debug("Processed a record of stream '%s'", self.stream_name)

    # What each sink says about its stream

    @abc.abstractmethod
    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """Apply the field rules and build the push; raise ``RecordRejectedError`` if they fail.

        ``record`` is JSON-compatible and meets the push schema.
        """

    @abc.abstractmethod
    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Return what identifies a push: sharing any key with an earlier push makes it the same.

        A person known by email and by phone number has a key for each, so that a record
        with either one finds the person already pushed.
        """

    def flight_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Return keys, beyond ``dedupe_keys``, that two pushes must never have in flight together.

        None by default. A sink whose pushes look a person up before writing names the
        person's contacts here, so that two records of one person are pushed one after
        the other, in input order.
        """
        del request
        return ()

    def outcome_of(self, request: PushRequest, response: requests.Response) -> Outcome:
        """Judge an answer that is not a retriable failure: 2xx accepts, anything else rejects.

        Sinks override this for answers with a meaning of their own (409 "already there").

        Raises:
            RecordRejectedError: the platform refused the record.
            PushStoppedError: the answer means no later record can succeed either.
        """
        del request
        if response.ok:
            return Outcome.ACCEPTED
        raise RecordRejectedError(self.client.explain(response), response.status_code)

    def deliver(self, request: PushRequest) -> Outcome:
        """Send a vetted push and judge the answer (step 5).

        A sink whose push takes more than one call (a look-up first, a second form of a
        field the API refused) overrides this; the journal and deduplication around it
        stay the same.

        Raises:
            RecordRejectedError: the platform refused the record.
            PushStoppedError: the run cannot go on.
            UncertainDeliveryError: a push that is not idempotent may have arrived.
        """
        response = self.client.send(request, idempotent=self.idempotent)
        return self.outcome_of(request, response)

    def already_pushed(self, keys: Iterable[Hashable]) -> bool:
        """Tell whether any of a push's keys was pushed before (in this run, or a ledger's).

        Asks the set about each key rather than comparing sets, since a persistent set
        may hold far more keys than a push has.
        """
        return any(key in self.pushed_keys for key in keys)

    @property
    def journal(self) -> PushJournal | None:
        """The target's push journal for a push that is not idempotent, else None."""
        return None if self.idempotent else self.push_target.journal

    @contextlib.contextmanager
    def journaled(self, positions: Mapping[Hashable, int]) -> Iterator[Delivery]:
        """Send one call inside the journal's protocol, for a single record or a batch alike.

        ``positions`` maps each key the call sends to its record's position in the input.

        The keys are noted as on their way before the call. A call that may have
        reached the server without an answer (``UncertainDeliveryError``) leaves them
        so, and they count as pushed: sending the same thing again, in this run or a
        rerun, could create it twice. A refusal or a stop means nothing was created, so
        the keys are forgotten and a rerun may send them. After an answer, the keys the
        call created (``Delivery.created``, all of them unless the block says fewer)
        are pushed and noted as sent; the others are forgotten.
        """
        keys = frozenset(positions)
        journal = self.journal
        if journal is not None:
            journal.sending(self.stream, positions)
        delivery = Delivery(keys)
        try:
            yield delivery
        except UncertainDeliveryError:
            self.pushed_keys |= keys
            raise
        except (RecordRejectedError, PushStoppedError):
            if journal is not None:
                journal.forget(self.stream, keys)
            raise
        self.pushed_keys |= delivery.created
        if journal is not None:
            journal.sent(self.stream, {key: positions[key] for key in delivery.created})
            if refused := keys - delivery.created:
                journal.forget(self.stream, refused)

    def check_journal(self, positions: Mapping[Hashable, int]) -> Outcome | None:
        """Settle a push that an earlier, killed run sent already; None when it did not.

        A push the journal holds as sent is already present; one it holds as on its way
        may have arrived, and is rejected as uncertain. Either way the row passes to this
        run, at the record's position, so that the next STATE this run passes on after
        it forgets it.

        Raises:
            RecordRejectedError: the push was on its way when the earlier run stopped.
        """
        journal = self.journal
        if journal is None:
            return None
        status = journal.status(self.stream, positions)
        if status is None:
            return None
        self.pushed_keys |= set(positions)
        if status is Journaled.SENT:
            journal.sent(self.stream, positions)
            return Outcome.ALREADY_PRESENT
        journal.sending(self.stream, positions)
        raise RecordRejectedError(INTERRUPTED_REASON, uncertain=True)

    def from_record_or_setting(self, record: dict[str, t.Any], field: str, setting: str) -> str:
        """Return a record's ``field``, else the ``setting`` that stands in for it, as text.

        Raises:
            RecordRejectedError: when there is neither.
        """
        value = record.get(field) or self.config.get(setting)
        if not value:
            raise RecordRejectedError(
                f"{field} is required: give one in the record or set {setting}"
            )
        return str(value)

    def plain_fields(self, record: dict[str, t.Any], *handled: str) -> dict[str, str]:
        """Return the schema's fields that hold a value, as text, but for those ``handled``.

        The push schema is the one list of what a stream sends; a sink names only the
        fields it writes in a form of its own.
        """
        return texts(record, sorted(self.push_schema.fields - set(handled)))

    # The steps

    def normalise(self, values: dict[str, t.Any]) -> dict[str, t.Any]:
        """Bring a record's field names to those of the push schema, before it is checked.

        Identity by default; a sink whose platform takes other spellings of its fields
        (another case, snake_case) renames them here, or rejects a record that gives
        one field twice with ``RecordRejectedError``.
        """
        return values

    def vet(self, record: dict[str, t.Any]) -> PushRequest:
        """Check a record and build its push, or raise ``RecordRejectedError`` saying why."""
        values = self.normalise(json_compatible(record))
        if problems := self.push_schema.problems(values):
            raise RecordRejectedError("; ".join(problems))
        self._note_unused_fields(values)
        return self.build_request(values)

    def _note_unused_fields(self, values: dict[str, t.Any]) -> None:
        """Log once per field that the platform does not take and is therefore not sent."""
        unused = set(values) - self.push_schema.fields - self._unused_fields_noted
        if unused:
            self._unused_fields_noted |= unused
            self.logger.info(
                "Stream '%s': field(s) %s are not sent (the platform does not take them)",
                self.stream_name,
                ", ".join(sorted(unused)),
            )

    def push(self, request: PushRequest, keys: frozenset[Hashable], position: int) -> Outcome:
        """Deduplicate, send and judge one vetted record (steps 3 to 5).

        Args:
            request: The record's push, from ``vet``.
            keys: Its ``dedupe_keys``.
            position: The record's position in the input, for the journal.

        Raises:
            RecordRejectedError: the record was not taken (and may be uncertain).
            PushStoppedError: the run cannot go on.
        """
        if self.already_pushed(keys):
            return Outcome.ALREADY_PRESENT
        positions = dict.fromkeys(keys, position)
        if (journaled := self.check_journal(positions)) is not None:
            return journaled
        try:
            with self.journaled(positions):
                outcome = self.deliver(request)
        except UncertainDeliveryError as exc:
            raise RecordRejectedError(exc.reason, exc.status, uncertain=True) from exc
        return outcome


class RecordPushSink(PushSinkBase, RecordSink):
    """Pushes each record as it arrives, side by side with others unless the target says not.

    A STATE waits until every record before it is pushed (``PushTarget``).
    """

    @override
    def process_record(self, record: dict[str, t.Any], context: Context) -> None:
        """Vet a record now, and push it, or hand it to the target's pool of pushes.

        A record that fails the checks is rejected at once; the pool never holds it.
        """
        del context
        position = self.push_target.position
        try:
            request = self.vet(record)
        except RecordRejectedError as rejection:
            self.report.reject(self.stream_name, record, rejection)
            return
        keys = frozenset(self.dedupe_keys(request))
        if not self.push_target.concurrent_pushes:
            try:
                self._push_and_count(record, request, keys, position)
            except PushStoppedError:
                self.report.log_summary()
                raise
            return
        in_flight = {(self.stream, key) for key in (*keys, *self.flight_keys(request))}
        self.push_target.submit_push(
            in_flight, functools.partial(self._push_and_count, record, request, keys, position)
        )

    def _push_and_count(
        self,
        record: dict[str, t.Any],
        request: PushRequest,
        keys: frozenset[Hashable],
        position: int,
    ) -> None:
        """Push one vetted record and count its outcome; a rejected one is dead-lettered."""
        try:
            outcome = self.push(request, keys, position)
        except RecordRejectedError as rejection:
            self.report.reject(self.stream_name, record, rejection)
        else:
            self.report.count(self.stream_name, outcome)


class DroppedStreamSink(RecordSink):
    """The sink of a stream that the user's stream maps remove (``__else__: null``).

    singer-sdk still asks for a sink for such a stream, though none of its records
    reaches it; a stream the target does not take is then not an error.
    """

    @override
    def process_record(self, record: dict[str, t.Any], context: Context) -> None:
        """Receive nothing: the stream maps drop every record of the stream first."""
