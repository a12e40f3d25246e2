"""The register's points for the buenno API document (``../shared/api-docs``)."""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

BUENNO_POINTS: tuple[ReadingPoint, ...] = ()
"""Every point of the buenno document, in the order the docs page lists them."""
