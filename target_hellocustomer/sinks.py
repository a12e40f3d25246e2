"""target-hellocustomer's sinks: respondents in batches, answers one filled-in survey per call.

Both streams send to a touchpoint (the record's ``campaign_UniqueID``, else the
``campaign_id`` setting) in a language (a GUID, code or name in the record, else the
``default_language`` setting). Neither push is idempotent: Hello Customer cannot tell a
respondent or an answer sent twice from two, so a failed call is sent again only when
it provably never reached the server, and the ledger keeps a rerun from sending again
what an earlier run pushed.
"""

from __future__ import annotations

import hashlib
import json
import typing as t
from http import HTTPStatus

from survey_common.http import errors as api_errors
from survey_common.platforms import hellocustomer
from survey_common.platforms.hellocustomer import language_guid
from survey_common.push.batching import BatchPushSink
from survey_common.push.client import PushRequest, PushStoppedError
from survey_common.push.fields import field_rule, text_value
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.sink import PushSinkBase, RecordPushSink
from target_hellocustomer.fields import document_names, metadata_texts

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence

    import requests

    from survey_common.push.batching import Pending

#: Respondents per addmultipletocache call by default: at one call a second, 500 a second,
#: in a body of about 150 KB; a refused batch costs about 18 more calls per bad record.
DEFAULT_BATCH_SIZE = 500
#: The document's message for a touchpoint that does not exist (400).
TOUCHPOINT_NOT_FOUND = "Touchpoint with ID"
#: The document's messages for a language the touchpoint, or the platform, does not have.
LANGUAGE_REFUSED = ("The LanguageUniqueId is not part of this touchpoint", "Language with ID")
#: The fields of the add-answer call's respondent, in the document's order.
ANSWER_RESPONDENT_FIELDS = ("UniqueID", "FirstName", "LastName", "Email", "Phone")
#: The value fields of one answer; exactly one of them holds the answer.
ANSWER_VALUES = ("Score", "Text", "Boolean", "Options")


def touchpoint_of(request: PushRequest) -> str:
    """Return the touchpoint GUID a push goes to: its path is ``/campaign/{GUID}/...``."""
    return request.path.split("/")[2]


def api_says(response: requests.Response, messages: str | tuple[str, ...]) -> bool:
    """Tell whether the API's message in an answer starts with one of ``messages``."""
    message = api_errors.api_message(response, hellocustomer.error_message) or ""
    return message.startswith(messages)


class HelloCustomerSink(PushSinkBase):
    """What both streams share: field names, touchpoint, language, and answers that stop the run."""

    # Hello Customer cannot tell a push sent twice from two pushes.
    idempotent = False

    def normalise(self, values: dict[str, t.Any]) -> dict[str, t.Any]:
        """Match field names to the document's in any case, with or without underscores."""
        return document_names(values, self.push_schema.fields)

    def touchpoint(self, record: dict[str, t.Any]) -> str:
        """Return the record's touchpoint, else the ``campaign_id`` setting, in lower case."""
        return self.from_record_or_setting(record, "campaign_UniqueID", "campaign_id").lower()

    def language(self, record: dict[str, t.Any], guid_field: str) -> str:
        """Return the GUID of the language in ``guid_field`` or ``language``, else the setting's.

        Raises:
            RecordRejectedError: a language of neither the record nor the setting, one not
                in the document's table, or two that disagree.
        """
        guids = set()
        for name in (guid_field, "language"):
            if value := record.get(name):
                with field_rule(name):
                    guids.add(language_guid(str(value)))
        if len(guids) > 1:
            raise RecordRejectedError(f"{guid_field} and language name different languages")
        if guids:
            return guids.pop()
        if default := self.config.get("default_language"):
            return language_guid(str(default))
        raise RecordRejectedError(
            f"{guid_field} or language is required: give one in the record or set default_language"
        )

    def outcome_of(self, request: PushRequest, response: requests.Response) -> Outcome:
        """2xx accepts; 403, 404 and an unknown ``campaign_id`` touchpoint stop the run.

        Those answers are about the token, the URL or the setting, so no later record can
        succeed either. Any other refusal (400 for the record, an unknown touchpoint of
        the record's own) rejects the records of the call.
        """
        status = response.status_code
        if status in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}:
            raise PushStoppedError(
                f"{self.client.explain(response)}; no later record can succeed, so the run "
                "stops here. Check the api_url and api_token settings."
            )
        setting = str(self.config.get("campaign_id") or "").lower()
        if api_says(response, TOUCHPOINT_NOT_FOUND) and touchpoint_of(request) == setting:
            raise PushStoppedError(
                f"{self.client.explain(response)}; no record without a campaign_UniqueID of "
                "its own can succeed, so the run stops here. Check the campaign_id setting."
            )
        return super().outcome_of(request, response)


