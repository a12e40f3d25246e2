"""Hello Customer's API (``/hellocustomer/V1.0/EN``) and its admin endpoints.

API, authenticated with ``Authorization: basic <token>`` (the scheme in any case); paths
match in any case, as on the vendor's ASP.NET server; dates in paths are
``yyyyMMddHHmmss`` in UTC:

- ``POST /Campaign/{touchpoint}/Respondent/Add``: add one respondent (JSON object);
  answers 201 with the body echoed.
- ``POST /campaign/{touchpoint}/respondent/addmultipletocache``: add respondents (JSON
  array), all or none; answers 200 with the array echoed. Under the other reading of
  ``hellocustomer.addmultiple-refusal`` it adds the good ones and answers 200 with
  ``{"added": [...], "refused": [{"index", "email", "message"}]}`` (400 when none is good).
- ``GET /campaign/{touchpoint}/answers/getall/{startDate}/{endDate}``: the responses
  answered within the inclusive window, at most 31 days long, oldest first, as a JSON
  array without paging. Under the other readings: surveyed instead of answered
  (``hellocustomer.getall-date``), at most 31 calendar days counted inclusively
  (``hellocustomer.window-31-days``), the oldest 100 only (``hellocustomer.getall-cap``).
- ``POST /campaign/{touchpoint}/analysis/nps/getnpsscore/{startDate}/{endDate}``: the NPS
  of the responses answered (surveyed, under the other reading of
  ``hellocustomer.nps-date``) within the inclusive window; an optional JSON body
  ``[{"key": ..., "filterValues": [...]}]`` keeps respondents whose key value is one of the
  values (all filters must hold).
- ``POST /campaign/{touchpoint}/answers/add``: store a response answered now; answers 200
  with the response as get-responses shows it.

GUIDs match in any case; under the other reading of ``hellocustomer.guid-case`` one in
the path or in a body's GUID field that is not in lower case is refused with 400.

Path dates are UTC and both ends are included; under the other readings they are the
account's local time, Europe/Brussels (``hellocustomer.path-date-zone``), and the end is
excluded (``hellocustomer.path-date-bounds``), for responses and NPS alike.

Every call counts against the token's throttle: a call less than the minimum interval
(1 second unless configured) after the token's last admitted call answers 429 with
``Retry-After``. Errors are ``{"message": "..."}`` carrying the document's validation
messages: 401 for a missing or unknown token or a touchpoint of another token, 400 for
bad models, languages, emails, question items, dates and unknown touchpoints, 404 and 405
for unknown paths and methods.

Admin (no authentication, no throttle), for tests and CI pipelines:

- ``GET /_sandbox/hellocustomer/stats``: ``{"calls": n, "rate_limited": n}`` since start.
- ``POST /_sandbox/hellocustomer/responses``: JSON ``{"campaign_UniqueID", "dateAnswer"?,
  "dateSurveyed"?, "language_UniqueID"?, "firstName"?, "lastName"?, "email"?,
  "phoneNumber"?, "custom_UniqueID"?, "keyValues"?, "answers"?: [{"sortOrder", "score"? |
  "text"? | "boolean"? | "options"?}]}``; stores a response (answers drawn at random when
  not given; ISO 8601 dates, default now; default language the touchpoint's first) and
  answers 201 with it.
- ``PATCH /_sandbox/hellocustomer/responses/{guid}``: JSON with any of
  ``hasBeenContacted``, ``hasBeenForwarded``, ``hasBeenDisabledForReview`` (booleans):
  changes a response after its answer, as users do when they follow it up; answers 200
  with the response.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from survey_common.readings import Readings
from survey_sandbox.base import BasePlatform
from survey_sandbox.faults import FaultQueue
from survey_sandbox.hellocustomer import seed as hellocustomer_seed
from survey_sandbox.hellocustomer import store as hellocustomer_store
from survey_sandbox.hellocustomer.analytics import predict
from survey_sandbox.hellocustomer.languages import language_by_guid
from survey_sandbox.hellocustomer.models import (
    JSON_MODEL_INVALID,
    answer_value,
    canonical_guid,
    check_email,
    decode_json,
    key_values,
    new_guid,
    nps_filters,
    optional_text,
    parse_add_answer,
    parse_language,
    parse_path_date,
    parse_respondent,
    touchpoint_not_found,
)
from survey_sandbox.hellocustomer.store import (
    ADDED_BY_ADD,
    ADDED_BY_ADMIN,
    ADDED_BY_CACHE,
    KIND_BOOLEAN,
    KIND_CES,
    KIND_CHOICE,
    KIND_NPS,
    KIND_TEXT,
    AnswerDraft,
    NpsCounts,
    Question,
    RespondentDraft,
    ResponseDraft,
    ResponseRows,
    Touchpoint,
)
from survey_sandbox.hellocustomer.throttle import Throttle
from survey_sandbox.store import PlatformData, Store
from survey_sandbox.timefmt import format_zulu, now_epoch
from survey_sandbox.web import HttpError, Request, Response, body_instant, json_response

MAX_WINDOW_SECONDS = 31 * 24 * 60 * 60
"""The longest get-responses window: 31 days."""
MAX_CALENDAR_DAYS = 31
"""The most calendar days one get-responses window may touch, counted inclusively."""
ACCOUNT_ZONE = ZoneInfo("Europe/Brussels")
"""The account's local time, which path dates are in under the other reading."""
WINDOW_TOO_LONG = "The start date and end date cannot be more than 31 days apart"

