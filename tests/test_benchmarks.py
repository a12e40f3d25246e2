"""The benchmark runner works end to end on tiny data (figures are not checked: not a test)."""

from __future__ import annotations

import json

from benchmarks import run


def test_runner_writes_every_benchmark_on_tiny_data(tmp_path, capsys):
    assert run.main(["--scale", "tiny", "--out", str(tmp_path), "--no-chart"]) == 0

    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results) == {
        "meta",
        "throughput",
        "memory",
        "requests",
        "incremental",
        "hellocustomer_ceiling",
    }
    assert {row["tap"] for row in results["throughput"]} == {"tap-buenno", "tap-feedbackapi"}
    assert all(row["tap_records_per_second"] > 0 for row in results["throughput"])
    assert all(row["large_peak_rss_mb"] > 0 for row in results["memory"])
    assert results["hellocustomer_ceiling"]["stats"]["rate_limited"] == 0
    assert "| benchmark |" in capsys.readouterr().out
