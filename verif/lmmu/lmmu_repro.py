"""Minimal reproducers of LMMU RTL findings of the pyuvm environment (cocotb module,
run by tests/test_lmmu_sim.py; Icarus: reads internal signals of the top).

``status_busy_done_gap``: after an accepted start, STATUS must never read busy = 0 and
done = 0 before the command's done is visible.  The top derives STATUS.busy from the
core's ``busy`` (low from the cycle the core pulses ``done``), while STATUS.done is set
through ``done_set`` (one register) and the register block (another), so for two cycles
a STATUS read returns 0x0: software polling "until not busy" then sees a command that
ended without done.
"""
from __future__ import annotations

import cocotb
from cocotb.triggers import FallingEdge

from verif.lmmu import lmmu_smoke as smoke


@cocotb.test()
async def status_busy_done_gap(dut):
    ram, csr, _ = await smoke.setup(dut)
    B = len(dut.m1_axi_wstrb)
    M, K, N = 3, 5, 4
    lay, W, X, bias, mult, shift, _, _ = smoke.prepare(M, K, N, 1, 1, 1, B)
    smoke.load(ram, lay, W, X, bias, mult, shift, 1)
    await smoke.program(csr, lay, M, K, N, B, B, B, 1, 1)
    await smoke.wreg(csr, "CTRL", 1)
    started, gaps = False, []
    for cycle in range(20000):
        await FallingEdge(dut.clk)
        busy, done = int(dut.r_status_busy.value), int(dut.r_status_done.value)
        started = started or busy
        if done:
            break
        if started and not busy:
            gaps.append(cycle)
    assert done, "no done"
    assert not gaps, (f"STATUS read 0x0 (busy 0, done 0) in {len(gaps)} cycle(s) between "
                      f"the command's end and STATUS.done (cycles {gaps} after start)")
