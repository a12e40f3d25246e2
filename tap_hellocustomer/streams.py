"""Hello Customer streams: responses, one row per answer, NPS per period, languages."""

from __future__ import annotations

import datetime as dt
import json
import typing as t

from singer_sdk import Stream
from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from survey_common.platforms.hellocustomer import LANGUAGES
from survey_common.schemas import platform_schemas
from survey_common.tap.nested import FlattensParentPages, HandsPagesToChild
from survey_common.tap.pagination import DateWindow
from survey_common.timestamps import UTC, parse_timestamp, to_iso_utc
from tap_hellocustomer.client import (
    EDGE_MARGIN,
    MAX_WINDOW_DAYS,
    HelloCustomerStream,
    WindowedStream,
    whole_second,
)
from tap_hellocustomer.periods import Period, PeriodPaginator
from tap_hellocustomer.windows import ResponseWindowPaginator, SeenResponses, windows_of

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_hellocustomer.learned import LearnedReadings

#: Days a rerun reads again before its bookmark unless ``lookback_days`` says otherwise:
#: with the day since a daily run's bookmark and both edge margins, one call.
DEFAULT_LOOKBACK_DAYS = 27
#: Answers of at least this many responses, in steps of :data:`SUSPECT_STEP`, may have
#: been cut at a cap and are checked by reading their window again in halves.
SUSPECT_COUNT = 100
SUSPECT_STEP = 50
SECOND = dt.timedelta(seconds=1)
#: Flags of questions whose answer is a number in ``answer_Value``.
SCORE_FLAGS = (
    "question_HasScoreAnswer",
    "question_HasNpsValueAnswer",
    "question_HasCesScoreAnswer",
    "question_HasCsatScoreAnswer",
)
#: Fields an answer carries about its question, copied to every ``response_answers`` row.
QUESTION_FIELDS = (
    "survey_UniqueID",
    "question_UniqueID",
    "question_SiblingUniqueID",
    "question_Text",
    "question_SortOrder",
    *SCORE_FLAGS,
    "question_HasTextAnswer",
    "question_HasBooleanAnswer",
    "question_HasMultipleChoiceAnswer",
)


