"""Timing probe of the HMMU (development aid of the cycle model models/hmmu_rtl.py).

Run by tests/tools/hmmu_trace.py: for each case of RADACS_SMOKE_CASES, with no pause
anywhere, the core's state changes (cycle, state) and the CYCLES register are written
to the JSON file RADACS_SMOKE_TRACE, so a difference from the model can be located
phase by phase.
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from verif.hmmu.hmmu_smoke import prepare, rreg, setup, wait_done, wreg


@cocotb.test()
async def hmmu_trace(dut):
    """Each case's core state changes (cycle, state) and CYCLES, without any pause."""
    ram, csr = await setup(dut)
    B = len(dut.m_axi_wstrb)
    out = []
    cases = json.loads(os.environ.get("RADACS_SMOKE_CASES", "[[5, 9, 7, 8, 1, 1, 1]]"))
    for M, K, N, tm, bias_en, requant_en, seed in cases:
        lay, W, X, bias, mult, shift, want, ob = prepare(M, K, N, bias_en, requant_en, seed, B)
        for name, v in lay.items():
            await wreg(csr, name, v)
        for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tm),
                        ("CFG", bias_en | requant_en << 1)):
            await wreg(csr, name, v)
        trace = []

        async def probe():
            c, last = 0, None
            while True:
                await RisingEdge(dut.clk)
                c += 1
                s = int(dut.hmmu_core0_state.value)
                if s != last:
                    trace.append((c, s))
                    last = s
        task = cocotb.start_soon(probe())
        await wreg(csr, "CTRL", 1)
        err = await wait_done(dut, csr)
        task.cancel()
        out.append({"case": [M, K, N, tm, bias_en, requant_en], "err": err,
                    "cycles": await rreg(csr, "CYCLES"), "trace": trace})
    with open(os.environ["RADACS_SMOKE_TRACE"], "w") as f:
        json.dump(out, f)
