"""Buenno streams: forms, invitations (per form), replies and one row per answer."""

from __future__ import annotations

import datetime as dt
import typing as t

from survey_common.nested import FlattensParentPages, HandsPagesToChild
from survey_common.timestamps import UTC, parse_timestamp, to_iso_utc
from tap_buenno.client import BuennoStream

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: The ``from`` of the first replies request when no start_date is set: all history.
ALL_HISTORY = dt.datetime(1970, 1, 1, tzinfo=UTC)


class FormsStream(BuennoStream):
    """The forms the token can access, as token-info lists them.

    The list also decides which forms' invitations are read when ``form_ids``
    is not set, so it is kept after the first request: one call serves both.
    """

    name = "forms"
    path = "/token-info"
    primary_keys = ["id"]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start without a cached form list."""
        super().__init__(*args, **kwargs)
        self._form_ids: list[int] | None = None

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield ``api_token.forms`` and remember their ids."""
        body = self.decoded_body(response)
        token = body.get("api_token") if isinstance(body, dict) else None
        forms = self.expect_list(
            response, token.get("forms") if isinstance(token, dict) else None, "'api_token.forms'"
        )
        self._form_ids = [form["id"] for form in forms]
        yield from forms

    def accessible_form_ids(self) -> list[int]:
        """Return the ids of the token's forms, asking token-info only if not asked yet."""
        if self._form_ids is None:
            for _ in self.get_records(None):
                pass
        return list(self._form_ids or [])


class InvitationsStream(BuennoStream):
    """Invitations of each form, read incrementally with a lookback.

    Invitations change after creation (sent, opened, answered) while the API
    filters only on creation time, so each run reads again ``lookback_days``
    before the bookmark to pick up recent changes.
    """

    name = "invitations"
    path = "/invitations"
    primary_keys = ["id"]
    replication_key = "created_at"
    records_key = "invitations"
    page_size = 250

    @property
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per form: the configured ``form_ids`` or every form of the token."""
        form_ids = self.config.get("form_ids")
        if not form_ids:
            forms = t.cast("FormsStream", self._tap.streams["forms"])
            form_ids = forms.accessible_form_ids()
        return [{"form_id": form_id} for form_id in form_ids]

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read one form's invitations; with no form at all there is nothing to read.

        singer-sdk calls a stream without partitions once with an empty context.
        """
        if not context:
            self.logger.warning("The API token lists no forms: no invitations to extract.")
            return
        yield from super().get_records(context)

    def created_after(self, context: Context | None) -> dt.datetime | None:
        """Return the ``created_after`` filter: bookmark minus lookback, never before start_date.

        One second is taken off because the filter is exclusive: a record created in
        the bookmark's own second is read again rather than missed.
        """
        start = self.get_starting_timestamp(context)
        if start is None:
            return None
        if self.get_context_state(context).get("replication_key_value"):
            start -= dt.timedelta(days=int(self.config.get("lookback_days", 30)))
            if start_date := self.config.get("start_date"):
                start = max(start, parse_timestamp(start_date))
        return start - dt.timedelta(seconds=1)

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Filter on the form and on creation time, up to the moment the sync started.

        The upper bound keeps offsets stable while new invitations arrive.
        """
        params = super().get_url_params(context, next_page_token)
        params["form_id"] = (context or {})["form_id"]
        if (after := self.created_after(context)) is not None:
            params["created_after"] = to_iso_utc(after)
        if (sync_started := self.get_replication_key_signpost(context)) is not None:
            params["created_before"] = to_iso_utc(sync_started)
        return params


class RepliesStream(HandsPagesToChild, BuennoStream):
    """Replies of every form of the token, in one date window from the bookmark to now.

    Answers stay on the reply as an array; ``reply_answers`` flattens them from
    the same pages, so answers cost no extra request.
    """

    name = "replies"
    path = "/replies"
    primary_keys = ["id"]
    replication_key = "created_at"
    records_key = "replies"
    page_size = 1000

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for replies from the bookmark (or start_date) to the moment the sync started."""
        params = super().get_url_params(context, next_page_token)
        params["from"] = to_iso_utc(self.get_starting_timestamp(context) or ALL_HISTORY)
        sync_started = self.get_replication_key_signpost(context)
        params["to"] = to_iso_utc(sync_started or dt.datetime.now(tz=UTC))
        if locale := self.config.get("locale"):
            params["locale"] = locale
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the page's replies, keep the page for ``reply_answers``, note the total.

        The envelope's ``total`` (a number written as a string) lets a full last page
        end paging without asking for an empty one.
        """
        body = self.decoded_body(response)
        replies = self.expect_list(
            response, body.get("replies") if isinstance(body, dict) else None, "'replies'"
        )
        total = str(body.get("total") or "").strip()
        self.reported_total = int(total) if total.isdigit() else None
        yield from self.hand_off(replies)


class ReplyAnswersStream(FlattensParentPages, BuennoStream):
    """One record per answer of each reply, with the reply's id and time.

    Fed page by page from ``replies`` without requests of its own.
    """

    name = "reply_answers"
    parent_stream_type = RepliesStream
    primary_keys = ["reply_id", "question_id"]
    replication_key = "created_at"

    def flatten(self, parent_record: dict[str, t.Any]) -> Iterable[dict[str, t.Any]]:
        """One record per answer of a reply."""
        for answer in parent_record.get("answers") or []:
            yield {
                "reply_id": parent_record["id"],
                "question_id": answer.get("question_id"),
                "question_type_id": answer.get("question_type_id"),
                "question": answer.get("question"),
                "points": answer.get("points"),
                "answer": answer.get("answer"),
                "created_at": parent_record.get("created_at"),
            }