class RespondentsSink(HelloCustomerSink, BatchPushSink):
    """Adds people to email touchpoints with ``POST /campaign/{id}/respondent/addmultipletocache``.

    One call per touchpoint and language. Hello Customer refuses a whole call for one bad
    record (a 400 adds nobody): a refusal that names the touchpoint, or a language the
    touchpoint lacks, is about every record of the call alike and rejects them all; any
    other refusal halves the call until each bad record is refused alone. An API that
    adds the good records and lists the bad ones in a 2xx is understood as well.
    """

    stream = "respondents"
    default_batch_size = DEFAULT_BATCH_SIZE
    noun = "respondents"
    #: Whether the log already says the API refuses only the bad records of a call.
    _partial_refusal_logged = False

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """One respondent as the document writes it, for the call of its touchpoint."""
        handled = ("campaign_UniqueID", "language_UniqueID", "language", "keyValues")
        body: dict[str, t.Any] = self.plain_fields(record, *handled)
        touchpoint = self.touchpoint(record)
        body["campaign_UniqueID"] = touchpoint
        body["language_UniqueID"] = self.language(record, "language_UniqueID")
        if key_values := metadata_texts(record.get("keyValues")):
            body["keyValues"] = key_values
        return PushRequest(
            "POST", f"/campaign/{touchpoint}/respondent/addmultipletocache", json=body
        )

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The same email address in the same touchpoint is the same person."""
        return [(touchpoint_of(request), "email", str(request.json["email"]).casefold())]

    def call_of(self, pending: Pending) -> Hashable:
        """One call per touchpoint and language.

        A touchpoint that lacks a language refuses every respondent in it alike, so a
        call holding one language is refused whole or not at all for that reason,
        whether the API refuses a call for one bad record or only the bad records.
        """
        return (pending.request.path, pending.request.json["language_UniqueID"])

    def refused_in(
        self, response: requests.Response, group: Sequence[Pending]
    ) -> dict[int, RecordRejectedError]:
        """Read the respondents a 2xx says were refused, by index or email.

        The document says a 200 means the respondents were added; an API that adds the
        good ones of a call and lists the others (``{"refused": [{"index", "email",
        "message"}]}``) is understood too, and noticed once in the log. A refused entry
        that names no record of the call makes every record it could be uncertain.
        """
        entries = _refused_entries(response)
        if not entries:
            return {}
        if not self._partial_refusal_logged:
            self._partial_refusal_logged = True
            self.logger.info(
                "Hello Customer's addmultipletocache added the good respondents of a call "
                "and listed the bad ones: it refuses only bad records, not whole calls"
            )
        refused: dict[int, RecordRejectedError] = {}
        emails = {
            str(pending.request.json["email"]).casefold(): index
            for index, pending in enumerate(group)
        }
        for entry in entries:
            message = str(entry.get("message") or "refused without a reason")
            index = entry.get("index")
            if not (isinstance(index, int) and 0 <= index < len(group)):
                index = emails.get(str(entry.get("email") or "").casefold())
            if index is None:
                reason = (
                    f"Hello Customer refused a respondent of this call it did not name: {message}"
                )
                return {
                    position: RecordRejectedError(reason, response.status_code, uncertain=True)
                    for position in range(len(group))
                    if position not in refused
                } | refused
            reason = f"{_field_of(message)}: Hello Customer refused it: {message}"
            refused[index] = RecordRejectedError(reason, response.status_code)
        return refused

    def condemns_all(self, response: requests.Response, group: Sequence[Pending]) -> bool:
        """An unknown touchpoint; a refused language when the call holds only that language."""
        if api_says(response, TOUCHPOINT_NOT_FOUND):
            return True
        return api_says(response, LANGUAGE_REFUSED) and len(_languages(group)) == 1

    def split(self, group: Sequence[Pending]) -> list[Sequence[Pending]]:
        """One part per language when there are several, else two halves.

        A touchpoint that lacks a language refuses all its records alike: split so, each
        such part is rejected at once rather than halved down to every record.
        """
        languages = _languages(group)
        if len(languages) > 1:
            return [
                [pending for pending in group if pending.request.json["language_UniqueID"] == guid]
                for guid in languages
            ]
        return super().split(group)


def _refused_entries(response: requests.Response) -> list[dict[str, t.Any]]:
    """The refused respondents an accepting answer lists, if it is an object that lists any."""
    try:
        body = response.json()
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    entries = body.get("refused") or []
    return (
        [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []
    )


def _field_of(message: str) -> str:
    """Name the respondent field one of the document's validation messages is about."""
    lowered = message.lower()
    if "email" in lowered:
        return "email"
    if "language" in lowered:
        return "language_UniqueID"
    return "respondent"


