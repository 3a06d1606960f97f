"""Smoke test of the probe benchmark's harness (bench/probes.py --smoke): it runs, records, and every
cell gets a result. No assertion on time: figures come from ``bench/run`` on a quiet machine."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
PHASE_FIELDS = {"mode", "concurrency", "max_subpages", "probes", "wall_s", "probes_per_s", "cpu_s", "cpu_s_per_probe",
                "peak_rss_mib", "peak_pss_mib", "ok", "stored", "statuses", "load_avg_1m", "extrapolated_from"}


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_probes", BENCH / "probes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_the_smoke_run_records_every_probe_and_the_baseline(tmp_path):
    results = tmp_path / "probes.jsonl"
    load_bench().main(["--smoke", "--results", str(results)])
    lines = results.read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert {"date", "commit", "cpus", "probes", "farm", "phases", "speedup", "load_avg_start"} <= set(record)
    assert record["probes"] == 3 and record["farm"]["sites"] == 3
    matrix, baseline = record["phases"]
    assert (matrix["mode"], baseline["mode"]) == ("matrix", "baseline")
    for phase in (matrix, baseline):
        assert PHASE_FIELDS <= set(phase)
        assert phase["wall_s"] > 0 and phase["cpu_s"] > 0 and phase["peak_rss_mib"] > 0
    assert matrix["stored"] == matrix["ok"] == 3, matrix
    assert baseline["stored"] == baseline["ok"] == 1 and baseline["extrapolated_from"] == 1, baseline
    assert record["speedup"][0]["wall_ratio"] > 0
