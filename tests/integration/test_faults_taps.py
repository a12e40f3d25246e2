"""Every tap through every kind of fault: each record emitted once, as in a run without faults.

Each tap runs twice against sandboxes with the same data, first without faults, then
with a quarter of its calls failing in every way the sandbox knows (429 with and without
Retry-After, 5xx, dropped connections, answers slower than ``request_timeout``, HTML
pages, truncated JSON). Reads are safe to repeat, so the faulty run must emit exactly
the records of the calm one: none lost, none twice. No tap of the suite re-reads
records at least once by design except FeedbackAPI's when records leave a list while it
is paged, which these runs do not do.
"""

from __future__ import annotations

import collections
import datetime as dt
import typing as t

import pytest

from survey_common.timestamps import UTC
from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.faults import FAULT_KINDS
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_STORE_VISIT,
    TOUCHPOINT_WEBSHOP,
)
from survey_sandbox.server import SandboxServer
from tests.helpers.faults import (
    ALL_FAULTS,
    REQUEST_TIMEOUT,
    assert_tap_left_no_secret,
    faults_met,
    log_faults,
)
from tests.helpers.integration import TapRun, run_tap_process

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from survey_sandbox.faults import FaultPlan

#: Seconds between Hello Customer calls.
INTERVAL = 0.05


def buenno(sandbox: SandboxServer) -> dict[str, t.Any]:
    return {"api_token": BUENNO_TOKEN, "api_url": sandbox.base_url("buenno")}


def feedbackapi(sandbox: SandboxServer) -> dict[str, t.Any]:
    return {"api_token": FEEDBACKAPI_TOKEN, "api_url": sandbox.base_url("feedbackapi")}


def hellocustomer(sandbox: SandboxServer) -> dict[str, t.Any]:
    return {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": sandbox.base_url("hellocustomer"),
        "campaign_ids": [TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE, TOUCHPOINT_WEBSHOP],
        "start_date": dt.datetime(2025, 1, 1, tzinfo=UTC).isoformat(),
        "end_date": dt.datetime(2025, 4, 1, tzinfo=UTC).isoformat(),
        "min_request_interval": INTERVAL,
    }


#: Each tap's module, the configuration it reads the sandbox with, and the sandbox's size.
TAPS: dict[str, tuple[Callable[[SandboxServer], dict[str, t.Any]], int]] = {
    "tap_buenno": (buenno, 1000),
    "tap_feedbackapi": (feedbackapi, 250),
    "tap_hellocustomer": (hellocustomer, 100),
}


#: The sandbox's seed, whose faults include every kind in each tap's run.
SEED = 2
#: More seeds, for ``pytest --long``: other data and other sequences of faults.
LONG_SEEDS = (SEED, 3, 4, 5, 6, 7)


def run(module: str, folder: Path, seed: int, faults: FaultPlan | None) -> TapRun:
    """Run a tap against a sandbox in ``folder`` seeded with ``seed``, with ``faults``."""
    config_of, size = TAPS[module]
    run_folder = folder / ("faulty" if faults else "calm")
    run_folder.mkdir(parents=True)
    with SandboxServer(
        folder / "sandbox.db",
        seed=seed,
        size=size,
        faults=faults,
        hellocustomer_min_interval=0,  # the tap paces itself; no throttle to shift the faults
    ) as sandbox:
        config = {**config_of(sandbox), "request_timeout": REQUEST_TIMEOUT}
        return run_tap_process(module, config, run_folder)


def keys(tap_run: TapRun) -> dict[str, collections.Counter[tuple[t.Any, ...]]]:
    """Count each stream's records by primary key."""
    counts: dict[str, collections.Counter[tuple[t.Any, ...]]] = {}
    for message in tap_run.output.messages:
        if message["type"] == "SCHEMA":
            counts.setdefault(message["stream"], collections.Counter())
    for stream, counter in counts.items():
        [schema, *_] = tap_run.output.schemas(stream)
        for record in tap_run.output.records(stream):
            counter[tuple(record[key] for key in schema["key_properties"])] += 1
    return counts


def assert_same_records(calm: TapRun, faulty: TapRun) -> None:
    """Every record of the calm run, and only those, each once; the same final state."""
    expected, got = keys(calm), keys(faulty)
    assert set(got) == set(expected)
    for stream, counter in expected.items():
        assert counter, f"the sandbox has {stream}"
        assert got[stream] == counter, stream
        assert set(got[stream].values()) == {1}, f"{stream}: a record emitted twice"
    assert faulty.output.final_state == calm.output.final_state


@pytest.mark.parametrize("module", sorted(TAPS))
def test_every_record_is_emitted_once_through_every_kind_of_fault(
    module: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, long_run: bool
) -> None:
    log_faults(caplog)
    for seed in LONG_SEEDS if long_run else (SEED,):
        calm = run(module, tmp_path / f"seed-{seed}", seed, None)
        faulty = run(module, tmp_path / f"seed-{seed}", seed, ALL_FAULTS)

        assert_same_records(calm, faulty)
        assert "Traceback" not in faulty.stderr
        assert_tap_left_no_secret(faulty)
    assert faults_met(caplog) == set(FAULT_KINDS)
