"""Buenno streams: forms, invitations (per form), replies and one row per answer."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from survey_common.tap.nested import FlattensParentPages, HandsPagesToChild
from survey_common.timestamps import UTC, normalize_timestamp, to_iso_utc
from tap_buenno.client import BuennoStream
from tap_buenno.paging import ReplyPages, ReplyPaginator

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

#: The ``from`` of the first replies request when no start_date is set: all history.
ALL_HISTORY = dt.datetime(1970, 1, 1, tzinfo=UTC)
#: Days of replies read again before the bookmark when ``replies_lookback_days`` is not set.
DEFAULT_REPLIES_LOOKBACK_DAYS = 30


def envelope_number(body: dict[str, t.Any], key: str) -> int | None:
    """Read a count of the replies envelope, a number written as a string or not; None if absent."""
    value = str(body.get(key) if body.get(key) is not None else "").strip()
    return int(value) if value.isdigit() else None


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

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the token's forms and remember their ids.

        The document's example lost its braces: the forms are under ``api_token`` (our
        reading) or at the top of the body; either is read, anything else fails clearly.
        """
        body = self.decoded_body(response)
        token = body.get("api_token") if isinstance(body, dict) else None
        if not isinstance(token, dict) and isinstance(body, dict) and "forms" in body:
            self.learned.say_once(
                "token-info", "Buenno's token-info lists the forms at the top of its body."
            )
            token = body
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
    @override
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per form: the configured ``form_ids`` or every form of the token."""
        form_ids = self.config.get("form_ids")
        if not form_ids:
            forms = t.cast("FormsStream", self._tap.streams["forms"])
            form_ids = forms.accessible_form_ids()
        return [{"form_id": form_id} for form_id in form_ids]

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read one form's invitations; with no form at all there is nothing to read.

        singer-sdk calls a stream without partitions once with an empty context.
        """
        if not context:
            self.logger.warning("The API token lists no forms: no invitations to extract.")
            return
        yield from super().get_records(context)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Filter on the form and on creation time, up to the moment the sync started.

        The upper bound keeps offsets stable while new invitations arrive.
        """
        params = super().get_url_params(context, next_page_token)
        params["form_id"] = (context or {})["form_id"]
        lookback = int(self.config.get("lookback_days", 30))
        if (after := self.read_from(context, lookback)) is not None:
            params["created_after"] = to_iso_utc(after)
        if (sync_started := self.get_replication_key_signpost(context)) is not None:
            params["created_before"] = to_iso_utc(sync_started)
        return params


class RepliesStream(HandsPagesToChild, BuennoStream):
    """Replies of every form of the token, in one date window from the bookmark to now.

    Replies can be edited after creation while the API filters on a date the document
    calls "Answers from date" (creation, in our reading), so each run reads again
    ``replies_lookback_days`` before the bookmark. Answers stay on the reply as an
    array; ``reply_answers`` flattens them from the same pages, so answers cost no
    extra request.
    """

    name = "replies"
    path = "/replies"
    primary_keys = ["id"]
    replication_key = "created_at"
    records_key = "replies"
    page_size = 1000

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start without a window read yet."""
        super().__init__(*args, **kwargs)
        self._window_from = ALL_HISTORY
        self._pages = ReplyPages(self.page_size, self.learned)

    @override
    def get_new_paginator(self) -> ReplyPaginator:
        """Page by what came back, in replies or in answers as the server turns out to count."""
        self._pages = ReplyPages(self.page_size, self.learned)
        return ReplyPaginator(self._pages)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for replies from the bookmark less the lookback to the moment the sync started."""
        params = super().get_url_params(context, next_page_token)
        lookback = int(self.config.get("replies_lookback_days", DEFAULT_REPLIES_LOOKBACK_DAYS))
        self._window_from = self.read_from(context, lookback) or ALL_HISTORY
        params["from"] = to_iso_utc(self._window_from)
        sync_started = self.get_replication_key_signpost(context)
        params["to"] = to_iso_utc(sync_started or dt.datetime.now(tz=UTC))
        if locale := self.config.get("locale"):
            params["locale"] = locale
        return params

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the page's replies not read before, keep them for ``reply_answers``.

        The envelope's ``total`` and ``limit`` (numbers, written as strings in the
        document) tell the paging when to stop and what the server's page cap is.
        """
        body = self.decoded_body(response)
        replies = self.expect_list(
            response, body.get("replies") if isinstance(body, dict) else None, "'replies'"
        )
        new = self._pages.read(
            replies, envelope_number(body, "total"), envelope_number(body, "limit")
        )
        self._note_date_filter(new)
        yield from self.hand_off(new)

    def _note_date_filter(self, replies: list[dict[str, t.Any]]) -> None:
        """Say once if the window returned replies created before it: it filters on update time.

        Such replies are kept: they are current, and the bookmark only moves forward.
        Times are compared as the ISO 8601 UTC text records carry, which sorts as time
        does; the conformance of the same value then finds it already rewritten.
        """
        window_from = to_iso_utc(self._window_from)
        for reply in replies:
            try:
                created = normalize_timestamp(reply["created_at"])
            except (KeyError, TypeError, ValueError, OverflowError):
                continue  # post_process fails on it, naming the record and the field
            if created is not None and created < window_from:
                self.learned.say_once(
                    "date-field",
                    "Buenno's replies from/to filter on update time: replies created before "
                    "the window came back, and are kept.",
                )
                return


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
