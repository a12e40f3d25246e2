"""target-buenno's sink: one invitation per record, form-encoded as the document shows."""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from survey_common.phones import to_international_00
from survey_common.push_client import PushRequest, PushStoppedError
from survey_common.push_fields import field_rule
from survey_common.push_report import Outcome, RecordRejectedError
from survey_common.push_sink import RecordPushSink
from survey_common.timestamps import parse_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

    import requests


class InvitationsSink(RecordPushSink):
    """Invites each person with ``POST /invitations``.

    409 (an invitation with that key exists) counts as already present. 403 (no active
    form) stops the run, since no later invitation can succeed either; so does 404 for
    the form of the ``form_id`` setting (or the token's default form). A 404 for a
    record's own ``form_id`` rejects that record only.
    """

    stream = "invitations"
    # Buenno answers 409 to an invitation it already has: sending one twice is harmless.
    idempotent = True

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
