"""Keep query strings out of urllib3's log lines, where they would carry personal data.

At DEBUG urllib3 logs every request line with its query
(``"GET /customers?email=a%40example.com&limit=100 HTTP/1.1" 200 512``), and at
WARNING a retried URL with it. target-feedbackapi looks customers up by email and
mobile number in the query, so a pipeline run at DEBUG would write people's addresses
to its log. The connectors never put anything else in a query that a log needs, so
each query urllib3 logs is replaced by ``?[query hidden]``; the method, path and status
stay, which is what a log is read for.

The filter sits on urllib3's loggers themselves (a filter on a logger sees the lines
logged there, a filter on a handler only that handler's), and is installed by the
tap and target base classes when a connector starts, once per process.
"""

from __future__ import annotations

import logging
import re

#: A URL path or full URL followed by its query, up to the next space or quote.
_QUERY = re.compile(r"""(?P<path>[^\s"'?]*)\?[^\s"']*""")
#: What a query is replaced with.
HIDDEN = "?[query hidden]"
#: The loggers urllib3 writes request lines and retries to.
URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.poolmanager")


def hide_queries(text: str) -> str:
    """Return ``text`` with the query of every URL in it replaced by ``?[query hidden]``."""
    return _QUERY.sub(lambda match: match.group("path") + HIDDEN, text)


class HideUrlQueries(logging.Filter):
    """Rewrites a log record's message with its URLs' queries hidden; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Format the message once, hide its queries, and keep the record."""
        message = record.getMessage()
        if "?" in message:
            record.msg = hide_queries(message)
            record.args = None
        return True


_FILTER = HideUrlQueries()


def install() -> None:
    """Put the filter on urllib3's loggers, once however often it is called."""
    for name in URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
