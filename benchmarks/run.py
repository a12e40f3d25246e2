"""``make bench``: speed, memory, requests, pushes and rate limits against survey-sandbox.

Every tap and target runs as its own process, as users run them, against sandboxes
seeded for the purpose (only the platforms a benchmark reads get large data). Output
goes to /dev/null unless the figure needs it; peak RSS comes from ``wait4`` on that very
process; requests are counted by the sandbox's dispatch point. Results are printed as a
table and written as JSON, Markdown and a PNG chart.

Usage: ``python -m benchmarks.run [--scale full|tiny] [--out DIR] [--page docs/performance.md]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import typing as t
from pathlib import Path

import requests

from benchmarks import runtime
from benchmarks.cases import REQUEST_CASES, SCALES, THROUGHPUT_CASES, Scale, TapCase
from benchmarks.process import (
    INSTALLATION,
    TapRunner,
    count_records,
    executable,
    last_state,
    run_process,
    sandbox_for,
)
from benchmarks.push import bench_push
from benchmarks.report import chart, replace_table, table
from benchmarks.speed import bench_latency, bench_politeness, bench_throughput
from survey_sandbox.hellocustomer.seed import HELLOCUSTOMER_TOKEN, TOUCHPOINT_STORE_VISIT

#: Share of target-hellocustomer's ceiling (``batch_size`` records a second) it must reach.
HELLOCUSTOMER_CEILING_SHARE = 0.95


def bench_memory(scale: Scale, workdir: Path) -> list[dict[str, t.Any]]:
    """Peak RSS of a fresh tap process at a small and at a large number of records."""
    results = []
    for case in THROUGHPUT_CASES:
        peaks = {}
        for label, records in (("small", scale.memory_small), ("large", scale.memory_large)):
            sizes = case.sizes(records)
            with sandbox_for(workdir, f"memory-{case.platform}-{label}", sizes) as sandbox:
                runner = TapRunner(case, workdir)
                runner.configure(sandbox)
                actual = sizes[case.platform] * case.records_per_size
                peaks[label] = (actual, runner.run().peak_rss_mb)
        ratio = peaks["large"][1] / peaks["small"][1]
        results.append(
            {
                "tap": case.tap,
                "stream": case.stream,
                "small_records": peaks["small"][0],
                "small_peak_rss_mb": round(peaks["small"][1], 1),
                "large_records": peaks["large"][0],
                "large_peak_rss_mb": round(peaks["large"][1], 1),
                "ratio": round(ratio, 3),
                "target": "<= 1.25",
                "met": ratio <= 1.25,
            }
        )
    return results


def paging(case: TapCase) -> str:
    """Say how the API splits a sync into requests, for the table."""
    if case.page_size is not None:
        return f"pages of {case.page_size}"
    return (
        f"{case.partitions} touchpoints x {case.windows()} windows of at most "
        f"{case.window.days if case.window else 0} days, unpaged"
    )


def bench_requests(
    scale: Scale, workdir: Path
) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """Requests of a full sync and of a rerun with nothing new, against the minimum."""
    requests_rows, incremental_rows = [], []
    for case in REQUEST_CASES:
        sizes = case.sizes(scale.requests_records)
        with sandbox_for(
            workdir, f"requests-{case.platform}", sizes, **case.sandbox_settings
        ) as sandbox:
            runner = TapRunner(case, workdir)
            runner.configure(sandbox)
            before = sandbox.api_calls(case.platform)
            full = runner.run(capture=True)
            full_calls = sandbox.api_calls(case.platform) - before
            records = count_records(full.stdout)
            before = sandbox.api_calls(case.platform)
            rerun = runner.run(state=last_state(full.stdout), capture=True)
            rerun_calls = sandbox.api_calls(case.platform) - before
        minimum = case.minimum_requests(records)
        rerun_minimum = case.rerun_minimum(records)
        requests_rows.append(
            {
                "tap": case.tap,
                "stream": case.stream,
                "records": records,
                "page_size": case.page_size,
                "paging": paging(case),
                "full_requests": full_calls,
                "full_minimum": minimum,
                "incremental_requests": rerun_calls,
                "incremental_minimum": rerun_minimum,
                "met": full_calls == minimum and rerun_calls == rerun_minimum,
            }
        )
        incremental_rows.append(
            {
                "tap": case.tap,
                "stream": case.stream,
                "new_records": count_records(rerun.stdout),
                "seconds": round(rerun.seconds, 2),
                "requests": rerun_calls,
                "partitions": case.partitions,
                "target": "the whole list" if case.read_whole else "one request per partition",
                "met": rerun_calls == rerun_minimum,
            }
        )
    return requests_rows, incremental_rows


def bench_hellocustomer(scale: Scale, workdir: Path) -> dict[str, t.Any]:
    """target-hellocustomer pushing respondents with the sandbox's 1 call/s limit on."""
    input_file = workdir / "respondents.singer"
    schema = {
        "type": "SCHEMA",
        "stream": "respondents",
        "key_properties": ["email"],
        "schema": {
            "type": "object",
            "properties": {"email": {"type": "string"}, "first_name": {"type": "string"}},
        },
    }
    lines = [json.dumps(schema)]
    lines += [
        json.dumps(
            {
                "type": "RECORD",
                "stream": "respondents",
                "record": {"email": f"person{n}@example.com", "first_name": f"Person {n}"},
            }
        )
        for n in range(scale.respondents)
    ]
    input_file.write_text("\n".join(lines) + "\n")
    with sandbox_for(
        workdir, "hellocustomer", {"hellocustomer": 1}, hellocustomer_min_interval=1.0
    ) as sandbox:
        config = {
            "api_token": HELLOCUSTOMER_TOKEN,
            "api_url": sandbox.base_url("hellocustomer"),
            "campaign_id": TOUCHPOINT_STORE_VISIT,
            "default_language": "nl",
            "batch_size": scale.batch_size,
            "min_request_interval": 1.0,
            "ledger_path": str(workdir / "ledger.sqlite"),
            "journal_path": str(workdir / "journal.sqlite"),
            "dead_letter_path": str(workdir / "dead-letter.jsonl"),
        }
        config_file = workdir / "target-hellocustomer.json"
        config_file.write_text(json.dumps(config))
        pushed = run_process(
            [executable("target-hellocustomer"), "--config", str(config_file)], stdin=input_file
        )
        stats = requests.get(f"{sandbox.url}/_sandbox/hellocustomer/stats", timeout=10).json()
    rate = scale.respondents / pushed.seconds
    return {
        "respondents": scale.respondents,
        "batch_size": scale.batch_size,
        "seconds": round(pushed.seconds, 2),
        "records_per_second": round(rate, 1),
        "share_of_ceiling": round(rate / scale.batch_size, 3),
        "stats": stats,
        "target": f">= {HELLOCUSTOMER_CEILING_SHARE} of batch_size per second, no 429",
        "met": rate >= HELLOCUSTOMER_CEILING_SHARE * scale.batch_size
        and stats["rate_limited"] == 0,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark at the chosen scale and write table, JSON and chart."""
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG")
    parser.add_argument(
        "--page", type=Path, help="also put the table between this file's bench markers"
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    started = time.perf_counter()
    results: dict[str, t.Any] = {
        "meta": {
            "scale": args.scale,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        }
    }
    sections: dict[str, float] = {}

    def timed(name: str, bench: t.Callable[[Scale, Path], t.Any]) -> t.Any:
        """Run one benchmark and note its wall time, seeding included."""
        begun = time.perf_counter()
        outcome = bench(scale, workdir)
        sections[name] = round(time.perf_counter() - begun, 1)
        print(f"{name}: done in {sections[name]} s", file=sys.stderr, flush=True)
        return outcome

    with tempfile.TemporaryDirectory(prefix="survey-bench-") as tmp:
        workdir = Path(tmp)
        INSTALLATION.bin_dir = timed("install", lambda _scale, into: runtime.install(into))
        results["throughput"] = timed("throughput", bench_throughput)
        results["latency"] = timed("latency", bench_latency)
        results["push"] = timed("push", bench_push)
        results["politeness"] = timed("politeness", bench_politeness)
        results["memory"] = timed("memory", bench_memory)
        results["requests"], results["incremental"] = timed("requests", bench_requests)
        results["hellocustomer_ceiling"] = timed("hellocustomer_ceiling", bench_hellocustomer)
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    results["meta"]["section_seconds"] = sections
    args.out.mkdir(parents=True, exist_ok=True)
    rendered = table(results)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(rendered + "\n")
    if not args.no_chart:
        chart(results, args.out / "results.png")
    if args.page is not None:
        replace_table(args.page, rendered)
    print(rendered)
    print(f"\n{args.scale} run in {results['meta']['seconds']} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
