"""The buenno checks of ``survey-probe``: a finding per point that read-only calls settle."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from survey_probe.finding import Finding


def probe(config: Mapping[str, Any]) -> Iterator[Finding]:  # noqa: ARG001 - filled per point
    """Settle what a few read-only calls can; yield one finding per point settled."""
    yield from ()
