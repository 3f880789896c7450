"""Minimal reproducers of LMMU RTL findings of the pyuvm environment (cocotb module,
run by tests/test_lmmu_sim.py; Icarus: reads internal signals of the top).

``status_busy_done_gap``: after an accepted start, STATUS must never read busy = 0 and
done = 0 before the command's done is visible.  The top derived STATUS.busy from the
core's ``busy`` (low from the cycle the core pulses ``done``), while STATUS.done is set
through ``done_set`` (one register) and the register block (another), so for two cycles
a STATUS read returned 0x0: software polling "until not busy" then saw a command that
ended without done.  STATUS.busy now also covers ``core_done`` and ``done_set``.

``soft_reset_read_inflight`` / ``soft_reset_write_inflight``: CTRL.soft_reset with a
read (either port) / a write burst in flight and no pauses, the slaves' R (B) channels
held as LmmuResetTest holds them and given back with ``mmu_env.release`` (before it,
``set_pause_generator(None)`` left cocotbext-axi's last pause value 1 in place and the
slave never answered): done + ERR_ABORTED, every burst complete, nothing outside Y
written, the next command bit-exact.
"""
from __future__ import annotations

import itertools
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from ip.lmmu.lmmu_core import capacity_ok
from ip.mmu import regmap as rm
from verif.common import knobs
from verif.common import mmu_env as me
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


async def _setup(dut):
    """smoke.setup with no pauses, also returning port 0's slave (its R channel is held)."""
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ram = AxiRam(AxiBus.from_prefix(dut, "m1_axi"), dut.clk, dut.rst_n,
                 reset_active_level=False, size=smoke.MEM)
    ram0 = AxiRamRead(AxiReadBus.from_prefix(dut, "m0_axi"), dut.clk, dut.rst_n,
                      reset_active_level=False, mem=ram.mem)
    csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n,
                        reset_active_level=False)
    dut.rst_n.value = 0
    await ClockCycles(dut.clk, 4)
    dut.rst_n.value = 1
    await ClockCycles(dut.clk, 2)
    return ram, ram0, csr


async def _soft_reset_inflight(dut, kind):
    """CTRL.soft_reset with a read (on either port) / a write burst in flight and no
    pauses, the slaves' R (B) channels held as LmmuResetTest holds them and given back
    with :func:`mmu_env.release`: done + ERR_ABORTED, nothing outside Y written, every
    burst complete, and the next command bit-exact."""
    ram, ram0, csr = await _setup(dut)
    B = len(dut.m1_axi_wstrb)
    R, C = smoke.hw_params(await smoke.rreg(csr, "HWCFG"))
    p = knobs.load().params
    M, K, N, tm, tn, tk = 4 * R, 8 * B, 2 * C, 2 * R, C, 2 * B
    assert capacity_ok(p, M, K, N, tm, tn, tk), (p, M, K, N, tm, tn, tk)
    lay, W, X, bias, mult, shift, want, ob = smoke.prepare(M, K, N, 1, 1, 5, B)
    smoke.load(ram, lay, W, X, bias, mult, shift, 5)
    before = bytes(ram.read(0, smoke.MEM))
    await smoke.program(csr, lay, M, K, N, tm, tn, tk, 1, 1)
    ports = ("m0_axi", "m1_axi")
    bus = {q: me.new_beats() for q in ports}
    pins = [f"{q}_{n}" for q in ports for n in me.AXI_HANDSHAKE_PINS
            if not (q == "m0_axi" and n[:2] in ("aw", "wv", "wr", "bv", "br", "wl"))]

    async def count():
        while True:
            await FallingEdge(dut.clk)
            s = {}
            for n in pins:
                v = getattr(dut, n).value
                s[n] = int(v) if v.is_resolvable else 0
            for q in ports:
                for n in me.AXI_HANDSHAKE_PINS:
                    s.setdefault(f"{q}_{n}", 0)
                me.count_beats(bus[q], s, q)

    def inflight():
        if kind == "rd":
            return sum(bus[q]["ar"] - bus[q]["rl"] for q in ports)
        return bus["m1_axi"]["aw"] - bus["m1_axi"]["b"]

    counter = cocotb.start_soon(count())
    await smoke.wreg(csr, "CTRL", 1)
    for _ in range(20000):
        await FallingEdge(dut.clk)
        if inflight():
            break
    else:
        raise AssertionError(f"no {kind} burst in flight within 20000 cycles: {bus}")
    held = ([ram0.r_channel, ram.read_if.r_channel] if kind == "rd"
            else [ram.write_if.b_channel])
    for ch in held:
        ch.set_pause_generator(itertools.repeat(1))
    await smoke.wreg(csr, "CTRL", 2)
    n = inflight()
    assert n > 0, f"the {kind} burst completed before the soft reset: {bus}"
    await ClockCycles(dut.clk, 20)
    for ch in held:
        me.release(ch, "none", random.Random(0))
    assert not any(ch.pause for ch in held), "mmu_env.release left a held channel paused"
    st = 1
    for _ in range(400):
        st = await smoke.rreg(csr, "STATUS")
        if st & 2:
            break
        await ClockCycles(dut.clk, 50)
    assert not st & 1 and st & 2, (f"STATUS = {st:#x} after the soft reset ({n} {kind} "
                                   f"burst(s) in flight): the command did not end; {bus}")
    assert (st >> 4) & 0xF == rm.ERR_ABORTED, f"STATUS = {st:#x}, expected error 7"
    await smoke.wreg(csr, "STATUS", 2)
    await ClockCycles(dut.clk, 50)
    counter.cancel()
    left = {q: b for q, b in bus.items() if b["ar"] != b["rl"] or b["aw"] != b["b"]}
    assert not left, f"AXI bursts left incomplete after the abort: {left}"
    stray = me.stray_writes(before, bytes(ram.read(0, smoke.MEM)),
                            [(lay["Y_ADDR"] + m * lay["Y_STRIDE"], N * ob) for m in range(M)])
    assert not len(stray), f"{len(stray)} byte(s) outside Y written, first {stray[0]:#x}"
    dut._log.info(f"soft reset with {n} {kind} burst(s) in flight: aborted; AXI {bus}")
    await smoke.wreg(csr, "CTRL", 1)
    err = await smoke.wait_done(dut, csr)
    assert err == rm.ERR_NONE, f"command after the abort: error {err}"
    smoke.check_y(ram, before, lay, want, M, N, ob, 1, "command after the abort")


@cocotb.test()
async def soft_reset_read_inflight(dut):
    await _soft_reset_inflight(dut, "rd")


@cocotb.test()
async def soft_reset_write_inflight(dut):
    await _soft_reset_inflight(dut, "wr")
