"""The sandbox's HTTP server: socket handling around the application, and the test API.

:class:`SandboxApp.dispatch <survey_sandbox.app.SandboxApp.dispatch>` is the one place
every request passes through (its paths are listed in :mod:`survey_sandbox.app`); injected
faults (:mod:`survey_sandbox.faults`) wrap it. :class:`SandboxServer` runs the whole
sandbox in a background thread for tests and scripts.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from survey_common.readings import REGISTER, Readings
from survey_sandbox.app import Dispatch, SandboxApp, sandbox_error
from survey_sandbox.faults import (
    FAULT_HEADER,
    DroppedConnection,
    FaultInjector,
    FaultPlan,
    FaultQueue,
)
from survey_sandbox.hellocustomer import HelloCustomer
from survey_sandbox.memo import InFlightGate, ReadMemo
from survey_sandbox.platforms import PLATFORM_CLASSES, Platform
from survey_sandbox.store import Store
from survey_sandbox.web import Request, Response

logger = logging.getLogger("survey_sandbox")


class _RequestHandler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 traffic into :class:`Request` values and writes :class:`Response` ones."""

    protocol_version = "HTTP/1.1"
    # Status, headers and body are gathered and leave in one write when the answer is
    # complete (``_write`` flushes): one system call and one wake-up of the
    # client per answer instead of two, which kept a client reading memoized pages
    # waiting a tenth of its time. Nagle's algorithm stays off for answers larger than
    # the buffer: with it, the client's delayed ACK would hold their end back ~40 ms.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._handle()

    def do_POST(self) -> None:
        """Answer a POST request."""
        self._handle()

    def do_PUT(self) -> None:
        """Answer a PUT request (platforms refuse it on their own terms)."""
        self._handle()

    def do_PATCH(self) -> None:
        """Answer a PATCH request (platforms refuse it on their own terms)."""
        self._handle()

    def do_DELETE(self) -> None:
        """Answer a DELETE request (platforms refuse it on their own terms)."""
        self._handle()

    def _handle(self) -> None:
        """Read the request, dispatch it, write the answer, and log one line."""
        started = time.perf_counter()
        split = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            response = sandbox_error(411, "Send the body with a Content-Length")
            self.close_connection = True
        elif length < 0:
            response = sandbox_error(400, "Invalid Content-Length")
            self.close_connection = True
        else:
            query: dict[str, str] = {}
            for name, value in parse_qsl(split.query, keep_blank_values=True):
                query.setdefault(name, value)
            request = Request(
                method=self.command,
                path=split.path,
                query=query,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            try:
                response = self.server.dispatch(request)
            except DroppedConnection:
                # No answer at all: the client sees the connection close under it.
                self.close_connection = True
                elapsed_ms = (time.perf_counter() - started) * 1000
                logger.info("%s %s dropped %.1fms fault=drop", self.command, split.path, elapsed_ms)
                return
            except Exception:
                logger.exception("%s %s failed", self.command, split.path)
                response = sandbox_error(500, "Internal sandbox error")
        fault = dict(response.headers).get(FAULT_HEADER)
        try:
            self._write(response)
        except OSError:
            # The client gave up waiting (a slow answer outlasting its timeout): the call
            # is still logged with its fault, then the connection is closed.
            self.close_connection = True
            status = f"{response.status} unread"
        else:
            status = str(response.status)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms%s",
            self.command,
            split.path,
            status,
            elapsed_ms,
            f" fault={fault}" if fault else "",
        )

    def _write(self, response: Response) -> None:
        """Send status, headers (always with ``Content-Length``) and body."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)
        self.wfile.flush()  # here, so that a client gone away is seen by ``_handle``

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Leave request logging to :meth:`_handle`, whose line carries no query string."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        """Send the base class's own messages (malformed requests) to the logger."""
        logger.warning("%s %s", self.address_string(), format % args)


#: Longest wait, when the sandbox stops, for calls still being answered (slow faults).
STOP_TIMEOUT_SECONDS = 30.0


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers open connections so it can close them."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], dispatch: Dispatch) -> None:
        """Bind to ``address`` and answer through ``dispatch``."""
        super().__init__(address, _RequestHandler)
        self.dispatch = dispatch
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._connections_closed = threading.Condition(self._connections_lock)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Serve one connection (possibly many keep-alive requests) while tracking it."""
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)
                self._connections_closed.notify_all()

    def handle_error(self, _request: Any, client_address: Any) -> None:
        """Log a connection that broke off (e.g. a client gone mid-answer) without a traceback."""
        error = sys.exc_info()[1]
        logger.debug("connection from %s ended abruptly: %r", client_address[0], error)

    def wait_for_connections(self, timeout: float) -> None:
        """Wait until every connection's thread ended, so no call is left half done.

        A slow answer's thread still sleeps when its client has given up; the call is
        then processed all the same, and must be before the store closes under it.
        """
        with self._connections_closed:
            self._connections_closed.wait_for(lambda: not self._connections, timeout)

    def close_connections(self) -> None:
        """Shut down every open client connection, so idle keep-alive threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                logger.debug("connection already closed")


