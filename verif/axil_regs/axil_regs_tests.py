"""pyuvm tests of the AXI4-Lite register block (cocotb test module
``verif.axil_regs.axil_regs_tests``, toplevel ``radacs_axil_regs_mmu``).

Testplan:

=====================  ====================================================  ==================
test                   what                                                   coverage goals
=====================  ====================================================  ==================
CsrRandomTest          sweep (every register read, full and partial write,    every bin
                       W1P pulses, unmapped offsets), AW/W in every order,
                       W1C set by hardware then cleared, random accesses
                       (partial WSTRB, unmapped offsets) under the stress
                       knob on all five channels with a reset at a random
                       point, then a reset with a write and a read in flight
CsrResetTest           reset while a write and a read are held (B and R      reset.*, every
                       backpressured); afterwards BVALID/RVALID are low, the  register read
                       outputs at reset, every register reads its reset
                       value (RO: its input)
CsrInjectedBugTest     the scoreboard's model ignores WSTRB: the test must    (expect_fail)
                       fail, proving the checker can
=====================  ====================================================  ==================
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from pyuvm import ConfigDB

from ip.mmu.regmap import MMU_REGMAP
from verif.axil_regs.env import CsrEnv, CsrItem, CsrSequence, hold, sweep_items
from verif.common.uvm import RadacsTest

# 1 ms = 100k cycles: a hung test fails, ~10x the longest test.
TIMEOUT_US = 1000


class CsrBaseTest(RadacsTest):
    env_class = CsrEnv
    ip_name = "axil_regs"
    default_items = 200

    def start_of_simulation_phase(self):
        from verif.axil_regs import reproduce_command
        from verif.common.uvm import _sim_name

        self.logger.info(
            f"{type(self).__name__}: seed={self.knobs.seed} stress={self.knobs.stress} "
            f"inject_bug={self.knobs.inject_bug}; reproduce with: "
            + reproduce_command(_sim_name(), self.knobs.seed, self.knobs.stress,
                                type(self).__name__))

    def items(self):
        return self.knobs.items or self.default_items

    async def run(self, name, items=None, count=0, unmapped_prob=0.08):
        await CsrSequence(name, self.rng, count=count, items=items,
                          unmapped_prob=unmapped_prob).start(self.env.seqr)
        await self.env.drain()

    async def sweep(self):
        await self.run("sweep", items=sweep_items(self.rng))

    async def orders(self):
        """AW before W, W before AW, both in the same cycle."""
        env = self.env
        for chans in ({"w": hold(6)}, {"aw": hold(6)}, {}):
            env.set_pauses("none", **chans)
            await self.run("order", items=[CsrItem(kind="write", offset=0x08,
                                                   data=self.rng.getrandbits(32))])
        env.set_pauses()

    async def clear_w1c(self):
        """Each W1C field: poll its register until the hardware has set it, clear it."""
        for r in MMU_REGMAP:
            for f in r.fields:
                if f.access != "W1C":
                    continue
                for _ in range(50):
                    it = CsrItem(kind="read", offset=r.offset)
                    await self.run("poll", items=[it])
                    if it.result is not None and int.from_bytes(it.result.data, "little") & f.mask:
                        await self.run("clear", items=[CsrItem(kind="write", offset=r.offset,
                                                               data=f.mask)])
                        break
                else:
                    raise AssertionError(f"{r.name}.{f.name} never set by the hardware BFM")

    async def reset_in_flight(self):
        """Reset while a write's B and a read's R are held by backpressure."""
        env = self.env
        env.set_pauses("none", b=hold(10**9), r=hold(10**9))
        reads = CsrSequence("held", self.rng, items=[
            CsrItem(kind="write", offset=0x20, data=self.rng.getrandbits(32)),
            CsrItem(kind="read", offset=0x20)])
        await reads.start(env.seqr)
        await ClockCycles(self.dut.clk, 8)
        await env.reset_agent.reset(self.rng.randint(1, 3))
        await FallingEdge(self.dut.clk)
        await ReadOnly()
        s = env.bfm.last_sample
        assert s.axi["bvalid"] == 0 and s.axi["rvalid"] == 0, \
            f"BVALID/RVALID after reset: {s.axi}"
        for p in MMU_REGMAP.hw_ports():
            if p.direction == "out":
                assert s.hw[p.name] == (p.field.reset if p.role == "value" else 0), \
                    f"{p.name} = {s.hw[p.name]} after reset"
        await RisingEdge(self.dut.clk)
        env.set_pauses()
        await env.drain()


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class CsrRandomTest(CsrBaseTest):
    async def body(self):
        await self.sweep()
        await self.orders()
        await self.clear_w1c()

        async def reset_when_live():
            await ClockCycles(self.dut.clk, self.rng.randint(20, 400))
            while not all(self.env.driver.outstanding.values()):
                await RisingEdge(self.dut.clk)
            await self.env.reset_agent.reset(self.rng.randint(1, 3))

        resetter = cocotb.start_soon(reset_when_live())
        await self.run("random", count=self.items())
        while not resetter.done():
            await self.run("filler", count=20)
        await self.reset_in_flight()
        await self.run("after_reset", count=40)


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class CsrResetTest(CsrBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"reset.mid_write", "reset.mid_read"}
                       | {f"{r.name}.read" for r in MMU_REGMAP})

    async def body(self):
        for _ in range(3):
            await self.run("before", count=30)
            await self.reset_in_flight()
            await self.run("reset_values", items=[CsrItem(kind="read", offset=r.offset)
                                                  for r in MMU_REGMAP])


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class CsrInjectedBugTest(CsrBaseTest):
    """The scoreboard must catch a wrong register model: passes only if it fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await self.sweep()
        await self.run("bug", count=100)
