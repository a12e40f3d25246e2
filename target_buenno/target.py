"""target-buenno: settings and the streams it accepts."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from survey_common.platforms import buenno
from survey_common.platforms.buenno import CONNECTION_SETTINGS
from survey_common.push.target import PushTarget, push_settings
from target_buenno.sinks import InvitationsSink

if t.TYPE_CHECKING:
    from singer_sdk.authenticators import APIKeyAuthenticator

#: Where the ledger is kept when ``ledger_path`` is not set: the working directory.
DEFAULT_LEDGER_PATH = "buenno-ledger.sqlite"
#: Where the push journal is kept by default: beside the ledger.
DEFAULT_JOURNAL_PATH = "buenno-journal.sqlite"


class TargetBuenno(PushTarget):
    """Singer target for Buenno: invites the people of stream ``invitations`` to a form."""

    name = "target-buenno"
    platform_name = "Buenno"
    schema_folder = "buenno"
    sink_classes = (InvitationsSink,)

    config_jsonschema = th.PropertiesList(
        *push_settings(CONNECTION_SETTINGS, journal_default=DEFAULT_JOURNAL_PATH),
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
        return buenno.authenticator(str(self.config["api_token"]))

    def error_message(self, body: t.Any) -> str | None:
        """Buenno's ``{"error_message": "..."}``, as tap-buenno reads it."""
        return buenno.error_message(body)
