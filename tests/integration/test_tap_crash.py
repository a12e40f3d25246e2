"""Each tap killed with SIGKILL part-way through a sync, then resumed from its last STATE.

This is what Meltano does after a crash: it saved the last STATE the tap wrote before it
died, and the next run starts from it. Across the killed runs and the run that finally
completes, every record of the sandbox must come out, in every stream. Records may come
out twice, as each tap's README section says (a resumed sync reads again from its
bookmark: the bookmark's own second, a Buenno invitation lookback, a Hello Customer
touchpoint whose windows were not all read), but a resumed stream never goes back before
the bookmark it was given.

The kill points are lines of the tap's output, drawn with a fixed seed over the length of
an undisturbed run. Each chain of runs starts afresh, is killed at a point of its own
share of that length, then resumed and killed again at random points until a run
completes (or three were killed): three chains by default, twelve with ``--long``.
"""

from __future__ import annotations

import datetime as dt
import random
import typing as t

import pytest

from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_STORE_VISIT,
)
from survey_sandbox.server import SandboxServer
from tests.helpers.kill import KilledRun, run_tap_killed_after
from tests.helpers.secret_scan import assert_no_secrets

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

#: Records per form (Buenno) and per touchpoint (Hello Customer) in the sandbox.
SIZE = 60
#: FeedbackAPI records per resource: more than the tap's 1000 records between two states.
FEEDBACKAPI_SIZE = 1500
#: Chains of killed runs per tap, by default and with ``--long``.
CHAINS, LONG_CHAINS = 3, 12
#: Most runs killed in one chain before a run is let to complete.
KILLS_PER_CHAIN = 3

Config = dict[str, t.Any]
CONFIGS: dict[str, Callable[[SandboxServer], Config]] = {
    "tap_buenno": lambda sandbox: {
        "api_token": BUENNO_TOKEN,
        "api_url": sandbox.base_url("buenno"),
    },
    "tap_feedbackapi": lambda sandbox: {
        "api_token": FEEDBACKAPI_TOKEN,
        "api_url": sandbox.base_url("feedbackapi"),
    },
    "tap_hellocustomer": lambda sandbox: {
        "api_token": HELLOCUSTOMER_TOKEN,
        "api_url": sandbox.base_url("hellocustomer"),
        "campaign_ids": [TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE],
        "start_date": "2024-01-01T00:00:00Z",
        "min_request_interval": 0.0,
    },
}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(
        tmp_path / "sandbox.db",
        seed=5,
        size=SIZE,
        platform_sizes={"feedbackapi": FEEDBACKAPI_SIZE},
        hellocustomer_min_interval=0.0,
    ) as server:
        yield server


def keys_by_stream(runs: list[KilledRun]) -> dict[str, set[tuple[t.Any, ...]]]:
    """The primary keys of every record the runs wrote, per stream, by the SCHEMA's keys."""
    keys: dict[str, set[tuple[t.Any, ...]]] = {}
    key_properties: dict[str, list[str]] = {}
    for run in runs:
        for message in run.messages:
            if message["type"] == "SCHEMA":
                key_properties[message["stream"]] = message["key_properties"]
            elif message["type"] == "RECORD":
                stream, record = message["stream"], message["record"]
                key = tuple(record[name] for name in key_properties[stream])
                keys.setdefault(stream, set()).add(key)
    return keys


def last_state(run: KilledRun, given: dict[str, t.Any] | None) -> dict[str, t.Any] | None:
    """The state Meltano holds after the run: its last STATE, else the one it was given."""
    states = [message["value"] for message in run.messages if message["type"] == "STATE"]
    return states[-1] if states else given


