"""What a simulated platform provides, and the list of platforms the sandbox serves.

A platform lives under its own URL prefix (its ``api_root``, e.g. ``/buenno/api/v01``)
and its own admin prefix (``/_sandbox/<name>``), owns its tables in the shared store,
and turns its own errors into its vendor's error body. Adding a platform means writing
a class with this shape (most of it from
:class:`survey_sandbox.base.BasePlatform`) and listing it in :data:`PLATFORM_CLASSES`.
"""

from __future__ import annotations

from typing import Protocol

from survey_common.readings import Readings
from survey_sandbox.buenno import Buenno
from survey_sandbox.faults import FaultQueue
from survey_sandbox.feedbackapi import FeedbackApi
from survey_sandbox.hellocustomer import HelloCustomer
from survey_sandbox.store import Store
from survey_sandbox.web import HttpError, Request, Response


class Platform(Protocol):
    """The shape every simulated platform has."""

    name: str
    """Short name: the URL segment of its admin prefix and the key of ``base_url``."""

    api_root: str
    """Path prefix of its API, e.g. ``/buenno/api/v01``."""

    summary: str
    """Text for ``--help``: where the API is, how to authenticate, which tokens exist."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox's store, its readings and the fault queue."""

    def prepare(self, *, seed: int, size: int, reset: bool) -> bool:
        """Create and seed its tables unless the store already holds this seeding."""
        ...

    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below ``api_root``; ``path`` is the part below it."""
        ...

    def handle_admin(self, request: Request, path: str) -> Response:
        """Answer a request below ``/_sandbox/<name>``; ``path`` is the part below it."""
        ...

    def error_answer(self, error: HttpError) -> Response:
        """Answer ``error`` in the vendor's own error body."""
        ...


PLATFORM_CLASSES: tuple[type[Platform], ...] = (Buenno, FeedbackApi, HelloCustomer)
"""Every platform the sandbox serves."""
