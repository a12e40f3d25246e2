"""A pytest plugin: the survey sandbox as a fixture, for the tests of users' own pipelines.

Installing ``survey-connectors`` registers this module with pytest (a ``pytest11`` entry
point), so any test can ask for ``survey_sandbox``: a sandbox of the three APIs started
on a free port of 127.0.0.1 with its own SQLite file, stopped after the test. Nothing
needs a network, a token or a port chosen by hand, so the tests run the same in CI.

How it is seeded, which faults it injects and which reading of the vendors' documents it
takes are chosen with a marker on the test, its class or its module::

    @pytest.mark.survey_sandbox(seed=7, size=50, fault_rate=0.05, other_reading="all")
    def test_my_pipeline(survey_sandbox):
        env = {**os.environ, **survey_sandbox.env()}
        subprocess.run(["meltano", "run", "tap-buenno", "target-jsonl"], env=env, check=True)

A sandbox shared by a whole module or session comes from :func:`running_sandbox` in a
fixture of the wanted scope. The module imports the sandbox only when a fixture is
used, so pytest starts as fast for tests that never ask for one.
"""

from __future__ import annotations

import contextlib
import json
import typing as t
from dataclasses import dataclass, field

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from os import PathLike

#: The marker that configures ``survey_sandbox``; its keywords are those of
#: :func:`running_sandbox` after ``db_path``.
MARKER = "survey_sandbox"
#: Every answer of the sandbox's Hello Customer lies in 2025: the ``start_date`` that
#: reads them all (tap-hellocustomer requires one).
HELLOCUSTOMER_START_DATE = "2025-01-01T00:00:00Z"
#: Platforms in the order the connectors are named: ``tap-<platform>``, ``target-<platform>``.
PLATFORMS = ("buenno", "feedbackapi", "hellocustomer")


@dataclass(frozen=True)
class SandboxEndpoints:
    """Where a running sandbox answers and what it accepts: what a pipeline is configured with.

    Attributes:
        url: The server's root, e.g. ``http://127.0.0.1:54321``.
        api_urls: Each platform's ``api_url`` setting, by platform name.
        tokens: Each platform's ``api_token`` setting (a public sandbox token), by platform.
        campaign_ids: The Hello Customer touchpoints its token reads (``campaign_ids``).
        hellocustomer_start_date: A ``start_date`` before every Hello Customer answer.
        hellocustomer_min_interval: Seconds the sandbox's Hello Customer requires between
            calls; the connectors' ``min_request_interval`` must be at least this.
        db_path: The SQLite file holding the sandbox's data, to compare what a pipeline
            loaded with what the API holds.
        seed: The seed the data were generated from.
        size: The size the data were generated with.
        api_calls: How many API calls a platform has answered so far (by platform name).
    """

    url: str
    api_urls: dict[str, str]
    tokens: dict[str, str]
    campaign_ids: tuple[str, ...]
    hellocustomer_start_date: str
    hellocustomer_min_interval: float
    db_path: str
    seed: int
    size: int
    api_calls: Callable[[str], int] = field(repr=False, compare=False)

    def config(self, connector: str) -> dict[str, t.Any]:
        """Return the settings that point one connector at the sandbox, for a config file.

        Args:
            connector: A connector's command name, such as ``tap-hellocustomer``.

        Raises:
            KeyError: For a name that is not ``tap-<platform>`` or ``target-<platform>``.
        """
        kind, _, platform = connector.partition("-")
        if kind not in {"tap", "target"} or platform not in PLATFORMS:
            raise KeyError(f"not a connector of the suite: {connector!r}")
        config: dict[str, t.Any] = {
            "api_url": self.api_urls[platform],
            "api_token": self.tokens[platform],
        }
        if platform == "hellocustomer":
            config["min_request_interval"] = self.hellocustomer_min_interval
            if kind == "tap":
                config["campaign_ids"] = list(self.campaign_ids)
                config["start_date"] = self.hellocustomer_start_date
        return config

    def env(self) -> dict[str, str]:
        """Return the environment variables that point every tap and target at the sandbox.

        Meltano reads ``TAP_BUENNO_API_URL`` and the like and types each value by its
        setting's kind, so a pipeline run with these in its environment talks to the
        sandbox whatever its own configuration says. ``min_request_interval`` is left
        out: Meltano 4.4 fails on a decimal setting given through the environment
        ("Object of type Decimal is not JSON serializable"), so set it in the project
        (``meltano config set tap-hellocustomer min_request_interval 0.05``) or keep the
        default of 1 second. A connector run without Meltano (``--config=ENV``) does not
        turn text into numbers: give it :meth:`config` in a file instead.
        """
        env: dict[str, str] = {}
        for platform in PLATFORMS:
            for kind in ("tap", "target"):
                for key, value in self.config(f"{kind}-{platform}").items():
                    if key == "min_request_interval":
                        continue
                    text = value if isinstance(value, str) else json.dumps(value)
                    env[f"{kind}_{platform}_{key}".upper()] = text
        return env


