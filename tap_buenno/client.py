"""The Buenno API as streams see it: base URL, token header, error envelope, paging.

Every Buenno stream derives from ``BuennoStream``; stream classes only declare
their path, keys and page size. The token header and the error envelope are also
what target-buenno uses, so they are module functions.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk.authenticators import APIKeyAuthenticator

from survey_common.pagination import ShortPageOffsetPaginator
from survey_common.rest import SurveyAPIStream
from survey_common.schemas import platform_schemas

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context


def authenticator(token: str) -> APIKeyAuthenticator:
    """Send the token in the ``api-auth-token`` header, never in the URL."""
    return APIKeyAuthenticator(key="api-auth-token", value=token, location="header")


def error_message(body: t.Any) -> str | None:
    """Buenno explains errors as ``{"error_message": "..."}``."""
    message = body.get("error_message") if isinstance(body, dict) else None
    return str(message) if message else None


class BuennoStream(SurveyAPIStream):
    """A Buenno endpoint: ``api-auth-token`` header, ``{"error_message"}`` errors."""

    platform_name = "Buenno"
    schema = platform_schemas("buenno")

    #: Key of the record list in the response envelope.
    records_key: t.ClassVar[str]
    #: The endpoint's maximum ``limit``; 0 for an endpoint without paging.
    page_size: t.ClassVar[int] = 0
    #: The record count the last page's envelope reported, where the endpoint gives one.
    reported_total: int | None = None

    @cached_property
    def authenticator(self) -> APIKeyAuthenticator:
        """Send the token in the ``api-auth-token`` header, never in the URL."""
        return authenticator(str(self.config["api_token"]))

    def api_error_message(self, body: t.Any) -> str | None:
        """Buenno explains errors as ``{"error_message": "..."}``."""
        return error_message(body)

    def get_new_paginator(self) -> ShortPageOffsetPaginator | None:
        """Page with ``limit``/``offset`` at the maximum size until a short page."""
        if not self.page_size:
            return None
        return ShortPageOffsetPaginator(
            self.page_size, lambda: self.last_page_length, lambda: self.reported_total
        )

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict[str, t.Any]:
        """Ask for the largest page the endpoint allows, at the paginator's offset."""
        del context
        if not self.page_size:
            return {}
        return {"limit": self.page_size, "offset": next_page_token or 0}

    def parse_response(self, response: requests.Response) -> Iterable[dict[str, t.Any]]:
        """Yield the records under the envelope's ``records_key``."""
        yield from self.records_from(response, self.records_key)
