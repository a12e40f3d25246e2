"""Helpers for the tests in tests/tap_hellocustomer/: constants, builders and runners they share."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from survey_common.timestamps import UTC, parse_timestamp
from tap_hellocustomer.client import EDGE_MARGIN

if t.TYPE_CHECKING:
    import requests_mock as rm

API = "https://hellocustomer.test/V1.0/EN"
TOKEN = "hellocustomer-unit-test-token-5e2b"
#: The touchpoint of the document's get-responses example.
CAMPAIGN = "1e82dea5-f254-4735-ba06-cfcccc756828"
#: The touchpoint of the document's add-respondent examples.
CAMPAIGN_2 = "c8dc5f94-a9e8-4743-8744-e66a73a7e724"
FIXTURES = Path(__file__).parents[1] / "tap_hellocustomer" / "fixtures"

# requests-mock lowers the case of request paths.
RESPONSES_URL = re.compile(
    r"/V1\.0/EN/campaign/(?P<campaign>[^/]+)/answers/getall/(?P<start>\d{14})/(?P<end>\d{14})$",
    re.IGNORECASE,
)
NPS_URL = re.compile(
    r"/V1\.0/EN/campaign/(?P<campaign>[^/]+)/analysis/nps/getnpsscore/"
    r"(?P<start>\d{14})/(?P<end>\d{14})$",
    re.IGNORECASE,
)


def fixture(name: str) -> t.Any:
    """Return an example of the Hello Customer document, freshly loaded."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def path_date(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def response(
    unique_id: str,
    date_answer: str,
    campaign: str = CAMPAIGN,
    date_surveyed: str = "2020-09-29T13:36:25Z",
) -> dict[str, t.Any]:
    """Return the document's response example with another id, touchpoint and dates."""
    record: dict[str, t.Any] = copy.deepcopy(fixture("responses")[0])
    record.update(
        uniqueID=unique_id,
        dateAnswer=date_answer,
        dateSurveyed=date_surveyed,
        campaign_UniqueID=campaign,
    )
    for number, answer in enumerate(record["answerQuestions"]):
        answer["uniqueID"] = f"{unique_id}-answer-{number}"
    return record


@dataclass
class Call:
    """One call the mocked API received."""

    kind: str
    campaign: str
    start: dt.datetime
    end: dt.datetime
    body: t.Any = None


@dataclass
class FakeHelloCustomer:
    """Answers get-responses and get-NPS as the API does: windows include both ends.

    ``responses`` are served by touchpoint and window; ``nps`` computes the figure of a
    call (by default the document's example).
    """

    responses: list[dict[str, t.Any]] = field(default_factory=list)
    #: The date get-responses filters on: ``dateAnswer``, or ``dateSurveyed`` as the
    #: document's other reading would have it.
    filter_on: str = "dateAnswer"
    #: The most responses one answer holds (the oldest), as a capped API would; ``None``
    #: for every response of the window.
    cap: int | None = None
    nps: t.Callable[[Call], dict[str, t.Any]] = lambda call: fixture("nps")
    calls: list[Call] = field(default_factory=list)

    def install(self, requests_mock: rm.Mocker) -> FakeHelloCustomer:
        requests_mock.get(RESPONSES_URL, json=self._responses)
        requests_mock.post(NPS_URL, json=self._nps)
        return self

    def _responses(self, request: t.Any, context: t.Any) -> list[dict[str, t.Any]]:
        call = self._record("responses", RESPONSES_URL, request)
        selected = [
            r
            for r in self.responses
            if r["campaign_UniqueID"] == call.campaign
            and call.start <= parse_timestamp(r[self.filter_on]) <= call.end
        ]
        selected.sort(key=lambda r: parse_timestamp(r[self.filter_on]))
        return selected if self.cap is None else selected[: self.cap]

    def _nps(self, request: t.Any, context: t.Any) -> dict[str, t.Any]:
        return self.nps(self._record("nps", NPS_URL, request))

    def _record(self, kind: str, pattern: re.Pattern[str], request: t.Any) -> Call:
        match = pattern.search(request.path)
        assert match, request.path
        body = json.loads(request.body) if request.body else None
        call = Call(
            kind,
            match["campaign"],
            path_date(match["start"]),
            path_date(match["end"]),
            body,
        )
        self.calls.append(call)
        return call

    def windows(
        self, kind: str = "responses", campaign: str | None = None
    ) -> list[tuple[str, str]]:
        """The (start, end) of each call of a kind, as ISO strings, in call order.

        Responses calls ask ``EDGE_MARGIN`` more on both sides than their window: this
        gives the window itself.
        """
        margin = EDGE_MARGIN if kind == "responses" else dt.timedelta(0)
        return [
            ((c.start + margin).isoformat(), (c.end - margin).isoformat())
            for c in self.calls
            if c.kind == kind and (campaign is None or c.campaign == campaign)
        ]
