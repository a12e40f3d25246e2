"""Which records of one read of a FeedbackAPI list were read before, whatever its order.

Page numbers are positions, so when records leave a list while it is read the tap steps
back and reads some records again (``tap_feedbackapi.client``). In a list ordered by a
key, every record read so far lies behind the frontier: the furthest key read, plus the
ids read at exactly that key. That is all there is to remember, however long the list,
and it works for oldest first and for newest first alike (the API may ignore
``sort_by``). Only a list in neither order needs every id remembered, from the moment
its order shows to be none.
"""

from __future__ import annotations

import typing as t

#: The order a list came in: ascending, descending, or not known yet.
ASCENDING, DESCENDING, UNKNOWN = 1, -1, 0


class UnorderedListError(Exception):
    """The list is in neither order of its key, so the frontier cannot tell reads apart."""


class ReadFrontier:
    """Counts the distinct records of one read of a list and spots those read again."""

    def __init__(self) -> None:
        """Start before the first record, in no known order."""
        self.direction = UNKNOWN
        #: Records read for the first time in this read.
        self.distinct = 0
        self._edge: t.Any = None
        self._at_edge: set[str] = set()
        self._previous: t.Any = None
        self._every_id: set[str] | None = None

    @property
    def remembers_every_id(self) -> bool:
        """Whether the list proved unordered and every id is now remembered."""
        return self._every_id is not None

    def step_back(self) -> None:
        """Say that the next record comes from an earlier position than the last one."""
        self._previous = None

    def remember_every_id(self, seen: t.Iterable[str]) -> None:
        """Remember every id from now on, starting with ``seen``, for a list in no order."""
        self._every_id = set(seen)

    def admit(self, key: t.Any, record_id: str) -> bool:
        """Return whether a record is read for the first time in this read.

        Raises:
            UnorderedListError: When the key goes against the order seen so far.
        """
        if self._every_id is not None:
            if record_id in self._every_id:
                return False
            self._every_id.add(record_id)
            self.distinct += 1
            return True
        self._check_order(key)
        if self._edge is None or key == self._edge:
            if key == self._edge and record_id in self._at_edge:
                return False
            if self._edge is None:
                self._edge = key
            self._at_edge.add(record_id)
            self.distinct += 1
            return True
        sign = ASCENDING if key > self._edge else DESCENDING
        if self.direction == UNKNOWN:
            self.direction = sign
        if sign != self.direction:
            return False  # behind the frontier: read before a step back
        self._edge = key
        self._at_edge = {record_id}
        self.distinct += 1
        return True

    def _check_order(self, key: t.Any) -> None:
        """Learn the order from consecutive records; fail on one that goes against it."""
        previous, self._previous = self._previous, key
        if previous is None or key == previous:
            return
        sign = ASCENDING if key > previous else DESCENDING
        if self.direction == UNKNOWN:
            self.direction = sign
        elif sign != self.direction:
            raise UnorderedListError
