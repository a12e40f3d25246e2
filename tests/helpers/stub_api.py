"""An HTTP server on 127.0.0.1 that gives every request the same answer.

The sandbox behaves like the platforms; this stands in for one that misbehaves in a
way the sandbox never does (JSON of another shape), or that fails every call at once
(a 429 asking to retry at once), so a connector's last words can be tested in a process
without waiting out its backoff.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

if t.TYPE_CHECKING:
    from types import TracebackType


@dataclass(frozen=True)
class Answer:
    """What the stub answers every request with."""

    status: int
    body: str
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.answer
        body = answer.body.encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815 - the names http.server dispatches to

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002 - base class name
        """Keep the test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: Answer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer


class StubAPI:
    """A running stub for the duration of a ``with`` block; ``url`` is its base URL."""

    def __init__(self, answer: Answer) -> None:
        """Bind a free port; serving starts on entering the block."""
        self._server = _Server(answer)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def __enter__(self) -> StubAPI:
        """Start serving."""
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
