"""FeedbackAPI streams: the seven list endpoints of the API.

Customers, locations, reviews, accounts and users change after creation (an opt-out, an
account's new limits, an edited review) but carry no change time, and their lists filter
on creation only: they are read whole every run. Feedback does not change once left and
is read incrementally on ``created``; feedback requests on ``updated``.
"""

from __future__ import annotations

from tap_feedbackapi.client import FeedbackAPIStream


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


class AccountsStream(FeedbackAPIStream):
    """Client accounts."""

    name = "accounts"
    path = "/accounts"


class UsersStream(FeedbackAPIStream):
    """Active users of the client accounts."""

    name = "users"
    path = "/users"
