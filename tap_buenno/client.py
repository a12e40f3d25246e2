"""The Buenno API as streams see it: base URL, token header, error envelope, paging.

Every Buenno stream derives from ``BuennoStream``; stream classes only declare
their path, keys and page size. The token header and the error envelope, which
target-buenno uses too, live in :mod:`survey_common.platforms.buenno`.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from functools import cached_property

from singer_sdk.authenticators import APIKeyAuthenticator
from typing_extensions import override

from survey_common.platforms.buenno import authenticator, error_message
from survey_common.schemas import platform_schemas
from survey_common.tap.stream import SurveyAPIStream
from survey_common.timestamps import parse_timestamp
from tap_buenno.paging import Learned, ShortPageTrusted

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context
    from singer_sdk.pagination import BaseAPIPaginator


class BuennoStream(SurveyAPIStream):
    """A Buenno endpoint: ``api-auth-token`` header, ``{"error_message"}`` errors."""

    platform_name = "Buenno"
    schema = platform_schemas("buenno")

    #: Key of the record list in the response envelope.
    records_key: t.ClassVar[str]
    #: The endpoint's maximum ``limit``; 0 for an endpoint without paging.
    page_size: t.ClassVar[int] = 0
    #: Ids of the records on the last page parsed, for paging that stops on a repeated page.
    last_page_ids: list[t.Any] = []

    @cached_property
    @override
    def authenticator(self) -> APIKeyAuthenticator:
        """Send the token in the ``api-auth-token`` header, never in the URL."""
        return authenticator(str(self.config["api_token"]))

    def api_error_message(self, body: t.Any) -> str | None:
        """Buenno explains errors as ``{"error_message": "..."}``."""
        return error_message(body)

    @cached_property
    def learned(self) -> Learned:
        """What this run learned about the server's paging, shared by the stream's partitions."""
        return Learned(self.logger.info)

    @override
    def get_new_paginator(self) -> BaseAPIPaginator[t.Any] | None:
        """Page with ``limit``/``offset`` at the maximum size, by what comes back."""
        if not self.page_size:
            return None
        return ShortPageTrusted(self.page_size, lambda: self.last_page_ids, self.learned)

    def read_from(self, context: Context | None, lookback_days: int) -> dt.datetime | None:
        """Return the lower bound of a date filter: the bookmark less a lookback, less a second.

        The lookback (only once a bookmark exists) re-reads records that changed since,
        for endpoints that filter on creation time only; it never reaches before
        start_date. The second is the one the document leaves uncertain: whether a
        record exactly on the bound is included. Taking it off reads that second again
        under either reading rather than missing a record created in the bookmark's
        own second after the previous run read it.
        """
        start = self.get_starting_timestamp(context)
        if start is None:
            return None
        if self.get_context_state(context).get("replication_key_value"):
            start -= dt.timedelta(days=lookback_days)
            if start_date := self.config.get("start_date"):
                start = max(start, parse_timestamp(start_date))
        return start - dt.timedelta(seconds=1)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for the largest page the endpoint allows, at the paginator's offset."""
        del context
        if not self.page_size:
            return {}
        return {"limit": self.page_size, "offset": next_page_token or 0}

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the records under the envelope's ``records_key``, noting their ids for paging."""
        records = self.records_from(response, self.records_key)
        self.last_page_ids = [
            record.get("id") if isinstance(record, dict) else None for record in records
        ]
        yield from records
