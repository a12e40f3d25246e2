"""tap-hellocustomer: settings, the run's shared limiter and end, and the list of streams."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from singer_sdk import Stream
from singer_sdk import typing as th
from typing_extensions import override

from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.platforms.hellocustomer import (
    CONNECTION_SETTINGS,
    GUID_PATTERN,
    MIN_REQUEST_INTERVAL,
)
from survey_common.tap.tap import SurveyTap
from survey_common.timestamps import UTC, parse_timestamp
from tap_hellocustomer import streams
from tap_hellocustomer.client import whole_second
from tap_hellocustomer.learned import LearnedReadings
from tap_hellocustomer.periods import PERIODS


class TapHelloCustomer(SurveyTap):
    """Singer tap for Hello Customer: responses, their answers, NPS per period, languages."""

    name = "tap-hellocustomer"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS,
        th.Property(
            "campaign_ids",
            th.ArrayType(th.StringType(pattern=GUID_PATTERN)),
            required=True,
            title="Touchpoint GUIDs",
            description=(
                "Touchpoints (CampaignUniqueID) to extract, as shown under Touchpoint Settings "
                "> General."
            ),
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            required=True,
            title="Start date",
            description=(
                "Earliest answer time to extract (ISO 8601, UTC unless an offset is given). "
                "Used until a bookmark exists."
            ),
        ),
        th.Property(
            "end_date",
            th.DateTimeType,
            title="End date",
            description=(
                "Extract only what was answered before this moment (ISO 8601). Absent means "
                "the moment the run starts."
            ),
        ),
        th.Property(
            "nps_period",
            th.StringType,
            default="month",
            allowed_values=list(PERIODS),
            title="NPS period",
            description=(
                "Calendar period of each NPS figure: day, week (from Monday) or month, in UTC."
            ),
        ),
        th.Property(
            "nps_filters",
            th.ArrayType(
                th.ObjectType(
                    th.Property("key", th.StringType(min_length=1), required=True),
                    th.Property("filterValues", th.ArrayType(th.StringType), required=True),
                    additional_properties=False,
                )
            ),
            title="NPS filters",
            description=(
                'Key-value filters as in the document, e.g. [{"key": "store", '
                '"filterValues": ["Antwerpen"]}]. Each entry is one filter set with its '
                "own NPS figures; absent means one figure for the whole touchpoint."
            ),
        ),
        th.Property(
            "lookback_days",
            th.IntegerType(minimum=0),
            default=streams.DEFAULT_LOOKBACK_DAYS,
            title="Lookback days",
            description=(
                "Responses change after their answer (contacted, forwarded, reviewed): "
                "each run reads again this many days before the bookmark to pick up those "
                "changes, and a first run this many days before start_date for responses "
                "surveyed before it and answered after. The default costs one call per "
                "touchpoint for a daily run."
            ),
        ),
        MIN_REQUEST_INTERVAL,
    ).to_dict()

    @cached_property
    def request_limiter(self) -> MinIntervalLimiter:
        """The one limiter every call of this tap waits for."""
        return MinIntervalLimiter(float(self.config.get("min_request_interval", 1.0)))

    @cached_property
    def learned(self) -> LearnedReadings:
        """What this run learns about the API's readings, shared by every stream."""
        return LearnedReadings(self.logger)

    @cached_property
    def sync_end(self) -> dt.datetime:
        """The moment every stream reads up to, fixed once so that all touchpoints agree.

        ``end_date`` when set and already past, else the moment of the first call for it,
        to the whole second since the API's dates have no finer unit.
        """
        now = whole_second(dt.datetime.now(tz=UTC))
        end_date = self.config.get("end_date")
        if not end_date:
            return now
        return min(whole_second(parse_timestamp(end_date)), now)

    @property
    @override
    def streams(self) -> dict[str, Stream]:
        """The streams in singer-sdk's order (by name), but the language table last.

        The table needs no call, so a run that began with it would emit records before
        the token is ever used: Meltano's connection test, which stops at the first
        record, would then pass with a wrong token.
        """
        by_name = super().streams
        if "languages" in by_name and next(reversed(by_name)) != "languages":
            by_name["languages"] = by_name.pop("languages")
        return by_name

    @override
    def discover_streams(self) -> list[Stream]:
        """Return the tap's streams; building them makes no request."""
        return [
            streams.ResponsesStream(self),
            streams.ResponseAnswersStream(self),
            streams.NpsStream(self),
            streams.LanguagesStream(self),
        ]
