"""How the benchmark results are shown: a Markdown table, a PNG chart, the docs' copy.

``docs/performance.md`` carries the table between ``<!-- bench:table -->`` markers;
``make bench`` rewrites that part, so the figures there are always those of the last full
run.
"""

from __future__ import annotations

import typing as t

from benchmarks.cases import SCALES

if t.TYPE_CHECKING:
    from pathlib import Path

TABLE_START = "<!-- bench:table -->"
TABLE_END = "<!-- /bench:table -->"


def _met(row: t.Mapping[str, t.Any]) -> str:
    """Say whether a row meets its target."""
    return "yes" if row["met"] else "no"


def table(results: t.Mapping[str, t.Any]) -> str:
    """Render the results as the Markdown table the performance page shows."""
    rows = ["| benchmark | measured | target | met |", "|---|---|---|---|"]
    for row in results["throughput"]:
        rows.append(
            f"| CPU {row['tap']} `{row['stream']}` ({row['records']:,} records, no latency) | "
            f"{row['tap_records_per_second']:,}/s vs floor {row['floor_records_per_second']:,}/s"
            f" = {row['ratio']:.2f}; floor CPU share {row['floor_cpu_share']:.2f} | "
            f"{row['target']} | {_met(row)} |"
        )
    for row in results["latency"]:
        rows.append(
            f"| latency {row['tap']} `{row['stream']}` ({row['records']:,} records, "
            f"{row['latency_ms']} ms a call) | {row['tap_records_per_second']:,}/s vs floor "
            f"{row['floor_records_per_second']:,}/s = {row['ratio']:.2f} | {row['target']} | "
            f"{_met(row)} |"
        )
    for row in results["push"]:
        rows.append(
            f"| push {row['connector']} `{row['stream']}` ({row['records']:,} new, "
            f"{row['latency_ms']} ms a call, defaults) | {row['seconds']} s = "
            f"{row['share_of_sequential']:.2f} of sequential {row['sequential_minimum_seconds']:g}"
            f" s; {row['calls']} calls, {row['arrived']:,} arrived | {row['target']} | "
            f"{_met(row)} |"
        )
    polite = results["politeness"]
    rows.append(
        f"| politeness {polite['tap']} `{polite['stream']}` ({polite['latency_ms']} ms a call,"
        f" API allows {polite['max_in_flight']} in flight, defaults) | {polite['records']:,} of "
        f"{polite['customers']:,} records, {polite['refused']} x 429 in {polite['calls']} calls "
        f"({polite['refused_share']:.1%}) | {polite['target']} | {_met(polite)} |"
    )
    for row in results["memory"]:
        rows.append(
            f"| peak RSS {row['tap']} `{row['stream']}` | {row['small_records']:,}: "
            f"{row['small_peak_rss_mb']} MB, {row['large_records']:,}: "
            f"{row['large_peak_rss_mb']} MB = {row['ratio']:.2f}x | {row['target']} | "
            f"{_met(row)} |"
        )
    for row in results["requests"]:
        rows.append(
            f"| requests {row['tap']} `{row['stream']}` ({row['records']:,} records, "
            f"{row['paging']}) | full {row['full_requests']}, rerun "
            f"{row['incremental_requests']} | full {row['full_minimum']}, rerun "
            f"{row['incremental_minimum']} | {_met(row)} |"
        )
    hc = results["hellocustomer_ceiling"]
    rows.append(
        f"| target-hellocustomer {hc['respondents']:,} respondents, batch {hc['batch_size']}, "
        f"1 call/s | {hc['records_per_second']}/s ({hc['share_of_ceiling']:.0%} of ceiling), "
        f"{hc['stats']['rate_limited']} x 429 | {hc['target']} | {_met(hc)} |"
    )
    for row in results["incremental"]:
        rows.append(
            f"| rerun with nothing new {row['tap']} `{row['stream']}` | {row['seconds']} s, "
            f"{row['requests']} request(s) for {row['partitions']} partition(s) | "
            f"{row['target']} | {_met(row)} |"
        )
    return "\n".join(rows)


def replace_table(page: Path, rendered: str) -> None:
    """Put ``rendered`` between a page's bench markers, leaving the rest as it is.

    Raises:
        ValueError: When the page lacks the markers, in that order.
    """
    text = page.read_text()
    start = text.find(TABLE_START)
    end = text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"{page} has no {TABLE_START} ... {TABLE_END} section")
    head = text[: start + len(TABLE_START)]
    page.write_text(f"{head}\n{rendered}\n{text[end:]}")


def _pair(axes: t.Any, labels: list[str], series: list[tuple[str, list[float]]]) -> None:
    """Draw two bars per label, one per series."""
    positions = range(len(labels))
    for offset, (name, values) in zip((-0.2, 0.2), series, strict=True):
        axes.bar([p + offset for p in positions], values, 0.4, label=name)
    axes.set(xticks=list(positions), xticklabels=labels)
    axes.legend()


def chart(results: t.Mapping[str, t.Any], path: Path) -> None:
    """Draw every figure of the table as a PNG of six panels."""
    import matplotlib as mpl  # noqa: PLC0415 - only the runner needs it

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, panels = plt.subplots(2, 3, figsize=(16, 8))
    (cpu, latency, pushes), (memory, calls, shares) = panels
    throughput, ram, requests = results["throughput"], results["memory"], results["requests"]
    # The records asked for: each tap's own count differs a little (3 forms of 3,334).
    scale = SCALES[results["meta"]["scale"]]
    for axes, rows, title in (
        (cpu, throughput, "CPU: records/s, no latency"),
        (latency, results["latency"], "Latency: records/s at 100 ms a call"),
    ):
        _pair(
            axes,
            [row["tap"] for row in rows],
            [
                ("floor (requests loop)", [r["floor_records_per_second"] for r in rows]),
                ("tap", [r["tap_records_per_second"] for r in rows]),
            ],
        )
        axes.set(title=title)
    push = results["push"]
    _pair(
        pushes,
        [row["connector"] for row in push],
        [
            ("a quarter of sequential", [r["sequential_minimum_seconds"] / 4 for r in push]),
            ("target", [r["seconds"] for r in push]),
        ],
    )
    pushes.set(title=f"Pushes: seconds for {scale.push_records} records at 100 ms a call")
    _pair(
        memory,
        [row["tap"] for row in ram],
        [
            (f"about {scale.memory_small:,} records", [r["small_peak_rss_mb"] for r in ram]),
            (f"about {scale.memory_large:,} records", [r["large_peak_rss_mb"] for r in ram]),
        ],
    )
    memory.set(title="Peak RSS (MB)")
    _pair(
        calls,
        [row["tap"] for row in requests],
        [
            ("minimum", [r["full_minimum"] for r in requests]),
            ("tap, full sync", [r["full_requests"] for r in requests]),
        ],
    )
    calls.set(title="HTTP requests, full sync")
    polite, ceiling = results["politeness"], results["hellocustomer_ceiling"]
    labels = [f"floor CPU share\n{row['tap']}" for row in throughput]
    labels += ["429s per call\npoliteness", "share of ceiling\ntarget-hellocustomer"]
    values = [row["floor_cpu_share"] for row in throughput]
    values += [polite["refused_share"], ceiling["share_of_ceiling"]]
    shares.bar(labels, values)
    shares.set(title="Shares (floor >= 0.9, 429s <= 0.05, ceiling >= 0.95)", ylim=(0, 1.1))
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
