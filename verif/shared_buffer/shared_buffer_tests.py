"""pyuvm tests of the shared buffer (cocotb test module
``verif.shared_buffer.shared_buffer_tests``).

Testpoints (see ip/shared_buffer/README.md, "Verification"):

======================  ===================================================  ==============
test                    what                                                  coverage
======================  ===================================================  ==============
SbufRandomTest          fill, then the Hypothesis/seeded traffic profiles     every bin
                        under RADACS_STRESS with a reset at a random point
                        of live traffic; then every profile (strides 1, B
                        and odd, conflict-free, hot bank, read-after-write),
                        a response-backpressure phase and a saturation phase
SbufHotBankTest         every port on one bank, no idles, no backpressure:    won_*, waited_*,
                        the arbiter's bound is reached                        conflict_bank_0
SbufResetTest           resets while requests and responses are in flight;    reset_mid_traffic
                        afterwards nothing is offered; traffic resumes
SbufInjectedBugTest     the scoreboard's model is made wrong: the test must   (expect_fail)
                        fail, proving the checker can
======================  ===================================================  ==============

The parameter set comes from RADACS_PARAMS / plusargs (verif.common.knobs).
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from pyuvm import ConfigDB

from ip.shared_buffer import check
from verif.common.uvm import RadacsTest
from verif.shared_buffer.env import SbufEnv, SbufSequence

# 2 ms of simulated time is 200k cycles, ~10x the longest test: a hang fails.
TIMEOUT_US = 2000


class SbufBaseTest(RadacsTest):
    env_class = SbufEnv
    ip_name = "shared_buffer"
    param_names = ("P", "B", "DEPTH", "DATA_W", "ARB", "WEIGHTS")
    default_items = 24

    def normalise_params(self, params):
        if not params:
            # No parameters given (FuseSoC default target): the default set.
            params = {}
        p = dict(check(params))
        if p["WEIGHTS"] is not None:
            p["WEIGHTS"] = list(p["WEIGHTS"])
        if len(cocotb.top.s_req_valid) != p["P"]:
            raise ValueError(f"shared_buffer tests: P={p['P']} but the toplevel has "
                             f"{len(cocotb.top.s_req_valid)} ports")
        return p

    def items(self):
        return self.knobs.items or self.default_items

    @property
    def words(self):
        return self.knobs.params["B"] * self.knobs.params["DEPTH"]

    def window(self):
        # Addresses stay in a window that the fill phase writes, so that most reads
        # have predicted data.
        return min(self.words, 64)

    def fill(self):
        P = self.knobs.params["P"]
        n = self.window()
        return {"kind": "fill", "items": -(-n // P), "max_gap": 0, "window": n}

    def profiles(self):
        """Traffic profiles: the Hypothesis corpus when given, else seeded ones."""
        if self.knobs.corpus:
            return [dict(p) for p in self.knobs.corpus]
        r, P = self.rng, self.knobs.params["P"]
        return [{"kind": r.choice(("random", "stride_1", "stride_b", "stride_odd",
                                    "conflict_free", "hot_bank")),
                 "items": self.items() // 2, "write_prob": r.choice((0.2, 0.5)),
                 "max_gap": r.choice((0, 1, 3)), "window": self.window(),
                 "stride": r.randrange(3, 16, 2), "bank": r.randrange(64),
                 "ports": sorted(r.sample(range(P), r.randint(1, P)))}
                for _ in range(2)]

    def every_profile(self, items=6):
        w = self.window()
        return [{"kind": k, "items": items, "max_gap": 0, "window": w, "write_prob": 0.3,
                 "stride": 5, "bank": 1}
                for k in ("stride_1", "stride_b", "stride_odd", "conflict_free", "hot_bank",
                          "random")] + [{"kind": "raw", "items": 4, "max_gap": 0,
                                        "base": 8, "window": w}]


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class SbufRandomTest(SbufBaseTest):
    async def body(self):
        env = self.env
        await SbufSequence("fill", [self.fill()]).start(env.seqr)
        await env.drain()

        # The corpus' profiles, with a reset at a random point of live traffic; filler
        # traffic until the reset has happened.
        async def reset_when_live():
            await ClockCycles(self.dut.clk, self.rng.randint(5, 80))
            while True:
                await FallingEdge(self.dut.clk)
                await ReadOnly()     # after the BFM's sample of this cycle
                s = env.bfm.last_sample
                if s is not None and s.rst_n and (s.valid or s.rsp_valid):
                    break
            await env.reset_agent.reset(self.rng.randint(1, 3))

        resetter = cocotb.start_soon(reset_when_live())
        await SbufSequence("corpus", self.profiles()).start(env.seqr)
        await env.drain()
        while not resetter.done():
            await SbufSequence("filler", [{"kind": "random", "items": 4, "max_gap": 0,
                                           "window": self.window()}]).start(env.seqr)
            await env.drain()
        # Every profile, full speed.
        env.set_stress("none")
        await SbufSequence("profiles", self.every_profile()).start(env.seqr)
        await env.drain()
        # Response backpressure ([1,1,1,0] on m_rsp_ready): the queues fill, credits run
        # out, reads wait while writes go on.
        env.set_stress("none", "cycle")
        await SbufSequence("backpressure", [{"kind": "conflict_free", "items": 12,
                                             "max_gap": 0, "write_prob": 0.1,
                                             "window": self.window()}]).start(env.seqr)
        await env.drain()
        # Saturation: every port on every cycle, each bank hot in turn (a conflict on
        # every bank, every port waiting), then conflict-free (peak rate).
        env.set_stress("none")
        B = self.knobs.params["B"]
        for b in range(B):
            # one bank at a time (drained in between: with queued traffic for the next
            # bank, the ports would drift apart and stop conflicting)
            await SbufSequence("hot", [{"kind": "hot_bank", "items": 2, "max_gap": 0,
                                        "bank": b, "window": self.window()}]).start(env.seqr)
            await env.drain()
        await SbufSequence("peak", [{"kind": "conflict_free", "items": 8, "max_gap": 0,
                                     "window": self.window()}]).start(env.seqr)
        env.set_stress()


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class SbufHotBankTest(SbufBaseTest):
    def configure(self):
        P = self.knobs.params["P"]
        goals = {f"won_{p}" for p in range(P)}
        if P > 1:
            # fp: port 0 always wins, it never waits (no waited_0 bin).
            first = 1 if self.knobs.params["ARB"] == "fp" else 0
            goals |= {f"waited_{p}" for p in range(first, P)} | {"conflict_bank_0"}
        ConfigDB().set(None, "*", "coverage_goals", goals)

    async def body(self):
        self.env.set_stress("none")
        await SbufSequence("hot", [{"kind": "hot_bank", "items": 16, "max_gap": 0,
                                    "bank": 0, "window": self.window(),
                                    "write_prob": 0.5}]).start(self.env.seqr)


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class SbufResetTest(SbufBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals", {"reset_mid_traffic"})

    async def body(self):
        env = self.env
        for _ in range(3):
            await SbufSequence("busy", [{"kind": "random", "items": 8, "max_gap": 0,
                                         "write_prob": 0.3, "window": self.window()}]
                               ).start(env.seqr)
            while not env.bfm.all_issued():
                await RisingEdge(self.dut.clk)
            for _ in range(self.rng.randint(0, 4)):
                if env.bfm.in_flight() <= 1:
                    break
                await RisingEdge(self.dut.clk)
            await env.reset_agent.reset(self.rng.randint(1, 4))
            # After a reset nothing is requested: no request accepted, no response
            # offered (stale reads were discarded).  Checked on the BFM's sample.
            await ClockCycles(self.dut.clk, 1)
            assert env.bfm.idle(), "reset must discard every queued request and read"
            for _ in range(4):
                await FallingEdge(self.dut.clk)
                await ReadOnly()
                s = env.bfm.last_sample
                assert s.valid == 0 and s.ready == 0 and s.rsp_valid == 0, \
                    f"activity after reset with no request: {s}"
        await SbufSequence("after", [{"kind": "raw", "items": 4, "max_gap": 0, "base": 3,
                                      "window": self.window()},
                                     {"kind": "random", "items": 8,
                                      "window": self.window()}]).start(env.seqr)


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class SbufInjectedBugTest(SbufBaseTest):
    """The scoreboard must catch a wrong golden model: this test passes only if the
    scoreboard fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await SbufSequence("bug", [self.fill(), {"kind": "random", "items": 16,
                                                 "max_gap": 1, "window": self.window()}]
                           ).start(self.env.seqr)
