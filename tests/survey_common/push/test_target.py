"""State gating for a target whose sink batches: the state waits until its batch was pushed.

target-hellocustomer batches (``survey_common.push.batching``); this test target reuses
target-buenno's platform and field rules with the smallest batching sink, to show that
the shared machinery holds each STATE back while records before it wait in a batch.
"""

from __future__ import annotations

import sys
import typing as t

import pytest
from singer_sdk.sinks import BatchSink

from survey_common.push.sink import PushSinkBase
from target_buenno.sinks import InvitationsSink
from target_buenno.target import TargetBuenno
from tests.helpers.target_runner import record, run_target, schema, state

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests
    import requests_mock as rm

API = "https://buenno.test/api/v01"


class BatchedInvitationsSink(PushSinkBase, BatchSink):
    """Vets records as they come, sends them when singer-sdk drains the batch."""

    stream = "invitations"
    build_request = InvitationsSink.build_request
    dedupe_keys = InvitationsSink.dedupe_keys

    def process_record(self, record: dict[str, t.Any], context: dict[str, t.Any]) -> None:
        context.setdefault("requests", []).append(self.vet(record))

    def process_batch(self, context: dict[str, t.Any]) -> None:
        for request in context["requests"]:
            self.report.count(
                self.stream, self.outcome_of(request, self.client.send(request, idempotent=True))
            )


class BatchingTarget(TargetBuenno):
    # TargetBuenno's own tuple types its attribute narrowly; any push sink fits the base.
    sink_classes = (BatchedInvitationsSink,)  # type: ignore[assignment]


@pytest.mark.parametrize("batch_size", [2, 100])
def test_a_state_is_held_back_until_the_records_before_it_were_pushed(
    requests_mock: rm.Mocker, tmp_path: Path, batch_size: int
) -> None:
    pushes: list[tuple[str, str]] = []

    def created(request: requests.PreparedRequest, context: t.Any) -> dict[str, t.Any]:
        pushes.append((str(request.body), t.cast("t.Any", sys.stdout).getvalue()))
        return {"invitation": {}}

    requests_mock.post(f"{API}/invitations", json=created)
    config = {
        "api_token": "t0ken-batch",
        "api_url": API,
        "batch_size_rows": batch_size,
        "ledger_path": str(tmp_path / "ledger.sqlite"),
    }

    run = run_target(
        BatchingTarget,
        config,
        [
            schema("invitations", "email"),
            record("invitations", email="a@example.com"),
            state(n=1),
            record("invitations", email="b@example.com"),
            state(n=2),
            record("invitations", email="c@example.com"),
        ],
        tmp_path,
    )

    assert run.states[-1] == {"bookmarks": {"n": 2}}
    for body, states_out in pushes:
        if "b%40" in body:
            assert '"n": 2' not in states_out  # b was pushed before the state after it
    if batch_size == 2:
        # The full batch (a, b) was pushed when b came, and state 1, kept back behind a,
        # went out at once; state 2 found nothing pending.
        assert run.states == [{"bookmarks": {"n": 1}}, {"bookmarks": {"n": 2}}]
    else:
        # Nothing was pushed before the end: both states waited for the final drain.
        assert all(states_out == "" for _, states_out in pushes)
        assert run.states == [{"bookmarks": {"n": 2}}]
