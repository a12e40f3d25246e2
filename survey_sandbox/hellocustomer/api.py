"""Hello Customer's API (``/hellocustomer/V1.0/EN``): its routes and how they answer.

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
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from survey_common.readings import Readings
from survey_sandbox.base import BasePlatform
from survey_sandbox.faults import FaultQueue
from survey_sandbox.hellocustomer import queries as hellocustomer_queries
from survey_sandbox.hellocustomer import store as hellocustomer_store
from survey_sandbox.hellocustomer.models import (
    JSON_MODEL_INVALID,
    canonical_guid,
    decode_json,
    nps_filters,
    parse_add_answer,
    parse_path_date,
    parse_respondent,
    touchpoint_not_found,
)
from survey_sandbox.hellocustomer.render import (
    nps_figures,
    render_responses,
)
from survey_sandbox.hellocustomer.store import (
    ADDED_BY_ADD,
    ADDED_BY_CACHE,
    RespondentDraft,
    Touchpoint,
)
from survey_sandbox.hellocustomer.throttle import Throttle
from survey_sandbox.store import Store
from survey_sandbox.timefmt import now_epoch
from survey_sandbox.web import HttpError, Request, Response, json_response

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
_NOT_PROVIDED = (
    "The authorisation of the call failed: API token has not been provided in the API call"
)
_NOT_VALID = "The authorisation of the call failed: API token is not valid or has expired"
_FOREIGN_TOUCHPOINT = (
    "The authorisation of the call failed:"
    " API token does not contain this touchpoint/CampaignUniqueID"
)


class ApiRoutes(BasePlatform):
    """Hello Customer's API routes and throttle, on top of what every platform shares."""

    def __init__(
        self, store: Store, *, readings: Readings, faults: FaultQueue, min_interval: float = 1.0
    ) -> None:
        """Bind the platform to the sandbox and register its API routes.

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
            known = hellocustomer_queries.token_known(connection, token)
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
            rows = hellocustomer_queries.list_responses(
                connection, touchpoint.guid, start, end, column
            )
        rendered = render_responses(rows)
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
            counts = hellocustomer_queries.nps_counts(
                connection, touchpoint.guid, start, end, filters, column=column
            )
        return json_response(nps_figures(counts))

    def _add_answer(self, request: Request) -> Response:
        """Store a response answered now and return it as get-responses shows it."""
        with self._store.transaction() as connection:
            touchpoint = _own_touchpoint(connection, request)
            body = decode_json(request.body)
            questions = hellocustomer_queries.questions_of(connection, touchpoint.guid)
            draft = parse_add_answer(body, touchpoint, questions, now=now_epoch())
            [response_id] = hellocustomer_store.insert_responses(connection, [draft])
            rows = hellocustomer_queries.get_response(connection, response_id)
        return json_response(render_responses(rows)[0])


def refuse_guids_not_in_lower_case(request: Request, path: str) -> None:
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
    touchpoint = None if guid is None else hellocustomer_queries.get_touchpoint(connection, guid)
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
