"""Network failures worded for a log line: their kind and reason, never the URL or its query."""

from __future__ import annotations

import socket
import typing as t

import pytest
import requests

from survey_common.http.errors import network_failure
from survey_sandbox import SandboxServer
from survey_sandbox.faults import FaultPlan

if t.TYPE_CHECKING:
    from pathlib import Path

QUERY = "?secret=s3cr3t-in-the-query"


def failure_of(url: str) -> requests.RequestException:
    with pytest.raises(requests.RequestException) as failure:
        requests.get(url + QUERY, timeout=5)
    return failure.value


def test_a_refused_connection_says_so_without_the_url() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, and closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    text = network_failure(failure_of(f"http://127.0.0.1:{port}/some/path"))

    assert text.startswith("ConnectionError (could not connect: ")
    assert "Connection refused" in text
    assert "/some/path" not in text
    assert "s3cr3t" not in text


def test_a_dropped_connection_says_the_answer_never_came(tmp_path: Path) -> None:
    with SandboxServer(
        tmp_path / "sandbox.db", size=5, faults=FaultPlan(rate=1, kinds=("drop",))
    ) as sandbox:
        error = failure_of(sandbox.base_url("buenno") + "/token-info")

    text = network_failure(error)

    assert text.startswith("ConnectionError (the connection closed without an answer: ")
    assert "s3cr3t" not in text
    assert "token-info" not in text


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (requests.exceptions.ReadTimeout(), "ReadTimeout (no answer within the request_timeout)"),
        (
            requests.exceptions.ConnectTimeout(),
            "ConnectTimeout (no connection within the request_timeout)",
        ),
        (requests.exceptions.ChunkedEncodingError(), "ChunkedEncodingError (the answer broke off)"),
        (requests.exceptions.ConnectionError("reset"), "ConnectionError (the connection failed)"),
    ],
)
def test_each_kind_of_failure_has_its_words(error: Exception, text: str) -> None:
    assert network_failure(error) == text
