"""What the benchmarks read and how much: the scales, and one case per tap stream.

A case knows what its API allows, so the least number of requests for a sync is computed
here from the API's documented rules (page size, window length), never from the tap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing as t

from survey_sandbox.buenno.seed import BUENNO_TOKEN
from survey_sandbox.feedbackapi.seed import FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer.seed import (
    HELLOCUSTOMER_TOKEN,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_STORE_VISIT,
    TOUCHPOINT_WEBSHOP,
)

#: Forms the Buenno token reads replies of: a size of N gives 3N replies.
BUENNO_FORMS = 3
#: Touchpoints of the first Hello Customer token, each a partition of ``responses``.
HELLOCUSTOMER_TOUCHPOINTS = (
    TOUCHPOINT_STORE_VISIT,
    TOUCHPOINT_CUSTOMER_SERVICE,
    TOUCHPOINT_WEBSHOP,
)
#: The year the Hello Customer sandbox answers in; a sync reads all of it.
HELLOCUSTOMER_SPAN = (
    dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
    dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
)
#: The longest span one Hello Customer responses call may cover. The document allows "not
#: more than 31 days apart", which reads as 31 x 24 hours or as 31 calendar days (both
#: ends' days included, refused by a window of 31 x 24 hours from noon); the path dates
#: also need a margin for the time zone and the bounds they are read in (14 hours and a
#: second on each side). 28 days is the longest window whose path dates every reading
#: accepts, so the minimum is counted in it (it was 31 days under the duration reading).
HELLOCUSTOMER_WINDOW = dt.timedelta(days=28)
#: Seconds between Hello Customer calls in the requests benchmark, for the sandbox and the
#: tap alike: what is counted is calls, so the real API's 1 s would only add waiting.
FAST_HELLOCUSTOMER_INTERVAL = 0.05


@dataclasses.dataclass(frozen=True)
class Scale:
    """How much data each benchmark moves."""

    throughput_records: int
    repeats: int
    memory_small: int
    memory_large: int
    requests_records: int
    respondents: int
    batch_size: int
    #: Pages each latency run reads (of 1000 Buenno replies or 100 FeedbackAPI customers).
    latency_pages: int
    #: Pages the politeness benchmark reads: long enough that the first burst, which
    #: finds out how many calls the API takes at once, is not all that is measured.
    politeness_pages: int
    #: Records each target pushes in the push benchmark.
    push_records: int


SCALES = {
    "full": Scale(
        throughput_records=100_000,
        repeats=5,
        memory_small=10_000,
        memory_large=200_000,
        requests_records=10_000,
        respondents=20_000,
        batch_size=500,
        latency_pages=30,
        politeness_pages=100,
        push_records=200,
    ),
    "tiny": Scale(
        throughput_records=300,
        repeats=1,
        memory_small=100,
        memory_large=400,
        requests_records=250,
        respondents=20,
        batch_size=10,
        latency_pages=3,
        politeness_pages=3,
        push_records=8,
    ),
}


@dataclasses.dataclass(frozen=True)
class TapCase:
    """One stream of one tap, the way the benchmarks read it."""

    tap: str
    platform: str
    stream: str
    token: str
    #: The API's largest page; ``None`` when one call answers a whole window unpaged.
    page_size: int | None
    #: Whether the API reports a total, so a full last page is known to be the last.
    reports_total: bool
    #: Records a sandbox size of 1 gives the stream (forms or touchpoints it reads).
    records_per_size: int = 1
    #: Partitions (touchpoints) the stream reads, each with its own bookmark.
    partitions: int = 1
    #: Settings beyond the token and URL.
    settings: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)
    #: Keyword arguments for the sandbox the stream is read from.
    sandbox_settings: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)
    #: The span a full sync reads, for APIs that read in date windows.
    span: tuple[dt.datetime, dt.datetime] | None = None
    window: dt.timedelta | None = None
    #: Whether every run reads the whole list: the stream has no change time to filter on.
    read_whole: bool = False

    def sizes(self, records: int) -> dict[str, int]:
        """Return the sandbox size per platform that gives about ``records`` records."""
        return {self.platform: math.ceil(records / self.records_per_size)}

    def windows(self) -> int:
        """Return the date windows a full sync of one partition needs, 1 without windows."""
        if self.span is None or self.window is None:
            return 1
        start, end = self.span
        return math.ceil((end - start) / self.window)

    def minimum_requests(self, records: int) -> int:
        """Return the fewest requests the API allows for a full sync of ``records``.

        Per partition and window, the pages of the largest size, at least one. Without a
        page size every window is one call. Without a reported total a full last page
        cannot be told from a middle one, so one more (short or empty) page is the least
        that ends paging. Cases with pages read one partition in one window.
        """
        if self.page_size is None:
            return self.partitions * self.windows()
        if self.reports_total:
            return max(1, math.ceil(records / self.page_size))
        return records // self.page_size + 1

    def rerun_minimum(self, records: int) -> int:
        """Return the fewest requests of a rerun with nothing new: the whole list again where
        the stream is read whole, else one request per partition."""
        return self.minimum_requests(records) if self.read_whole else self.partitions


BUENNO_REPLIES = TapCase(
    "tap-buenno",
    "buenno",
    "replies",
    BUENNO_TOKEN,
    1000,
    reports_total=True,
    records_per_size=BUENNO_FORMS,
)
# Customers carry no change time (an opt-out changes no date the list filters on), so a
# rerun reads the whole list again: its minimum is the full sync's, not one request.
FEEDBACKAPI_CUSTOMERS = TapCase(
    "tap-feedbackapi",
    "feedbackapi",
    "customers",
    FEEDBACKAPI_TOKEN,
    100,
    reports_total=True,
    read_whole=True,
)
HELLOCUSTOMER_RESPONSES = TapCase(
    "tap-hellocustomer",
    "hellocustomer",
    "responses",
    HELLOCUSTOMER_TOKEN,
    None,
    reports_total=False,
    records_per_size=len(HELLOCUSTOMER_TOUCHPOINTS),
    partitions=len(HELLOCUSTOMER_TOUCHPOINTS),
    settings={
        "campaign_ids": list(HELLOCUSTOMER_TOUCHPOINTS),
        "start_date": HELLOCUSTOMER_SPAN[0].isoformat(),
        "end_date": HELLOCUSTOMER_SPAN[1].isoformat(),
        "min_request_interval": FAST_HELLOCUSTOMER_INTERVAL,
        # Counted without the lookback, whose cost (one call per touchpoint and daily run
        # at the default) the README states: the minimum here is that of the span.
        "lookback_days": 0,
    },
    sandbox_settings={"hellocustomer_min_interval": FAST_HELLOCUSTOMER_INTERVAL},
    span=HELLOCUSTOMER_SPAN,
    window=HELLOCUSTOMER_WINDOW,
)

#: Streams whose throughput and memory are measured against a plain requests loop.
THROUGHPUT_CASES = (BUENNO_REPLIES, FEEDBACKAPI_CUSTOMERS)
#: Streams whose requests, full and incremental, are counted against the minimum.
REQUEST_CASES = (BUENNO_REPLIES, FEEDBACKAPI_CUSTOMERS, HELLOCUSTOMER_RESPONSES)


#: Milliseconds each API call is answered late in the latency, push and politeness
#: benchmarks: a round trip to a distant API.
LATENCY_MS = 100
#: Calls of one platform the politeness benchmark's sandbox answers at once; more get 429.
POLITE_MAX_IN_FLIGHT = 2


@dataclasses.dataclass(frozen=True)
class PushCase:
    """One stream of one target, pushing new people into a platform.

    Each API the targets push to creates one record per call: Buenno's invitations
    endpoint takes one invitation (form fields of one person), FeedbackAPI's customers
    endpoint one customer, and neither has a batch endpoint. The fewest calls for N new
    records is therefore N, and done one after another at a latency of L they take at
    least N x L: the sequential minimum.
    """

    target: str
    platform: str
    stream: str
    token: str
    #: The table the records arrive in, counted by the email they were pushed with.
    table: str
    #: Fields every record carries whose value the platform gave out: the query that
    #: reads it from the sandbox's database (a FeedbackAPI customer needs a location).
    given: t.Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: The field a mobile number goes in, for a stream whose people a CRM also knows by
    #: phone; None where the records carry an email only.
    mobile_field: str | None = None

    def record(self, number: int, given: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Return the ``number``-th new person, known by an email of the benchmark's own.

        Where the stream takes one, the person has a mobile number too, as CRM contacts
        mostly do: target-feedbackapi then looks the customer up by both before creating.
        """
        person = {"email": f"bench-push-{number}@example.com", **given}
        if self.mobile_field is not None:
            person[self.mobile_field] = f"+4478101{number:05d}"  # UK mobile numbers
        return person

    def sequential_minimum(self, records: int, latency_ms: float) -> float:
        """Return the seconds ``records`` take one call after another at ``latency_ms``."""
        return records * latency_ms / 1000


PUSH_CASES = (
    PushCase(
        "target-feedbackapi",
        "feedbackapi",
        "customers",
        FEEDBACKAPI_TOKEN,
        "feedbackapi_customers",
        given={"location": "SELECT id FROM feedbackapi_locations ORDER BY seq LIMIT 1"},
        mobile_field="mobile_number",
    ),
    PushCase("target-buenno", "buenno", "invitations", BUENNO_TOKEN, "buenno_invitations"),
)
