"""target-buenno: settings and the streams it accepts."""

from __future__ import annotations

import typing as t
from functools import cached_property
from pathlib import Path

from singer_sdk import typing as th

from survey_common.push_target import PushTarget, push_settings
from tap_buenno import client
from tap_buenno.tap import CONNECTION_SETTINGS
from target_buenno.sinks import InvitationsSink
from target_hellocustomer.ledger import Ledger

if t.TYPE_CHECKING:
    from collections.abc import Hashable, MutableSet

    from singer_sdk.authenticators import APIKeyAuthenticator

#: Where the ledger is kept when ``ledger_path`` is not set: the working directory.
DEFAULT_LEDGER_PATH = "buenno-ledger.sqlite"


class TargetBuenno(PushTarget):
    """Singer target for Buenno: invites the people of stream ``invitations`` to a form."""

    name = "target-buenno"
    platform_name = "Buenno"
    schema_folder = "buenno"
    sink_classes = (InvitationsSink,)

    config_jsonschema = th.PropertiesList(
        *push_settings(CONNECTION_SETTINGS),
        th.Property(
            "form_id",
            th.IntegerType(minimum=1),
            title="Form id",
            description=(
                "Form to invite people to when a record has no form_id of its own. Absent: "
                "the token's first active form, as Buenno chooses."
            ),
        ),
        th.Property(
            "ledger_path",
            th.StringType,
            default=DEFAULT_LEDGER_PATH,
            title="Ledger file",
            description=(
                "SQLite file that remembers who was invited to which form, across runs, so "
                "that a rerun on the same input invites nobody twice whatever Buenno keys its "
                "409 on. A relative path is relative to the working directory; empty turns "
                "the ledger off, and then a rerun relies on Buenno's 409 alone."
            ),
        ),
    ).to_dict()

    def authenticator(self) -> APIKeyAuthenticator:
        """Send the token in the ``api-auth-token`` header, as tap-buenno does."""
        return client.authenticator(str(self.config["api_token"]))

    def error_message(self, body: t.Any) -> str | None:
        """Buenno's ``{"error_message": "..."}``, as tap-buenno reads it."""
        return client.error_message(body)

    @cached_property
    def ledger(self) -> Ledger | None:
        """The run's ledger, opened at the first sink; None when ``ledger_path`` is empty."""
        path = self.config.get("ledger_path")
        return Ledger(Path(str(path))) if path else None

    def pushed_keys(self, stream: str) -> MutableSet[Hashable]:
        """Who was invited: the ledger's keys (kept for good), or this run's when it is off.

        The document does not say what Buenno's 409 keys on, or whether a second
        invitation of the same person is refused at all; the ledger does not depend on it.
        """
        if self.ledger is None:
            return super().pushed_keys(stream)
        return self.ledger.keys(stream, resend_after_days=None)

    def process_endofpipe(self) -> None:
        """Drain, write the final state and the summary, then close the ledger."""
        try:
            super().process_endofpipe()
        finally:
            if self.ledger is not None:
                self.ledger.close()
