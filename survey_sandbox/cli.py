"""The ``survey-sandbox`` command: run the simulated vendor APIs until told to stop.

On start it prints exactly one line, ``survey-sandbox listening on http://HOST:PORT``, to
standard output, so scripts can read the port (``--port 0`` picks a free one). Each request
is logged on standard error as method, path (never the query string), status and
duration. SIGTERM and SIGINT stop it cleanly with exit code 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import sys
import time
from collections.abc import Sequence
from types import FrameType

from survey_common.readings import REGISTER, Readings, readings_from_text
from survey_sandbox.faults import FAULT_KINDS, FaultPlan, parse_kinds
from survey_sandbox.platforms import PLATFORM_CLASSES
from survey_sandbox.server import SandboxServer


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line, including the tokens each platform accepts."""
    platforms = "\n".join(f"  {platform.summary}" for platform in PLATFORM_CLASSES)
    parser = argparse.ArgumentParser(
        prog="survey-sandbox",
        description="Local HTTP server that behaves like the survey platforms' APIs,\n"
        "with deterministic seeded data kept in SQLite. Prints its URL as the first line\n"
        "on stdout, logs one line per request on stderr (method, path, status, time;\n"
        "never a query string or a token) and stops cleanly on SIGTERM or Ctrl-C.",
        epilog=f"platforms and their tokens:\n{platforms}\n\n"
        "admin endpoints (no authentication):\n"
        "  GET  /_sandbox/health\n"
        "  GET  /_sandbox/stats                        API calls, calls refused for too many\n"
        "                                              in flight, per platform\n"
        "  POST /_sandbox/buenno/replies               create a reply (JSON)\n"
        "  POST /_sandbox/buenno/invitations/ID        set sent/opened/answered (JSON)\n"
        "  POST /_sandbox/feedbackapi/RESOURCE         create a record, chosen created (JSON)\n"
        "  POST /_sandbox/feedbackapi/feedback-request/ID opened/clicked/feedback left (JSON)\n"
        "  POST /_sandbox/feedbackapi/faults           next N API calls answer 429/5xx (JSON)\n"
        "  POST /_sandbox/hellocustomer/responses      create a response (JSON)\n"
        "  GET  /_sandbox/hellocustomer/stats          API calls and 429s served so far",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on; 0 picks a free one (%(default)s)"
    )
    parser.add_argument(
        "--db",
        default="survey-sandbox.db",
        help="SQLite file holding the data; reused across restarts when seed and size match"
        " (%(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed of the generated data (%(default)s)"
    )
    parser.add_argument(
        "--size",
        type=_non_negative,
        default=500,
        help="invitations and replies generated per Buenno form, responses per Hello Customer"
        " touchpoint (%(default)s)",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="wipe the database and seed again even if it holds data for this seed and size",
    )
    parser.add_argument(
        "--hellocustomer-min-interval",
        type=_seconds,
        default=1.0,
        metavar="SECONDS",
        help="seconds Hello Customer requires between two calls of one token, answering 429"
        " to faster ones; 0 turns the throttle off (%(default)s)",
    )
    parser.add_argument(
        "--latency-ms",
        type=_seconds,
        default=0.0,
        metavar="MS",
        help="milliseconds every API call is answered late, after it was acted on, as over a"
        " long network path; calls are served in parallel (%(default)s)",
    )
    parser.add_argument(
        "--memoize-reads",
        action="store_true",
        help="answer a Buenno or FeedbackAPI read (GET) already answered with 200 again from"
        " memory, same bytes, until any write or admin call: a benchmark's client then"
        " measures itself, not the sandbox's queries",
    )
    parser.add_argument(
        "--max-in-flight",
        type=_positive,
        default=None,
        metavar="K",
        help="answer 429 with Retry-After: 1 to an API call arriving while K calls of the"
        " same platform are being answered, as an API that limits concurrent requests does;"
        " /_sandbox/stats counts them (default: no limit)",
    )
    parser.add_argument(
        "--other-reading",
        type=_readings,
        default=Readings.from_keys(REGISTER, ()),
        metavar="POINTS",
        help="answer these points of the readings register (docs/readings.md) under their"
        " other reading: comma-separated keys, or 'all'; default: our reading everywhere."
        f" Keys: {', '.join(point.key for point in REGISTER) or 'none yet'}",
    )
    faults = parser.add_argument_group(
        "fault injection",
        "A share of the API calls of every platform fails, as real networks and gateways\n"
        "fail; admin endpoints never do. Which calls fail follows from --seed, so a run\n"
        "can be replayed. Lines of failed calls in the log end with fault=KIND.",
    )
    faults.add_argument(
        "--fault-rate",
        type=_share,
        default=0.0,
        metavar="RATE",
        help="share of API calls that fail, from 0 (none) to 1 (all) (%(default)s)",
    )
    faults.add_argument(
        "--fault-kinds",
        type=_fault_kinds,
        default=FAULT_KINDS,
        metavar="KINDS",
        help="comma-separated kinds, each drawn once in every round of as many faults:"
        " 429 (Too Many Requests, with or without Retry-After), 5xx (500, 502,"
        " 503 or 504), drop (connection closed without an answer), slow (answered after"
        " --slow-seconds), html (an HTML page: a gateway's 502 or 503, or a portal's"
        " 200), truncated (the answer's body cut in half); the call is processed only"
        " when slow or truncated"
        f" ({','.join(FAULT_KINDS)})",
    )
    faults.add_argument(
        "--slow-seconds",
        type=_seconds,
        default=2.0,
        metavar="SECONDS",
        help="delay of a slow answer (%(default)s)",
    )
    faults.add_argument(
        "--retry-after",
        type=_non_negative,
        default=1,
        metavar="SECONDS",
        help="Retry-After of an injected 429 that carries one, in whole seconds (%(default)s)",
    )
    faults.add_argument(
        "--retry-after-share",
        type=_share,
        default=0.5,
        metavar="SHARE",
        help="share of injected 429s that carry Retry-After, from 0 to 1; the others leave"
        " the wait to the client (%(default)s)",
    )
    return parser


