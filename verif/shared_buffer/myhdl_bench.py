"""MyHDL in-process bench: the shared-buffer RTL against the golden model, every cycle.

Fast enough on small sets to sit under Hypothesis' ``@given`` so that a failure
shrinks to a minimal stimulus (tests/test_shared_buffer_property.py).  The stimulus
is pins, cycle by cycle: the model is defined for any input sequence (a source that
drops valid early is not a protocol the RTL relies on).
"""
from __future__ import annotations

from myhdl import Simulation, StopSimulation, delay, instance

from ip.shared_buffer import build, check, widths
from models.shared_buffer import Req, SharedBufferModel


def run(params: dict, stimulus, model_cls=SharedBufferModel) -> list[str]:
    """Drive ``[(reqs, rsp_ready, in_reset), ...]`` (``reqs``: one
    :class:`models.shared_buffer.Req` per port) from reset; return mismatches."""
    p = check(params)
    w = widths(p)
    P, DW, AW, NB = p["P"], p["DATA_W"], w["AW"], w["NB"]
    dut, s = build(p)
    model = model_cls(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    errors: list[str] = []

    def pack(vals, width):
        v = 0
        for i, x in enumerate(vals):
            v |= (int(x) & ((1 << width) - 1)) << (i * width)
        return v

    @instance
    def bench():
        s["rst_n"].next = 0
        yield delay(1)
        s["clk"].next = 1
        yield delay(1)
        s["clk"].next = 0
        yield delay(1)
        for t, (reqs, rsp_ready, rst) in enumerate(stimulus):
            reqs = list(reqs) + [Req()] * (P - len(reqs))
            s["rst_n"].next = 0 if rst else 1
            s["s_req_valid"].next = pack([r.valid for r in reqs], 1)
            s["s_req_we"].next = pack([r.we for r in reqs], 1)
            s["s_req_addr"].next = pack([r.addr for r in reqs], AW)
            s["s_req_wdata"].next = pack([r.wdata for r in reqs], DW)
            s["s_req_wstrb"].next = pack([r.wstrb for r in reqs], NB)
            s["m_rsp_ready"].next = rsp_ready & ((1 << P) - 1)
            yield delay(1)
            exp = model.clock(reqs, rsp_ready, bool(rst))
            ready = int(s["s_req_ready"].val)
            valid = int(s["m_rsp_valid"].val)
            rdata = int(s["m_rsp_rdata"].val)
            if ready != exp.ready or valid != exp.rsp_valid:
                errors.append(f"cycle {t}: expected ready={exp.ready:#x} rsp_valid="
                              f"{exp.rsp_valid:#x}, got ready={ready:#x} rsp_valid={valid:#x}")
            for q in range(P):
                r = exp.rsp[q]
                got = (rdata >> (q * DW)) & ((1 << DW) - 1)
                if r is not None and not r.matches(got):
                    errors.append(f"cycle {t}: port {q} rdata expected {r.data:#x} "
                                  f"(known {r.known:#x}), got {got:#x}")
            s["clk"].next = 1
            yield delay(1)
            s["clk"].next = 0
            yield delay(1)
        raise StopSimulation

    Simulation(dut, bench).run(quiet=1)
    return errors


def run_traffic(params: dict, source, cycles: int, warmup: int = 16) -> dict:
    """Saturated ports against the RTL and the model in lockstep.

    ``source(port, k)`` is port ``port``'s ``k``-th request (a
    :class:`models.shared_buffer.Req`); every port offers its next request in every
    cycle (held until accepted), ``m_rsp_ready`` is high.  Returns the accesses
    accepted by the RTL and by the model over ``cycles`` cycles after ``warmup``, and
    any cycle where the two differ.
    """
    p = check(params)
    w = widths(p)
    P, DW, AW, NB = p["P"], p["DATA_W"], w["AW"], w["NB"]
    dut, s = build(p)
    model = SharedBufferModel(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    res = {"rtl": 0, "model": 0, "cycles": cycles, "errors": []}
    nxt = [0] * P

    def pack(vals, width):
        v = 0
        for i, x in enumerate(vals):
            v |= (int(x) & ((1 << width) - 1)) << (i * width)
        return v

    @instance
    def bench():
        s["rst_n"].next = 0
        yield delay(1)
        s["clk"].next = 1
        yield delay(1)
        s["clk"].next = 0
        yield delay(1)
        s["rst_n"].next = 1
        s["m_rsp_ready"].next = (1 << P) - 1
        for t in range(warmup + cycles):
            reqs = [source(i, nxt[i]) for i in range(P)]
            s["s_req_valid"].next = pack([r.valid for r in reqs], 1)
            s["s_req_we"].next = pack([r.we for r in reqs], 1)
            s["s_req_addr"].next = pack([r.addr for r in reqs], AW)
            s["s_req_wdata"].next = pack([r.wdata for r in reqs], DW)
            s["s_req_wstrb"].next = pack([r.wstrb for r in reqs], NB)
            yield delay(1)
            ready = int(s["s_req_ready"].val)
            exp = model.clock(reqs, (1 << P) - 1)
            if ready != exp.ready:
                res["errors"].append(f"cycle {t}: ready {ready:#x}, model {exp.ready:#x}")
            if t >= warmup:
                res["rtl"] += bin(ready & int(s["s_req_valid"].val)).count("1")
                res["model"] += bin(exp.ready).count("1")
            for i in range(P):
                if ready >> i & 1:
                    nxt[i] += 1
            s["clk"].next = 1
            yield delay(1)
            s["clk"].next = 0
            yield delay(1)
        raise StopSimulation

    Simulation(dut, bench).run(quiet=1)
    return res
