"""The matrix units' output stage (ip/mmu/outstage.py) against models.quant / models.gemm.

MyHDL's in-process simulator runs the RTL on Hypothesis-drawn rows (extremes of the
accumulator, multiplier and shift included) with random idle cycles, and every output
row must equal the golden model bit for bit at exactly ``LATENCY`` cycles.  The
converted Verilog must be Verilator -Wall clean.
"""
from __future__ import annotations

import subprocess

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from myhdl import ResetSignal, Signal, Simulation, StopSimulation, always, delay, instance, intbv

from ip.mmu import outstage as os_mod
from models.quant import MULT_MAX, SHIFT_MAX, requantize

I32 = st.one_of(st.sampled_from([-2**31, -2**31 + 1, -1, 0, 1, 2**31 - 1]),
                st.integers(-2**31, 2**31 - 1))
MULT = st.one_of(st.sampled_from([0, 1, 2**30, MULT_MAX]), st.integers(0, MULT_MAX))
SHIFT = st.one_of(st.sampled_from([0, 1, 31, 32, SHIFT_MAX]), st.integers(0, SHIFT_MAX))


def expected(acc, bias, mult, shift, bias_en):
    s = (np.array(acc, dtype=np.int64) + (bias if bias_en else 0) + 2**31) % 2**32 - 2**31
    y8 = requantize(s, mult, shift).astype(np.int64)
    return [int(v) for v in s], [int(v) for v in y8]


def simulate(lanes, rows, gaps):
    """Drive ``rows`` (acc list, bias, mult, shift, bias_en) with ``gaps`` idle cycles
    before each; return [(cycle_out, out_i32 lanes, out_i8 lanes)] and the input cycles."""
    clk = Signal(bool(0))
    rst_n = ResetSignal(0, active=0, isasync=False)
    in_valid, bias_en, out_valid = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    in_acc = Signal(intbv(0)[32 * lanes:])
    bias = Signal(intbv(0)[32:])
    mult = Signal(intbv(0)[os_mod.MULT_BITS:])
    shift = Signal(intbv(0)[os_mod.SHIFT_BITS:])
    out_i32 = Signal(intbv(0)[32 * lanes:])
    out_i8 = Signal(intbv(0)[8 * lanes:])
    dut = os_mod.outstage(clk, rst_n, in_valid, in_acc, bias, mult, shift, bias_en,
                          out_valid, out_i32, out_i8, lanes)
    seen, issued, cycle = [], [], [0]

    @always(delay(5))
    def clkgen():
        clk.next = not clk

    @instance
    def stim():
        yield clk.negedge
        yield clk.negedge
        rst_n.next = 1
        for (acc, b, m, s, be), gap in zip(rows, gaps):
            for _ in range(gap):
                in_valid.next = 0
                yield clk.negedge
            word = 0
            for c, a in enumerate(acc):
                word |= (a & 0xFFFFFFFF) << (32 * c)
            in_acc.next, bias.next, mult.next, shift.next = word, b & 0xFFFFFFFF, m, s
            bias_en.next, in_valid.next = be, 1
            issued.append(cycle[0])
            yield clk.negedge
        in_valid.next = 0
        for _ in range(os_mod.LATENCY + 2):
            yield clk.negedge
        raise StopSimulation

    @instance
    def mon():
        while True:
            yield clk.posedge
            cycle[0] += 1
            yield delay(1)
            if out_valid:
                w32, w8 = int(out_i32), int(out_i8)
                lanes32 = [((w32 >> (32 * c)) & 0xFFFFFFFF) for c in range(lanes)]
                lanes8 = [((w8 >> (8 * c)) & 0xFF) for c in range(lanes)]
                seen.append((cycle[0], [v - 2**32 if v >= 2**31 else v for v in lanes32],
                             [v - 256 if v >= 128 else v for v in lanes8]))

    Simulation(dut, clkgen, stim, mon).run(quiet=1)
    return seen, issued


