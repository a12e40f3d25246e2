"""Connectors that stop on a failure they can explain say so in one line, not a traceback.

singer-sdk lets any exception out of its CLI, so a user running a pipeline at night
finds thirty lines of library frames around the one line that matters. A failure the
connector raised on purpose already names the call, the status and what was tried;
printing just that, with exit code 1, is what the user needs. Anything else (a bug)
keeps its traceback.
"""

from __future__ import annotations

import sys
import typing as t

from typing_extensions import override

if t.TYPE_CHECKING:
    from singer_sdk.plugin_base import PluginBase

    _PluginBase = PluginBase
else:
    _PluginBase = object


class OneLineExit(_PluginBase):
    """Mixin for a tap or target: ``expected_failures`` end the run with their message only."""

    #: Exceptions whose message says all a user needs; set by each base class.
    expected_failures: t.ClassVar[tuple[type[Exception], ...]] = ()

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the connector; an expected failure ends it with exit code 1 and its message."""
        try:
            super().invoke(*args, **kwargs)
        except cls.expected_failures as failure:
            cls.logger.error("%s", failure)  # noqa: TRY400 - the message names the call; a traceback would bury it
            sys.exit(1)
