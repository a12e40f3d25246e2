"""Each retry is logged in one line that says what failed and on which call, never the query."""

from __future__ import annotations

import contextlib
import io
import logging
import typing as t

import requests

from tap_buenno.tap import TapBuenno
from tests.helpers.tap_buenno import API, fixture

if t.TYPE_CHECKING:
    import pytest
    import requests_mock as rm

EMPTY_REPLIES = {"replies": [], "total": "0", "limit": "1000", "offset": "0"}


def test_a_retried_network_failure_names_its_call_and_reason(
    requests_mock: rm.Mocker, config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    requests_mock.get(
        f"{API}/invitations",
        [
            {"exc": requests.exceptions.ReadTimeout("read timed out")},
            {"status_code": 200, "text": "<html>portal</html>"},
            {"json": fixture("invitations")},
            {"json": {"invitations": []}},
        ],
    )
    requests_mock.get(f"{API}/replies", json=EMPTY_REPLIES)
    caplog.set_level(logging.WARNING)

    with contextlib.redirect_stdout(io.StringIO()):
        TapBuenno(config=config, parse_env_config=False).sync_all()

    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert [line.split(";")[0] for line in retries] == [
        "ReadTimeout (no answer within the request_timeout) on GET /api/v01/invitations "
        "for stream 'invitations'",
        "Buenno answered GET /api/v01/invitations with HTTP 200 but a body that is not valid "
        "JSON (no content type)",
    ]
    assert all("?" not in line for line in retries)