@st.composite
def traffic(draw):
    lanes = draw(st.integers(1, 4))
    n = draw(st.integers(1, 12))
    rows = [(draw(st.lists(I32, min_size=lanes, max_size=lanes)), draw(I32), draw(MULT),
             draw(SHIFT), draw(st.booleans())) for _ in range(n)]
    gaps = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return lanes, rows, gaps


# Property mode, few examples (time budget): 15 in the default run; the deep sweep
# (-m slow, make regress) draws 200.  The stage is also checked bit-exact inside both
# matrix units (tests/test_hmmu_core.py, tests/test_lmmu_core.py, the pyuvm regressions).
@settings(max_examples=15, deadline=None)
@given(traffic())
def test_outstage_matches_model_at_fixed_latency(t):
    _check_outstage(t)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(traffic())
def test_outstage_matches_model_deep(t):
    _check_outstage(t)


def _check_outstage(t):
    lanes, rows, gaps = t
    seen, issued = simulate(lanes, rows, gaps)
    assert len(seen) == len(rows), f"{len(seen)} output rows for {len(rows)} input rows"
    for (cyc, y32, y8), (acc, b, m, s, be), cin in zip(seen, rows, issued):
        assert cyc - cin == os_mod.LATENCY, f"latency {cyc - cin}, expected {os_mod.LATENCY}"
        e32, e8 = expected(acc, b, m, s, be)
        assert y32 == e32, f"biased sum {y32} != model {e32} for acc={acc} bias={b} en={be}"
        assert y8 == e8, f"requantised {y8} != model {e8} for acc={acc} bias={b} " \
                         f"mult={m} shift={s} en={be}"


def test_outstage_saturation_and_ties_directed():
    """Both saturation limits, exact ties of either sign (round half up) and shift 0."""
    rows = [([2**31 - 1, -2**31], 0, MULT_MAX, 0, False),      # saturate both ways
            ([5, -5], 0, 1, 1, False),                          # 2.5 -> 3, -2.5 -> -2
            ([3, -3], 0, 1, 0, False),                          # no rounding at shift 0
            ([2**31 - 1, 7], 1, 1, 63, True)]                   # bias wraps to -2^31
    seen, _ = simulate(2, rows, [0, 0, 1, 0])
    got8 = [y8 for _, _, y8 in seen]
    assert got8 == [[127, -128], [3, -2], [3, -3], [0, 0]], got8
    assert seen[3][1] == [-2**31, 8]


@pytest.mark.parametrize("lanes", [0, 65, True, "4"])
def test_outstage_bad_lanes(lanes):
    with pytest.raises(ValueError, match=r"outstage: LANES must be .* got"):
        os_mod.check_lanes(lanes)


def test_outstage_converts_and_lints(tmp_path):
    """The stage converts to Verilog and is Verilator -Wall clean (no waiver)."""
    from myhdl import ResetSignal as RS
    lanes = 4
    sig = dict(clk=Signal(bool(0)), rst_n=RS(0, active=0, isasync=False),
               in_valid=Signal(bool(0)), in_acc=Signal(intbv(0)[32 * lanes:]),
               bias=Signal(intbv(0)[32:]), mult=Signal(intbv(0)[os_mod.MULT_BITS:]),
               shift=Signal(intbv(0)[os_mod.SHIFT_BITS:]), bias_en=Signal(bool(0)),
               out_valid=Signal(bool(0)), out_i32=Signal(intbv(0)[32 * lanes:]),
               out_i8=Signal(intbv(0)[8 * lanes:]))
    inst = os_mod.outstage(**sig, lanes=lanes)
    inst.convert(hdl="Verilog", path=str(tmp_path), name="radacs_outstage_l4",
                 testbench=False, timescale="1ns/1ps")
    v = tmp_path / "radacs_outstage_l4.v"
    assert v.exists()
    r = subprocess.run(["verilator", "--lint-only", "-Wall", str(v)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
