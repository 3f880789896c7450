"""MyHDL in-process bench: the arbiter RTL against the golden model, every cycle.

The model / RTL / bench triplet of the myhdl-examples style.  Fast enough (tens of
microseconds per cycle) to sit under Hypothesis' ``@given`` so that a failure
shrinks to a minimal stimulus (see tests/test_arbiter_property.py).
"""
from __future__ import annotations

from myhdl import Simulation, StopSimulation, delay, instance

from ip.arbiter import build, check
from models.arbiter import ArbiterModel


def run(params: dict, stimulus, model_cls=ArbiterModel) -> list[str]:
    """Drive ``[(req, lock, ready), ...]`` from reset; return mismatch descriptions."""
    p = check(params)
    dut, s = build(p)
    model = model_cls(p["FLAVOUR"], p["N"], p["WEIGHTS"])
    errors: list[str] = []

    @instance
    def bench():
        s["rst_n"].next = 0
        yield delay(1)
        s["rst_n"].next = 1
        yield delay(1)
        for t, (req, lock, ready) in enumerate(stimulus):
            s["req"].next, s["lock"].next, s["gnt_ready"].next = req, lock, bool(ready)
            yield delay(1)
            exp = model.clock(req, lock, bool(ready))
            got = (int(s["gnt"].val), int(s["gnt_idx"].val), bool(s["gnt_valid"].val))
            if got != (exp.gnt, exp.idx, exp.valid):
                errors.append(f"cycle {t}: req={req:#x} lock={lock:#x} ready={int(ready)} "
                              f"expected {(exp.gnt, exp.idx, exp.valid)} got {got}")
            s["clk"].next = 1
            yield delay(1)
            s["clk"].next = 0
            yield delay(1)
        raise StopSimulation

    Simulation(dut, bench).run(quiet=1)
    return errors
