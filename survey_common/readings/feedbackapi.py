"""The register's points for the feedbackapi API document (``../shared/api-docs``)."""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

FEEDBACKAPI_POINTS: tuple[ReadingPoint, ...] = ()
"""Every point of the feedbackapi document, in the order the docs page lists them."""
