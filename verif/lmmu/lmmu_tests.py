"""pyuvm tests of the LMMU top (cocotb test module ``verif.lmmu.lmmu_tests``).

Testpoints:

=====================  ====================================================  ==============
test                   what                                                   coverage
=====================  ====================================================  ==============
LmmuRandomTest         Hypothesis corpus of GEMM commands (or seeded ones)    every bin
                       under RADACS_STRESS on every AXI channel of both
                       ports and on the AXI-Lite master; directed shapes
                       (edge tiles in M, N, K; tiles exactly at the W, X and
                       O capacity; saturation), every error code 1..7, a
                       reset and soft resets in the middle of a command
                       (with reads / a write burst in flight), back-to-back
LmmuErrorTest          every rejected command (codes 1, 2, 3: each field and  ok, err_1..6
                       each buffer rule alone), start while busy (4), AXI
                       read errors on port 0 (W, P) and port 1 (X), write
                       errors (Y) from SLVERR and DECERR regions (5, 6); a
                       clean command after each
LmmuCountersTest       no pauses anywhere: ACTIVE / byte counters exact and,  shape bins,
                       with models.lmmu_rtl, CYCLES / STALL_* equal the       ok,
                       cycle model on the directed shapes                     back_to_back
LmmuResetTest          port reset and soft reset mid-command; afterwards no  reset_mid_cmd,
                       AXI valid is high on either port, STATUS reads 0 /     soft_reset_*,
                       not busy, and the next commands run correctly          err_7, ok
LmmuInjectedBugTest    the scoreboard's model drops the last K term: must     (expect_fail)
                       fail
=====================  ====================================================  ==============
"""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB

from ip.lmmu import check
from ip.lmmu.lmmu_core import capacity_ok
from ip.mmu import regmap as rm
from verif.common.uvm import RadacsTest
from verif.lmmu import capacity_tiles, limits, tiles
from verif.lmmu.env import LmmuCoverage, LmmuEnv, LmmuItem, LmmuSequence

TIMEOUT_US = 60_000