GETALL_DATE = "hellocustomer.getall-date"
WINDOW_31_DAYS = "hellocustomer.window-31-days"
PATH_DATE_BOUNDS = "hellocustomer.path-date-bounds"
PATH_DATE_ZONE = "hellocustomer.path-date-zone"
ADDMULTIPLE_REFUSAL = "hellocustomer.addmultiple-refusal"
GUID_CASE = "hellocustomer.guid-case"
GETALL_CAP = "hellocustomer.getall-cap"
NPS_DATE = "hellocustomer.nps-date"
GETALL_CAPPED_AT = 100
"""The most responses one get-responses answer holds under the other reading of the cap."""
#: Body fields that hold GUIDs, by lower-case name.
_GUID_FIELDS = frozenset(
    {
        "campaign_uniqueid",
        "language_uniqueid",
        "languageuniqueid",
        "companyuniqueid",
        "questionitemuniqueid",
    }
)
_GUID_IN_PATH = re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
)
_CHANGEABLE = {
    "hasBeenContacted": "has_been_contacted",
    "hasBeenForwarded": "has_been_forwarded",
    "hasBeenDisabledForReview": "has_been_disabled_for_review",
}

_NOT_PROVIDED = (
    "The authorisation of the call failed: API token has not been provided in the API call"
)
_NOT_VALID = "The authorisation of the call failed: API token is not valid or has expired"
_FOREIGN_TOUCHPOINT = (
    "The authorisation of the call failed:"
    " API token does not contain this touchpoint/CampaignUniqueID"
)
_CHALLENGE = (("WWW-Authenticate", 'Basic realm="Hello Customer API"'),)

_FLAGS = (
    "question_HasScoreAnswer",
    "question_HasNpsValueAnswer",
    "question_HasTextAnswer",
    "question_HasBooleanAnswer",
    "question_HasCesScoreAnswer",
    "question_HasCsatScoreAnswer",
    "question_HasMultipleChoiceAnswer",
)
_FLAGS_OF_KIND = {
    KIND_CES: {"question_HasScoreAnswer", "question_HasCesScoreAnswer"},
    KIND_NPS: {"question_HasScoreAnswer", "question_HasNpsValueAnswer"},
    KIND_TEXT: {"question_HasTextAnswer"},
    KIND_BOOLEAN: {"question_HasBooleanAnswer"},
    KIND_CHOICE: {"question_HasMultipleChoiceAnswer"},
}
_ADMIN_RESPONSE_FIELDS = (
    "campaign_UniqueID",
    "dateAnswer",
    "dateSurveyed",
    "language_UniqueID",
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "custom_UniqueID",
    "keyValues",
    "answers",
)
_ADMIN_ANSWER_FIELDS = ("sortOrder", "score", "text", "boolean", "options")


