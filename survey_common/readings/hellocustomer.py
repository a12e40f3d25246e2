"""The register's points for the hellocustomer API document (``../shared/api-docs``)."""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

HELLOCUSTOMER_POINTS: tuple[ReadingPoint, ...] = ()
"""Every point of the hellocustomer document, in the order the docs page lists them."""
