"""Hello Customer streams: responses, one row per answer, NPS per period, languages."""

from __future__ import annotations

import datetime as dt
import json
import typing as t

from singer_sdk import Stream
from singer_sdk.exceptions import FatalAPIError

from survey_common.nested import FlattensParentPages, HandsPagesToChild
from survey_common.schemas import platform_schemas
from survey_common.timestamps import parse_timestamp, to_iso_utc
from tap_hellocustomer.client import HelloCustomerStream, WindowedStream
from tap_hellocustomer.languages import LANGUAGES
from tap_hellocustomer.periods import Period, PeriodPaginator

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

    from survey_common.pagination import DateWindow, DateWindowPaginator

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
    """Responses of each touchpoint with their answers, in windows of at most 31 days.

    The API includes both ends of a window, so a window keeps only what was answered
    from its start up to (not including) its end: a response on a boundary comes once.
    A rerun reads from the bookmark's second and keeps only what is newer than it.
    Answers stay on the response as an array; ``response_answers`` flattens them from
    the same calls. singer-sdk adds the partition's ``campaign_id`` to each record, the
    join column all three touchpoint streams share.
    """

    name = "responses"
    path = "/campaign/{campaign_id}/answers/getall/{startDate}/{endDate}"
    primary_keys = ["uniqueID"]
    replication_key = "dateAnswer"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start with no window waiting for its answers to be flattened."""
        super().__init__(*args, **kwargs)
        self.current_campaign = ""
        self._newer_than: dt.datetime | None = None

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read a touchpoint, keeping only responses newer than its bookmark, if it has one."""
        bookmark = self.get_context_state(context).get("replication_key_value")
        self._newer_than = parse_timestamp(bookmark) if bookmark else None
        self.current_campaign = str((context or {}).get("campaign_id", ""))
        yield from super().get_records(context)

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

    def in_window(self, record: dict[str, t.Any], window: DateWindow) -> bool:
        """Return whether a response belongs to this window and was not read before."""
        answered = self.answered_at(record)
        if self._newer_than is not None and answered <= self._newer_than:
            return False
        return window.start <= answered < window.end

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the window's responses and keep them for ``response_answers``."""
        window = self.current_window
        records = self.expect_list(response, self.decoded_body(response), "responses")
        yield from self.hand_off([record for record in records if self.in_window(record, window)])

    def page_context(self, context: Context | None) -> Context:
        """Name the child's sync of a window by touchpoint and window start."""
        return {
            "campaign_id": (context or {}).get("campaign_id"),
            "window_start": to_iso_utc(self.current_window.start),
        }


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
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per touchpoint and filter set, each with its own bookmark."""
        filter_sets = [[entry] for entry in self.config.get("nps_filters") or []] or [[]]
        period = str(self.config.get("nps_period", "month"))
        return [
            {**touchpoint, "period": period, "filter_set": canonical_json(filters)}
            for touchpoint in super().partitions
            for filters in filter_sets
        ]

    def new_paginator(self, span: DateWindow) -> DateWindowPaginator:
        """One window per calendar period."""
        period = t.cast("Period", self.config.get("nps_period", "month"))
        return PeriodPaginator(span.start, span.end, period)

    def path_dates(self, window: DateWindow) -> tuple[dt.datetime, dt.datetime]:
        """Ask up to the period's last second: the API includes the end date."""
        return window.start, window.end - dt.timedelta(seconds=1)

    def request_body(self, context: Context | None) -> str:
        """Send the filter set as the document's JSON array (empty for the whole touchpoint)."""
        return str((context or {})["filter_set"])

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

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Yield every language of the table."""
        del context
        for language in LANGUAGES:
            yield {
                "language_UniqueID": language.guid,
                "name": language.name,
                "iso_639_1": language.iso_639_1,
            }
