"""`radacs bench mmu`: the plan of shapes, the report, bad arguments, and one short
run in RTL per unit (HMMU, LMMU) whose counters must equal the model
(verif/common/mmu_bench.py)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ip.hmmu import SUPPORTED
from models import hmmu_rtl, unet
from verif.common import mmu_bench

HMMU_4X4 = SUPPORTED[0]
HMMU_8X8 = SUPPORTED[1]


@pytest.mark.parametrize("params", [HMMU_4X4, HMMU_8X8], ids=["4x4", "8x8"])
def test_plan_covers_every_distinct_shape(params):
    run, skipped = mmu_bench.hmmu_plan(params, "tiny-sdxl")
    gemms = unet.workload("tiny-sdxl")
    assert {(c["M"], c["K"], c["N"]) for c in run + skipped} == {g.shape for g in gemms}
    assert sum(c["count"] for c in run + skipped) == sum(g.count for g in gemms)
    bufs = (params["WBUF_BYTES"], params["XBUF_BYTES"], params["OBUF_BYTES"])
    for c in run:
        assert hmmu_rtl.fits(c["K"], c["TILE_M"], params["ROWS"], params["COLS"], *bufs), c
        assert c["home"] == (c["N"] >= c["K"])
    for s in skipped:   # only shapes whose K exceeds an X buffer half are left out
        assert s["K"] > hmmu_rtl.capacity(params["ROWS"], params["COLS"], *bufs)["max_k"], s


def test_choose_tile_m_is_the_largest_balanced_fit():
    R, C, W, X, O = 8, 8, 16384, 16384, 2048
    assert hmmu_rtl.choose_tile_m(64, 576, R, C, W, X, O) == 24   # W banks: 256 // 72 = 3 units
    assert hmmu_rtl.choose_tile_m(100, 64, R, C, W, X, O) == 32   # output half: 32 rows
    assert hmmu_rtl.choose_tile_m(5, 64, R, C, W, X, O) == 8      # capped at ROWS*ceil(M/ROWS)
    assert hmmu_rtl.choose_tile_m(5, 1025, R, C, W, X, O) is None  # K > X half (1024)
    assert not hmmu_rtl.fits(64, 12, R, C, W, X, O)                 # not a multiple of ROWS


def _radacs(*args):
    return subprocess.run([sys.executable, "-m", "ip.cli", "bench", "mmu", *args],
                          capture_output=True, text=True)


@pytest.mark.parametrize("args,msg", [
    (["--ip", "lmmu", "-p", "ROWS=1"], "lmmu: ROWS must be >= 2, got 1"),
    (["--ip", "lmmu", "--limit", "0"], "--limit must be >= 1, got 0"),
    (["--ip", "hmmu", "--limit", "0"], "--limit must be >= 1, got 0"),
    (["--ip", "hmmu", "-p", "ROWS=3"], "hmmu: ROWS must be a power of two in 2..32, got 3"),
])
def test_bad_arguments_one_line_exit_2(args, msg):
    r = _radacs(*args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and msg in r.stderr, r.stderr


@pytest.mark.sim
def test_short_run_matches_the_model(tmp_path):
    """The two shortest tiny-SDXL shapes on the 4x4 set in Icarus: Y exact, every
    counter equal to models.hmmu_rtl, the JSON and the table written."""
    js = tmp_path / "bench.json"
    doc = mmu_bench.bench("hmmu", dict(HMMU_4X4), simulator="icarus", limit=2, json_path=js)
    assert doc["passed"], doc
    assert len(doc["rows"]) == 2
    assert doc["summary"]["all_cycles_equal"] and doc["summary"]["all_y_exact"]
    for r in doc["rows"]:
        assert r["rtl_cycles"] == r["model_cycles"] and not r["counters_mismatch"], r
        assert r["dram_bytes"] == r["dram_bytes_model"], r
        assert r["sim_cycles_per_second"] > 0
    assert json.loads(js.read_text())["rows"] == doc["rows"]
    assert "| RTL cycles | model cycles |" in js.with_suffix(".md").read_text()


def test_lmmu_plan_sample_tiles_fit():
    """The LMMU runs every shape (none skipped); a --limit sample is the smallest shapes
    by M*K*N, tiled by models.lmmu_rtl.choose_tiles within the buffers, home = low-res."""
    from ip.lmmu import DEFAULT
    from ip.lmmu.lmmu_core import capacity_ok

    run, skipped = mmu_bench.plan("lmmu", DEFAULT, "tiny-sdxl", limit=3)
    assert skipped == [] and len(run) == 3
    sizes = sorted(g.M * g.K * g.N for g in {g.shape: g for g in
                                             unet.workload("tiny-sdxl")}.values())
    assert sorted(c["M"] * c["K"] * c["N"] for c in run) == sizes[:3]
    for c in run:
        assert capacity_ok(DEFAULT, c["M"], c["K"], c["N"], c["TILE_M"], c["TILE_N"],
                           c["TILE_K"]), c
        assert c["home"] == (c["N"] < c["K"]) and c["bias_en"] == c["requant_en"] == 1


@pytest.mark.sim
def test_lmmu_short_run_matches_the_model(tmp_path):
    """The two smallest tiny-SDXL shapes on the LMMU 4x4 set in Verilator: Y exact,
    every counter equal to models.lmmu_rtl, the JSON and the table written."""
    from ip.lmmu import SUPPORTED as LMMU_SETS

    js = tmp_path / "bench.json"
    doc = mmu_bench.bench("lmmu", dict(LMMU_SETS[0]), simulator="verilator", limit=2,
                          json_path=js)
    assert doc["passed"], doc
    assert len(doc["rows"]) == 2 and doc["not_run"] == []
    assert doc["summary"]["all_cycles_equal"] and doc["summary"]["all_y_exact"]
    for r in doc["rows"]:
        assert r["rtl_cycles"] == r["model_cycles"] and not r["counters_mismatch"], r
        assert r["dram_bytes"] == r["dram_bytes_model"], r
        assert r["sim_cycles_per_second"] > 0
    assert json.loads(js.read_text())["rows"] == doc["rows"]
    assert "| tiles M×N×K | RTL cycles | model cycles |" in js.with_suffix(".md").read_text()


def test_committed_bench_is_current():
    """ip/hmmu/bench.json (the README's table) ran the default set on every shape of the
    current plan, and its model cycles are what models.hmmu_rtl predicts today."""
    from pathlib import Path

    import ip.hmmu as hmmu

    doc = json.loads((Path(hmmu.__file__).parent / "bench.json").read_text())
    assert doc["params"] == hmmu.check({}) and doc["module"] == hmmu.module_name({})
    run, skipped = mmu_bench.hmmu_plan(doc["params"], doc["workload"])
    assert [(c["M"], c["K"], c["N"], c["TILE_M"]) for c in run] == \
        [(r["M"], r["K"], r["N"], r["TILE_M"]) for r in doc["rows"]]
    assert len(skipped) == len(doc["not_run"])
    for c, r in zip(run, doc["rows"]):
        assert r["model_cycles"] == mmu_bench.hmmu_model(c, doc["params"])["CYCLES"], r
        assert r["rtl_cycles"] == r["model_cycles"] and r["y_exact"], r
    readme = (Path(hmmu.__file__).parent / "README.md").read_text()
    assert mmu_bench.table(doc).rstrip() in readme


def test_committed_lmmu_bench_is_current():
    """ip/lmmu/bench.json ran the default set on every distinct tiny-SDXL shape, and
    models.lmmu_rtl still predicts its model cycles (and RTL = model) for its tiles.
    (Re-planning every shape with choose_tiles takes about a minute: the tiles of the
    smallest shapes are checked against today's plan.)"""
    from pathlib import Path

    import ip.lmmu as lmmu

    doc = json.loads((Path(lmmu.__file__).parent / "bench.json").read_text())
    assert doc["params"] == lmmu.check(lmmu.DEFAULT)
    assert doc["module"] == lmmu.module_name(lmmu.DEFAULT)
    shapes = {(s["M"], s["K"], s["N"]) for s in mmu_bench.shapes(doc["workload"])}
    assert {(r["M"], r["K"], r["N"]) for r in doc["rows"]} == shapes and not doc["not_run"]
    sample, _ = mmu_bench.plan("lmmu", doc["params"], doc["workload"], limit=4)
    rows = {(r["M"], r["K"], r["N"]): r for r in doc["rows"]}
    for c in sample:
        r = rows[(c["M"], c["K"], c["N"])]
        assert (r["TILE_M"], r["TILE_N"], r["TILE_K"]) == (c["TILE_M"], c["TILE_N"],
                                                           c["TILE_K"]), r
    for r in doc["rows"]:
        if r["M"] * r["K"] * r["N"] > 5_000_000:
            continue            # the largest shapes: the model takes seconds each
        case = dict(r, bias_en=1, requant_en=1)
        assert r["model_cycles"] == mmu_bench.lmmu_model(case, doc["params"])["CYCLES"], r
        assert r["rtl_cycles"] == r["model_cycles"] and r["y_exact"], r
    assert doc["summary"]["all_cycles_equal"] and doc["summary"]["all_y_exact"]
