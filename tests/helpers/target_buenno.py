"""Helpers for the tests in tests/target_buenno/: constants, builders and runners they share."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path
from urllib.parse import parse_qs

from target_buenno.target import TargetBuenno
from tests.helpers.target_runner import Message, TargetRun, record, run_target, schema

if t.TYPE_CHECKING:
    import requests_mock as rm

API = "https://buenno.test/api/v01"
INVITATIONS = f"{API}/invitations"
TOKEN = "buenno-target-unit-token-91c2"
#: The document's answer to a created invitation.
CREATED = json.loads(
    (Path(__file__).parents[1] / "tap_buenno" / "fixtures" / "invitation_created.json").read_text()
)
FIELDS = ("email", "phone", "first_name", "last_name", "form_id", "pf_age", "pf_timestamp")


def invitation(**values: t.Any) -> Message:
    return record("invitations", **values)


def messages(*body: Message) -> list[Message]:
    """The invitations SCHEMA, then ``body``."""
    return [schema("invitations", *FIELDS), *body]


def push(
    config: dict[str, t.Any],
    tmp_path: Path,
    *body: Message,
    expect_error: type[Exception] | None = None,
) -> TargetRun:
    return run_target(TargetBuenno, config, messages(*body), tmp_path, expect_error=expect_error)


def sent_forms(mock: rm.Mocker) -> list[dict[str, str]]:
    """The form fields of every invitation request, one value each."""
    return [
        {name: values[0] for name, values in parse_qs(request.text or "").items()}
        for request in mock.request_history
    ]
