"""The sandbox's imitation of Hello Customer: the platform, from its API and admin routes.

Routes are in :mod:`~survey_sandbox.hellocustomer.api` and
:mod:`~survey_sandbox.hellocustomer.admin`, tables in
:mod:`~survey_sandbox.hellocustomer.store` and :mod:`~survey_sandbox.hellocustomer.queries`,
data in :mod:`~survey_sandbox.hellocustomer.seed`.
"""

from __future__ import annotations

from typing_extensions import override

from survey_sandbox.hellocustomer import render
from survey_sandbox.hellocustomer import seed as hellocustomer_seed
from survey_sandbox.hellocustomer import store as hellocustomer_store
from survey_sandbox.hellocustomer.admin import AdminRoutes
from survey_sandbox.hellocustomer.api import GUID_CASE, refuse_guids_not_in_lower_case
from survey_sandbox.hellocustomer.languages import language_by_guid
from survey_sandbox.hellocustomer.render import too_many_requests
from survey_sandbox.hellocustomer.store import (
    Touchpoint,
)
from survey_sandbox.store import PlatformData
from survey_sandbox.web import HttpError, Request, Response


def _summary() -> str:
    """Describe the API root, the auth header and each token's touchpoints for ``--help``."""
    lines = ["hellocustomer: API at /hellocustomer/V1.0/EN, header 'Authorization: basic TOKEN'"]
    by_token: dict[str, list[Touchpoint]] = {}
    for touchpoint in hellocustomer_seed.touchpoints():
        by_token.setdefault(touchpoint.token, []).append(touchpoint)
    for token, touchpoints in by_token.items():
        lines.append(f"    {token}  email touchpoints:")
        for touchpoint in touchpoints:
            languages = ", ".join(
                language.iso
                for survey in touchpoint.surveys
                if (language := language_by_guid(survey.language_guid)) is not None
            )
            lines.append(f"      {touchpoint.guid}  {touchpoint.name} ({languages})")
    return "\n".join(lines)


class HelloCustomer(AdminRoutes):
    """The Hello Customer platform: its seeding, throttle, API routes and admin routes."""

    name = "hellocustomer"
    api_root = "/hellocustomer/V1.0/EN"
    data = PlatformData(
        schema_version=hellocustomer_store.SCHEMA_VERSION,
        tables=hellocustomer_store.TABLES,
        ddl=hellocustomer_store.DDL,
        populate=hellocustomer_seed.populate,
    )
    summary = _summary()

    @override
    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below the API root: count it, authenticate, throttle, dispatch."""
        self._throttle.count_call()
        try:
            token = self._authenticate(request)
            wait = self._throttle.admit(token)
            if wait is not None:
                return too_many_requests(self._throttle.min_interval, wait)
            if self._readings.other(GUID_CASE):
                refuse_guids_not_in_lower_case(request, path)
            return self._api.dispatch(request, path.lower())
        except HttpError as error:
            return self.error_answer(error)

    @override
    def error_answer(self, error: HttpError) -> Response:
        """Answer ``error`` in Hello Customer's error body; a 401 carries its challenge."""
        return render.error_answer(error)
