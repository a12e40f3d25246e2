"""target-feedbackapi's sinks: customers, locations and feedback requests, as JSON bodies."""

from __future__ import annotations

import typing as t

from survey_common.phones import to_e164
from survey_common.push_client import PushRequest
from survey_common.push_fields import field_rule
from survey_common.push_report import RecordRejectedError
from survey_common.push_sink import RecordPushSink
from survey_common.timestamps import normalize_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable


class CustomersSink(RecordPushSink):
    """Creates customers with ``POST /customers``.

    FeedbackAPI treats a customer whose email or mobile number exists as an update of
    that customer, so sending one twice is harmless and failures are retried freely.
    """

    stream = "customers"
    idempotent = True

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """Mobile numbers in E.164 (read in the record's country when they lack a code)."""
        body: dict[str, t.Any] = self.plain_fields(record, "mobile_number", "location")
        if "country_code" in body:
            body["country_code"] = body["country_code"].upper()
        if mobile := record.get("mobile_number"):
            with field_rule("mobile_number"):
                body["mobile_number"] = to_e164(mobile, body.get("country_code"))
        if "email" not in body and "mobile_number" not in body:
            raise RecordRejectedError("email or mobile_number is required")
        body["location"] = self.from_record_or_setting(record, "location", "default_location")
        return PushRequest("POST", "/customers", json=body)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The same location and the same email address or mobile number.

        A customer sent again for another location is pushed again: that attaches it
        to the second location.
        """
        body = request.json
        return [
            (body["location"], name, str(body[name]).casefold())
            for name in ("email", "mobile_number")
            if name in body
        ]


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

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """``due`` as ISO 8601 in UTC, as the document describes it."""
        body: dict[str, t.Any] = self.plain_fields(record, "location", "due", "suppress_message")
        body["location"] = self.from_record_or_setting(record, "location", "default_location")
        if record.get("due") is not None:
            with field_rule("due", "must be an ISO 8601 date-time or epoch seconds"):
                body["due"] = normalize_timestamp(record["due"])
        if record.get("suppress_message") is not None:
            body["suppress_message"] = bool(record["suppress_message"])
        return PushRequest("POST", "/feedback-request", json=body)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The same customer, template, location and due time."""
        body = request.json
        return [tuple(body.get(name) for name in ("subscriber", "template", "location", "due"))]
