"""MyHDL in-process bench: the PE array RTL against the golden model, every cycle.

The model / RTL / bench triplet of the myhdl-examples style; fast enough to sit under
Hypothesis' ``@given`` so that a failure shrinks to a minimal stimulus (see
tests/test_pe_array_property.py).
"""
from __future__ import annotations

from myhdl import Simulation, StopSimulation, delay, instance

from ip.pe_array import build, check
from models.pe_array import PeArrayModel


def pack(values, bits):
    """Flat bus of ``values`` (element 0 in the least significant bits), two's complement."""
    word = 0
    for i, v in enumerate(values):
        word |= (int(v) & ((1 << bits) - 1)) << (bits * i)
    return word


def unpack(word, n, bits):
    """Signed elements of a flat bus."""
    out = []
    for i in range(n):
        v = (int(word) >> (bits * i)) & ((1 << bits) - 1)
        out.append(v - (1 << bits) if v >> (bits - 1) else v)
    return out


def run(params: dict, stimulus, model_cls=PeArrayModel) -> list[str]:
    """Drive ``[(valid, first, flush, w, x, sh_en, rst), ...]`` (``rst``: a reset cycle)
    after a power-on reset; compare ``out_row`` and ``out_swap`` with the model in every
    cycle.  Returns mismatch descriptions."""
    p = check(params)
    rows, cols = p["ROWS"], p["COLS"]
    dut, s = build(p)
    model = model_cls(rows, cols)
    errors: list[str] = []

    def edge():
        s["clk"].next = 1
        yield delay(1)
        s["clk"].next = 0
        yield delay(1)

    @instance
    def bench():
        s["rst_n"].next = 0
        yield delay(1)
        yield edge()
        s["rst_n"].next = 1
        for t, (valid, first, flush, w, x, sh_en, rst) in enumerate(stimulus):
            s["in_valid"].next, s["in_first"].next = bool(valid), bool(first)
            s["in_flush"].next, s["sh_en"].next = bool(flush), bool(sh_en)
            s["in_w"].next = pack(w, 8)
            s["in_x"].next = pack(x, 8)
            s["rst_n"].next = not rst
            yield delay(1)
            exp = model.outputs()
            got = (tuple(unpack(s["out_row"].val, cols, 32)), bool(s["out_swap"].val))
            if got != (exp.out_row, exp.out_swap):
                errors.append(f"cycle {t}: expected out_row={list(exp.out_row)} "
                              f"out_swap={int(exp.out_swap)}, got out_row={list(got[0])} "
                              f"out_swap={int(got[1])}")
            if rst:
                model.reset()
            else:
                model.clock(valid, first, flush, w, x, sh_en)
            yield edge()
        raise StopSimulation

    Simulation(dut, bench).run(quiet=1)
    return errors
