"""LMMU top (work in progress, issue 4): GEMMs through real AXI4 on two ports
(cocotbext-axi AxiRamRead on port 0, AxiRam on port 1, one memory) and AXI4-Lite
(AxiLiteMaster) on Icarus (without and with random pauses) and Verilator (with
pauses), bit-exact against models.gemm / models.quant, memory outside Y unchanged,
ACTIVE exact; every bad-command error code with no write on either port; start while
busy; CTRL.soft_reset aborts (error 7) and the next command is correct.  The top
converts and passes ``verilator --lint-only -Wall`` (ip/lmmu/lint.vlt) for the 4x4 and
8x8 presets.  See verif/lmmu/lmmu_smoke.py."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from verif.common import runner as vrun

LINT_VLT = Path(__file__).resolve().parents[1] / "ip" / "lmmu" / "lint.vlt"


def preset(name: str) -> dict:
    from models.mmu import PRESETS
    c = PRESETS[name]
    return dict(ROWS=c.rows, COLS=c.cols, WBUF_BYTES=c.wbuf_bytes, XBUF_BYTES=c.xbuf_bytes,
                OBUF_BYTES=c.obuf_bytes)


# models.mmu 'lmmu-4x4': W 512 B, X 512 B, O 4 KiB (TILE_M*ceil(TILE_K/4) <= 64,
# TILE_K*TILE_N <= 256, TILE_M*TILE_N <= 1024).
CFG = preset("lmmu-4x4")
# [M, K, N, TILE_M, TILE_N, TILE_K, bias_en, requant_en, seed]
CASES = [[16, 200, 8, 8, 8, 32, 1, 1, 1],    # low-res: K large, N small, last chunk 8
         [9, 100, 5, 4, 8, 32, 0, 1, 2],     # low-res, N below one column group
         [5, 9, 7, 8, 8, 9, 1, 0, 3],        # one chunk (TILE_K = K, unaligned)
         [13, 37, 11, 8, 4, 16, 0, 0, 4],    # edge tiles in M, N and K
         [24, 64, 20, 16, 12, 16, 1, 1, 5],  # several full tiles, edge N tile
         [3, 2, 30, 4, 16, 4, 0, 0, 6],      # K < ROWS, M < ROWS
         [1, 1, 1, 4, 4, 4, 1, 1, 7]]


# Slow tier (make regress): every check here is also made, in the default run, by the
# pyuvm regression of the same simulator (tests/test_lmmu_sim.py::test_lmmu_regression, the
# 4x4 set on Icarus and on Verilator; verif/lmmu/env.py): Y bit-exact and every other
# byte unchanged, ACTIVE and the byte counters exact (WR_BYTES0 = 0), port 0 never raises
# a write valid, every bad-command code (each buffer rule alone) with no write on either
# port, start while busy, soft reset mid-command -> error 7 and the next command
# bit-exact, irq, HWCFG.
@pytest.mark.slow
@pytest.mark.parametrize("sim,pause", [("icarus", 0), ("icarus", 1), ("verilator", 1)])
def test_lmmu_smoke(tmp_path, sim, pause, monkeypatch):
    from cocotb_tools.runner import get_runner
    from ip.common import tools
    from ip.lmmu.lmmu import lmmu, ports

    tools.apply_tool_env()
    inst = lmmu(**ports(CFG), **CFG)
    inst.convert(hdl="Verilog", path=str(tmp_path), name="radacs_lmmu_smoke", testbench=False,
                 timescale="1ns/1ps")
    r = get_runner(sim)
    extra = {"build_args": ["-Wno-fatal"]} if sim == "verilator" else {}
    r.build(sources=[tmp_path / "radacs_lmmu_smoke.v"], hdl_toplevel="radacs_lmmu_smoke",
            build_dir=tmp_path / "build", timescale=("1ns", "1ps"), **extra)
    monkeypatch.setenv("RADACS_SMOKE_CASES", json.dumps(CASES))   # no leak into later tests
    monkeypatch.setenv("RADACS_SMOKE_PAUSE", str(pause))
    monkeypatch.setenv("RADACS_SMOKE_CFG", json.dumps(CFG))
    vrun.run_cocotb(r, hdl_toplevel="radacs_lmmu_smoke", test_module="verif.lmmu.lmmu_smoke",
                    build_dir=tmp_path / "build", test_dir=tmp_path,
                    results_xml=str(tmp_path / "results.xml"))
    res = vrun.parse_results(tmp_path / "results.xml")
    assert len(res) == 3, res
    bad = [t for t in res if not t.passed]
    assert not bad, "\n".join(f"{t.name}: {t.message}" for t in bad)


# lmmu-8x8 is slow (make regress): the default run lints the 4x4 preset and ROWS = 3 here,
# and an 8x8 top (the default set, with lint.vlt) in tests/test_fusesoc.py::test_umbrella_core_lint.
@pytest.mark.parametrize("name", ["lmmu-4x4", pytest.param("lmmu-8x8", marks=pytest.mark.slow),
                                  "r3c8"])
def test_lmmu_top_is_verilator_wall_clean(tmp_path, name):
    """The top converts and passes Verilator -Wall with ip/lmmu/lint.vlt (every waiver
    says why): the 4x4 and 8x8 presets and ROWS = 3 (TILE_M mod ROWS by the reciprocal
    multiply instead of a mask)."""
    from ip.common import tools
    from ip.lmmu.lmmu import build, module_name

    tools.apply_tool_env()
    if name == "r3c8":
        p = dict(ROWS=3, COLS=8, WBUF_BYTES=768, XBUF_BYTES=1024, OBUF_BYTES=2048)
    else:
        p = dict(preset(name), MAX_BURST=16, OUTSTANDING=8)
    mod = module_name(p)
    inst, _ = build(p)
    inst.convert(hdl="Verilog", path=str(tmp_path), name=mod, testbench=False,
                 timescale="1ns/1ps")
    out = subprocess.run(["verilator", "--lint-only", "-Wall", str(LINT_VLT),
                          str(tmp_path / f"{mod}.v"), "--top-module", mod],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-4000:]


def test_lmmu_tile_m_reciprocal():
    """TILE_M // ROWS as (TILE_M * ceil(2^30/ROWS)) >> 30 (the top's check when ROWS is
    not a power of two) is exact for every 24-bit TILE_M and ROWS <= 32."""
    import numpy as np
    from ip.lmmu.lmmu_core import DIM_W
    x = np.arange(1 << DIM_W, dtype=np.uint64)
    for R in (3, 5, 6, 7, 11, 12, 24, 31):
        rs = DIM_W + 6
        q = (x * np.uint64(-(-(1 << rs) // R))) >> np.uint64(rs)
        assert np.array_equal(q, x // np.uint64(R)), R


def test_lmmu_params():
    from ip.lmmu.lmmu import check, module_name
    assert module_name(dict(preset("lmmu-4x4"), MAX_BURST=16, OUTSTANDING=8)) == \
        "radacs_lmmu_r4_c4_wb512_xb512_ob4k_mb16_o8"
    assert module_name({}) == "radacs_lmmu_r8_c8_wb8k_xb8k_ob64k_mb16_o8"  # ip.lmmu.DEFAULT
    for bad, msg in ((dict(COLS=12), "lmmu: COLS must be"),
                     (dict(WBUF_BYTES=1000), "lmmu: WBUF_BYTES must be"),
                     (dict(XBUF_BYTES=96), "lmmu: XBUF_BYTES must be"),
                     (dict(OBUF_BYTES=32), "lmmu: OBUF_BYTES must be"),
                     (dict(ROWS=33), "lmmu: ROWS must be"),
                     (dict(MAX_BURST=0), "lmmu: MAX_BURST must be")):
        with pytest.raises(ValueError, match=msg):
            check(bad)
