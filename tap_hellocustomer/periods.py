"""Calendar periods for NPS figures: days, ISO weeks and months, in UTC.

An NPS figure is asked for per period so that warehouses can chart it over time.
Periods follow the calendar (a week starts on Monday, a month on its first day) so
that figures of different runs and touchpoints line up, whatever ``start_date`` is.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from survey_common.tap.pagination import DateWindowPaginator
from survey_common.timestamps import UTC

Period = t.Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")


def period_start(moment: dt.datetime, period: Period) -> dt.datetime:
    """Return the start of the period that contains ``moment``."""
    day = dt.datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def next_period_start(start: dt.datetime, period: Period) -> dt.datetime:
    """Return the start of the period after the one that begins at ``start``."""
    if period == "week":
        return start + dt.timedelta(weeks=1)
    if period == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


class PeriodPaginator(DateWindowPaginator):
    """Walks a span one calendar period at a time; the last period ends at the span's end."""

    def __init__(self, start: dt.datetime, end: dt.datetime, period: Period) -> None:
        """Start at the period that contains ``start``."""
        self.period = period
        # A month, the longest period, never exceeds 31 days.
        super().__init__(period_start(start, period), end, max_days=31)

    def window_end(self, start: dt.datetime) -> dt.datetime:
        """End each window where the next period starts."""
        return next_period_start(start, self.period)
