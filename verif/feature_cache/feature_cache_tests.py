"""pyuvm tests of the feature cache (cocotb test module ``verif.feature_cache.feature_cache_tests``).

Testpoints (see ip/feature_cache/README.md, "Verification"):

==================  =========================================================  ==============
test                what                                                       coverage
==================  =========================================================  ==============
FcRandomTest        the Hypothesis corpus (or seeded) DeepCache runs under the  every bin
                    stress knob, a reset at a random point of a live store +
                    load, then a closure run (both policies, capacity
                    boundary, every error) under [1,1,1,0] idle/backpressure
                    and a concurrent store + load
FcDirectedTest      DeepCache's non-uniform (quad) schedule of 50 steps in      bitmap, hit,
                    bitmap mode, then every error code                         stale, errors
FcResetTest         reset in the middle of a store and of a load; afterwards    reset_mid_*
                    the outputs are idle and every slot is invalid
FcInjectedBugTest   the scoreboard's model is made wrong: the test must fail    (expect_fail)
==================  =========================================================  ==============

The parameter set comes from RADACS_PARAMS / plusargs (verif.common.knobs).
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from ip.feature_cache import check
from models import deepcache
from verif.common.uvm import RadacsTest
from verif.feature_cache import program as prog_mod
from verif.feature_cache.env import FcEnv, FcSequence

TIMEOUT_US = 20_000


class FcBaseTest(RadacsTest):
    env_class = FcEnv
    ip_name = "feature_cache"
    param_names = ("SLOTS", "DATA_BYTES", "SLOT_WORDS", "STEPS", "BACKING", "MAX_BURST",
                   "OUTSTANDING", "CHUNK", "STAGE")

    def normalise_params(self, params):
        p = dict(check(params))
        if len(cocotb.top.s_axis_tdata) != 8 * p["DATA_BYTES"]:
            raise ValueError(f"feature_cache tests: DATA_BYTES={p['DATA_BYTES']} but the "
                             f"toplevel's s_axis_tdata is {len(cocotb.top.s_axis_tdata)} bits")
        return p

    def schedules(self):
        """The Hypothesis corpus' schedules when given, else two seeded ones."""
        if self.knobs.corpus:
            return [dict(s) for s in self.knobs.corpus]
        r = self.rng
        return [{"mode": r.choice(["uniform", "bitmap"]), "interval": r.randint(1, 4),
                 "full_steps": sorted(r.sample(range(1, 12), 3)), "n_steps": r.randint(3, 7),
                 "sizes": [r.choice(prog_mod.SIZE_KINDS) for _ in range(3)],
                 "invalidate_at": r.randint(-1, 6), "refresh": r.random() < 0.5,
                 "errors": r.random() < 0.5} for _ in range(2)]

    async def run_program(self, program):
        await FcSequence("prog", program).start(self.env.seqr)

    async def reset_during_traffic(self, cycles_max=4):
        """Run the concurrent program and reset while a store and a load are both in
        flight (judged on the pin sampler's samples)."""
        env, cov = self.env, self.env.coverage

        async def resetter():
            while not (cov.in_store and cov.in_load):
                await RisingEdge(self.dut.clk)
            await ClockCycles(self.dut.clk, self.rng.randint(0, 1))
            await env.reset_agent.reset(self.rng.randint(1, cycles_max))

        task = cocotb.start_soon(resetter())
        env.set_stress("none")
        await self.run_program(prog_mod.concurrent_program(self.knobs.params, self.rng))
        for _ in range(2000):
            if task.done():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError("the reset never found a store and a load in flight")
        env.set_stress()


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class FcRandomTest(FcBaseTest):
    async def body(self):
        env, p = self.env, self.knobs.params
        # Phase 1: the corpus' DeepCache runs under the stress knob.
        for sched in self.schedules():
            await self.run_program(prog_mod.make_program(p, sched, self.rng))
        # Phase 2: a reset in the middle of a live store and load.
        await self.reset_during_traffic()
        # Phase 3: closure runs, whatever the corpus drew: both policies, the capacity
        # boundary and every error code under [1,1,1,0] idle and backpressure; then a
        # store and a load streaming at once with no pauses.
        env.set_stress("cycle")
        for sched in prog_mod.CLOSURE_SCHEDULES:
            await self.run_program(prog_mod.make_program(p, sched, self.rng))
        env.set_stress("none")
        await self.run_program(prog_mod.concurrent_program(p, self.rng))
        env.set_stress()


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class FcDirectedTest(FcBaseTest):
    def configure(self):
        goals = {"bitmap", "hit", "stale", "decision_full", "decision_retrieve",
                 "err_overflow", "err_miss", "err_bad_step", "err_bad_policy"}
        if check(self.knobs.params)["SLOTS"] < 16:
            goals.add("err_bad_slot")
        if check(self.knobs.params)["BACKING"] == "dram":
            goals |= {"err_axi_store", "err_axi_load", "dram_cap_csr", "dram_cap_csr_overflow"}
        ConfigDB().set(None, "*", "coverage_goals", goals)

    async def body(self):
        p = self.knobs.params
        full, _ = deepcache.quad_schedule(50, 3)
        sched = {"mode": "bitmap", "interval": 3, "full_steps": full, "n_steps": 50,
                 "sizes": ["small", "one"], "invalidate_at": -1, "refresh": False,
                 "errors": True}
        await self.run_program(prog_mod.make_program(p, sched, self.rng))


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class FcResetTest(FcBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals", {"reset_mid_store", "reset_mid_load"})

    async def body(self):
        n = self.knobs.params["SLOTS"]
        for _ in range(2):
            await self.reset_during_traffic()
            await ClockCycles(self.dut.clk, 1)
            s = self.env.sampler.bfm.last_sample
            assert s.get("rst_n") and not s["m_axis_tvalid"], \
                f"m_axis still valid after the reset: {s}"
            # Every slot invalid, counters zero (checked against the reset model).
            await self.run_program(prog_mod.all_regs(
                n, check(self.knobs.params)["BACKING"] == "dram"))
        # And the cache works as before.
        await self.run_program(prog_mod.make_program(self.knobs.params,
                                                     prog_mod.CLOSURE_SCHEDULES[0], self.rng))


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class FcInjectedBugTest(FcBaseTest):
    """The scoreboard must catch a wrong golden model: this test passes only if the
    scoreboard fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        sched = {"mode": "uniform", "interval": 4, "full_steps": [], "n_steps": 4,
                 "sizes": ["rand"], "invalidate_at": -1, "refresh": False, "errors": False}
        await self.run_program(prog_mod.make_program(self.knobs.params, sched, self.rng))
