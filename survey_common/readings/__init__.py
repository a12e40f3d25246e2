"""The register of readings: every point where a vendor document can be read two ways.

A point names the document's words, the reading the connectors were first written from
(``ours``, also what the sandbox does by default), the other reading (what the sandbox
does when the point is switched, ``survey-sandbox --other-reading KEY``), what the
connector does under it, the tests that show it, and how ``survey-probe`` settles it
against a real account. The docs page ``docs/readings.md`` is generated from here
(``make docs``), so the register, the sandbox's switches and the probe share one list.
"""

from __future__ import annotations

from survey_common.readings.buenno import BUENNO_POINTS
from survey_common.readings.feedbackapi import FEEDBACKAPI_POINTS
from survey_common.readings.feedbackapi_writes import FEEDBACKAPI_WRITE_POINTS
from survey_common.readings.hellocustomer import HELLOCUSTOMER_POINTS
from survey_common.readings.point import ReadingPoint, Readings

REGISTER: tuple[ReadingPoint, ...] = (
    BUENNO_POINTS + FEEDBACKAPI_POINTS + FEEDBACKAPI_WRITE_POINTS + HELLOCUSTOMER_POINTS
)
"""Every point of every platform, in the order the docs page lists them."""

__all__ = ["REGISTER", "ReadingPoint", "Readings", "readings_from_text"]


def readings_from_text(text: str) -> Readings:
    """Parse ``all`` or comma-separated point keys into the readings they switch.

    Raises:
        ValueError: When a key is not in the register; the message lists the valid ones.
    """
    keys = {key.strip() for key in text.split(",") if key.strip()}
    if keys == {"all"}:
        return Readings.other_everywhere(REGISTER)
    return Readings.from_keys(REGISTER, keys)
