"""target-feedbackapi's sinks for locations and feedback requests, as JSON bodies.

Customers, which take a look-up and updates, have a module of their own (``customers``).
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t
from datetime import datetime
from http import HTTPStatus

from survey_common.push.client import PushRequest
from survey_common.push.fields import field_rule
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.sink import RecordPushSink
from survey_common.timestamps import normalize_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

    import requests

DueForm = t.Literal["ISO 8601", "epoch seconds"]
"""The two forms the document gives a feedback request's ``due``."""


class LocationsSink(RecordPushSink):
    """Creates locations with ``POST /locations``.

    The API cannot tell a location sent twice from two locations, so a failed request
    is sent again only when it provably never reached the server.
    """

    stream = "locations"
    idempotent = False

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """Country codes in upper case; review profiles as a list of URLs."""
        body: dict[str, t.Any] = self.plain_fields(record, "country_code", "review_profile")
        body["country_code"] = str(record["country_code"]).upper()
        if record.get("review_profile"):
            body["review_profile"] = list(record["review_profile"])
        return PushRequest("POST", "/locations", json=body)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Every field: only an identical location is the same location."""
        body = request.json
        return [tuple(sorted((name, str(value).casefold()) for name, value in body.items()))]


class FeedbackRequestsSink(RecordPushSink):
    """Creates stand-alone feedback requests with ``POST /feedback-request``.

    A request sent twice messages the customer twice, so a failed request is sent
    again only when it provably never reached the server; otherwise it is rejected as
    uncertain, for someone to check before sending it again.
    """

    stream = "feedback_requests"
    idempotent = False

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Send ``due`` as ISO 8601 first, until an answer shows the API wants epoch seconds."""
        super().__init__(*args, **kwargs)
        self.due_forms: tuple[DueForm, DueForm] = ("ISO 8601", "epoch seconds")
        self._learning = threading.Lock()

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """``due`` as ISO 8601 in UTC, as the document describes it (``deliver`` may resend)."""
        body: dict[str, t.Any] = self.plain_fields(record, "location", "due", "suppress_message")
        body["location"] = self.from_record_or_setting(record, "location", "default_location")
        if record.get("due") is not None:
            with field_rule("due", "must be an ISO 8601 date-time or epoch seconds"):
                body["due"] = normalize_timestamp(record["due"])
        if record.get("suppress_message") is not None:
            body["suppress_message"] = bool(record["suppress_message"])
        return PushRequest("POST", "/feedback-request", json=body)

    def deliver(self, request: PushRequest) -> Outcome:
        """Send the request; when a 400 names ``due``, send it again in the other form.

        The document describes ``due`` as ISO 8601 while its examples carry epoch seconds.
        A 400 means nothing was created, so the resend cannot make a second request; the
        form that worked is logged once and sent first from then on.
        """
        if request.json.get("due") is None:
            return super().deliver(request)
        first, second = self.due_forms
        response = self.client.send(_with_due(request, first), idempotent=self.idempotent)
        if not _refuses_due(response):
            return self.outcome_of(request, response)
        refused = self.client.explain(response)
        response = self.client.send(_with_due(request, second), idempotent=self.idempotent)
        if _refuses_due(response):
            raise RecordRejectedError(
                f"due: FeedbackAPI refused it as {first} ({refused}) and as {second} "
                f"({self.client.explain(response)})",
                response.status_code,
            )
        if response.ok:
            self._learned(first, second)
        return self.outcome_of(request, response)

    def _learned(self, refused: DueForm, taken: DueForm) -> None:
        """Send ``due`` as ``taken`` from now on, and say so once.

        Requests on their way side by side may each learn it; the first one tells.
        """
        with self._learning:
            if self.due_forms[0] == taken:
                return
            self.due_forms = (taken, refused)
        self.logger.warning(
            "FeedbackAPI refused a feedback request's due as %s and took it as %s: "
            "due is sent as %s from now on",
            refused,
            taken,
            taken,
        )

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The same customer, template, location and due time."""
        body = request.json
        return [tuple(body.get(name) for name in ("subscriber", "template", "location", "due"))]


def _with_due(request: PushRequest, form: DueForm) -> PushRequest:
    """The request with ``due`` (built as ISO 8601 in UTC) in the given form."""
    if form == "ISO 8601":
        return request
    seconds = int(datetime.fromisoformat(request.json["due"]).timestamp())
    return dataclasses.replace(request, json={**request.json, "due": seconds})


def _refuses_due(response: requests.Response) -> bool:
    """Tell whether an answer is a 400 whose error object names ``due``."""
    if response.status_code != HTTPStatus.BAD_REQUEST:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("param") == "due"