class ResponsesStream(HandsPagesToChild, WindowedStream):
    """Responses of each touchpoint with their answers, in windows of at most 28 days.

    The document leaves open which date getall filters on (answer or survey), whether
    path dates are UTC or the account's local time and whether their ends are included.
    So that no reading loses a response, each call asks :data:`EDGE_MARGIN` more on both
    sides, every response an answer holds is kept (those answered from ``start_date`` up
    to the run's end), and one that comes again from an overlapping window is dropped by
    its ``uniqueID``. A rerun reads again ``lookback_days`` before its bookmark: responses
    change after their answer (contacted, forwarded, reviewed), and under the survey-date
    reading that is also where late answers of earlier surveys are found. A first run
    reads the ``lookback_days`` before ``start_date`` last, unless the API has shown by
    then that it filters on the answer date. Answers stay on the response as an array;
    ``response_answers`` flattens them from the same calls. singer-sdk adds the
    partition's ``campaign_id`` to each record, the join column all three touchpoint
    streams share.
    """

    name = "responses"
    path = "/campaign/{campaign_id}/answers/getall/{startDate}/{endDate}"
    primary_keys = ["uniqueID"]
    replication_key = "dateAnswer"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with no touchpoint being read."""
        super().__init__(*args, **kwargs)
        self.current_campaign = ""
        self._first_run = True
        #: On a rerun, what was answered after this moment is emitted (again).
        self._newer_than: dt.datetime | None = None
        self._seen = SeenResponses(dt.datetime.min.replace(tzinfo=UTC), EDGE_MARGIN)
        #: Halves of a window read again, with the number of responses that window held.
        self._halves: dict[DateWindow, int] = {}
        self._paginator: ResponseWindowPaginator | None = None

    @property
    def lookback(self) -> dt.timedelta:
        """How far before its bookmark a rerun reads again."""
        return dt.timedelta(days=int(self.config.get("lookback_days", DEFAULT_LOOKBACK_DAYS)))

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read a touchpoint from ``lookback_days`` before its bookmark, or from ``start_date``."""
        bookmark = self.get_context_state(context).get("replication_key_value")
        self._first_run = not bookmark
        self._newer_than = parse_timestamp(bookmark) - self.lookback if bookmark else None
        self._halves = {}
        self.current_campaign = str((context or {}).get("campaign_id", ""))
        yield from super().get_records(context)

    def read_from(self, context: Context | None) -> dt.datetime:
        """Return ``start_date`` on a first run, else the bookmark minus the lookback.

        Never before ``start_date``: what was answered before it is not wanted.
        """
        start = super().read_from(context)
        if self._first_run:
            return start
        return max(start - self.lookback, self.start_date)

    @property
    def start_date(self) -> dt.datetime:
        """The ``start_date`` setting: nothing answered before it is emitted."""
        return whole_second(parse_timestamp(self.config["start_date"]))

    def new_paginator(self, span: DateWindow) -> ResponseWindowPaginator:
        """The span's windows, then on a first run the lookback before it if still needed."""
        self._seen = SeenResponses(span.start, EDGE_MARGIN)
        margin: list[DateWindow] = []
        if self._first_run and self.lookback:
            margin = windows_of(DateWindow(span.start - self.lookback, span.start), MAX_WINDOW_DAYS)
        return ResponseWindowPaginator(
            windows_of(span, MAX_WINDOW_DAYS), margin, self.survey_date_possible
        )

    def survey_date_possible(self) -> bool:
        """Tell whether the API may still filter on the survey date, as far as the run saw."""
        return self.learned.getall_date != "dateAnswer"

    @property
    def learned(self) -> LearnedReadings:
        """What this run has learned about the API, shared by every touchpoint."""
        return self.hellocustomer_tap.learned

    def path_dates(self, window: DateWindow) -> tuple[dt.datetime, dt.datetime]:
        """Ask :data:`EDGE_MARGIN` more on both sides, for any zone and either kind of bound."""
        return window.start - EDGE_MARGIN, window.end + EDGE_MARGIN

    def answered_at(self, record: dict[str, t.Any]) -> dt.datetime:
        """Return when a response was answered, failing clearly when the API did not say."""
        try:
            return parse_timestamp(record["dateAnswer"])
        except (KeyError, TypeError, ValueError) as exc:
            raise FatalAPIError(
                f"Hello Customer sent response {record.get('uniqueID')!r} of touchpoint "
                f"{self.current_campaign} without a valid dateAnswer: "
                f"{record.get('dateAnswer')!r}, answering {self.last_call()}"
            ) from exc

    def wanted(self, record: dict[str, t.Any], new: bool) -> bool:
        """Keep a response answered within the run's span and not yet read in this run.

        The span runs from ``start_date`` (on a rerun: after the bookmark minus the
        lookback) up to the end of the run, whatever window the response came from.
        """
        answered = self.answered_at(record)
        if not new or not self.start_date <= answered < self.hellocustomer_tap.sync_end:
            return False
        return self._newer_than is None or answered > self._newer_than

    def note(self, record: dict[str, t.Any]) -> bool:
        """Remember a response returned by a call; return whether this run had not seen it."""
        answered = self.answered_at(record)
        surveyed = optional_timestamp(record.get("dateSurveyed")) or answered
        key = str(record.get("uniqueID"))
        return self._seen.add(key, min(answered, surveyed), max(answered, surveyed))

    def maybe_cut_short(self, count: int) -> bool:
        """Tell whether an answer of ``count`` responses may have been cut at a cap.

        The document mentions no cap, but an API that had one would cut at a round
        number: a count of at least :data:`SUSPECT_COUNT` that is a multiple of
        :data:`SUSPECT_STEP` is checked, at the cost of two calls; once a cap is seen,
        every answer that reaches it is.
        """
        cap = self.learned.getall_cap
        if cap is not None:
            return count >= cap
        return count >= SUSPECT_COUNT and count % SUSPECT_STEP == 0

    def check_for_cap(self, window: DateWindow, count: int, new: int) -> None:
        """Read a window again in halves if its answer may be cut short; learn from halves."""
        if window in self._halves:
            parent = self._halves.pop(window)
            if new:
                self.learned.saw_getall_cap(parent)
        if not self.maybe_cut_short(count):
            return
        if window.end - window.start < 2 * SECOND:
            raise FatalAPIError(
                f"Hello Customer returned {count} responses of touchpoint "
                f"{self.current_campaign} for one second, {to_iso_utc(window.start)}: "
                "getall seems to cut its answers at that number, and a window cannot be "
                "shorter, so the tap stops rather than lose responses"
            )
        if self._paginator is None:
            raise RuntimeError("get_new_paginator runs before the first response is parsed")
        for half in self._paginator.split_current():
            self._halves[half] = count

    def learn_from(self, records: list[dict[str, t.Any]], window: DateWindow) -> None:
        """See from the records' dates which date getall filters on.

        A response answered after the end asked for (beyond any time zone) was selected
        by its survey date; one surveyed before the start asked for, by its answer date.
        """
        path_start, path_end = self.path_dates(window)
        for record in records:
            answered = self.answered_at(record)
            surveyed = optional_timestamp(record.get("dateSurveyed"))
            if answered > path_end + EDGE_MARGIN:
                self.learned.saw_getall_date(
                    "dateSurveyed", "it returned a response answered after the window asked for"
                )
            elif surveyed is not None and surveyed < path_start - EDGE_MARGIN:
                self.learned.saw_getall_date(
                    "dateAnswer", "it returned a response surveyed before the window asked for"
                )
            if self.learned.getall_date == "dateSurveyed" and surveyed is not None:
                lag = answered - surveyed
                if lag > self.lookback + EDGE_MARGIN:
                    self.learned.saw_long_lag(lag / dt.timedelta(days=1), self.lookback.days)

    @override
    def get_new_paginator(self) -> ResponseWindowPaginator:
        """Walk the touchpoint's windows, kept to insert halves of a window cut short."""
        self._paginator = t.cast("ResponseWindowPaginator", super().get_new_paginator())
        return self._paginator

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the window's responses not read yet, and keep them for ``response_answers``."""
        window = self.current_window
        records = self.expect_list(response, self.decoded_body(response), "responses")
        self.learn_from(records, window)
        self._seen.forget_before(self.path_dates(window)[0])
        new = [self.note(record) for record in records]
        self.check_for_cap(window, len(records), sum(new))
        kept = [
            record
            for record, is_new in zip(records, new, strict=True)
            if self.wanted(record, is_new)
        ]
        yield from self.hand_off(kept)

    def page_context(self, context: Context | None) -> Context:
        """Name the child's sync of a window by touchpoint and window start."""
        return {
            "campaign_id": (context or {}).get("campaign_id"),
            "window_start": to_iso_utc(self.current_window.start),
        }


