"""Pushing records in batches, and finding the bad ones when the API refuses a whole batch.

A sink derives from ``BatchPushSink`` (``PushSinkBase`` with singer-sdk's ``BatchSink``)
when its API takes many records per call. Each record is vetted as it arrives (schema,
field rules): a bad one is rejected at once and never joins a batch. When singer-sdk
drains the batch (full at ``batch_size``, records five minutes old, or the end of input):

1. records already pushed (in this run, earlier in the batch, or in the ledger) count
   as already present and are not sent; so do those the push journal holds as sent by
   a run killed before its next STATE, and those it holds as on their way then are
   rejected as uncertain;
2. the others are sent one call per path, as a JSON array of their bodies, each call
   noted in the push journal before it is sent and after it is answered;
3. a 2xx accepts every record of the call, except those its answer lists as refused
   (``refused_in``), which are rejected with the API's reason and never sent again;
4. a refusal about the records (a 4xx other than those that stop the run) is looked
   at: when it condemns every record of the call alike (``condemns_all``), each is
   rejected with it; otherwise the call is ``split`` (in halves by default) and each
   part sent again, so that every good record still arrives and only the bad ones,
   each refused alone, reach the dead-letter file;
5. a call that may have reached the server without an answer (read timeout, dropped
   connection, a 5xx other than 503) is not sent again: each of its records is
   rejected as uncertain and remembered as pushed, so that no one gets it twice.

A STATE waits behind the batch (``PushTarget`` holds it until nothing is pending).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from singer_sdk.sinks import BatchSink
from typing_extensions import override

from survey_common.http.redact import mask_personal
from survey_common.push.client import PushRequest, PushStoppedError, UncertainDeliveryError
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.sink import PushSinkBase

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

    import requests


@dataclass(frozen=True)
class Pending:
    """A vetted record waiting in the batch: the record as received, its push, keys and position."""

    record: dict[str, t.Any]
    request: PushRequest
    keys: frozenset[Hashable]
    #: The record's position in the input, for the push journal.
    position: int


class BatchPushSink(PushSinkBase, BatchSink):
    """Vets records as they come; sends them a batch at a time, splitting refused batches."""

    #: Records per call, unless the ``batch_size`` setting says otherwise.
    default_batch_size: t.ClassVar[int]
    #: What the records are called in log lines, such as "respondents".
    noun: t.ClassVar[str]

    @property
    @override
    def max_size(self) -> int:
        """Records per batch: the ``batch_size`` setting."""
        return int(self.config.get("batch_size") or self.default_batch_size)

    @override
    def process_record(self, record: dict[str, t.Any], context: dict[str, t.Any]) -> None:
        """Vet a record and keep it in the batch; reject a bad one at once."""
        try:
            request = self.vet(record)
        except RecordRejectedError as rejection:
            self.report.reject(self.stream_name, record, rejection)
            return
        keys = frozenset(self.dedupe_keys(request))
        pending = Pending(record, request, keys, self.push_target.position)
        context.setdefault("pending", []).append(pending)

    @override
    def process_batch(self, context: dict[str, t.Any]) -> None:
        """Send the batch, one call per path, after dropping what was already pushed."""
        groups: dict[Hashable, list[Pending]] = {}
        claimed: set[Hashable] = set()
        for pending in context.get("pending", []):
            if self.already_pushed(pending.keys) or not claimed.isdisjoint(pending.keys):
                self.report.count(self.stream_name, Outcome.ALREADY_PRESENT)
                continue
            claimed |= pending.keys
            try:
                journaled = self.check_journal(dict.fromkeys(pending.keys, pending.position))
            except RecordRejectedError as rejection:
                self.report.reject(self.stream_name, pending.record, rejection)
                continue
            if journaled is not None:
                self.report.count(self.stream_name, journaled)
                continue
            groups.setdefault(self.call_of(pending), []).append(pending)
        try:
            for group in groups.values():
                self._send(group)
        except PushStoppedError:
            self.report.log_summary()
            raise

    # What each batching sink says about its API

    def call_of(self, pending: Pending) -> Hashable:
        """Name the call a record goes in: one call per path by default."""
        return pending.request.path

    def refused_in(
        self, response: requests.Response, group: Sequence[Pending]
    ) -> dict[int, RecordRejectedError]:
        """Find the records an accepting answer says were refused, by position in the call.

        None by default: a 2xx accepts every record of the call.
        """
        del response, group
        return {}

    def condemns_all(self, response: requests.Response, group: Sequence[Pending]) -> bool:
        """Tell whether a refusal is about every record of the call alike; no by default.

        Such a refusal rejects the whole call at once, where splitting would only
        repeat it for every part.
        """
        del response, group
        return False

    def split(self, group: Sequence[Pending]) -> list[Sequence[Pending]]:
        """Cut a refused call of several records into parts to send apart: two halves."""
        middle = len(group) // 2
        return [group[:middle], group[middle:]]

    # Sending

    def _send(self, group: Sequence[Pending]) -> None:
        """Send one call for ``group`` (records of one path) and settle each of its records."""
        path = group[0].request.path
        request = PushRequest("POST", path, json=[pending.request.json for pending in group])
        positions = {key: pending.position for pending in group for key in pending.keys}
        try:
            with self.journaled(positions) as delivery:
                response = self.client.send(request, idempotent=self.idempotent)
                outcome = self.outcome_of(request, response)
                refused = self.refused_in(response, group)
                # What may have been created is never sent again: the added, and the uncertain.
                delivery.created = frozenset().union(
                    *(
                        pending.keys
                        for index, pending in enumerate(group)
                        if index not in refused or refused[index].uncertain
                    )
                )
        except UncertainDeliveryError as exc:
            for pending in group:
                rejection = RecordRejectedError(exc.reason, exc.status, uncertain=True)
                self.report.reject(self.stream_name, pending.record, rejection)
            return
        except RecordRejectedError as rejection:
            self._refused(group, response, rejection)
            return
        for index, pending in enumerate(group):
            if index in refused:
                self.report.reject(self.stream_name, pending.record, refused[index])
            else:
                self.report.count(self.stream_name, outcome)

    def _refused(
        self, group: Sequence[Pending], response: requests.Response, rejection: RecordRejectedError
    ) -> None:
        """Reject the records a refusal is about: all alike, the only one, or split to find them."""
        if len(group) == 1 or self.condemns_all(response, group):
            for pending in group:
                self.report.reject(self.stream_name, pending.record, rejection)
            return
        self.logger.info(
            "Stream '%s': a call of %d %s was refused (%s); sending it in parts to find "
            "the records it is about",
            self.stream_name,
            len(group),
            self.noun,
            mask_personal(rejection.reason, [pending.record for pending in group]),
        )
        for part in self.split(group):
            self._send(part)
