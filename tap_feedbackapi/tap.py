"""tap-feedbackapi: settings and the list of streams."""

from __future__ import annotations

from functools import cached_property

from singer_sdk import typing as th
from typing_extensions import override

from survey_common.platforms.feedbackapi import CONNECTION_SETTINGS
from survey_common.tap.tap import SurveyTap
from tap_feedbackapi import streams
from tap_feedbackapi.client import FeedbackAPIStream
from tap_feedbackapi.learned import LearnedReadings


class TapFeedbackAPI(SurveyTap):
    """Singer tap for FeedbackAPI: all seven resources, incrementally, with typed records."""

    name = "tap-feedbackapi"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS,
        th.Property(
            "start_date",
            th.DateTimeType,
            title="Start date",
            description=(
                "Earliest creation time of feedback (update time for feedback requests) to "
                "extract, ISO 8601. Absent means all history. Used until a bookmark exists; "
                "the other streams are read whole every run."
            ),
        ),
        th.Property(
            "emit_activate_version_messages",
            th.BooleanType,
            default=True,
            title="Emit ACTIVATE_VERSION messages",
            description=(
                "Announce each whole read of customers, locations, reviews, accounts and "
                "users with ACTIVATE_VERSION (before and after its records), so loaders "
                "that support it mark records no longer listed as deleted."
            ),
        ),
    ).to_dict()

    @cached_property
    def learned(self) -> LearnedReadings:
        """What this run learned of the API's readings, shared by every stream."""
        return LearnedReadings(self.logger)

    @override
    def discover_streams(self) -> list[FeedbackAPIStream]:
        """Return the tap's streams; building them makes no request."""
        return [
            streams.CustomersStream(self),
            streams.LocationsStream(self),
            streams.ReviewsStream(self),
            streams.FeedbackStream(self),
            streams.FeedbackRequestsStream(self),
            streams.AccountsStream(self),
            streams.UsersStream(self),
        ]