class SandboxServer:
    """The whole sandbox in one object: seeded store, platforms and HTTP server.

    Example::

        with SandboxServer(tmp_path / "sandbox.db", size=50) as sandbox:
            api_url = sandbox.base_url("buenno")  # http://127.0.0.1:PORT/buenno/api/v01
    """

    def __init__(
        self,
        db_path: str | PathLike[str],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 42,
        size: int = 500,
        reset: bool = False,
        hellocustomer_min_interval: float = 1.0,
        faults: FaultPlan | None = None,
        platform_sizes: Mapping[str, int] | None = None,
        readings: Readings | None = None,
        latency_ms: float = 0.0,
        memoize_reads: bool = False,
        max_in_flight: int | None = None,
    ) -> None:
        """Describe the sandbox to run; nothing is opened until :meth:`start`.

        Args:
            db_path: The SQLite file; created when missing, reused when it already holds
                data seeded with the same seed and size.
            host: The address to listen on.
            port: The port to listen on; 0 picks a free one.
            seed: The random seed the data is generated from.
            size: How many invitations and replies each Buenno form gets, and how many
                responses each Hello Customer touchpoint gets.
            reset: Wipe and seed again even when the file's data could be reused.
            hellocustomer_min_interval: Seconds Hello Customer requires between two calls of
                one token (the vendor allows one a second); 0 turns its throttle off.
            faults: How a share of API calls fails (429, 5xx, dropped, slow, HTML,
                truncated); ``None`` or a rate of 0: never. The faults follow from ``seed``.
            platform_sizes: A size per platform name that replaces ``size`` for that
                platform, so a benchmark seeds a large data set only where it reads one.
            readings: The register points answered under their other reading
                (:mod:`survey_common.readings`); ``None``: ours everywhere.
            latency_ms: Milliseconds every API call is answered late (after the platform
                acted on it), as over a long network path; calls are served in parallel.
            memoize_reads: Answer a Buenno or FeedbackAPI read (GET) already answered with
                200 from memory, same bytes, until any write or admin call: a benchmark's
                plain client loop then measures the client, not the sandbox's queries.
            max_in_flight: Most API calls of one platform answered at once; a call beyond
                them gets 429 with ``Retry-After: 1``, counted by ``/_sandbox/stats``.
                ``None``: no bound.
        """
        if size < 0:
            raise ValueError("size must not be negative")
        if not 0 <= hellocustomer_min_interval < float("inf"):
            raise ValueError("hellocustomer_min_interval must be a finite number, at least 0")
        self._db_path = db_path
        self._address = (host, port)
        self._seed = seed
        self._size = size
        self._reset = reset
        self._hellocustomer_min_interval = hellocustomer_min_interval
        self._faults = faults
        self._platform_sizes = dict(platform_sizes or {})
        self._readings = readings or Readings.from_keys(REGISTER, ())
        if not 0 <= latency_ms < float("inf"):
            raise ValueError("latency_ms must be a finite number, at least 0")
        self._latency = latency_ms / 1000
        self._memoize_reads = memoize_reads
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._max_in_flight = max_in_flight
        if any(value < 0 for value in self._platform_sizes.values()):
            raise ValueError("platform sizes must not be negative")
        self._store: Store | None = None
        self._platforms: dict[str, Platform] = {}
        self._app: SandboxApp | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Open and seed the store, bind the port and serve in a background daemon thread."""
        if self._httpd is not None:
            raise RuntimeError("the sandbox is already running")
        store = Store(self._db_path)
        queue = FaultQueue()
        try:
            platforms: list[Platform] = [
                HelloCustomer(
                    store,
                    readings=self._readings,
                    faults=queue,
                    min_interval=self._hellocustomer_min_interval,
                )
                if platform_class is HelloCustomer
                else platform_class(store, readings=self._readings, faults=queue)
                for platform_class in PLATFORM_CLASSES
            ]
            logger.info("readings: %s", self._readings.describe())
            for platform in platforms:
                size = self._platform_sizes.get(platform.name, self._size)
                seeded = platform.prepare(seed=self._seed, size=size, reset=self._reset)
                logger.info(
                    "%s: %s data for seed %d, size %d",
                    platform.name,
                    "generated" if seeded else "reusing",
                    self._seed,
                    size,
                )
            app = SandboxApp(
                platforms,
                self._readings,
                latency=self._latency,
                memo=ReadMemo() if self._memoize_reads else None,
                gate=None if self._max_in_flight is None else InFlightGate(self._max_in_flight),
            )
            dispatch = FaultInjector(
                app.dispatch, self._faults or FaultPlan(), seed=self._seed, queue=queue
            )
            httpd = _HTTPServer(self._address, dispatch)
        except BaseException:
            store.close()
            raise
        self._store = store
        self._platforms = {platform.name: platform for platform in platforms}
        self._app = app
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="survey-sandbox",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close client connections, let calls in progress end, close the store.

        Safe to call twice.
        """
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.close_connections()
            httpd.wait_for_connections(timeout=STOP_TIMEOUT_SECONDS)
            httpd.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> SandboxServer:
        """Start the sandbox for the duration of a ``with`` block."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the sandbox at the end of a ``with`` block."""
        self.stop()

    @property
    def url(self) -> str:
        """The server's root URL, e.g. ``http://127.0.0.1:54321``."""
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def api_calls(self, platform: str) -> int:
        """Return how many API requests the platform has answered since the sandbox started.

        Raises:
            KeyError: When no platform has that name.
        """
        if self._app is None:
            raise RuntimeError("the sandbox is not running")
        return self._app.api_calls(platform)

    def stats(self) -> dict[str, Any]:
        """Return what ``/_sandbox/stats`` answers: calls and refused calls per platform."""
        if self._app is None:
            raise RuntimeError("the sandbox is not running")
        return self._app.stats()

    def base_url(self, platform: str) -> str:
        """A platform's API base URL, e.g. ``http://127.0.0.1:54321/buenno/api/v01``.

        Raises:
            KeyError: When no platform has that name.
        """
        url = self.url
        if platform not in self._platforms:
            raise KeyError(f"unknown platform '{platform}'")
        return url + self._platforms[platform].api_root
