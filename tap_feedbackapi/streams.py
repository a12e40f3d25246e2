"""FeedbackAPI streams: the seven list endpoints of the API.

Customers, locations, reviews, accounts and users change after creation (an opt-out, an
account's new limits, an edited review) but carry no change time, and their lists filter
on creation only: they are read whole every run. Feedback does not change once left and
is read incrementally on ``created``; feedback requests on ``updated``.
"""

from __future__ import annotations

import typing as t

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from survey_common.readings.feedbackapi import ACCOUNTS_REQUIRED_FILTERS
from tap_feedbackapi.client import BAD_REQUEST, FeedbackAPIStream

if t.TYPE_CHECKING:
    import requests

#: The list filters the document marks required for accounts (our reading: none is).
ACCOUNT_FILTERS = ("name", "active")


class CustomersStream(FeedbackAPIStream):
    """Customers who may receive feedback campaigns."""

    name = "customers"
    path = "/customers"


class LocationsStream(FeedbackAPIStream):
    """The account's locations."""

    name = "locations"
    path = "/locations"


class ReviewsStream(FeedbackAPIStream):
    """Reviews left on external platforms."""

    name = "reviews"
    path = "/reviews"


class FeedbackStream(FeedbackAPIStream):
    """Feedback left by customers (NPS, star rating, happy)."""

    name = "feedback"
    path = "/feedback"
    replication_key = "created"


class FeedbackRequestsStream(FeedbackAPIStream):
    """Stand-alone feedback requests, read by their last change.

    Requests change after creation (opened, clicked, feedback left), so they are
    read incrementally on ``updated`` rather than ``created``.
    """

    name = "feedback_requests"
    path = "/feedback-request"
    replication_key = "updated"


class AccountsFilterRequiredError(FatalAPIError):
    """The API refuses to list accounts without a filter: no call lists them all."""

    def __init__(self, param: str) -> None:
        """Name the filter the API asked for and the assumption that failed."""
        super().__init__(
            f"FeedbackAPI requires a filter on {param} to list accounts (the document marks "
            f"{' and '.join(ACCOUNT_FILTERS)} as required): the accounts stream cannot be "
            f"read whole; deselect it (register point {ACCOUNTS_REQUIRED_FILTERS})"
        )


class AccountsStream(FeedbackAPIStream):
    """Client accounts, listed without the filters the document marks required.

    The document lists ``name`` and ``active`` as required parameters of the list, which
    reads as the account object's attributes copied there: the example sends neither.
    Should the API refuse the list without them, no call can list every account, so the
    run stops in one line rather than finishing without accounts.
    """

    name = "accounts"
    path = "/accounts"

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Tell a list refused for a missing ``name`` or ``active`` from other failures."""
        if response.status_code == BAD_REQUEST:
            try:
                param = response.json().get("param")
            except (ValueError, AttributeError):
                param = None
            if param in ACCOUNT_FILTERS:
                raise AccountsFilterRequiredError(param)
        super().validate_response(response)
        if response.ok:
            self.learned.accounts_listed_unfiltered()


class UsersStream(FeedbackAPIStream):
    """Active users of the client accounts."""

    name = "users"
    path = "/users"
