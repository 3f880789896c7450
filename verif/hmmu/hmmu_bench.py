"""cocotb module of ``radacs bench mmu --ip hmmu``: one GEMM command per corpus entry.

DRAM is cocotbext-axi ``AxiRam`` with no pauses (the cost model's memory: ``L = Lb =
2``), the registers are programmed with ``AxiLiteMaster``.  For every case
``{"M", "K", "N", "TILE_M", "bias_en", "requant_en", "seed"}`` of the corpus (knobs,
verif/common/knobs.py) the Y region must equal models.gemm / models.quant; the
performance counters and the wall time of the command go to ``bench.json`` next to
the run's coverage directory, where ``verif/common/mmu_bench.py`` reads them.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import cocotb
from cocotb.triggers import RisingEdge
import numpy as np

from ip.mmu import regmap as rm
from verif.common import knobs as knobs_mod
from verif.hmmu import hmmu_smoke as smoke

COUNTERS = ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT", "RD_BYTES0", "RD_BYTES1",
            "WR_BYTES0", "WR_BYTES1")


def memory_bytes(cases, B) -> int:
    """The smallest power of two holding the largest case's layout (smoke.prepare)."""
    need = 1 << 16
    for c in cases:
        M, K, N = c["M"], c["K"], c["N"]
        pad = lambda b: -(-b // B) * B  # noqa: E731
        need = max(need, 0x1000 + M * (pad(K) + B) + K * pad(N) + 16 * M
                   + M * (pad(4 * N) + B) + 4096)
    return 1 << (need - 1).bit_length()


@cocotb.test()
async def hmmu_bench(dut):
    k = knobs_mod.load()
    cases = k.corpus or []
    assert cases, "hmmu_bench: empty corpus"
    B = len(dut.m_axi_wstrb)
    mem = memory_bytes(cases, B)
    ram, csr = await smoke.setup(dut, mem=mem, pause=False)   # the model's memory
    out, bad = [], []
    for c in cases:
        M, K, N, tm = c["M"], c["K"], c["N"], c["TILE_M"]
        lay, W, X, bias, mult, shift, want, ob = smoke.prepare(
            M, K, N, c["bias_en"], c["requant_en"], c["seed"], B, mem=mem)
        smoke.load_operands(ram, lay, W, X, bias, mult, shift)
        await smoke.program(csr, lay, M, K, N, tm, c["bias_en"], c["requant_en"])
        t0 = time.perf_counter()
        await smoke.wreg(csr, "CTRL", 0b101)        # start, irq_en: wait for irq, no polling
        await RisingEdge(dut.irq)
        wall = time.perf_counter() - t0
        err = await smoke.wait_done(dut, csr)
        got = smoke.y_rows(ram, lay, M, N, ob)
        counters = {n: await smoke.rreg(csr, n) for n in COUNTERS}
        ok = err == rm.ERR_NONE and np.array_equal(got, want)
        if not ok:
            bad.append(f"{M}x{K}x{N}: error {err}, Y {'equal' if np.array_equal(got, want) else 'differs'}")
        out.append({**c, "error": err, "y_exact": bool(np.array_equal(got, want)),
                    "counters": counters, "wall_seconds": wall})
        dut._log.info(f"{M}x{K}x{N} TILE_M={tm}: {counters['CYCLES']} cycles in {wall:.2f} s")
    base = Path(k.coverage_dir).parent if k.coverage_dir else Path(".")
    (base / "bench.json").write_text(json.dumps(out, indent=1) + "\n")
    assert not bad, "; ".join(bad)
