"""Minimal reproducers of HMMU findings of the pyuvm environment (cocotb module, run by
tests/test_hmmu_sim.py on Icarus; reads internal signals of the top).

``soft_reset_read_inflight`` / ``soft_reset_write_inflight``: CTRL.soft_reset while an
AXI read (write) burst is outstanding, with no pauses anywhere (stress ``none``), the
way ``HmmuResetTest`` does it: the slave's R (B) channel is held so the burst is still
in flight when the soft reset lands, then given back with :func:`mmu_env.release`.  The
command must end with done and ERR_ABORTED, write nothing outside Y, leave no AXI
valid high, and the next command must run bit-exact with the model's cycle count.
Before ``mmu_env.release`` the env gave the channel back with
``set_pause_generator(None)``, which leaves cocotbext-axi's last pause value (1) in
place: the slave never answered the burst and the HMMU, correctly waiting for it, stayed
busy ("still busy 100000 cycles after a soft reset", HmmuResetTest seed 4242, stress
none, 4x4 set).

``status_busy_done_gap``: after an accepted start, STATUS must never read busy = 0 and
done = 0 before the command's done is visible.  STATUS.busy was the core's ``busy``
(low from the cycle the core pulses ``done``) while STATUS.done is set through
``done_set`` (one register) and the register block (another), so for two cycles a
STATUS read returned busy 0, done 0; busy now also covers ``core_done`` and
``done_set`` (as in the LMMU).
"""
from __future__ import annotations

import itertools
import random

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, FallingEdge

from ip.mmu import regmap as rm
from models import hmmu_rtl
from verif.common import mmu_env as me
from verif.hmmu import hmmu_smoke as smoke

MEM = smoke.MEM


def _sample(dut, names):
    out = {}
    for n in names:
        v = getattr(dut, n).value
        out[n] = int(v) if v.is_resolvable else 0
    return out


async def _soft_reset_inflight(dut, kind):
    ram, csr = await smoke.setup(dut, pause=False)
    B = len(dut.m_axi_wstrb)
    R = (await smoke.rreg(csr, "HWCFG") >> 4) & 0xFF
    # The env's long command on this set: several W rows, column tiles and stores.
    M, K, N, tm = 2 * R + 1, 64, 2 * B + 1, 4 * R
    lay, W, X, bias, mult, shift, want, ob = smoke.prepare(M, K, N, 1, 1, 7, B)
    ram.write(0, np.random.default_rng(7).integers(0, 256, MEM, dtype=np.uint8).tobytes())
    smoke.load_operands(ram, lay, W, X, bias, mult, shift)
    before = bytes(ram.read(0, MEM))
    await smoke.program(csr, lay, M, K, N, tm, 1, 1)
    await smoke.wreg(csr, "CTRL", 1)
    pins = [f"m_axi_{n}" for n in me.AXI_HANDSHAKE_PINS]
    bus = me.new_beats()
    prefix = "m_axi"

    last = {}

    async def count():
        # Every AXI handshake of the command, sampled at the falling edge.
        while True:
            await FallingEdge(dut.clk)
            last.update(_sample(dut, pins))
            me.count_beats(bus, last, prefix)

    counter = cocotb.start_soon(count())
    for _ in range(20000):
        await FallingEdge(dut.clk)
        if (bus["ar"] > bus["rl"]) if kind == "rd" else (bus["aw"] > bus["b"]):
            break
    else:
        raise AssertionError(f"no {kind} burst in flight within 20000 cycles: {bus}")
    port = ram.read_if if kind == "rd" else ram.write_if
    held = port.r_channel if kind == "rd" else port.b_channel
    held.set_pause_generator(itertools.repeat(1))
    await smoke.wreg(csr, "CTRL", 2)
    inflight = bus["ar"] - bus["rl"] if kind == "rd" else bus["aw"] - bus["b"]
    assert inflight > 0, f"the {kind} burst completed before the soft reset: {bus}"
    await ClockCycles(dut.clk, 20)
    me.release(held, "none", random.Random(0))
    assert not held.pause, "mmu_env.release left the held channel paused"
    st = 1
    for cycle in range(10000):
        await FallingEdge(dut.clk)
        if cycle % 50 == 0:
            st = await smoke.rreg(csr, "STATUS")
            if st & 2:
                break
    assert not st & 1 and st & 2, (
        f"STATUS = {st:#x} {cycle} cycles after the soft reset ({inflight} {kind} burst(s) "
        f"in flight, held channel pause={held.pause}): the aborted command did not end; "
        f"AXI so far {bus}, now {last}")
    assert (st >> 4) & 0xF == rm.ERR_ABORTED, f"STATUS = {st:#x}, expected error 7"
    await smoke.wreg(csr, "STATUS", 2)
    await ClockCycles(dut.clk, 50)
    counter.cancel()
    s = dict(last)
    assert bus["ar"] == bus["rl"] and bus["aw"] == bus["b"] == bus["wl"], \
        f"AXI bursts left incomplete after the abort: {bus}"
    high = [n for n in ("m_axi_arvalid", "m_axi_awvalid", "m_axi_wvalid") if s[n]]
    assert not high, f"{high} high after the aborted command ended"
    stray = me.stray_writes(before, bytes(ram.read(0, MEM)),
                            [(lay["Y_ADDR"] + m * lay["Y_STRIDE"], N * ob) for m in range(M)])
    assert not len(stray), f"{len(stray)} byte(s) outside Y written, first {stray[0]:#x}"
    dut._log.info(f"soft reset with {inflight} {kind} burst(s) in flight: aborted, "
                  f"AXI handshakes of the command {bus}")
    # The next command runs correctly, in the model's cycles.
    M2, K2, N2 = R + 1, B + 3, B + 1
    lay2, W2, X2, b2, m2, s2, want2, ob2 = smoke.prepare(M2, K2, N2, 1, 1, 8, B)
    smoke.load_operands(ram, lay2, W2, X2, b2, m2, s2)
    await smoke.program(csr, lay2, M2, K2, N2, R, 1, 1)
    await smoke.wreg(csr, "CTRL", 1)
    err = await smoke.wait_done(dut, csr)
    assert err == rm.ERR_NONE, f"command after the abort: error {err}"
    got = smoke.y_rows(ram, lay2, M2, N2, ob2)
    assert np.array_equal(got, want2), "command after the abort: wrong Y"
    cyc = await smoke.rreg(csr, "CYCLES")
    model = hmmu_rtl.cycles(M2, K2, N2, R, R, B, ob2, True)
    assert cyc == model, f"command after the abort: CYCLES {cyc}, model {model}"


@cocotb.test()
async def soft_reset_read_inflight(dut):
    await _soft_reset_inflight(dut, "rd")


@cocotb.test()
async def soft_reset_write_inflight(dut):
    await _soft_reset_inflight(dut, "wr")


@cocotb.test()
async def status_busy_done_gap(dut):
    ram, csr = await smoke.setup(dut, pause=False)
    B = len(dut.m_axi_wstrb)
    R = (await smoke.rreg(csr, "HWCFG") >> 4) & 0xFF
    M, K, N = 3, 5, 4
    lay, W, X, bias, mult, shift, _, _ = smoke.prepare(M, K, N, 1, 1, 1, B)
    smoke.load_operands(ram, lay, W, X, bias, mult, shift)
    await smoke.program(csr, lay, M, K, N, R, 1, 1)
    await smoke.wreg(csr, "CTRL", 1)
    started, gaps, done = False, [], 0
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
