"""pyuvm tests of the HMMU top (cocotb test module ``verif.hmmu.hmmu_tests``).

Testpoints:

=====================  ====================================================  ==============
test                   what                                                   coverage
=====================  ====================================================  ==============
HmmuRandomTest         Hypothesis corpus of GEMM commands (or seeded ones)    every bin
                       under RADACS_STRESS on every AXI channel and on the
                       AXI-Lite master; directed shapes (K and TILE_M at
                       capacity, saturation), every error code, a reset and
                       a soft reset in the middle of a command, back-to-back
HmmuErrorTest          every rejected command (codes 1, 2, 3), start while   ok, err_1..6
                       busy (4), AXI read / write errors from SLVERR and
                       DECERR regions (5, 6); a clean command after each
HmmuCountersTest       no pauses anywhere: every counter equals              shape bins,
                       models.hmmu_rtl exactly on the directed shapes         ok
HmmuResetTest          port reset and soft reset mid-command; afterwards no  reset_mid_cmd,
                       AXI valid is high (BFM samples), STATUS reads 0 /      soft_reset_mid_cmd,
                       not busy, and the next commands run correctly          ok
HmmuInjectedBugTest    the scoreboard's model drops the last K term: must     (expect_fail)
                       fail
=====================  ====================================================  ==============
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB

from ip.hmmu import check
from ip.mmu import regmap as rm
from verif.common.uvm import RadacsTest
from verif.hmmu import capacities, max_tile_m
from verif.hmmu.env import GemmItem, HmmuEnv, HmmuSequence

TIMEOUT_US = 60_000


class HmmuBaseTest(RadacsTest):
    env_class = HmmuEnv
    ip_name = "hmmu"
    param_names = ("ROWS", "COLS", "WBUF_BYTES", "XBUF_BYTES", "OBUF_BYTES", "MAX_BURST",
                   "OUTSTANDING")

    def normalise_params(self, params):
        if not params:
            raise ValueError("hmmu tests need the parameter set (RADACS_KNOBS / RADACS_PARAMS)")
        p = dict(check(params))
        top = cocotb.top
        if len(top.m_axi_wstrb) != p["COLS"]:
            raise ValueError(f"hmmu: toplevel {top._name} has a {len(top.m_axi_wstrb)}-byte "
                             f"bus, parameters say COLS={p['COLS']}")
        return p

    @property
    def p(self):
        return self.knobs.params

    async def run(self, name, commands):
        await HmmuSequence(name, commands).start(self.env.seqr)

    def _seed(self):
        return self.rng.getrandbits(31)

    # ---- directed command sets
    def shapes(self):
        """The shape / mode bins in a few commands, whatever the corpus drew."""
        R, C = self.p["ROWS"], self.p["COLS"]
        cap = capacities(self.p)
        XD, OD = cap["XD"], cap["OD"]
        k_tm = 2 * C + 1
        return [
            dict(M=R, K=3, N=C, TILE_M=R, bias=True, requant=False, gap=3, irq_en=True),
            dict(M=R + 1, K=XD, N=C + 1, TILE_M=max_tile_m(self.p, XD), bias=True,
                 requant=True, sat=True, data="extreme", gap=0),
            dict(M=OD + R + 1, K=k_tm, N=2 * C + 3, TILE_M=OD, bias=False, requant=False,
                 gap=0, irq_en=True),
            dict(M=5, K=17, N=C + 2, TILE_M=R, bias=False, requant=True, sat=True,
                 data="extreme", gap=0),
        ]

    def good(self, **kw):
        R, C = self.p["ROWS"], self.p["COLS"]
        d = dict(M=R + 1, K=C + 3, N=C + 1, TILE_M=R, bias=True, requant=True, gap=2,
                 seed=self._seed())
        d.update(kw)
        return d

    def bad_commands(self):
        """Codes 1..3: each field the command check looks at."""
        R, C = self.p["ROWS"], self.p["COLS"]
        cap = capacities(self.p)
        B = C
        # A block of OD rows of K words overflowing the W banks with K within X capacity.
        k_w = B * (cap["WD"] // (cap["OD"] // R) + 1)
        out = [("M", 0, 1), ("K", 0, 1), ("N", 0, 1), ("TILE_M", 0, 1),
               ("K", cap["XD"] + 1, 2), ("TILE_M", cap["OD"] + R, 2), ("TILE_M", R + 1, 2),
               ("W_ADDR", 1, 3), ("X_STRIDE", 1, 3), ("Y_ADDR", 2, 3), ("P_ADDR", 1, 3)]
        cmds = []
        for name, delta, code in out:
            if code == 3:
                cmds.append(("misaligned", name, delta))
            else:
                cmds.append(self.good(bad=(name, delta, code), irq_en=len(cmds) % 2 == 1))
        if k_w <= cap["XD"]:
            cmds.append(self.good(K=k_w, TILE_M=cap["OD"], M=2, bad=("K", k_w, 2)))
        return cmds

    def resolve(self, cmds):
        """Turn ("misaligned", register, delta) into a command: the register's value as
        the driver would lay it out, plus ``delta``, is only known after layout, so the
        misaligned value is an absolute address/stride chosen here."""
        out = []
        vals = {"W_ADDR": 0x1000, "X_STRIDE": 64, "Y_ADDR": 0x6000, "P_ADDR": 0x5000}
        for c in cmds:
            if isinstance(c, tuple):
                _, name, delta = c
                out.append(self.good(bad=(name, vals[name] + delta, rm.ERR_MISALIGNED),
                                     irq_en=True))
            else:
                out.append(c)
        return out

    def axi_errors(self):
        return [self.good(axi_err=("X", 2), irq_en=True), self.good(axi_err=("W", 3)),
                self.good(axi_err=("P", 2)), self.good(axi_err=("Y", 3), irq_en=True),
                self.good(axi_err=("Y", 2), requant=False)]

    def long_command(self, **kw):
        R, C = self.p["ROWS"], self.p["COLS"]
        K = min(capacities(self.p)["XD"], 64)
        return self.good(M=2 * R + 1, K=K, N=2 * C + 1, TILE_M=max_tile_m(self.p, K), **kw)

    def abort_commands(self, inflight=True):
        """Reset and soft reset at a random point of a command, then soft resets while a
        read / a write burst is outstanding on the bus; a clean command after each."""
        out = [self.long_command(abort=("reset", self.rng.randint(60, 400))),
               self.good(gap=0),
               self.long_command(abort=("soft", self.rng.randint(60, 400)), irq_en=True),
               self.good(gap=0, irq_en=True)]
        if inflight:
            out += [self.long_command(abort=("soft_rd", self.rng.randint(20, 100))),
                    self.good(gap=0),
                    self.long_command(abort=("soft_wr", self.rng.randint(20, 100))),
                    self.good(gap=0)]
        return out


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class HmmuRandomTest(HmmuBaseTest):
    async def body(self):
        if self.knobs.corpus:
            cmds = [dict(c) for c in self.knobs.corpus]
        else:
            n = self.knobs.items or 5
            cmds = [GemmItem("gemm").randomize(self.rng, self.p) for _ in range(n)]
        await self.run("corpus", cmds)
        if self.knobs.inject_bug:
            return      # test_scoreboard_catches_injected_bug: the corpus is enough
        await self.run("shapes", self.shapes())
        bad = self.resolve(self.bad_commands())
        await self.run("errors", [bad[0], bad[4], bad[7]] + self.axi_errors()[::3]
                       + [self.good(busy_start=True), self.good(gap=0)])
        await self.run("aborts", self.abort_commands())


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class HmmuErrorTest(HmmuBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"ok"} | {f"err_{c}" for c in range(1, 7)})

    async def body(self):
        R = self.p["ROWS"]
        await self.run("bad", self.resolve(self.bad_commands()))
        # P misaligned but neither bias nor requant on: P is not used, no error.
        await self.run("p_unused", [self.good(bias=False, requant=False,
                                              bad=("P_ADDR", 0x5001, rm.ERR_NONE))])
        await self.run("busy", [self.good(busy_start=True, irq_en=True), self.good(gap=0)])
        for c in self.axi_errors():
            await self.run("axi_err", [c, self.good(gap=0, TILE_M=R)])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class HmmuCountersTest(HmmuBaseTest):
    """No pauses anywhere: CYCLES, STALL_MEM, STALL_OUT equal models.hmmu_rtl."""

    def configure(self):
        self.knobs.stress = "none"
        ConfigDB().set(None, "*", "coverage_goals",
                       {"ok", "edge_m", "edge_n", "edge_k", "single_tile", "multi_block",
                        "multi_col_tile", "multi_pass", "k_at_capacity",
                        "tile_m_at_capacity", "back_to_back"})

    async def body(self):
        await self.run("shapes", self.shapes() + [self.good(gap=0)])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class HmmuResetTest(HmmuBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"reset_mid_cmd", "soft_reset_mid_cmd", "soft_reset_rd_inflight",
                        "soft_reset_wr_inflight", "ok"})

    async def body(self):
        env = self.env
        for c in self.abort_commands():
            await self.run("abort", [c])
            if c.get("abort"):
                await ClockCycles(self.dut.clk, 2)
                s = env.bfm.last_sample
                for o in ("m_axi_arvalid", "m_axi_awvalid", "m_axi_wvalid", "irq"):
                    if s.get(o):
                        env.scoreboard.error(f"{o} high after {c['abort'][0]} with no "
                                             f"command: {s}")


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class HmmuInjectedBugTest(HmmuBaseTest):
    """The scoreboard must catch a wrong golden model: passes only if it fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await self.run("bug", self.shapes()[:1] + [self.good()])
