"""The FeedbackAPI as streams see it: Basic auth, list envelope, error object, paging.

Every FeedbackAPI stream derives from ``FeedbackAPIStream``; stream classes only
declare their path and replication key. Basic auth and the error object are also
what target-feedbackapi uses, so they are module functions.
"""

from __future__ import annotations

import datetime as dt
import math
import typing as t
from functools import cached_property

from singer_sdk.authenticators import BasicAuthenticator

from survey_common.pagination import RewindingPageNumberPaginator
from survey_common.rest import SurveyAPIStream
from survey_common.schemas import platform_schemas
from survey_common.timestamps import parse_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


def authenticator(token: str) -> BasicAuthenticator:
    """HTTP Basic with the token as user name and an empty password."""
    return BasicAuthenticator(username=token, password="")


def error_message(body: t.Any) -> str | None:
    """FeedbackAPI explains errors as ``{"type", "message", "param"}``."""
    if not isinstance(body, dict) or not (body.get("type") or body.get("message")):
        return None
    message = f"{body.get('type') or 'error'}: {body.get('message') or 'no message'}"
    if body.get("param"):
        message += f" (param {body['param']})"
    return message


class FeedbackAPIStream(SurveyAPIStream):
    """A FeedbackAPI list endpoint, read oldest first and incrementally.

    Lists are sorted by the replication key ascending (``sort_by=created-asc``), so
    the bookmark advances record by record and a run that stops half-way resumes
    where it stopped. Filters go out as epoch seconds, as the document's examples
    send them.
    """

    platform_name = "FeedbackAPI"
    schema = platform_schemas("feedbackapi")
    primary_keys = ["id"]
    replication_key = "created"
    is_sorted = True
    #: A bookmark every thousand records, so a failed run resumes close to where it stopped.
    STATE_MSG_FREQUENCY = 1000

    #: The API's maximum ``limit``.
    page_size: t.ClassVar[int] = 100

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start without a reported total or an emitted record."""
        super().__init__(*args, **kwargs)
        self.reported_total: int | None = None
        self.pages_to_rewind = 0
        self._last_emitted: dt.datetime | None = None
        self._ids_at_last_emitted: set[str] = set()

    @cached_property
    def authenticator(self) -> BasicAuthenticator:
        """HTTP Basic with the token as user name and an empty password."""
        return authenticator(str(self.config["api_token"]))

    def api_error_message(self, body: t.Any) -> str | None:
        """FeedbackAPI explains errors as ``{"type", "message", "param"}``."""
        return error_message(body)

    def get_new_paginator(self) -> RewindingPageNumberPaginator:
        """Page from 0 with the largest pages until a short page or the reported total."""
        return RewindingPageNumberPaginator(
            self.page_size,
            lambda: self.last_page_length,
            lambda: self.reported_total,
            lambda: self.pages_to_rewind,
        )

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for the next page, oldest first, from the bookmark up to the sync's start."""
        key = self.replication_key
        params: dict[str, t.Any] = {
            "limit": self.page_size,
            "page": next_page_token[0] if next_page_token else 0,
            "sort_by": f"{key}-asc",
        }
        if (start := self.get_starting_timestamp(context)) is not None:
            params[f"{key}_after"] = int(start.timestamp())
        if (sync_started := self.get_replication_key_signpost(context)) is not None:
            params[f"{key}_before"] = int(sync_started.timestamp())
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the envelope's ``data``, unless records left the list while paging.

        The list is bounded above by the sync's start, so its total can only fall:
        when it does, records before this page may have been removed and this page
        is shifted. It is then discarded and paging steps back far enough to read
        the shifted records; records emitted before are dropped when they return.
        """
        body = self.decoded_body(response)
        records = self.expect_list(
            response, body.get("data") if isinstance(body, dict) else None, "'data'"
        )
        total = int(body["total_count"]) if body.get("total_count") is not None else None
        previous, self.reported_total = self.reported_total, total
        self.pages_to_rewind = 0
        if total is not None and previous is not None and total < previous:
            self.pages_to_rewind = math.ceil((previous - total) / self.page_size)
            self.logger.info(
                "%d %s left the list while it was read; reading %d page(s) again",
                previous - total,
                self.name,
                self.pages_to_rewind,
            )
            return
        for record in records:
            if not self._emitted_before(record):
                yield record

    def _emitted_before(self, record: dict[str, t.Any]) -> bool:
        """Tell a record read again after stepping back; remember the newest one emitted.

        Lists are sorted by the replication key, so a record emitted before has a key
        older than the newest emitted, or the same key and an id already seen with it.
        """
        key = parse_timestamp(record[self.replication_key])
        if self._last_emitted is not None:
            if key < self._last_emitted:
                return True
            if key == self._last_emitted and record.get("id") in self._ids_at_last_emitted:
                return True
        if key != self._last_emitted:
            self._last_emitted = key
            self._ids_at_last_emitted = set()
        self._ids_at_last_emitted.add(str(record.get("id")))
        return False