def _instant(value: t.Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


#: How far before its bookmark a stream reads again on purpose, by default, as its tap's
#: settings say: the API filters it on creation only, and it changes after that. A child
#: stream is read with its parent's records.
LOOKBACKS = {
    ("tap_buenno", "invitations"): dt.timedelta(days=30),  # lookback_days
    ("tap_buenno", "replies"): dt.timedelta(days=30),  # replies_lookback_days
    ("tap_buenno", "reply_answers"): dt.timedelta(days=30),
    ("tap_hellocustomer", "responses"): dt.timedelta(days=27),  # lookback_days
    ("tap_hellocustomer", "response_answers"): dt.timedelta(days=27),
}

#: The streams that keep a bookmark per partition, by tap.
PARTITIONED = {
    "tap_buenno": {"invitations"},
    "tap_feedbackapi": set[str](),
    "tap_hellocustomer": {"responses", "nps"},
}


def bookmark_of(stream_state: dict[str, t.Any], record: dict[str, t.Any]) -> dict[str, t.Any]:
    """The bookmark a record's stream, or the partition it belongs to, was resumed from.

    A partitioned stream keeps a bookmark per partition, each with the context it was read
    in; the record belongs to the partition whose context values it carries. A record
    that carries no partition's context fails the check rather than escaping it.
    """
    partitions: list[dict[str, t.Any]] | None = stream_state.get("partitions")
    if partitions is None:
        return stream_state
    for partition in partitions:
        context = partition.get("context", {})
        missing = set(context) - set(record)
        assert not missing, f"a record without its partition's {sorted(missing)}: {record}"
        if all(str(record[name]).lower() == str(value).lower() for name, value in context.items()):
            return partition
    return {}  # a partition the killed run never bookmarked: read from its start


def assert_nothing_before_bookmarks(
    module: str, run: KilledRun, state: dict[str, t.Any] | None
) -> set[str]:
    """A stream resumed from a bookmark emits nothing older than it, less its lookback.

    Returns the streams that emitted a record under a bookmark, so that the caller can
    see the check was not vacuous.
    """
    bookmarks = (state or {}).get("bookmarks", {})
    checked: set[str] = set()
    for message in run.messages:
        if message["type"] != "RECORD":
            continue
        stream = message["stream"]
        bookmark = bookmark_of(bookmarks.get(stream, {}), message["record"])
        if "replication_key_value" not in bookmark:
            continue
        value = message["record"][bookmark["replication_key"]]
        earliest = _instant(bookmark["replication_key_value"]) - LOOKBACKS.get(
            (module, stream), dt.timedelta()
        )
        assert _instant(value) >= earliest, f"{stream}: {value} is before the bookmark {bookmark}"
        checked.add(stream)
    return checked


def run_chain(
    module: str, config: Config, folder: Path, kill_points: Iterator[int], checked: set[str]
) -> list[KilledRun]:
    """Run the tap, killed at each point in turn and resumed from its last state, to the end.

    ``checked`` gathers the streams whose records were checked against a bookmark.
    """
    runs: list[KilledRun] = []
    state: dict[str, t.Any] | None = None
    for attempt in range(KILLS_PER_CHAIN + 1):
        kill_at = next(kill_points) if attempt < KILLS_PER_CHAIN else None
        run = run_tap_killed_after(module, config, folder / f"run{attempt}", state, kill_at)
        assert run.killed or run.returncode == 0, run.stderr[-3000:]
        checked |= assert_nothing_before_bookmarks(module, run, state)
        assert_no_secrets({"stderr": run.stderr, "stdout": "".join(run.lines)})
        runs.append(run)
        if not run.killed:
            return runs
        state = last_state(run, state)
    raise AssertionError("the last run of a chain is never killed")


@pytest.mark.parametrize("module", sorted(CONFIGS))
def test_a_killed_tap_resumed_from_its_last_state_emits_every_record(
    module: str, sandbox: SandboxServer, tmp_path: Path, long_run: bool
) -> None:
    config = CONFIGS[module](sandbox)
    calm = run_tap_killed_after(module, config, tmp_path / "calm", None, None)
    assert calm.returncode == 0, calm.stderr[-3000:]
    expected = keys_by_stream([calm])
    assert all(expected.values()), expected.keys()
    length = len(calm.lines)

    chance = random.Random(f"{module}-crash")  # noqa: S311 - kill points, not secrets
    chains = LONG_CHAINS if long_run else CHAINS
    checked: set[str] = set()
    for chain in range(chains):

        def kill_points(chain: int = chain) -> Iterator[int]:
            yield 1 + int((length - 1) * (chain + chance.random()) / chains)
            while True:
                yield chance.randrange(1, length)

        runs = run_chain(module, config, tmp_path / f"chain{chain}", kill_points(), checked)

        assert runs[0].killed
        found = keys_by_stream(runs)
        for stream, keys in expected.items():
            missing = keys - found.get(stream, set())
            assert not missing, f"{stream}: {len(missing)} record(s) never emitted: {min(missing)}"
        assert found == expected
    # The check above is not vacuous: each tap resumed records under a bookmark, the
    # partitioned streams' (one bookmark per form or touchpoint) among them.
    assert checked >= PARTITIONED[module], sorted(checked)
    assert checked
