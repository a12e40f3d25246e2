"""target-hellocustomer: settings, the streams it accepts, its pacing and its ledger."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator

from survey_common.http.ratelimit import MinIntervalLimiter
from survey_common.platforms import hellocustomer
from survey_common.platforms.hellocustomer import (
    ACCEPTED,
    CONNECTION_SETTINGS,
    GUID_PATTERN,
    MIN_REQUEST_INTERVAL,
    language_guid,
)
from survey_common.push.target import PushTarget, push_settings
from target_hellocustomer.sinks import DEFAULT_BATCH_SIZE, AnswersSink, RespondentsSink

#: Where the ledger is kept when ``ledger_path`` is not set: the working directory.
DEFAULT_LEDGER_PATH = "hellocustomer-ledger.sqlite"
#: Where the push journal is kept by default: beside the ledger.
DEFAULT_JOURNAL_PATH = "hellocustomer-journal.sqlite"


class TargetHelloCustomer(PushTarget):
    """Singer target for Hello Customer: respondents to survey, and answers to add."""

    name = "target-hellocustomer"
    platform_name = "Hello Customer"
    schema_folder = "hellocustomer"
    sink_classes = (RespondentsSink, AnswersSink)
    # One call a second for the whole process: pushes side by side would only queue.
    concurrent_pushes = False

    config_jsonschema = th.PropertiesList(
        *push_settings(CONNECTION_SETTINGS, journal_default=DEFAULT_JOURNAL_PATH),
        th.Property(
            "campaign_id",
            th.StringType(pattern=GUID_PATTERN),
            title="Touchpoint GUID",
            description=(
                "Touchpoint (CampaignUniqueID, under Touchpoint Settings > General) that "
                "respondents and answers go to when a record has no campaign_UniqueID of its own."
            ),
        ),
        th.Property(
            "default_language",
            th.StringType(min_length=1),
            title="Default language",
            description=(
                "Language of records that name none: an ISO 639-1 code (nl), an English name "
                "(Dutch) or a GUID of the Hello Customer document's table."
            ),
        ),
        th.Property(
            "batch_size",
            th.IntegerType(minimum=1),
            default=DEFAULT_BATCH_SIZE,
            title="Batch size",
            description=(
                "Respondents per addmultipletocache call. At one call a second a batch of N "
                "sends up to N respondents a second; a batch Hello Customer refuses is split "
                "to find its bad records, and one whose outcome is unknown (a read timeout) "
                "goes to the dead-letter file whole."
            ),
        ),
        th.Property(
            "ledger_path",
            th.StringType,
            default=DEFAULT_LEDGER_PATH,
            title="Ledger file",
            description=(
                "SQLite file that remembers who was pushed to which touchpoint and when, "
                "across runs, since Hello Customer surveys a person again each time they are "
                "added. A relative path is relative to the working directory; empty turns the "
                "ledger off, and then only repeats within one run are skipped."
            ),
        ),
        th.Property(
            "resend_after_days",
            th.IntegerType(minimum=0),
            default=90,
            title="Resend after days",
            description=(
                "Days (UTC dates) after which a person pushed to a touchpoint may be pushed to "
                "it again; until then a record for them counts as already present. 0 allows "
                "it in the next run. Answers are never sent twice."
            ),
        ),
        MIN_REQUEST_INTERVAL,
    ).to_dict()

    def authenticator(self) -> APIKeyAuthenticator:
        """Send ``Authorization: basic <token>``, as tap-hellocustomer does."""
        return hellocustomer.authenticator(str(self.config["api_token"]))

    def error_message(self, body: t.Any) -> str | None:
        """Hello Customer's validation message, as tap-hellocustomer reads it."""
        return hellocustomer.error_message(body)

    @property
    def request_limiter(self) -> MinIntervalLimiter:
        """Every call waits ``min_request_interval`` after the previous answer."""
        return MinIntervalLimiter(float(self.config.get("min_request_interval", 1.0)))

    def resend_after_days(self, stream: str) -> int | None:
        """A respondent may be surveyed again after ``resend_after_days``; an answer never."""
        if stream != RespondentsSink.stream:
            return None
        days = self.config.get("resend_after_days")
        return None if days is None else int(days)

    def _check_formats(self, properties: dict[str, dict[str, t.Any]]) -> list[str]:
        """Check also that ``default_language`` names a language of the document's table."""
        problems = super()._check_formats(properties)
        language = self._config.get("default_language")
        if isinstance(language, str):
            try:
                language_guid(language)
            except ValueError:
                problems.append(f"config['default_language'] must be {ACCEPTED}, got {language!r}")
        return problems
