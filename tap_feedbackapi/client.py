"""The FeedbackAPI as streams see it: Basic auth, list envelope, error object, paging.

Every FeedbackAPI stream derives from ``FeedbackAPIStream``; stream classes only
declare their path and replication key.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk.authenticators import BasicAuthenticator

from survey_common.pagination import ShortPagePageNumberPaginator
from survey_common.rest import SurveyAPIStream
from survey_common.schemas import platform_schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


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
        """Start without a reported total."""
        super().__init__(*args, **kwargs)
        self.reported_total: int | None = None

    @cached_property
    def authenticator(self) -> BasicAuthenticator:
        """HTTP Basic with the token as user name and an empty password."""
        return BasicAuthenticator(username=str(self.config["api_token"]), password="")

    def api_error_message(self, body: t.Any) -> str | None:
        """FeedbackAPI explains errors as ``{"type", "message", "param"}``."""
        if not isinstance(body, dict) or not (body.get("type") or body.get("message")):
            return None
        message = f"{body.get('type') or 'error'}: {body.get('message') or 'no message'}"
        if body.get("param"):
            message += f" (param {body['param']})"
        return message

    def get_new_paginator(self) -> ShortPagePageNumberPaginator:
        """Page from 0 with the largest pages until a short page or the reported total."""
        return ShortPagePageNumberPaginator(
            self.page_size, lambda: self.last_page_length, lambda: self.reported_total
        )

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for the next page, oldest first, from the bookmark up to the sync's start."""
        key = self.replication_key
        params: dict[str, t.Any] = {
            "limit": self.page_size,
            "page": next_page_token or 0,
            "sort_by": f"{key}-asc",
        }
        if (start := self.get_starting_timestamp(context)) is not None:
            params[f"{key}_after"] = int(start.timestamp())
        if (sync_started := self.get_replication_key_signpost(context)) is not None:
            params[f"{key}_before"] = int(sync_started.timestamp())
        return params

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the envelope's ``data`` and remember its ``total_count``."""
        body = self.decoded_body(response)
        records = self.expect_list(
            response, body.get("data") if isinstance(body, dict) else None, "'data'"
        )
        total = body.get("total_count")
        self.reported_total = int(total) if total is not None else None
        yield from records
