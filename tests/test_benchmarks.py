"""The benchmark runner works end to end on tiny data (timings are not checked: not a test)."""

from __future__ import annotations

import json

import pytest

from benchmarks import report, run
from benchmarks.cases import BUENNO_REPLIES, FEEDBACKAPI_CUSTOMERS, HELLOCUSTOMER_RESPONSES


def test_runner_writes_every_benchmark_on_tiny_data(tmp_path, capsys):
    assert run.main(["--scale", "tiny", "--out", str(tmp_path), "--no-chart"]) == 0

    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results) == {
        "meta",
        "throughput",
        "latency",
        "push",
        "politeness",
        "memory",
        "requests",
        "incremental",
        "hellocustomer_ceiling",
    }
    assert {row["tap"] for row in results["throughput"]} == {"tap-buenno", "tap-feedbackapi"}
    assert all(row["tap_records_per_second"] > 0 for row in results["throughput"])
    assert all(row["floor_cpu_share"] > 0 for row in results["throughput"])
    assert {row["tap"] for row in results["latency"]} == {"tap-buenno", "tap-feedbackapi"}
    assert all(row["latency_ms"] == 100 for row in results["latency"])
    # Every pushed record arrived, with at least one call each: the API has no batch call.
    pushes = {row["connector"]: row for row in results["push"]}
    assert set(pushes) == {"target-buenno", "target-feedbackapi"}
    assert all(row["arrived"] == row["records"] > 0 for row in pushes.values())
    assert all(row["calls"] >= row["records"] for row in pushes.values())
    politeness = results["politeness"]
    assert politeness["records"] == politeness["customers"] > 0
    assert politeness["max_in_flight"] == 2
    assert all(row["large_peak_rss_mb"] > 0 for row in results["memory"])
    assert results["hellocustomer_ceiling"]["stats"]["rate_limited"] == 0
    assert set(results["meta"]["section_seconds"]) == {
        "install",
        "throughput",
        "latency",
        "push",
        "politeness",
        "memory",
        "requests",
        "hellocustomer_ceiling",
    }
    # Request counts do not depend on the machine: every tap asks for no more than the minimum.
    requests = {row["tap"]: row for row in results["requests"]}
    assert set(requests) == {"tap-buenno", "tap-feedbackapi", "tap-hellocustomer"}
    hellocustomer = requests["tap-hellocustomer"]
    assert hellocustomer["records"] > 0
    assert hellocustomer["full_requests"] == hellocustomer["full_minimum"] == 3 * 14
    assert hellocustomer["incremental_requests"] == hellocustomer["incremental_minimum"] == 3
    assert all(row["met"] for row in results["requests"])
    reruns = {row["tap"]: row for row in results["incremental"]}
    assert reruns["tap-hellocustomer"]["new_records"] == 0
    assert reruns["tap-hellocustomer"]["partitions"] == 3
    output = capsys.readouterr().out
    assert "| requests tap-hellocustomer `responses`" in output
    assert "| rerun with nothing new tap-hellocustomer `responses`" in output
    assert "| push target-feedbackapi `customers`" in output
    assert "| politeness tap-feedbackapi `customers`" in output
    assert "floor CPU share" in output


@pytest.mark.parametrize(
    ("case", "records", "minimum"),
    [
        (BUENNO_REPLIES, 10_002, 11),
        (BUENNO_REPLIES, 10_000, 10),
        (FEEDBACKAPI_CUSTOMERS, 10_000, 100),
        (FEEDBACKAPI_CUSTOMERS, 0, 1),
        # 365 days in windows of at most 28 days is 14 calls per touchpoint, however many.
        (HELLOCUSTOMER_RESPONSES, 10_002, 42),
        (HELLOCUSTOMER_RESPONSES, 0, 42),
    ],
)
def test_minimum_requests_follow_the_apis_rules(case, records, minimum):
    assert case.minimum_requests(records) == minimum


def test_a_stream_read_whole_reruns_at_its_full_minimum():
    assert FEEDBACKAPI_CUSTOMERS.rerun_minimum(10_000) == 100
    assert BUENNO_REPLIES.rerun_minimum(10_000) == 1


def test_table_is_replaced_between_the_markers_only(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"# Title\n\n{report.TABLE_START}\n| old |\n{report.TABLE_END}\n\nAfter.\n")

    report.replace_table(page, "| new |\n|---|")

    assert page.read_text() == (
        f"# Title\n\n{report.TABLE_START}\n| new |\n|---|\n{report.TABLE_END}\n\nAfter.\n"
    )


def test_page_without_markers_is_left_alone(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text("# Title\n")

    with pytest.raises(ValueError, match="bench:table"):
        report.replace_table(page, "| new |")
    assert page.read_text() == "# Title\n"
