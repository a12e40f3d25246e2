"""target-feedbackapi: settings and the streams it accepts."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from survey_common.platforms import feedbackapi
from survey_common.platforms.feedbackapi import PUSH_CONNECTION_SETTINGS
from survey_common.push.target import PushTarget, push_settings
from target_feedbackapi.customers import CustomersSink
from target_feedbackapi.sinks import FeedbackRequestsSink, LocationsSink

if t.TYPE_CHECKING:
    from singer_sdk.authenticators import BasicAuthenticator

#: Where the push journal of locations and feedback requests is kept by default.
DEFAULT_JOURNAL_PATH = "feedbackapi-journal.sqlite"


class TargetFeedbackAPI(PushTarget):
    """Singer target for FeedbackAPI: customers, locations and feedback requests."""

    name = "target-feedbackapi"
    platform_name = "FeedbackAPI"
    schema_folder = "feedbackapi"
    sink_classes = (CustomersSink, LocationsSink, FeedbackRequestsSink)

    config_jsonschema = th.PropertiesList(
        *push_settings(PUSH_CONNECTION_SETTINGS, journal_default=DEFAULT_JOURNAL_PATH),
        th.Property(
            "default_location",
            th.StringType(min_length=1),
            title="Default location",
            description=(
                "Id of the location used for customers and feedback requests whose record "
                "has no location."
            ),
        ),
    ).to_dict()

    def authenticator(self) -> BasicAuthenticator:
        """HTTP Basic with the token as user name, as tap-feedbackapi sends it."""
        return feedbackapi.authenticator(str(self.config["api_token"]))

    def error_message(self, body: t.Any) -> str | None:
        """FeedbackAPI's ``{"type", "message", "param"}``, as tap-feedbackapi reads it."""
        return feedbackapi.error_message(body)
