"""One point of the readings register, and the set of points a sandbox reads the other way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadingPoint:
    """A place where a vendor document can be read two ways, and how the suite copes.

    Attributes:
        key: Stable name, ``<platform>.<point>``: the sandbox switch and the probe's label.
        platform: ``buenno``, ``feedbackapi`` or ``hellocustomer``.
        title: The question in a few words ("Page numbering").
        quote: The document's own words that leave it open.
        ours: The reading the connectors were written from, and why; the sandbox's default.
        other: The other reading: what the sandbox does when the point is switched.
        connector: What the connector does under the other reading (works under both, or
            stops with one line naming the assumption).
        tests: Test node ids (``path::function``) that show the connector under both.
        probe: How ``survey-probe`` settles the point against a real account, or an empty
            string when no read-only call can.
    """

    key: str
    platform: str
    title: str
    quote: str
    ours: str
    other: str
    connector: str
    tests: tuple[str, ...]
    probe: str = ""


class Readings:
    """Which register points a sandbox answers under their other reading.

    Platforms ask :meth:`other` at the place where the reading matters; an unknown key
    raises, so a typo in the sandbox cannot silently fall back to our reading.
    """

    def __init__(self, known: Iterable[str], switched: Iterable[str] = ()) -> None:
        """Switch ``switched`` among the ``known`` keys.

        Raises:
            ValueError: When a switched key is not known.
        """
        self._known = frozenset(known)
        self._switched = frozenset(switched)
        unknown = sorted(self._switched - self._known)
        if unknown:
            known = ", ".join(["all", *sorted(self._known)])
            raise ValueError(f"unknown reading {', '.join(unknown)}; known: {known}")

    @classmethod
    def from_keys(cls, register: Sequence[ReadingPoint], keys: Iterable[str]) -> Readings:
        """Switch the given keys of the register."""
        return cls((point.key for point in register), keys)

    @classmethod
    def other_everywhere(cls, register: Sequence[ReadingPoint]) -> Readings:
        """Switch every point of the register."""
        keys = [point.key for point in register]
        return cls(keys, keys)

    def other(self, key: str) -> bool:
        """Whether the sandbox takes the other reading of ``key``.

        Raises:
            KeyError: When ``key`` is not in the register.
        """
        if key not in self._known:
            raise KeyError(f"'{key}' is not a point of the readings register")
        return key in self._switched

    @property
    def switched(self) -> frozenset[str]:
        """The keys read the other way."""
        return self._switched

    def describe(self) -> str:
        """One line for the sandbox's log: ``ours`` or the switched keys."""
        if not self._switched:
            return "ours everywhere"
        if self._switched == self._known:
            return "the other reading everywhere"
        return "the other reading of " + ", ".join(sorted(self._switched))