def _non_negative(text: str) -> int:
    """Parse a whole number of at least zero for argparse."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _positive(text: str) -> int:
    """Parse a whole number of at least one for argparse."""
    value = _non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    """Parse a finite number of seconds of at least zero for argparse."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("must be a finite number, at least 0")
    return value


def _share(text: str) -> float:
    """Parse a share from 0 to 1 for argparse."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _readings(text: str) -> Readings:
    """Parse the register points to switch for argparse."""
    try:
        return readings_from_text(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _fault_kinds(text: str) -> tuple[str, ...]:
    """Parse a comma-separated list of fault kinds for argparse."""
    try:
        return parse_kinds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until SIGTERM or SIGINT; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    stop_signals: list[int] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop_signals.append(signum)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    sandbox = SandboxServer(
        args.db,
        host=args.host,
        port=args.port,
        seed=args.seed,
        size=args.size,
        reset=args.reset,
        hellocustomer_min_interval=args.hellocustomer_min_interval,
        faults=FaultPlan(
            rate=args.fault_rate,
            kinds=args.fault_kinds,
            slow_seconds=args.slow_seconds,
            retry_after=args.retry_after,
            retry_after_share=args.retry_after_share,
        ),
        readings=args.other_reading,
        latency_ms=args.latency_ms,
        memoize_reads=args.memoize_reads,
        max_in_flight=args.max_in_flight,
    )
    try:
        sandbox.start()
    except sqlite3.Error as error:
        print(f"survey-sandbox: cannot use the database {args.db}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        reason = error.strerror or error
        print(
            f"survey-sandbox: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr
        )
        return 1
    try:
        print(f"survey-sandbox listening on {sandbox.url}", flush=True)
        while not stop_signals:
            time.sleep(0.1)
    finally:
        sandbox.stop()
    logging.getLogger("survey_sandbox").info("stopped on signal %d", stop_signals[0])
    return 0