def _summary() -> str:
    """Describe the API root, the auth header and each token's touchpoints for ``--help``."""
    lines = ["hellocustomer: API at /hellocustomer/V1.0/EN, header 'Authorization: basic TOKEN'"]
    by_token: dict[str, list[Touchpoint]] = {}
    for touchpoint in hellocustomer_seed.touchpoints():
        by_token.setdefault(touchpoint.token, []).append(touchpoint)
    for token, touchpoints in by_token.items():
        lines.append(f"    {token}  email touchpoints:")
        for touchpoint in touchpoints:
            languages = ", ".join(
                language.iso
                for survey in touchpoint.surveys
                if (language := language_by_guid(survey.language_guid)) is not None
            )
            lines.append(f"      {touchpoint.guid}  {touchpoint.name} ({languages})")
    return "\n".join(lines)


class HelloCustomer(BasePlatform):
    """The Hello Customer platform: its seeding, throttle, API routes and admin routes."""

    name = "hellocustomer"
    api_root = "/hellocustomer/V1.0/EN"
    data = PlatformData(
        schema_version=hellocustomer_store.SCHEMA_VERSION,
        tables=hellocustomer_store.TABLES,
        ddl=hellocustomer_store.DDL,
        populate=hellocustomer_seed.populate,
    )
    summary = _summary()

    def __init__(
        self, store: Store, *, readings: Readings, faults: FaultQueue, min_interval: float = 1.0
    ) -> None:
        """Bind the platform to the sandbox's store and register its routes.

        Args:
            store: The sandbox's store.
            readings: The register points this platform answers under their other reading.
            faults: Where admin endpoints queue answers for the next API calls.
            min_interval: Seconds required between two calls of one token; 0 turns the
                throttle off.

        Raises:
            ValueError: When ``min_interval`` is negative.
        """
        super().__init__(store, readings=readings, faults=faults)
        self._throttle = Throttle(min_interval)
        campaign = "/campaign/{touchpoint}"
        self._api.add("POST", f"{campaign}/respondent/add", self._add_respondent)
        self._api.add(
            "POST", f"{campaign}/respondent/addmultipletocache", self._add_multiple_respondents
        )
        self._api.add("GET", f"{campaign}/answers/getall/{{start}}/{{end}}", self._responses)
        self._api.add(
            "POST", f"{campaign}/analysis/nps/getnpsscore/{{start}}/{{end}}", self._nps_score
        )
        self._api.add("POST", f"{campaign}/answers/add", self._add_answer)
        self._admin.add("GET", "/stats", self._admin_stats)
        self._admin.add("POST", "/responses", self._admin_create_response)
        self._admin.add("PATCH", "/responses/{guid}", self._admin_change_response)

    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below the API root: count it, authenticate, throttle, dispatch."""
        self._throttle.count_call()
        try:
            token = self._authenticate(request)
            wait = self._throttle.admit(token)
            if wait is not None:
                return _too_many_requests(self._throttle.min_interval, wait)
            if self._readings.other(GUID_CASE):
                _refuse_guids_not_in_lower_case(request, path)
            return self._api.dispatch(request, path.lower())
        except HttpError as error:
            return _error(error)

    def handle_admin(self, request: Request, path: str) -> Response:
        """Answer a request below ``/_sandbox/hellocustomer``; ``path`` is the part below it."""
        try:
            return self._admin.dispatch(request, path)
        except HttpError as error:
            return _error(error)

    # --- API ------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> str:
        """Return the request's token after checking it exists.

        Raises:
            HttpError: 401 when the header is missing, not of the ``basic`` scheme, or
                names no token.
        """
        token = _presented_token(request)
        if token is None:
            raise HttpError(401, _NOT_PROVIDED)
        with self._store.transaction() as connection:
            known = hellocustomer_store.token_known(connection, token)
        if not known:
            raise HttpError(401, _NOT_VALID)
        return token

    def _add_respondent(self, request: Request) -> Response:
        """Add one respondent to an email touchpoint and echo the body with 201."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            body = decode_json(request.body)
            draft = parse_respondent(
                body, touchpoint, added_by=ADDED_BY_ADD, created_at=now_epoch()
            )
            hellocustomer_store.insert_respondents(connection, [draft])
        return json_response(body, 201)

    def _add_multiple_respondents(self, request: Request) -> Response:
        """Add a list of respondents, all or none, and echo the list with 200."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            body = decode_json(request.body)
            if not isinstance(body, list):
                raise HttpError(400, JSON_MODEL_INVALID)
            now = now_epoch()
            if self._readings.other(ADDMULTIPLE_REFUSAL):
                return _add_the_good_ones(connection, touchpoint, body, now)
            drafts = [
                parse_respondent(item, touchpoint, added_by=ADDED_BY_CACHE, created_at=now)
                for item in body
            ]
            hellocustomer_store.insert_respondents(connection, drafts)
        return json_response(body)

    def _responses(self, request: Request) -> Response:
        """List a touchpoint's responses answered within a window of at most 31 days."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            self._check_span(request)
            start, end = self._window(request)
            column = "date_surveyed" if self._readings.other(GETALL_DATE) else "date_answer"
            rows = hellocustomer_store.list_responses(
                connection, touchpoint.guid, start, end, column
            )
        rendered = _render_responses(rows)
        if self._readings.other(GETALL_CAP):
            rendered = rendered[:GETALL_CAPPED_AT]
        return json_response(rendered)

    def _check_span(self, request: Request) -> None:
        """Refuse a window more than 31 days long, as a duration or in calendar days.

        Raises:
            HttpError: 400 with the document's words.
        """
        start = parse_path_date(request.path_params["start"], "startDate")
        end = parse_path_date(request.path_params["end"], "endDate")
        if self._readings.other(WINDOW_31_DAYS):
            days = (end // 86400) - (start // 86400) + 1  # calendar days touched, both ends
            if days > MAX_CALENDAR_DAYS:
                raise HttpError(400, WINDOW_TOO_LONG)
        elif end - start > MAX_WINDOW_SECONDS:
            raise HttpError(400, WINDOW_TOO_LONG)

    def _window(self, request: Request) -> tuple[int, int]:
        """Read the path's window as the inclusive instants ``[start, end]`` it selects.

        Raises:
            HttpError: 400 when either date is not ``yyyyMMddHHmmss`` or the end precedes
                the start.
        """
        start, end = _window(request)
        if self._readings.other(PATH_DATE_ZONE):
            start, end = _from_account_time(start), _from_account_time(end)
        if self._readings.other(PATH_DATE_BOUNDS):
            end -= 1  # the end is excluded: its own second is not selected
        return start, end

    def _nps_score(self, request: Request) -> Response:
        """Compute a touchpoint's NPS over a window, for respondents matching the filters."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            body = decode_json(request.body)
            filters = nps_filters(body)
            start, end = self._window(request)
            column = "date_surveyed" if self._readings.other(NPS_DATE) else "date_answer"
            counts = hellocustomer_store.nps_counts(
                connection, touchpoint.guid, start, end, filters, column=column
            )
        return json_response(nps_figures(counts))

    def _add_answer(self, request: Request) -> Response:
        """Store a response answered now and return it as get-responses shows it."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            body = decode_json(request.body)
            questions = hellocustomer_store.questions_of(connection, touchpoint.guid)
            draft = parse_add_answer(body, touchpoint, questions, now=now_epoch())
            [response_id] = hellocustomer_store.insert_responses(connection, [draft])
            rows = hellocustomer_store.get_response(connection, response_id)
        return json_response(_render_responses(rows)[0])

    # --- admin ----------------------------------------------------------------------

    def _admin_stats(self, _request: Request) -> Response:
        """Report how many API calls arrived and how many were refused with 429."""
        return json_response(self._throttle.stats())

    def _admin_create_response(self, request: Request) -> Response:
        """Store a response on any touchpoint with a chosen answer date and answers."""
        body = request.json_body()
        unknown = sorted(set(body) - set(_ADMIN_RESPONSE_FIELDS))
        if unknown:
            raise HttpError(400, f"Unknown fields: {', '.join(unknown)}")
        raw_touchpoint = body.get("campaign_UniqueID")
        if raw_touchpoint is None:
            raise HttpError(400, "Field 'campaign_UniqueID' is mandatory")
        answered = body_instant(body, "dateAnswer")
        answered = now_epoch() if answered is None else answered
        surveyed = body_instant(body, "dateSurveyed")
        surveyed = answered if surveyed is None else surveyed
        if surveyed > answered:
            raise HttpError(400, "Field 'dateSurveyed' must not be after 'dateAnswer'")
        with self._store.transaction() as connection:
            guid = canonical_guid(raw_touchpoint)
            touchpoint = (
                None if guid is None else hellocustomer_store.get_touchpoint(connection, guid)
            )
            if touchpoint is None:
                raise HttpError(404, touchpoint_not_found(str(raw_touchpoint)))
            language = body.get("language_UniqueID") or touchpoint.surveys[0].language_guid
            survey = parse_language(language, touchpoint)
            questions = [
                question
                for question in hellocustomer_store.questions_of(connection, touchpoint.guid)
                if question.survey_guid == survey.guid
            ]
            if body.get("answers") is None:
                rng = random.Random()  # noqa: S311 - sample data, not secrets
                answers = hellocustomer_seed.generate_answers(rng, questions, survey.language_guid)
            else:
                answers = _admin_answers(body["answers"], questions)
            respondent = _admin_respondent(body, survey.language_guid, touchpoint, surveyed)
            draft = ResponseDraft(
                guid=new_guid(),
                respondent=respondent,
                survey_guid=survey.guid,
                date_surveyed=surveyed,
                date_answer=answered,
                answers=answers,
            )
            [response_id] = hellocustomer_store.insert_responses(connection, [draft])
            rows = hellocustomer_store.get_response(connection, response_id)
        return json_response(_render_responses(rows)[0], 201)

    def _admin_change_response(self, request: Request) -> Response:
        """Change a response's follow-up flags, as a user does after the answer."""
        body = request.json_body()
        unknown = sorted(set(body) - set(_CHANGEABLE))
        if unknown or not body:
            raise HttpError(400, f"Give any of {', '.join(_CHANGEABLE)}, nothing else")
        if not all(isinstance(value, bool) for value in body.values()):
            raise HttpError(400, "Each changed field takes true or false")
        guid = canonical_guid(request.path_params["guid"]) or ""
        with self._store.transaction() as connection:
            response_id = hellocustomer_store.change_response(
                connection, guid, {_CHANGEABLE[name]: value for name, value in body.items()}
            )
            if response_id is None:
                raise HttpError(404, f"No response {request.path_params['guid']}")
            rows = hellocustomer_store.get_response(connection, response_id)
        return json_response(_render_responses(rows)[0])


def _refuse_guids_not_in_lower_case(request: Request, path: str) -> None:
    """Refuse a GUID in the path or in a GUID field of the body that is not in lower case.

    Raises:
        HttpError: 400 naming the GUID, as an unknown one.
    """
    found = _GUID_IN_PATH.findall(path)
    try:
        body = json.loads(request.body) if request.body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    found += list(_guid_fields(body))
    for guid in found:
        if guid != guid.lower():
            raise HttpError(400, f"The GUID {guid} was not found: GUIDs are written in lower case")


def _guid_fields(value: object) -> Iterator[str]:
    """Yield the text of every GUID field at any depth of a JSON value."""
    if isinstance(value, list):
        for item in value:
            yield from _guid_fields(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            if str(name).lower() in _GUID_FIELDS and isinstance(item, str):
                yield item
            else:
                yield from _guid_fields(item)


def _from_account_time(local: int) -> int:
    """Read a path instant written in the account's local time, returning true UTC seconds."""
    written = datetime.fromtimestamp(local, timezone.utc).replace(tzinfo=None)
    return int(written.replace(tzinfo=ACCOUNT_ZONE).timestamp())


def _add_the_good_ones(
    connection: sqlite3.Connection, touchpoint: Touchpoint, body: list[Any], now: int
) -> Response:
    """Add the respondents that pass, and list the others with the document's messages.

    Raises:
        HttpError: 400 with the first message when no respondent passes.
    """
    drafts: list[RespondentDraft] = []
    refused: list[dict[str, Any]] = []
    messages: list[str] = []
    for index, item in enumerate(body):
        try:
            drafts.append(
                parse_respondent(item, touchpoint, added_by=ADDED_BY_CACHE, created_at=now)
            )
        except HttpError as error:
            email = item.get("email") if isinstance(item, dict) else None
            refused.append({"index": index, "email": email, "message": error.message})
            messages.append(error.message)
    if not drafts:
        raise HttpError(400, messages[0])
    hellocustomer_store.insert_respondents(connection, drafts)
    bad = {entry["index"] for entry in refused}
    added = [item for index, item in enumerate(body) if index not in bad]
    return json_response({"added": added, "refused": refused})


def _error(error: HttpError) -> Response:
    """Turn a client error into Hello Customer's error body; 401s carry a challenge."""
    response = json_response({"message": error.message}, error.status)
    if error.status == HTTPStatus.UNAUTHORIZED:
        return Response(response.status, response.body, response.content_type, _CHALLENGE)
    return response


def _too_many_requests(min_interval: float, retry_after: int) -> Response:
    """Build the 429 answer with its ``Retry-After`` header."""
    seconds = "1 second" if min_interval == 1 else f"{min_interval:g} seconds"
    response = json_response(
        {
            "message": "Too many requests are following up on each other and there is less"
            f" than {seconds} between each API call"
        },
        429,
    )
    headers = (("Retry-After", str(retry_after)),)
    return Response(response.status, response.body, response.content_type, headers)


def _presented_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: basic <token>`` header, or ``None``."""
    scheme, _, token = (request.header("authorization") or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    return token.strip()


def _own_touchpoint(connection: sqlite3.Connection, request: Request) -> Touchpoint:
    """Return the path's touchpoint once it is known to belong to the request's token.

    Raises:
        HttpError: 400 when no touchpoint has that GUID; 401 when another token owns it.
    """
    raw = request.path_params["touchpoint"]
    guid = canonical_guid(raw)
    touchpoint = None if guid is None else hellocustomer_store.get_touchpoint(connection, guid)
    if touchpoint is None:
        raise HttpError(400, touchpoint_not_found(raw))
    if touchpoint.token != _presented_token(request):
        raise HttpError(401, _FOREIGN_TOUCHPOINT)
    return touchpoint


def _window(request: Request) -> tuple[int, int]:
    """Read the path's ``startDate`` and ``endDate``.

    Raises:
        HttpError: 400 when either is not ``yyyyMMddHHmmss`` or the end precedes the start.
    """
    start = parse_path_date(request.path_params["start"], "startDate")
    end = parse_path_date(request.path_params["end"], "endDate")
    if end < start:
        raise HttpError(400, "The end date cannot be before the start date")
    return start, end


def nps_figures(counts: NpsCounts) -> dict[str, Any]:
    """Shape NPS counts as the document's example.

    Promoter and detractor shares are percentages rounded to two decimals, the passive
    share is what remains of 100, and ``nps`` is the difference of the exact shares
    truncated toward zero (the document's 36.84 - 5.26 gives 31). With no answers every
    figure is 0. ``date`` is the time of the computation and ``uniqueID`` new each time.
    """
    figures: dict[str, Any] = {"nps": 0, "detractors": 0, "passive": 0, "promoters": 0}
    if counts.total:
        difference = 100 * abs(counts.promoters - counts.detractors) // counts.total
        promoters = round(100 * counts.promoters / counts.total, 2)
        detractors = round(100 * counts.detractors / counts.total, 2)
        figures = {
            "nps": difference if counts.promoters >= counts.detractors else -difference,
            "detractors": detractors,
            "passive": round(100 - promoters - detractors, 2),
            "promoters": promoters,
        }
    now = datetime.now(timezone.utc)
    figures["date"] = now.strftime("%Y-%m-%dT%H:%M:%S.%f0+00:00")
    figures["uniqueID"] = new_guid()
    return figures


def _render_answer(row: sqlite3.Row, answer_date: str | None) -> dict[str, Any]:
    """Shape one answer as the document's example: only the fields of its kind's value."""
    item: dict[str, Any] = {}
    if row["text"] is not None:
        item["answer_Text"] = row["text"]
    item["answer_Date"] = answer_date
    if row["value"] is not None:
        item["answer_Value"] = row["value"]
    if row["boolean"] is not None:
        item["answer_Boolean"] = bool(row["boolean"])
    if row["options"] is not None:
        item["answer_Options"] = json.loads(row["options"])
    item.update(
        {
            "survey_UniqueID": row["survey_guid"],
            "question_UniqueID": row["question_guid"],
            "question_SiblingUniqueID": row["sibling_guid"],
            "question_Text": row["question_text"],
            "question_SortOrder": row["sort_order"],
        }
    )
    item.update({flag: flag in _FLAGS_OF_KIND[row["kind"]] for flag in _FLAGS})
    if row["kind"] == KIND_TEXT and row["text"] is not None:
        item["prediction"] = predict(row["text"])
    item["uniqueID"] = row["guid"]
    return item


def _render_responses(rows: ResponseRows) -> list[dict[str, Any]]:
    """Shape stored responses as the document's get-responses example."""
    key_values_of: dict[int, dict[str, str]] = {}
    for row in rows.key_values:
        key_values_of.setdefault(row["respondent_id"], {})[row["key"]] = row["value"]
    answers_of: dict[int, list[sqlite3.Row]] = {}
    for row in rows.answers:
        answers_of.setdefault(row["response_id"], []).append(row)
    rendered = []
    for row in rows.responses:
        answered = format_zulu(row["date_answer"])
        rendered.append(
            {
                "firstName": row["first_name"] or "",
                "lastName": row["last_name"] or "",
                "privateIp": row["private_ip"] or "",
                "publicIp": row["public_ip"] or "",
                "email": row["email"] or "",
                "phoneNumber": row["phone"] or "",
                "campaign_UniqueID": row["touchpoint_guid"],
                "language_UniqueID": row["language_guid"],
                "respondent_UniqueID": row["respondent_guid"],
                "survey_UniqueID": row["survey_guid"],
                "hasBeenContacted": bool(row["has_been_contacted"]),
                "hasBeenForwarded": bool(row["has_been_forwarded"]),
                "dateSurveyed": format_zulu(row["date_surveyed"]),
                "dateAnswer": answered,
                "custom_UniqueID": row["custom_id"] or "",
                "keyValues": key_values_of.get(row["respondent_id"], {}),
                "answerQuestions": [
                    _render_answer(answer, answered) for answer in answers_of.get(row["id"], [])
                ],
                "answerTags": [],
                "forwardedMessages": [],
                "repliedMessages": [],
                "notes": [],
                "hasBeenDisabledForReview": bool(row["has_been_disabled_for_review"]),
                "uniqueID": row["guid"],
            }
        )
    return rendered


def _admin_respondent(
    body: Mapping[str, Any], language_guid: str, touchpoint: Touchpoint, created_at: int
) -> RespondentDraft:
    """Read the respondent fields of an admin body; any of them may be left out.

    Raises:
        HttpError: 400 for a field that is not a string (``keyValues``: not an object of
            text) or an email address of the wrong shape.
    """
    message = "Respondent fields must be strings or null"
    return RespondentDraft(
        guid=new_guid(),
        touchpoint_guid=touchpoint.guid,
        language_guid=language_guid,
        email=check_email(optional_text(body.get("email"), message)),
        first_name=optional_text(body.get("firstName"), message),
        last_name=optional_text(body.get("lastName"), message),
        phone=optional_text(body.get("phoneNumber"), message),
        custom_id=optional_text(body.get("custom_UniqueID"), message),
        key_values=key_values(
            body.get("keyValues"), "Field 'keyValues' must be an object of strings"
        ),
        added_by=ADDED_BY_ADMIN,
        created_at=created_at,
    )


def _admin_answers(raw: object, questions: Sequence[Question]) -> list[AnswerDraft]:
    """Read admin answers, each naming its question by sort order.

    Raises:
        HttpError: 400 for a malformed list, an unknown or repeated sort order, or a
            value that does not fit the question.
    """
    if not isinstance(raw, list):
        raise HttpError(400, "Field 'answers' must be a list")
    by_sort = {question.sort_order: question for question in questions}
    answers = []
    seen: set[int] = set()
    for item in raw:
        if not isinstance(item, dict) or set(item) - set(_ADMIN_ANSWER_FIELDS):
            raise HttpError(
                400, f"Each answer is an object with fields {', '.join(_ADMIN_ANSWER_FIELDS)}"
            )
        sort_order = item.get("sortOrder")
        if not isinstance(sort_order, int) or sort_order not in by_sort or sort_order in seen:
            raise HttpError(400, "Each answer needs the 'sortOrder' of a question, once")
        seen.add(sort_order)
        answers.append(
            answer_value(
                by_sort[sort_order],
                score=item.get("score"),
                text=item.get("text"),
                boolean=item.get("boolean"),
                options=item.get("options"),
            )
        )
    return answers
