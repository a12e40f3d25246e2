"""tap-buenno: settings and the list of streams."""

from __future__ import annotations

from singer_sdk import typing as th
from typing_extensions import override

from survey_common.platforms.buenno import CONNECTION_SETTINGS
from survey_common.tap.tap import SurveyTap
from tap_buenno import streams
from tap_buenno.client import BuennoStream


class TapBuenno(SurveyTap):
    """Singer tap for Buenno: forms, invitations, replies and their answers."""

    name = "tap-buenno"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS,
        th.Property(
            "start_date",
            th.DateTimeType,
            title="Start date",
            description=(
                "Earliest creation time to extract (ISO 8601). Absent means all history. "
                "Used until a bookmark exists."
            ),
        ),
        th.Property(
            "form_ids",
            th.ArrayType(th.IntegerType(minimum=1)),
            title="Form ids",
            description=(
                "Forms whose invitations are extracted. Absent means every form the "
                "token-info endpoint lists for the token."
            ),
        ),
        th.Property(
            "lookback_days",
            th.IntegerType(minimum=0),
            default=30,
            title="Lookback days",
            description=(
                "Invitations change after creation (sent, opened, answered): each run reads "
                "again this many days before the bookmark to pick up those changes."
            ),
        ),
        th.Property(
            "replies_lookback_days",
            th.IntegerType(minimum=0),
            default=30,
            title="Replies lookback days",
            description=(
                "Replies can be edited after they are created while the API filters them on "
                "creation time: each run reads again this many days before the bookmark, so "
                "edits made within that time reach the warehouse."
            ),
        ),
        th.Property(
            "locale",
            th.StringType,
            title="Locale",
            description="Language of the question texts in replies, for example 'en' or 'fi'.",
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[BuennoStream]:
        """Return the tap's streams; building them makes no request."""
        return [
            streams.FormsStream(self),
            streams.InvitationsStream(self),
            streams.RepliesStream(self),
            streams.ReplyAnswersStream(self),
        ]
