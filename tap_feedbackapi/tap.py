"""tap-feedbackapi: settings and the list of streams."""

from __future__ import annotations

from singer_sdk import typing as th

from survey_common.settings import connection_settings
from survey_common.tap import SurveyTap
from tap_feedbackapi import streams
from tap_feedbackapi.client import FeedbackAPIStream

DEFAULT_API_URL = "https://api.feedbackapi.com/v1.3"
#: The token and base URL settings, the same for target-feedbackapi.
CONNECTION_SETTINGS = connection_settings(
    "the FeedbackAPI",
    (
        "FeedbackAPI token (Settings > Integrations), sent as the HTTP Basic user "
        "name with an empty password."
    ),
    DEFAULT_API_URL,
)


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
                "Earliest creation time to extract (update time for feedback requests), "
                "ISO 8601. Absent means all history. Used until a bookmark exists."
            ),
        ),
    ).to_dict()

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