class LmmuBaseTest(RadacsTest):
    env_class = LmmuEnv
    ip_name = "lmmu"
    param_names = ("ROWS", "COLS", "WBUF_BYTES", "XBUF_BYTES", "OBUF_BYTES", "MAX_BURST",
                   "OUTSTANDING")

    def normalise_params(self, params):
        if not params:
            raise ValueError("lmmu tests need the parameter set (RADACS_KNOBS / RADACS_PARAMS)")
        p = dict(check(params))
        top = cocotb.top
        if len(top.m1_axi_wstrb) != p["COLS"]:
            raise ValueError(f"lmmu: toplevel {top._name} has a {len(top.m1_axi_wstrb)}-byte "
                             f"bus, parameters say COLS={p['COLS']}")
        return p

    @property
    def p(self):
        return self.knobs.params

    async def run(self, name, commands):
        await LmmuSequence(name, commands).start(self.env.seqr)

    def _seed(self):
        return self.rng.getrandbits(31)

    # ---- directed command sets
    def capacity_commands(self):
        """One command per buffer with a tile exactly at its capacity (the smallest such
        tile), M, N, K one more than a tile (edge tiles, several tiles / chunks)."""
        caps = capacity_tiles(self.p)
        out, seen = [], set()
        for buf in ("WXO", "W", "X", "O"):
            if not caps[buf]:
                continue
            t = min(caps[buf], key=lambda t: (t[0] * t[1] * t[2], t))
            if buf == "WXO" and t[0] * t[1] > 32 * 32:
                continue
            if t in seen:
                continue
            seen.add(t)
            out.append(t)
            if buf == "WXO":
                break
        cmds = []
        for i, (tm, tn, tk) in enumerate(out):
            cmds.append(dict(M=tm + 1, K=2 * tk + 1, N=tn + 1, TILE_M=tm, TILE_N=tn,
                             TILE_K=tk, bias=True, requant=i % 2 == 0, sat=True,
                             data="extreme", gap=0, seed=self._seed()))
        return cmds

    def shapes(self):
        """The shape / mode bins in a few commands, whatever the corpus drew."""
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        return [
            dict(M=R, K=3, N=C, TILE_M=R, TILE_N=C, TILE_K=3, bias=True, requant=False,
                 gap=3, irq_en=True, seed=self._seed()),
            dict(M=2 * R + 1, K=3 * B + 2, N=2 * C + 3, TILE_M=R, TILE_N=C, TILE_K=B,
                 bias=False, requant=False, gap=0, irq_en=True, seed=self._seed()),
            dict(M=5, K=17, N=C + 2, TILE_M=R, TILE_N=C, TILE_K=2 * B, bias=False,
                 requant=True, sat=True, data="extreme", gap=0, seed=self._seed()),
        ] + self.capacity_commands()

    def good(self, **kw):
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        d = dict(M=R + 1, K=2 * B + 3, N=C + 1, TILE_M=R, TILE_N=C, TILE_K=B, bias=True,
                 requant=True, gap=2, seed=self._seed())
        d.update(kw)
        return d

    def only_rule(self, rule):
        """A tile (multiples of ROWS, COLS, B) breaking only ``rule`` of the buffer
        rules (O: TILE_M*TILE_N, W: TILE_M*ceil(TILE_K/B), X: TILE_K*TILE_N)."""
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        lim = limits(self.p)
        for a in range(1, 129):
            for b in range(1, 129):
                for c in range(1, 129):
                    tm, tn, tk = a * R, b * C, c * B
                    ok = {"O": tm * tn <= lim["O"], "W": tm * c <= lim["W"],
                          "X": tk * tn <= lim["X"]}
                    if not ok[rule] and all(v for r, v in ok.items() if r != rule):
                        return tm, tn, tk
        raise AssertionError(f"no tile breaks only {rule}")

    def bad_commands(self):
        """Codes 1..3: each field the command check looks at."""
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        out = [("M", 0, 1), ("K", 0, 1), ("N", 0, 1), ("TILE_M", 0, 1), ("TILE_N", 0, 1),
               ("TILE_K", 0, 1), ("TILE_N", C + 1, 2), ("TILE_K", B + 2, 2),
               ("W_ADDR", 0x1001, 3), ("W_STRIDE", 16 * B + 1, 3), ("X_ADDR", 0x2001, 3),
               ("X_STRIDE", 16 * B + 2, 3), ("Y_ADDR", 0x6003, 3), ("Y_STRIDE", 16 * B + 1, 3),
               ("P_ADDR", 0x5001, 3)]
        if R > 1:
            out.insert(6, ("TILE_M", R + 1, 2))
        cmds = [self.good(bad=b, irq_en=i % 2 == 1) for i, b in enumerate(out)]
        for rule in ("O", "W", "X"):
            t = self.only_rule(rule)
            cmds.append(self.good(bad=(("TILE_M", "TILE_N", "TILE_K"), t, 2)))
        for c in cmds:
            names, values, code = c["bad"]
            if isinstance(names, str):
                names, values = (names,), (values,)
            regs = {"M": c["M"], "K": c["K"], "N": c["N"], "TILE_M": c["TILE_M"],
                    "TILE_N": c["TILE_N"], "TILE_K": c["TILE_K"]}
            regs.update((n, v) for n, v in zip(names, values) if n in regs)
            ok = capacity_ok(self.p, *(regs[n] for n in ("M", "K", "N", "TILE_M", "TILE_N",
                                                         "TILE_K")))
            assert ok == (code == 3), f"capacity_ok disagrees with the expected code: {c}"
        return cmds

    def axi_errors(self):
        return [self.good(axi_err=("X", 2), irq_en=True), self.good(axi_err=("W", 3)),
                self.good(axi_err=("P", 2)), self.good(axi_err=("Y", 3), irq_en=True),
                self.good(axi_err=("Y", 2), requant=False), self.good(axi_err=("W", 2)),
                self.good(axi_err=("X", 3))]

    def long_command(self, **kw):
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        return self.good(M=4 * R, K=8 * B, N=2 * C, TILE_M=2 * R, TILE_N=C, TILE_K=2 * B,
                         **kw)

    def abort_commands(self, inflight=True):
        """Reset and soft reset at a random point of a command, then soft resets while a
        read / a write burst is outstanding on the bus; a clean command after each."""
        out = [self.long_command(abort=("reset", self.rng.randint(60, 400))),
               self.good(gap=0),
               self.long_command(abort=("soft", self.rng.randint(30, 300)), irq_en=True),
               self.good(gap=0, irq_en=True)]
        if inflight:
            out += [self.long_command(abort=("soft_rd", self.rng.randint(20, 100))),
                    self.good(gap=0),
                    self.long_command(abort=("soft_wr", self.rng.randint(20, 100))),
                    self.good(gap=0)]
        return out


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class LmmuRandomTest(LmmuBaseTest):
    async def body(self):
        if self.knobs.corpus:
            cmds = [dict(c) for c in self.knobs.corpus]
        else:
            n = self.knobs.items or 5
            t = tiles(self.p)
            cmds = []
            for _ in range(n):
                tm, tn, tk = self.rng.choice(t[: max(8, len(t) // 8)])
                cmds.append(dict(M=self.rng.randint(1, 2 * tm + 1),
                                 K=self.rng.randint(1, 3 * tk + 1),
                                 N=self.rng.randint(1, 2 * tn + 1), TILE_M=tm, TILE_N=tn,
                                 TILE_K=tk, bias=self.rng.random() < 0.5,
                                 requant=self.rng.random() < 0.5, seed=self._seed()))
        await self.run("corpus", cmds)
        if self.knobs.inject_bug:
            return      # test_scoreboard_catches_injected_bug: the corpus is enough
        await self.run("shapes", self.shapes())
        first = {}
        for c in self.bad_commands():
            first.setdefault(c["bad"][2], c)        # one command per code 1, 2, 3
        axi = self.axi_errors()
        await self.run("errors", [first[1], first[2], first[3], axi[0], axi[3],
                                  self.good(busy_start=True), self.good(gap=0)])
        await self.run("aborts", self.abort_commands())


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class LmmuErrorTest(LmmuBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"ok"} | {f"err_{c}" for c in range(1, 7)})

    async def body(self):
        R, C, B = self.p["ROWS"], self.p["COLS"], self.p["COLS"]
        await self.run("bad", self.bad_commands())
        # P misaligned but neither bias nor requant on: P is not used, no error.
        await self.run("p_unused", [self.good(bias=False, requant=False,
                                              bad=("P_ADDR", 0x5001, rm.ERR_NONE))])
        # TILE_K not a multiple of B is legal when TILE_K >= K (one chunk).
        await self.run("tk_unaligned_ok", [self.good(K=B + 1, TILE_K=B + 2)])
        await self.run("busy", [self.good(busy_start=True, irq_en=True), self.good(gap=0)])
        for c in self.axi_errors():
            await self.run("axi_err", [c, self.good(gap=0, TILE_M=R)])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class LmmuCountersTest(LmmuBaseTest):
    """No pauses anywhere: ACTIVE and the byte counters exact; CYCLES, STALL_MEM,
    STALL_OUT equal models.lmmu_rtl when it exists."""

    def configure(self):
        self.knobs.stress = "none"
        ConfigDB().set(None, "*", "require_cycle_check", True)
        ConfigDB().set(None, "*", "coverage_goals",
                       set(LmmuCoverage.SHAPE) | {"ok", "back_to_back"})

    async def body(self):
        await self.run("shapes", self.shapes() + [self.good(gap=0)])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class LmmuResetTest(LmmuBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals",
                       {"reset_mid_cmd", "soft_reset_mid_cmd", "soft_reset_rd_inflight",
                        "soft_reset_wr_inflight", "err_7", "ok"})

    async def body(self):
        env = self.env
        for c in self.abort_commands():
            await self.run("abort", [c])
            if c.get("abort"):
                await ClockCycles(self.dut.clk, 2)
                s = env.bfm.last_sample
                for o in ("m0_axi_arvalid", "m1_axi_arvalid", "m1_axi_awvalid",
                          "m1_axi_wvalid", "irq"):
                    if s.get(o):
                        env.scoreboard.error(f"{o} high after {c['abort'][0]} with no "
                                             f"command: {s}")


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class LmmuInjectedBugTest(LmmuBaseTest):
    """The scoreboard must catch a wrong golden model: passes only if it fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await self.run("bug", self.shapes()[:1] + [self.good()])