def _languages(group: Sequence[Pending]) -> list[str]:
    """The language GUIDs of a call's respondents, each once, in order of appearance."""
    return list(dict.fromkeys(pending.request.json["language_UniqueID"] for pending in group))


class AnswersSink(HelloCustomerSink, RecordPushSink):
    """Adds a filled-in survey with ``POST /campaign/{id}/answers/add``, one call per record."""

    stream = "answers"

    def normalise(self, values: dict[str, t.Any]) -> dict[str, t.Any]:
        """Match the names of the respondent's and the answers' fields too."""
        values = super().normalise(values)
        properties = self.push_schema.schema["properties"]
        if isinstance(values.get("respondent"), dict):
            names = properties["respondent"]["properties"]
            values["respondent"] = document_names(values["respondent"], names)
        if isinstance(values.get("answers"), list):
            names = properties["answers"]["items"]["properties"]
            values["answers"] = [
                document_names(item, names) if isinstance(item, dict) else item
                for item in values["answers"]
            ]
        return values

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """The add-answer body as the document writes it."""
        touchpoint = self.touchpoint(record)
        respondent = record["respondent"]
        body: dict[str, t.Any] = {
            "languageUniqueId": self.language(record, "languageUniqueId"),
            "metadata": metadata_texts(record.get("metadata")),
            "respondent": {
                name: text_value(respondent.get(name)) for name in ANSWER_RESPONDENT_FIELDS
            },
            "CompanyUniqueID": str(record["CompanyUniqueID"]).lower(),
            "answers": _answers(record["answers"]),
            "campaign_UniqueID": touchpoint,
        }
        if record.get("cultureInfo"):
            body["cultureInfo"] = record["cultureInfo"]
        return PushRequest("POST", f"/campaign/{touchpoint}/answers/add", json=body)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Only an identical survey (same touchpoint, person, metadata, answers) is the same."""
        body = json.dumps(request.json, sort_keys=True, separators=(",", ":"))
        return [(touchpoint_of(request), "answers", hashlib.sha256(body.encode()).hexdigest())]


def _answers(items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Return the answers as the document writes them, each with exactly one value.

    Raises:
        RecordRejectedError: an answer with no value or several, or a question answered twice.
    """
    answers = []
    for index, item in enumerate(items):
        values = {name: item.get(name) for name in ANSWER_VALUES}
        if isinstance(values["Text"], str):
            values["Text"] = values["Text"].strip() or None
        if sum(value is not None for value in values.values()) != 1:
            raise RecordRejectedError(
                f"answers.{index}: must hold exactly one of {', '.join(ANSWER_VALUES)}"
            )
        answers.append({"QuestionItemUniqueID": item["QuestionItemUniqueID"].lower(), **values})
    questions = [answer["QuestionItemUniqueID"] for answer in answers]
    if len(set(questions)) != len(questions):
        raise RecordRejectedError("answers: a question is answered twice")
    return answers
