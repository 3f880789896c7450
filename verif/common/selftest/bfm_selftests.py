"""Self-test of the shared stream BFMs (cocotb test module, toplevel radacs_tb_skid).

Source -> skid buffer -> sink, with a monitor on the output, for every combination of
idle insertion and backpressure (none / [1,1,1,0] / random), a reset in the middle of a
stream, and a checker that must fail when the fixture drops beats (INJECT_DROP=1).
"""
from __future__ import annotations

import itertools
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from verif.common.bfm import ResetBfm, ValidReadyMonitor, ValidReadySink, ValidReadySource
from verif.common.pause import pause_generator

SEED = int(os.environ.get("RADACS_SEED", "1"), 0)


async def _setup(dut, src_mode, snk_mode, rng):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rst = ResetBfm(dut.clk, dut.rst_n)
    src = ValidReadySource(dut, dut.clk, dut.rst_n, "s_axis",
                           pause=pause_generator(src_mode, rng)).start()
    snk = ValidReadySink(dut, dut.clk, dut.rst_n, "m_axis",
                         pause=pause_generator(snk_mode, rng)).start()
    mon_beats = []
    ValidReadyMonitor(dut, dut.clk, dut.rst_n, "m_axis", callback=mon_beats.append).start()
    await rst.power_on()
    return rst, src, snk, mon_beats


def _beats(rng, n):
    return [{"tdata": rng.randrange(256), "tlast": int(rng.random() < 0.25)} for _ in range(n)]


async def _wait_for(dut, cond, limit=20000, msg=lambda: ""):
    for _ in range(limit):
        if cond():
            return
        await RisingEdge(dut.clk)
    raise AssertionError(f"timeout waiting for the stream to drain: {msg()}")


@cocotb.test()
async def stream_in_order_all_stress_modes(dut):
    """Every beat arrives once, in order, for each source-idle x sink-backpressure mode."""
    rng = random.Random(SEED)
    modes = ("none", "cycle", "random")
    for k, (sm, km) in enumerate(itertools.product(modes, modes)):
        if k == 0:
            rst, src, snk, mon = await _setup(dut, sm, km, rng)
        src.pause, snk.pause = pause_generator(sm, rng), pause_generator(km, rng)
        snk.received.clear()
        mon.clear()
        beats = _beats(rng, 60)
        for b in beats:
            src.send(b)
        await _wait_for(dut, lambda: len(snk.received) == len(beats), msg=lambda: (
            f"{sm}/{km}: sent {src.sent} queued {len(src.queue)} received {len(snk.received)} "
            f"valid={dut.s_axis_tvalid.value} ready={dut.s_axis_tready.value} "
            f"m_valid={dut.m_axis_tvalid.value} m_ready={dut.m_axis_tready.value}"))
        await ClockCycles(dut.clk, 3)
        assert list(snk.received) == beats, f"sink order/content wrong for {sm}/{km}"
        assert mon == beats, f"monitor saw something else for {sm}/{km}"
        assert src.sent >= len(beats)


@cocotb.test()
async def reset_in_the_middle_of_a_stream(dut):
    """A reset mid-stream empties source and sink; traffic after it is intact."""
    rng = random.Random(SEED + 1)
    rst, src, snk, mon = await _setup(dut, "random", "random", rng)
    flushed = []
    src.on_reset.append(lambda: flushed.append("src"))
    for b in _beats(rng, 200):
        src.send(b)
    await ClockCycles(dut.clk, 40)
    await rst.apply(3)
    assert not src.queue, "source kept beats across a reset"
    assert flushed, "source did not report the reset"
    await ClockCycles(dut.clk, 2)
    assert int(dut.m_axis_tvalid.value) == 0, "DUT output not empty after reset"
    snk.received.clear()
    mon.clear()
    after = _beats(rng, 50)
    for b in after:
        src.send(b)
    await _wait_for(dut, lambda: len(snk.received) == len(after))
    assert list(snk.received) == after and mon == after