@contextlib.contextmanager
def running_sandbox(
    db_path: str | PathLike[str],
    *,
    seed: int = 42,
    size: int = 100,
    fault_rate: float = 0.0,
    fault_kinds: str | None = None,
    other_reading: str | None = None,
    hellocustomer_min_interval: float = 0.05,
    latency_ms: float = 0.0,
    memoize_reads: bool = False,
    max_in_flight: int | None = None,
) -> Iterator[SandboxEndpoints]:
    """Run a sandbox on a free port for the duration of a ``with`` block.

    Args:
        db_path: The SQLite file for its data; reused when it already holds the data of
            the same seed and size, which saves the seeding when a test runs again.
        seed: The random seed the data (and which calls fail) follow from.
        size: Invitations and replies per Buenno form, responses per Hello Customer
            touchpoint; smaller than the command's default, so that tests stay fast.
        fault_rate: Share of API calls that fail, from 0 to 1.
        fault_kinds: Comma-separated fault kinds as ``survey-sandbox --fault-kinds`` takes
            them (``429,5xx,drop``); None: every kind.
        other_reading: Register points answered under their other reading, as
            ``survey-sandbox --other-reading`` takes them (``all`` or comma-separated
            keys); None: our reading everywhere.
        hellocustomer_min_interval: Seconds Hello Customer requires between calls; the
            vendor's 1 second would make every test slow.
        latency_ms: Milliseconds every API call is answered late, as over a long network
            path (``survey-sandbox --latency-ms``).
        memoize_reads: Answer reads already answered again from memory until anything
            writes (``survey-sandbox --memoize-reads``).
        max_in_flight: Most API calls of one platform answered at once, the others
            refused with 429 (``survey-sandbox --max-in-flight``); None: no bound.

    Raises:
        ValueError: For an unknown fault kind or reading key, naming the valid ones.
    """
    # Imported here so that pytest, which loads this plugin at every start, does not
    # import the sandbox for tests that never use it.
    from survey_common.readings import readings_from_text  # noqa: PLC0415
    from survey_sandbox.buenno.seed import BUENNO_TOKEN  # noqa: PLC0415
    from survey_sandbox.faults import FaultPlan, parse_kinds  # noqa: PLC0415
    from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN  # noqa: PLC0415
    from survey_sandbox.hellocustomer.seed import (  # noqa: PLC0415
        HELLOCUSTOMER_TOKEN,
        TOUCHPOINT_CUSTOMER_SERVICE,
        TOUCHPOINT_STORE_VISIT,
        TOUCHPOINT_WEBSHOP,
    )
    from survey_sandbox.server import SandboxServer  # noqa: PLC0415

    faults = FaultPlan(rate=fault_rate)
    if fault_kinds is not None:
        faults = FaultPlan(rate=fault_rate, kinds=parse_kinds(fault_kinds))
    readings = None if other_reading is None else readings_from_text(other_reading)
    with SandboxServer(
        db_path,
        seed=seed,
        size=size,
        faults=faults,
        readings=readings,
        hellocustomer_min_interval=hellocustomer_min_interval,
        latency_ms=latency_ms,
        memoize_reads=memoize_reads,
        max_in_flight=max_in_flight,
    ) as server:
        yield SandboxEndpoints(
            url=server.url,
            api_urls={platform: server.base_url(platform) for platform in PLATFORMS},
            tokens={
                "buenno": BUENNO_TOKEN,
                "feedbackapi": FEEDBACKAPI_TOKEN,
                "hellocustomer": HELLOCUSTOMER_TOKEN,
            },
            campaign_ids=(TOUCHPOINT_STORE_VISIT, TOUCHPOINT_CUSTOMER_SERVICE, TOUCHPOINT_WEBSHOP),
            hellocustomer_start_date=HELLOCUSTOMER_START_DATE,
            hellocustomer_min_interval=hellocustomer_min_interval,
            db_path=str(db_path),
            seed=seed,
            size=size,
            api_calls=server.api_calls,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so that ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=42, size=100, fault_rate=0.0, fault_kinds=None, other_reading=None,"
        " hellocustomer_min_interval=0.05, latency_ms=0, memoize_reads=False,"
        " max_in_flight=None):"
        " how the survey_sandbox fixture's sandbox runs",
    )


@pytest.fixture
def survey_sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxEndpoints]:
    """A sandbox of the three survey APIs for one test, configured by its marker.

    The closest ``@pytest.mark.survey_sandbox(...)`` (test, class, then module) gives
    the keywords of :func:`running_sandbox`; without one the defaults apply.
    """
    marker = request.node.get_closest_marker(MARKER)
    options: dict[str, t.Any] = dict(marker.kwargs) if marker is not None else {}
    db_path = tmp_path_factory.mktemp("survey-sandbox") / "sandbox.db"
    with running_sandbox(db_path, **options) as endpoints:
        yield endpoints
