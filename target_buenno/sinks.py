"""target-buenno's sink: one invitation per record, form-encoded as the document shows."""

from __future__ import annotations

import datetime as dt
import typing as t
from http import HTTPStatus
from time import sleep

from survey_common.phones import to_international_00
from survey_common.push.client import PushRequest, PushStoppedError, UncertainDeliveryError
from survey_common.push.fields import field_rule
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.sink import RecordPushSink
from survey_common.settings import DEFAULT_REQUEST_TIMEOUT
from survey_common.timestamps import UTC, parse_timestamp
from target_buenno.lookup import IDENTIFYING, LookupFailedError, find_invitation, same_key

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

    import requests

#: POSTs of one invitation at most, each after the one before was lost and not found.
MAX_SENDS = 3
#: ``request_timeout``s waited before a look-up when no answer of Buenno's own came (a
#: timeout, a dropped connection, a gateway's 5xx): Buenno may still be making it.
SETTLE_TIMEOUTS = 2


class InvitationsSink(RecordPushSink):
    """Invites each person with ``POST /invitations``, once.

    409 (an invitation with that key exists) counts as already present. 403 (no active
    form) stops the run, since no later invitation can succeed either; so does 404 for
    the form of the ``form_id`` setting (or the token's default form). A 404 for a
    record's own ``form_id`` rejects that record only.

    A POST whose answer was lost is looked up before it is sent again (``deliver``):
    Buenno may create every invitation it is sent rather than answer 409.
    """

    stream = "invitations"
    # Buenno may create a second invitation for the same person instead of answering 409.
    idempotent = False
    #: Why Buenno is taken to be unavailable, once a look-up found it so; None before.
    _unavailable: str | None = None

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """Drop blanks, write the phone with 00, the visit time in epoch seconds."""
        form = self.plain_fields(record, "phone", "pf_timestamp", "form_id")
        if "preferred_language" in form:
            form["preferred_language"] = form["preferred_language"].lower()
        if phone := record.get("phone"):
            with field_rule("phone"):
                form["phone"] = to_international_00(phone)
        if "email" not in form and "phone" not in form:
            raise RecordRejectedError("email or phone is required")
        if (visited := record.get("pf_timestamp")) is not None:
            with field_rule("pf_timestamp", "must be epoch seconds or an ISO 8601 date-time"):
                form["pf_timestamp"] = str(int(parse_timestamp(visited).timestamp()))
        form_id = record.get("form_id") or self.config.get("form_id")
        if form_id is not None:
            form["form_id"] = str(form_id)
        return PushRequest("POST", "/invitations", form=form)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The same form and the same external id, email address or phone number."""
        form = request.form or {}
        form_id = form.get("form_id")
        if "pf_external_id" in form:
            return [(form_id, "pf_external_id", form["pf_external_id"])]
        return [
            (form_id, name, form[name].casefold()) for name in ("email", "phone") if name in form
        ]

    def flight_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Every contact the invitation is recognised by, in its form, as a look-up compares them.

        A record with an external id is deduplicated on that id alone, but a lost
        answer is looked up by email and phone too: one person's invitations to a form
        go one at a time, in input order.
        """
        form = request.form or {}
        form_id = form.get("form_id")
        return [
            (form_id, name, same_key(name, form[name])) for name in IDENTIFYING if form.get(name)
        ]

    def deliver(self, request: PushRequest) -> Outcome:
        """Send the invitation; after a lost answer, look it up before sending it again.

        A POST that provably did not arrive (refused connection, 429, 503) is retried by
        the client. One that may have arrived is searched for in the form's invitations
        created since just before the first attempt: found, it is accepted; not found,
        it is sent again, at most ``MAX_SENDS`` times in all.

        Raises:
            UncertainDeliveryError: the look-up failed, or every POST was lost and none
                was found: the invitation may exist, and it is not sent again.
            PushStoppedError: an earlier look-up found Buenno unavailable (or the token
                refused): the run stops before this invitation, which the next run sends.
        """
        if self._unavailable is not None:
            raise PushStoppedError(self._unavailable)
        first_attempt = dt.datetime.now(tz=UTC)
        sends = 0
        while True:
            sends += 1
            try:
                response = self.client.send(request, idempotent=False)
            except UncertainDeliveryError as lost:
                if self._was_invited(request, first_attempt, lost):
                    return Outcome.ACCEPTED
                if sends < MAX_SENDS:
                    continue
                raise UncertainDeliveryError(
                    f"{lost.reason} (sent {sends} times, each answer lost, and not found in "
                    "Buenno's list of invitations)",
                    lost.status,
                ) from lost
            return self.outcome_of(request, response)

    def _was_invited(
        self, request: PushRequest, first_attempt: dt.datetime, lost: UncertainDeliveryError
    ) -> bool:
        """Tell whether Buenno lists the invitation whose answer was lost.

        When the list fails as no later call can succeed (every attempt failed, or the
        token was refused), the record is still dead-lettered as uncertain, and the run
        stops at the next one.

        Raises:
            UncertainDeliveryError: the list could not be read: whether it exists is unknown.
        """
        if lost.status is None or lost.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            sleep(SETTLE_TIMEOUTS * self._request_timeout)
        try:
            found = find_invitation(request.form or {}, first_attempt, self._list_invitations)
        except (LookupFailedError, PushStoppedError) as failure:
            if isinstance(failure, PushStoppedError):
                self._unavailable = str(failure)
            raise UncertainDeliveryError(
                f"{lost.reason}; looking it up in Buenno's list of invitations failed ({failure})",
                lost.status,
            ) from failure
        self.logger.warning(
            "Buenno's answer to an invitation was lost (%s); its list of invitations %s",
            f"HTTP {lost.status}" if lost.status else "no answer",
            "has it: counted as accepted" if found else "does not have it: it is sent again",
        )
        return found

    def _list_invitations(self, query: str) -> requests.Response:
        """Send ``GET /invitations?<query>`` (retried as any read); raise unless a 2xx."""
        response = self.client.send(PushRequest("GET", f"/invitations?{query}"), idempotent=True)
        if not response.ok:
            raise LookupFailedError(self.client.explain(response))
        return response

    @property
    def _request_timeout(self) -> float:
        """Seconds the client waits for an answer, as the target configures it."""
        return float(self.config.get("request_timeout") or DEFAULT_REQUEST_TIMEOUT)

    def outcome_of(self, request: PushRequest, response: requests.Response) -> Outcome:
        """409 is already present; 403, and 404 for the default form, stop the run."""
        status = response.status_code
        if status == HTTPStatus.CONFLICT:
            return Outcome.ALREADY_PRESENT
        own_form = (request.form or {}).get("form_id") not in {None, self._default_form_id}
        if status == HTTPStatus.FORBIDDEN or (status == HTTPStatus.NOT_FOUND and not own_form):
            raise PushStoppedError(
                f"{self.client.explain(response)}; no later invitation can succeed, so the run "
                "stops here. Check the form in Buenno and the form_id setting."
            )
        return super().outcome_of(request, response)

    @property
    def _default_form_id(self) -> str | None:
        """The ``form_id`` setting as it is sent, or None when it is not set."""
        setting = self.config.get("form_id")
        return None if setting is None else str(setting)
