"""The hellocustomer checks of ``survey-probe``: a finding per point that read-only calls settle.

Every call is a GET of ``answers/getall`` for the first of ``campaign_ids``, paced at
``min_request_interval`` (1 second unless the settings say otherwise). The checks look
at dates only; no record data reaches the output.

- ``hellocustomer.getall-date``: windows from ``start_date`` (at most
  :data:`MAX_WINDOWS`), read with the tap's margins, until one holds a response answered
  after the window asked for (``dateSurveyed``) or surveyed before it (``dateAnswer``).
- ``hellocustomer.guid-case``: a day asked with the touchpoint's GUID in upper case.
- ``hellocustomer.window-31-days``: one window of 30 days and 23 hours from noon, which
  touches 32 calendar days: a 400 about 31 days means calendar days.
- ``hellocustomer.nps-date``: the NPS of a week within the first window read, compared
  with that week's responses counted by answer date and by survey date.
- ``hellocustomer.path-date-zone`` and ``hellocustomer.path-date-bounds``: a window of
  the one second a response was selected by, written in UTC: the response back means
  UTC with the end included; back only when the window goes a second further, UTC with
  the end excluded. Otherwise the same is asked at the offsets of Brussels (+1, +2 hours),
  the vendor's own time zone; the bounds stay unsettled when neither fits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from survey_common.platforms.hellocustomer import DEFAULT_API_URL, authorization_value
from survey_common.tap.pagination import DateWindow
from survey_common.timestamps import UTC, parse_timestamp
from survey_probe.finding import Finding, ProbeClient, Reading
from tap_hellocustomer.client import (
    EDGE_MARGIN,
    MAX_WINDOW_DAYS,
    api_date,
    whole_second,
)

#: Windows read from ``start_date`` at most, looking for a response that shows the date.
MAX_WINDOWS = 3
#: The offsets from UTC tried when path dates are not UTC: Brussels, winter and summer.
LOCAL_OFFSETS = (dt.timedelta(hours=1), dt.timedelta(hours=2))
_SECOND = dt.timedelta(seconds=1)


def probe(config: Mapping[str, Any]) -> Iterator[Finding]:
    """Settle what a few read-only calls can; yield one finding per point settled."""
    campaign = str(config["campaign_ids"][0]).lower()
    token = str(config["api_token"])
    client = ProbeClient(
        "Hello Customer",
        str(config.get("api_url") or DEFAULT_API_URL),
        headers={"Authorization": authorization_value(token)},
        secrets=(token,),
        min_interval=float(config.get("min_request_interval", 1.0)),
    )
    checks = _Checks(client, campaign)
    start = whole_second(parse_timestamp(str(config["start_date"])))
    yield checks.window_counting(start)
    yield checks.guid_case(start)
    date, sample = checks.getall_date(start)
    yield date
    if sample is not None:
        yield from checks.zone_and_bounds(sample)
    yield checks.nps_date(start)


class _Checks:
    """The calls of one probe: one touchpoint, one client."""

    def __init__(self, client: ProbeClient, campaign: str) -> None:
        self._client = client
        self._campaign = campaign
        #: The responses of the first window read, for recounting an NPS figure.
        self.first_records: list[dict[str, Any]] = []
        #: What path dates were found to be: their offset from UTC, whether the end counts.
        self.offset = dt.timedelta(0)
        self.end_included = True

    def getall(
        self, start: dt.datetime, end: dt.datetime, campaign: str | None = None
    ) -> tuple[int, Any]:
        """Ask get responses for path dates ``start`` and ``end``; 400 is an answer too."""
        campaign = campaign or self._campaign
        path = f"/campaign/{campaign}/answers/getall/{api_date(start)}/{api_date(end)}"
        return self._client.call("GET", path, accept=(200, 400))

    def guid_case(self, start: dt.datetime) -> Finding:
        """Ask a day with the touchpoint's GUID in upper case: a 400 means case matters."""
        status, _ = self.getall(start, start + dt.timedelta(days=1), self._campaign.upper())
        evidence = f"asked the touchpoint's GUID in upper case: HTTP {status}"
        reading: Reading = "ours" if status == 200 else "other"  # noqa: PLR2004 - HTTP OK
        return Finding("hellocustomer.guid-case", reading, evidence)

    def window_counting(self, start: dt.datetime) -> Finding:
        """Ask 30 days and 23 hours from noon: 32 calendar days, less than 31 x 24 hours."""
        noon = start.replace(hour=12, minute=0, second=0)
        end = noon + dt.timedelta(days=30, hours=23)
        status, body = self.getall(noon, end)
        asked = f"asked {api_date(noon)} to {api_date(end)}"
        if status == 200:  # noqa: PLR2004 - HTTP OK
            return Finding("hellocustomer.window-31-days", "ours", f"{asked}: HTTP 200")
        about_days = "31 days" in str(body)
        return Finding(
            "hellocustomer.window-31-days",
            "other" if about_days else "unsettled",
            f"{asked}: HTTP {status}" + ("" if about_days else " without the 31-days message"),
        )

    def getall_date(self, start: dt.datetime) -> tuple[Finding, tuple[dt.datetime, str] | None]:
        """Read windows until a response's dates show which one getall filters on.

        Returns:
            The finding, and a sample for the next checks: the moment a response was
            selected by and its ``uniqueID``, or ``None`` when no window held one.
        """
        key = "hellocustomer.getall-date"
        sample: tuple[dt.datetime, str] | None = None
        window = DateWindow(start, start + dt.timedelta(days=MAX_WINDOW_DAYS))
        for _ in range(MAX_WINDOWS):
            path_start, path_end = window.start - EDGE_MARGIN, window.end + EDGE_MARGIN
            _, body = self.getall(path_start, path_end)
            records = [record for record in body or [] if isinstance(record, dict)]
            self.first_records = self.first_records or records
            for record in records:
                answered, surveyed = _date(record, "dateAnswer"), _date(record, "dateSurveyed")
                if answered is None or surveyed is None:
                    continue
                sample = sample or (answered, str(record.get("uniqueID")))
                asked = f"asked {api_date(path_start)} to {api_date(path_end)}"
                if answered > path_end + EDGE_MARGIN:
                    evidence = f"{asked}: a response answered after the window came back"
                    return Finding(key, "other", evidence), (surveyed, str(record["uniqueID"]))
                if surveyed < path_start - EDGE_MARGIN:
                    evidence = f"{asked}: a response surveyed before the window came back"
                    return Finding(key, "ours", evidence), (answered, str(record["uniqueID"]))
            window = DateWindow(window.end, window.end + dt.timedelta(days=MAX_WINDOW_DAYS))
        evidence = f"no response of {MAX_WINDOWS} windows from start_date lies across an edge"
        return Finding(key, "unsettled", evidence), sample

    def holds(self, start: dt.datetime, end: dt.datetime, unique_id: str) -> bool:
        """Tell whether get responses for these path dates returns the response."""
        status, body = self.getall(start, end)
        return status == 200 and any(  # noqa: PLR2004 - HTTP OK
            isinstance(record, dict) and record.get("uniqueID") == unique_id
            for record in body or []
        )

    def zone_and_bounds(self, sample: tuple[dt.datetime, str]) -> Iterator[Finding]:
        """Ask the one second a response was selected by, in UTC and then in local time."""
        moment, unique_id = sample
        for offset in (dt.timedelta(0), *LOCAL_OFFSETS):
            written = moment + offset
            zone = "UTC" if not offset else f"UTC+{offset.seconds // 3600}"
            reading: Reading = "ours" if not offset else "other"
            asked = f"asked the second of a response as {zone}"  # not its date: record data
            self.offset = offset
            if self.holds(written, written, unique_id):
                yield Finding("hellocustomer.path-date-zone", reading, f"{asked}: found")
                yield Finding("hellocustomer.path-date-bounds", "ours", f"{asked} to itself: found")
                return
            if self.holds(written, written + _SECOND, unique_id):
                self.end_included = False
                yield Finding("hellocustomer.path-date-zone", reading, f"{asked}: found")
                yield Finding(
                    "hellocustomer.path-date-bounds",
                    "other",
                    f"{asked} to itself: not found; to a second later: found",
                )
                return
        self.offset = dt.timedelta(0)
        yield Finding(
            "hellocustomer.path-date-zone",
            "other",
            "the second of a response, asked as UTC, UTC+1 and UTC+2: not found",
        )

    def nps_date(self, start: dt.datetime) -> Finding:
        """Compare the API's NPS of a week with the week's responses counted by either date.

        The week lies within the first window read, whose responses are at hand; the
        path dates are written as the previous checks found the API reads them.
        """
        key = "hellocustomer.nps-date"
        week = DateWindow(start + dt.timedelta(days=7), start + dt.timedelta(days=14))
        last = week.end if not self.end_included else week.end - _SECOND
        path = (
            f"/campaign/{self._campaign}/analysis/nps/getnpsscore/"
            f"{api_date(week.start + self.offset)}/{api_date(last + self.offset)}"
        )
        _, body = self._client.call("POST", path, json_body=[])
        by_answer = _nps_shares(self.first_records, "dateAnswer", week)
        by_survey = _nps_shares(self.first_records, "dateSurveyed", week)
        api = (body or {}).get("promoters"), (body or {}).get("detractors")
        if by_answer == by_survey:
            evidence = "the week's responses give the same figure by either date"
            return Finding(key, "unsettled", evidence)
        if api == by_answer:
            return Finding(key, "ours", "the API's NPS of a week matches its count by dateAnswer")
        if api == by_survey:
            evidence = "the API's NPS of a week matches its count by dateSurveyed"
            return Finding(key, "other", evidence)
        return Finding(key, "unsettled", "the API's NPS of a week matches neither count")


def _nps_shares(records: list[dict[str, Any]], field: str, week: DateWindow) -> tuple[float, float]:
    """Promoters' and detractors' shares (percent, two decimals) of the week's NPS answers."""
    scores = [
        answer.get("answer_Value")
        for record in records
        if (moment := _date(record, field)) is not None and week.start <= moment < week.end
        for answer in record.get("answerQuestions") or []
        if isinstance(answer, dict) and answer.get("question_HasNpsValueAnswer")
    ]
    values = [score for score in scores if isinstance(score, int | float)]
    if not values:
        return 0, 0
    promoters = sum(score >= 9 for score in values)  # noqa: PLR2004 - NPS promoters
    detractors = sum(score <= 6 for score in values)  # noqa: PLR2004 - NPS detractors
    return round(100 * promoters / len(values), 2), round(100 * detractors / len(values), 2)


def _date(record: Any, field: str) -> dt.datetime | None:
    """Read one of a response's dates, ``None`` when it is missing or not a date."""
    try:
        return parse_timestamp(record[field]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None
