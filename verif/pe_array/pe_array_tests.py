"""pyuvm tests of the PE array (cocotb test module ``verif.pe_array.pe_array_tests``).

Testpoints (see ip/pe_array/README.md, "Verification"):

=====================  ====================================================  ================
test                   what                                                   coverage
=====================  ====================================================  ================
PeRandomTest           Hypothesis/seeded pass profiles (k < ROWS, = ROWS,     every bin
                       > ROWS, >> ROWS; gaps, idle inside passes, flushes),
                       shift-out backpressure and source idle per
                       RADACS_STRESS, a reset at a random point of a pass;
                       then directed closure (back-to-back, extremes, reset
                       during a readout)
PeBackToBackTest       passes of exactly ROWS cycles and longer with no       back_to_back,
                       bubble, no backpressure: the readout of each tile      k_eq_rows,
                       ends at the edge before the next swap                  readout_ends_at_swap
PeExtremesTest         operands only -128/127, long passes: extreme products  product_max,
                       and large accumulators of both signs                   product_min,
                                                                              acc_large_pos/neg
PeResetTest            reset in the middle of a pass and in the middle of a   reset_mid_pass,
                       readout; afterwards out_row = 0 and no out_swap (BFM   reset_mid_readout
                       samples), then passes work again
PeInjectedBugTest      the scoreboard's model is made wrong (first does not   (expect_fail)
                       restart the accumulator): the test must fail
=====================  ====================================================  ================

Every test checks, every cycle, ``out_row``/``out_swap`` against ``models.pe_array``;
every tile read out against the matrix product of its pass, in order; and fails on
any protocol violation the monitor flags (the driver never produces one).  The
parameter set comes from RADACS_PARAMS / plusargs (verif.common.knobs).
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge
from pyuvm import ConfigDB

from ip.pe_array import check
from verif.common.uvm import RadacsTest
from verif.pe_array.env import PeEnv, PeSequence

# A hung test fails instead of running forever: 2 ms of simulated time is 200k cycles,
# far beyond the longest test.
TIMEOUT_US = 2000


class PeBaseTest(RadacsTest):
    env_class = PeEnv
    ip_name = "pe_array"
    param_names = ("ROWS", "COLS")
    default_items = 16

    def normalise_params(self, params):
        top = cocotb.top
        if not params:
            # No parameters given: the toplevel's port widths tell.
            params = {"ROWS": len(top.in_w) // 8, "COLS": len(top.in_x) // 8}
        p = dict(check(params))
        if (len(top.in_w), len(top.in_x)) != (8 * p["ROWS"], 8 * p["COLS"]):
            raise ValueError(f"pe_array tests: ROWS={p['ROWS']} COLS={p['COLS']} but the "
                             f"toplevel has in_w[{len(top.in_w)}], in_x[{len(top.in_x)}]")
        return p

    @property
    def rows(self):
        return self.knobs.params["ROWS"]

    def profiles(self):
        """Pass profiles: the Hypothesis corpus when given, else seeded ones."""
        if self.knobs.corpus:
            return [dict(p) for p in self.knobs.corpus]
        r = self.rng
        n = self.knobs.items or self.default_items
        return [{"passes": max(1, n // 2), "k": ["lt", "eq", "gt", "huge"],
                 "values": r.choice(("random", "mixed", "extreme")),
                 "max_gap": r.choice((0, 2, 5)), "idle_prob": r.choice((0.0, 0.1, 0.3)),
                 "flush_prob": r.choice((0.0, 0.2, 0.5))} for _ in range(2)]

    async def run_seq(self, name, profiles):
        await PeSequence(name, profiles).start(self.env.seqr)
        await self.env.drain()

    async def reset_when(self, cond, cycles=None):
        """Reset at the first cycle (BFM sample) where ``cond(bfm)`` holds."""
        bfm = self.env.bfm
        while True:
            await FallingEdge(self.dut.clk)
            s = bfm.last_sample
            if s is not None and s.rst_n and cond(bfm):
                break
        self.logger.info(f"reset at cycle {bfm.cycle}: pending={bfm.pending} cur={bfm.cur} "
                         f"beat={bfm.beat} need={bfm.need} swaps={list(bfm.swaps)}")
        await self.env.reset_agent.reset(cycles or self.rng.randint(1, 3))

    def closure_profiles(self):
        """Directed passes that close every coverage bin whatever the corpus drew."""
        d = [("lt", "random", 0), ("flush", 0), ("flush", 0),             # k < ROWS, empty
             ("eq", "random", 3), ("eq", "random", 0), ("gt", "random", 0),  # back to back
             ("huge", "mixed", 2, 0.3), ("eq", "random", 0),               # idle in pass
             (16, ["const", -128, -128], 0), (16, ["const", -128, 127], 0),
             (1, ["const", 127, 127], 0), (1, ["const", -128, 127], 0),    # 1 x 1 no bubble
             ("flush", 0), (1, "extreme", 12), ("flush", 0)]
        return [{"directed": d}]


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class PeRandomTest(PeBaseTest):
    async def body(self):
        env = self.env

        # Phase 1: the corpus' profiles, with a reset in the middle of a pass at a
        # random point; filler traffic until that reset has happened.
        async def reset_mid_pass():
            await ClockCycles(self.dut.clk, self.rng.randint(5, 150))
            await self.reset_when(lambda b: b.cur is not None and b.cur.kind == "pass"
                                  and b.beat > 0)

        resetter = cocotb.start_soon(reset_mid_pass())
        await self.run_seq("random", self.profiles())
        while not resetter.done():
            await self.run_seq("filler", [{"passes": 3, "k": ["gt"], "flush_prob": 0.0}])
        # Phase 2: directed closure without backpressure (back-to-back needs the
        # shift-out to keep pace), then with [1,1,1,0] backpressure.
        env.bfm.set_stress("none")
        await self.run_seq("closure", self.closure_profiles())
        env.bfm.set_stress("cycle")
        await self.run_seq("backpressure", [{"passes": 4, "k": ["eq", "gt"]}])
        # Phase 3: a reset while a tile is being shifted out.
        if self.rows > 1:
            resetter = cocotb.start_soon(self.reset_when(lambda b: b.need > 0 and not b.swaps))
            while not resetter.done():
                await self.run_seq("readout", [{"passes": 2, "k": ["gt"], "flush_prob": 1.0}])
        env.bfm.set_stress(self.knobs.stress)
        await self.run_seq("after", [{"passes": 3}])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class PeBackToBackTest(PeBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"back_to_back", "k_eq_rows", "readout_ends_at_swap"})

    async def body(self):
        self.env.bfm.set_stress("none")
        self.env.bfm.extra_shift_prob = 0.0
        n = 6
        await self.run_seq("b2b", [{"directed": [("eq", "random", 0)] * n
                                    + [("gt", "random", 0)] * 2 + [("eq", "random", 0)] * 2
                                    + [("flush", 0)]}])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class PeExtremesTest(PeBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"product_max", "product_min", "acc_large_pos", "acc_large_neg"})

    async def body(self):
        await self.run_seq("extremes", [
            {"passes": 6, "k": ["huge", "eq"], "values": "extreme", "flush_prob": 0.3},
            {"directed": [(24, ["const", -128, -128], 0), (24, ["const", 127, -128], 0),
                          (24, ["const", 127, 127], 0), (24, ["const", -128, 127], 0),
                          ("flush", 0)]}])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class PeResetTest(PeBaseTest):
    def configure(self):
        goals = {"reset_mid_pass"} | ({"reset_mid_readout"} if self.rows > 1 else set())
        ConfigDB().set(None, "*", "coverage_goals", goals)

    async def check_idle_after_reset(self):
        """After a reset the bank is empty and nothing is swapped out (BFM samples)."""
        for _ in range(4):
            await FallingEdge(self.dut.clk)
            s = self.env.bfm.last_sample
            if s.rst_n:
                assert s.out_row == [0] * self.knobs.params["COLS"] and not s.out_swap, \
                    f"stale output after reset: {s}"
        b = self.env.bfm
        assert b.idle(), (f"reset must discard every queued pass: pending={b.pending} "
                          f"swaps={list(b.swaps)} need={b.need} cur={b.cur} queue={len(b.queue)}")

    async def traffic_until(self, resetter, profile):
        """Keep passes coming until ``resetter`` has reset the DUT; none is started
        while a reset is asserted, so afterwards nothing may be left."""
        while not resetter.done():
            if self.env.bfm.idle() and not self.reset_bfm.in_reset:
                await PeSequence("traffic", [profile]).start(self.env.seqr)
            await RisingEdge(self.dut.clk)

    async def body(self):
        for _ in range(2):
            # In the middle of a pass: a beat after the first has been issued.
            resetter = cocotb.start_soon(self.reset_when(
                lambda b: b.cur is not None and b.cur.kind == "pass" and b.beat > 1))
            await self.traffic_until(resetter, {"passes": 2, "k": ["huge"]})
            await self.check_idle_after_reset()
            if self.rows > 1:
                # In the middle of a readout: shifts still needed, no swap in flight.
                resetter = cocotb.start_soon(self.reset_when(
                    lambda b: b.need > 0 and not b.swaps))
                await self.traffic_until(resetter, {"passes": 1, "k": ["gt"],
                                                    "flush_prob": 1.0})
                await self.check_idle_after_reset()
        await self.run_seq("after", [{"passes": 4}])


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class PeInjectedBugTest(PeBaseTest):
    """The scoreboard must catch a wrong golden model: this test passes only if the
    scoreboard fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await self.run_seq("bug", [{"passes": 6, "k": ["eq", "gt"], "values": "random"}])