def optional_timestamp(value: t.Any) -> dt.datetime | None:
    """Read a date the API may leave out or write oddly; ``None`` when it is not a date."""
    try:
        return parse_timestamp(value) if value else None
    except (TypeError, ValueError):
        return None


class ResponseAnswersStream(FlattensParentPages, HelloCustomerStream):
    """One record per answer, with its response, touchpoint and question.

    Fed window by window from ``responses`` without calls of its own. The value sits in
    the field the question's flags name (``answer_Value`` for scores, ``answer_Text``
    for text, ``answer_Boolean`` for yes/no, ``answer_Options`` for multiple choice);
    fields the flags do not name are null. Text analytics come as ``polarity`` and
    ``paths``.
    """

    name = "response_answers"
    parent_stream_type = ResponsesStream
    primary_keys = ["uniqueID"]
    replication_key = "dateAnswer"

    def flatten(self, parent_record: dict[str, t.Any]) -> Iterable[dict[str, t.Any]]:
        """One record per answered question of a response."""
        campaign = t.cast("ResponsesStream", self.parent).current_campaign
        for answer in parent_record.get("answerQuestions") or []:
            yield answer_row(parent_record, answer, campaign)


def answer_row(
    response: dict[str, t.Any], answer: dict[str, t.Any], campaign_id: str
) -> dict[str, t.Any]:
    """Return the ``response_answers`` record of one answer of a response."""
    row = {
        "uniqueID": answer.get("uniqueID"),
        "response_id": response.get("uniqueID"),
        "campaign_id": campaign_id,
        "language_UniqueID": response.get("language_UniqueID"),
        "dateAnswer": response.get("dateAnswer"),
        "answer_Date": answer.get("answer_Date"),
        **{field: answer.get(field) for field in QUESTION_FIELDS},
        "answer_Value": answer.get("answer_Value")
        if any(answer.get(flag) for flag in SCORE_FLAGS)
        else None,
        "answer_Text": answer.get("answer_Text") if answer.get("question_HasTextAnswer") else None,
        "answer_Boolean": answer.get("answer_Boolean")
        if answer.get("question_HasBooleanAnswer")
        else None,
        "answer_Options": answer.get("answer_Options")
        if answer.get("question_HasMultipleChoiceAnswer")
        else None,
    }
    row.update(flatten_prediction(answer.get("prediction")))
    return row


