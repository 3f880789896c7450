"""The register block against :class:`ip.mmu.regmap.RegModel` in MyHDL's simulator, for
any register map (property mode: Hypothesis draws the accesses and shrinks failures).

The DUT is :func:`ip.axi.axil_regs.axil_regs` itself (no conversion); a bus master
process runs the accesses one at a time with the given AW/W/B or AR/R delays, a
hardware process drives RO inputs and W1C set pulses from a seeded RNG, and every
cycle's pin sample goes to the same :class:`~verif.axil_regs.checker.EdgeChecker` the
pyuvm scoreboard uses.

An access is ``("w", offset, data, strb, aw_delay, w_delay, b_delay)``,
``("r", offset, ar_delay, r_delay)`` or ``("reset", cycles)``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from myhdl import ResetSignal, Signal, StopSimulation, always, block, delay, instance, instances

from ip.axi.axil_regs import AXIL_PORTS, AxilSignals, axil_regs, regmap_signals
from ip.mmu.regmap import Field, RegMap, RegModel, Register
from verif.axil_regs.checker import CycleSample, EdgeChecker

ODD_REGMAP = RegMap("odd", [
    # Multi-bit W1P and W1C fields, a register of W1P fields only (reads 0), fields
    # across byte lanes, a non-zero reset, a gap at 0x04, a register at the top.
    Register("CMD", 0x00, "", (Field("go", 0, 3, "W1P"), Field("kick", 9, 1, "W1P"))),
    Register("IRQ", 0x08, "", (Field("src", 6, 4, "W1C"), Field("one", 15, 1, "W1C"),
                               Field("lvl", 20, 3, "RO"))),
    Register("MODE", 0x0C, "", (Field("mode", 3, 14, "RW", 0x1234),
                                Field("flag", 31, 1, "RW", 1))),
    Register("TOP", 0x1C, "", (Field("top", 0, 32, "RO"),)),
])


@dataclass
class BenchResult:
    errors: list = field(default_factory=list)
    expected: list = field(default_factory=list)
    actual: list = field(default_factory=list)
    hits: set = field(default_factory=set)
    cycles: int = 0

    def mismatches(self) -> list[str]:
        out = list(self.errors)
        for key in ("r", "b"):
            exp = [e for e in self.expected if e.key == key]
            act = [a for a in self.actual if a.key == key]
            if len(exp) != len(act):
                out.append(f"{key}: {len(exp)} expected responses, {len(act)} seen")
            for i, (e, a) in enumerate(zip(exp, act)):
                if e != a:
                    out.append(f"{key} #{i}: Expected: {e} Actual: {a}")
        return out


def run(regmap: RegMap, ops, seed: int = 0, addr_width: int = 8, model_cls=RegModel,
        set_prob: float = 0.1) -> BenchResult:
    res = BenchResult()
    rng = random.Random(seed)
    checker = EdgeChecker(regmap, model_cls(regmap), res.expected.append, res.actual.append,
                          res.errors.append)

    @block
    def bench():
        clk = Signal(bool(0))
        rst_n = ResetSignal(0, active=0, isasync=False)
        axil = AxilSignals(addr_width)
        hw = regmap_signals(regmap)
        dut = axil_regs(clk, rst_n, axil, hw, regmap)
        inputs = [p for p in regmap.hw_ports() if p.direction == "in"]

        @always(delay(5))
        def clock():
            clk.next = not clk

        @instance
        def hardware():
            while True:
                yield clk.posedge
                for p in inputs:
                    if p.role == "set":
                        v = rng.getrandbits(p.width) | 1 if rng.random() < set_prob else 0
                    elif rng.random() < 0.3:
                        v = rng.getrandbits(p.width)
                    else:
                        continue
                    hw[p.name].next = bool(v) if p.width == 1 else v

        @instance
        def sampler():
            while True:
                yield clk.negedge
                s = CycleSample(int(rst_n.val), {n: int(getattr(axil, n).val) for n in AXIL_PORTS},
                                {n: int(sig.val) for n, sig in hw.items()})
                res.hits |= checker.on_cycle(s)
                res.cycles += 1

        def write(offset, data, strb, aw_delay, w_delay, b_delay):
            aw_done = w_done = False
            t = 0
            while True:
                axil.awvalid.next = not aw_done and t >= aw_delay
                axil.awaddr.next = offset
                axil.wvalid.next = not w_done and t >= w_delay
                axil.wdata.next = data
                axil.wstrb.next = strb
                axil.bready.next = t >= b_delay
                yield clk.posedge
                aw_done = aw_done or bool(axil.awvalid.val and axil.awready.val)
                w_done = w_done or bool(axil.wvalid.val and axil.wready.val)
                t += 1
                if axil.bvalid.val and axil.bready.val:
                    break
                if t > 1000:
                    raise AssertionError(f"write 0x{offset:x}: no response")
            axil.awvalid.next = axil.wvalid.next = axil.bready.next = False

        def read(offset, ar_delay, r_delay):
            ar_done = False
            t = 0
            while True:
                axil.arvalid.next = not ar_done and t >= ar_delay
                axil.araddr.next = offset
                axil.rready.next = t >= r_delay
                yield clk.posedge
                ar_done = ar_done or bool(axil.arvalid.val and axil.arready.val)
                t += 1
                if axil.rvalid.val and axil.rready.val:
                    break
                if t > 1000:
                    raise AssertionError(f"read 0x{offset:x}: no response")
            axil.arvalid.next = axil.rready.next = False

        @instance
        def master():
            for _ in range(3):
                yield clk.posedge
            rst_n.next = 1
            for op in ops:
                if op[0] == "reset":
                    rst_n.next = 0
                    for _ in range(op[1]):
                        yield clk.posedge
                    rst_n.next = 1
                elif op[0] == "w":
                    yield from write(*op[1:])
                else:
                    yield from read(*op[1:])
            for _ in range(3):
                yield clk.posedge
            raise StopSimulation

        return instances()

    tb = bench()
    tb.run_sim(quiet=1)
    tb.quit_sim()
    return res
