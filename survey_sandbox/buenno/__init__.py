"""The sandbox's imitation of Buenno: the platform, from its API and admin routes.

Routes are in :mod:`~survey_sandbox.buenno.api` and :mod:`~survey_sandbox.buenno.admin`,
tables in :mod:`~survey_sandbox.buenno.store` and :mod:`~survey_sandbox.buenno.queries`,
data in :mod:`~survey_sandbox.buenno.seed`.
"""

from __future__ import annotations

from typing_extensions import override

from survey_sandbox.buenno import seed as buenno_seed
from survey_sandbox.buenno import store as buenno_store
from survey_sandbox.buenno.admin import AdminRoutes
from survey_sandbox.store import PlatformData
from survey_sandbox.web import HttpError, Response, json_response


class Buenno(AdminRoutes):
    """The Buenno platform: its seeding, its API routes and its admin routes."""

    name = "buenno"
    api_root = "/buenno/api/v01"
    data = PlatformData(
        schema_version=buenno_store.SCHEMA_VERSION,
        tables=buenno_store.TABLES,
        ddl=buenno_store.DDL,
        populate=buenno_seed.populate,
    )
    wrong_method_status = 404
    summary = (
        "buenno: API at /buenno/api/v01, token in the 'api-auth-token' header\n"
        f"    {buenno_seed.BUENNO_TOKEN:<24} forms 1 and 2 (active), 3 (inactive)\n"
        f"    {buenno_seed.BUENNO_TOKEN_2:<24} form 4 (active)"
    )

    @override
    def error_answer(self, error: HttpError) -> Response:
        """Answer ``error`` in Buenno's error body, ``{"error_message": ...}``."""
        return json_response({"error_message": error.message}, error.status)