def flatten_prediction(prediction: t.Any) -> dict[str, t.Any]:
    """Turn text analytics into ``polarity`` and ``paths``, one entry per topic path.

    ``polarity`` is the polarity all items share, ``Mixed`` when they differ and null
    without a prediction; each path keeps its own item's polarity.
    """
    items = prediction.get("items") if isinstance(prediction, dict) else None
    items = [item for item in items or [] if isinstance(item, dict)]
    polarities = {item["polarity"] for item in items if item.get("polarity")}
    polarity = None
    if len(polarities) == 1:
        polarity = polarities.pop()
    elif polarities:
        polarity = "Mixed"
    paths = [
        {"path": path.get("path"), "polarity": item.get("polarity"), "order": path.get("order")}
        for item in items
        for path in sorted(item.get("paths") or [], key=lambda path: path.get("order") or 0)
    ]
    return {"polarity": polarity, "paths": paths}


class NpsStream(WindowedStream):
    """NPS of each touchpoint per calendar period, per filter set when filters are given.

    One call per period. Periods follow the calendar from the one containing
    ``start_date``; the last one ends where the run reads up to and is read again on
    the next run, since its figure still changes.
    """

    name = "nps"
    path = "/campaign/{campaign_id}/analysis/nps/getnpsscore/{startDate}/{endDate}"
    http_method = "POST"
    primary_keys = ["campaign_id", "period", "filter_set", "period_start"]
    replication_key = "period_start"

    @property
    @override
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per touchpoint and filter set, each with its own bookmark."""
        filter_sets = [[entry] for entry in self.config.get("nps_filters") or []] or [[]]
        period = str(self.config.get("nps_period", "month"))
        return [
            {**touchpoint, "period": period, "filter_set": canonical_json(filters)}
            for touchpoint in super().partitions
            for filters in filter_sets
        ]

    def new_paginator(self, span: DateWindow) -> PeriodPaginator:
        """One window per calendar period."""
        period = t.cast("Period", self.config.get("nps_period", "month"))
        return PeriodPaginator(span.start, span.end, period)

    def planned_calls(self, span: DateWindow) -> int:
        """One call per period."""
        return sum(1 for _ in self.new_paginator(span).windows())

    def path_dates(self, window: DateWindow) -> tuple[dt.datetime, dt.datetime]:
        """Ask up to the period's last second: the API includes the end date."""
        return window.start, window.end - dt.timedelta(seconds=1)

    def request_body(self, context: Context | None) -> str:
        """Send the filter set as the document's JSON array (empty for the whole touchpoint)."""
        return str((context or {})["filter_set"])

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the period's figure with the touchpoint, period and filters it is for."""
        body = self.decoded_body(response)
        if not isinstance(body, dict):
            raise FatalAPIError(
                f"Hello Customer answered {self._endpoint(response)} with HTTP "
                f"{response.status_code} but without an NPS object"
            )
        context = self.current_context
        window = self.current_window
        yield {
            "campaign_id": context["campaign_id"],
            "period": context["period"],
            "filter_set": context["filter_set"],
            "filters": json.loads(context["filter_set"]),
            "period_start": to_iso_utc(window.start),
            "period_end": to_iso_utc(window.end),
            **{key: body.get(key) for key in ("nps", "detractors", "passive", "promoters")},
        }


def canonical_json(value: t.Any) -> str:
    """Write a value as JSON in one stable form, so equal filter sets get equal keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class LanguagesStream(Stream):
    """The document's language table, so that warehouses can join ``language_UniqueID``.

    The API has no call for it: the records come from the tap itself, without a request.
    """

    name = "languages"
    primary_keys = ["language_UniqueID"]
    schema = platform_schemas("hellocustomer")

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Yield every language of the table."""
        del context
        for language in LANGUAGES:
            yield {
                "language_UniqueID": language.guid,
                "name": language.name,
                "iso_639_1": language.iso_639_1,
            }
