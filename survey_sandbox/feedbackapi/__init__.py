"""The sandbox's imitation of FeedbackAPI: the platform, from its API and admin routes.

Routes are in :mod:`~survey_sandbox.feedbackapi.api` and
:mod:`~survey_sandbox.feedbackapi.admin`, tables in :mod:`~survey_sandbox.feedbackapi.store`
and :mod:`~survey_sandbox.feedbackapi.queries`, data in :mod:`~survey_sandbox.feedbackapi.seed`.
"""

from __future__ import annotations

import logging

from typing_extensions import override

from survey_sandbox.feedbackapi import render, store
from survey_sandbox.feedbackapi import seed as feedbackapi_seed
from survey_sandbox.feedbackapi.admin import AdminRoutes
from survey_sandbox.feedbackapi.fields import FeedbackApiError
from survey_sandbox.feedbackapi.people import CLIENT_ACCOUNT_NAME
from survey_sandbox.routing import Router
from survey_sandbox.store import PlatformData
from survey_sandbox.web import HttpError, Request, Response

logger = logging.getLogger("survey_sandbox")


class FeedbackApi(AdminRoutes):
    """The FeedbackAPI platform: its seeding, its API routes and its admin routes."""

    name = "feedbackapi"
    api_root = "/feedbackapi/v1.3"
    data = PlatformData(
        schema_version=store.SCHEMA_VERSION,
        tables=store.TABLES,
        ddl=store.DDL,
        populate=feedbackapi_seed.populate,
    )
    wrong_method_status = 404
    summary = (
        "feedbackapi: API at /feedbackapi/v1.3, HTTP Basic auth: token as user name, empty"
        " password\n"
        f"    {feedbackapi_seed.FEEDBACKAPI_TOKEN:<34} every client account's data\n"
        f"    {feedbackapi_seed.FEEDBACKAPI_CLIENT_TOKEN:<34} client account"
        f' "{CLIENT_ACCOUNT_NAME}" only\n'
        f"    message templates: {', '.join(feedbackapi_seed.EMAIL_TEMPLATES)} (email),"
        f" {', '.join(feedbackapi_seed.SMS_TEMPLATES)} (SMS)\n"
        "    admin RESOURCE: customers, locations, reviews, feedback, feedback-request,"
        " accounts, users"
    )

    @override
    def error_answer(self, error: HttpError) -> Response:
        """Answer ``error`` with the document's error object."""
        return render.error_answer(error)

    @override
    def _dispatch(self, router: Router, request: Request, path: str) -> Response:
        """Dispatch (ignoring a trailing slash) and turn any error into the error object."""
        try:
            return super()._dispatch(router, request, path.rstrip("/") if len(path) > 1 else path)
        except Exception:
            logger.exception("%s %s failed", request.method, request.path)
            return render.error_answer(FeedbackApiError(500, "Internal sandbox error"))
