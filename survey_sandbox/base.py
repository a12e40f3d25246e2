"""What every simulated platform shares: its store, readings, fault queue, routers and seeding.

Each platform package's class derives from :class:`BasePlatform`, names its tables and
seed data in :attr:`BasePlatform.data`, registers its routes on ``self._api`` and
``self._admin``, and says in :meth:`BasePlatform.error_answer` how its vendor shapes an
error; requests are answered through the routers in that shape.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from survey_common.readings import Readings
from survey_sandbox.faults import FaultQueue
from survey_sandbox.routing import Router
from survey_sandbox.store import PlatformData, Store
from survey_sandbox.web import HttpError, Request, Response


class BasePlatform(ABC):
    """The bookkeeping the three platforms would otherwise each write again."""

    name: str
    """Short name: the URL segment of its admin prefix and the key of ``base_url``."""

    api_root: str
    """Path prefix of its API, e.g. ``/buenno/api/v01``."""

    data: PlatformData
    """Its tables and how to seed them."""

    wrong_method_status: int = 405
    """Status its routers answer for a known path called with another method."""

    def __init__(self, store: Store, *, readings: Readings, faults: FaultQueue) -> None:
        """Bind the platform to the sandbox's store, readings and fault queue.

        Args:
            store: The sandbox's store.
            readings: The register points this platform answers under their other reading.
            faults: Where its admin endpoints queue answers for the next API calls.
        """
        self._store = store
        self._readings = readings
        self._faults = faults
        self._api = Router(wrong_method_status=self.wrong_method_status)
        self._admin = Router(wrong_method_status=self.wrong_method_status)

    def prepare(self, *, seed: int, size: int, reset: bool) -> bool:
        """Create and seed the platform's tables unless the store already holds this seeding.

        Returns:
            ``True`` when data was generated, ``False`` when existing data was reused.
        """
        return self._store.ensure_seeded(self.name, self.data, seed=seed, size=size, reset=reset)

    def handle_api(self, request: Request, path: str) -> Response:
        """Answer a request below ``api_root``; ``path`` is the part below it."""
        return self._dispatch(self._api, request, path)

    def handle_admin(self, request: Request, path: str) -> Response:
        """Answer a request below ``/_sandbox/<name>``; ``path`` is the part below it."""
        return self._dispatch(self._admin, request, path)

    def _dispatch(self, router: Router, request: Request, path: str) -> Response:
        """Answer through ``router``, turning a client error into the vendor's error body."""
        try:
            return router.dispatch(request, path)
        except HttpError as error:
            return self.error_answer(error)

    @abstractmethod
    def error_answer(self, error: HttpError) -> Response:
        """Answer ``error`` in the vendor's own error body."""
