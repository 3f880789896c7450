"""Timing probe of the LMMU: the worked example of ip/lmmu/README.md ("Timing of one
command"), measured on the RTL.

One command (``RADACS_TRACE_CASE``: JSON [M, K, N, TILE_M, TILE_N, TILE_K, bias_en,
requant_en, seed]) on a DRAM without pauses (cocotbext-axi ``AxiRamRead`` on port 0,
``AxiRam`` on port 1, as verif/lmmu/lmmu_smoke.py); every AXI handshake of both masters
and the AXI4-Lite B responses are recorded by edge number, with ``irq`` (``irq_en`` set,
so ``irq`` = ``STATUS.done``) and the counters read after the command.  The result is
written as JSON to ``RADACS_TRACE_OUT``; :func:`render` turns it into the README's
table (tests/test_lmmu_timing.py compares the two).
"""
from __future__ import annotations

import json
import os

import cocotb
from cocotb.triggers import RisingEdge

from ip.mmu import regmap as rm
from verif.lmmu.lmmu_smoke import MEM, check_y, load, prepare, program, rreg, setup, wreg

COUNTERS = ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT", "RD_BYTES0", "RD_BYTES1",
            "WR_BYTES1")


@cocotb.test()
async def lmmu_trace(dut):
    """One command without pauses: handshakes by edge, irq, counters, Y checked."""
    ram, csr, _ = await setup(dut)
    B = len(dut.m1_axi_wstrb)
    M, K, N, tm, tn, tk, bias_en, requant_en, seed = json.loads(os.environ["RADACS_TRACE_CASE"])
    lay, W, X, bias, mult, shift, want, ob = prepare(M, K, N, bias_en, requant_en, seed, B)
    load(ram, lay, W, X, bias, mult, shift, seed)
    before = bytearray(ram.read(0, MEM))
    await program(csr, lay, M, K, N, tm, tn, tk, bias_en, requant_en)
    ev = []
    state = {"stop": False}

    async def probe():
        d, c, pb = dut, 0, 0
        while not state["stop"]:
            await RisingEdge(d.clk)   # values of the cycle that ends at this edge
            c += 1
            v = lambda s: int(s.value)   # noqa: E731
            if v(d.s_axil_bvalid) and not pb:
                ev.append([c, "axil_b", 0, 0])
            pb = v(d.s_axil_bvalid)
            for p in ("m0", "m1"):
                if v(getattr(d, f"{p}_axi_arvalid")) and v(getattr(d, f"{p}_axi_arready")):
                    ev.append([c, f"{p}_ar", v(getattr(d, f"{p}_axi_araddr")),
                               v(getattr(d, f"{p}_axi_arlen"))])
                if v(getattr(d, f"{p}_axi_rvalid")) and v(getattr(d, f"{p}_axi_rready")):
                    ev.append([c, f"{p}_r", 0, v(getattr(d, f"{p}_axi_rlast"))])
            if v(d.m1_axi_awvalid) and v(d.m1_axi_awready):
                ev.append([c, "m1_aw", v(d.m1_axi_awaddr), v(d.m1_axi_awlen)])
            if v(d.m1_axi_wvalid) and v(d.m1_axi_wready):
                ev.append([c, "m1_w", 0, v(d.m1_axi_wlast)])
            if v(d.m1_axi_bvalid) and v(d.m1_axi_bready):
                ev.append([c, "m1_b", 0, 0])
            if v(d.irq):
                ev.append([c, "irq", 0, 0])
                state["stop"] = True

    task = cocotb.start_soon(probe())
    await wreg(csr, "CTRL", 1 | 4)   # start, irq_en
    await task
    st = await rreg(csr, "STATUS")
    assert (st >> 4) & 0xF == rm.ERR_NONE, f"STATUS {st:#x}"
    check_y(ram, before, lay, want, M, N, ob, requant_en, "trace command")
    counters = {n: await rreg(csr, n) for n in COUNTERS}
    out = {"case": [M, K, N, tm, tn, tk, bias_en, requant_en, seed], "B": B,
           "layout": lay, "events": ev, "counters": counters}
    with open(os.environ["RADACS_TRACE_OUT"], "w") as f:
        json.dump(out, f)


# ------------------------------------------------------------------ rendering
def phases(trace: dict) -> list[tuple[str, str, int, int, int, int]]:
    """(port, what, first cycle, last cycle, bursts, beats) per load/store phase, cycles
    relative to the CTRL.start pulse (cycle 0 = the first cycle of the CTRL write's B
    response, when CTRL.start is high); a phase runs from its first address handshake
    to its last data beat (reads) or B response (writes).  W and X loads are told apart
    by chunk (their address within a W row / the X row they read), P and Y by region."""
    M, K, N, tm, tn, tk, bias_en, requant_en, _ = trace["case"]
    lay = trace["layout"]
    ev = trace["events"]
    t0 = max(c for c, k, _, _ in ev if k == "axil_b" and c <= min(
        c2 for c2, k2, _, _ in ev if k2 in ("m0_ar", "m1_ar")))
    # events are numbered by the edge that ends their cycle, t0 included
    rel = lambda c: c - t0   # noqa: E731

    def label(port, addr):
        if port == "m0":
            if bias_en or requant_en:
                if lay["P_ADDR"] <= addr < lay["P_ADDR"] + 16 * M:
                    return "P records"
            return f"W chunk {((addr - lay['W_ADDR']) % lay['W_STRIDE']) // tk}"
        if port == "m1r":
            return f"X chunk {((addr - lay['X_ADDR']) // lay['X_STRIDE']) // tk}"
        return "Y"

    out: dict[tuple[str, str], list[int]] = {}
    # reads: each AR's beats follow in order (one ID): assign beats to the AR queue
    for port in ("m0", "m1"):
        queue = []
        for c, k, a, ln in ev:
            if k == f"{port}_ar":
                key = (f"{port} AR/R", label(port if port == "m0" else "m1r", a))
                queue.append([key, ln + 1])
                ph = out.setdefault(key, [c, c, 0, 0])
                ph[2] += 1
            elif k == f"{port}_r":
                key, left = queue[0]
                ph = out[key]
                ph[1] = max(ph[1], c)
                ph[3] += 1
                queue[0][1] -= 1
                if queue[0][1] == 0:
                    queue.pop(0)
    for c, k, a, ln in ev:
        if k == "m1_aw":
            ph = out.setdefault(("m1 AW/W/B", "Y"), [c, c, 0, 0])
            ph[2] += 1
        elif k == "m1_w":
            out[("m1 AW/W/B", "Y")][3] += 1
        elif k == "m1_b":
            ph = out[("m1 AW/W/B", "Y")]
            ph[1] = max(ph[1], c)
    rows = [(p, w, rel(a), rel(b), n, beats) for (p, w), (a, b, n, beats) in out.items()]
    return sorted(rows, key=lambda r: (r[2], r[0]))


def render(trace: dict) -> str:
    """The README's timing block: a bar per phase (one character = ``scale`` cycles)
    and the table of first/last cycles, bursts and beats, the irq cycle and counters."""
    rows = phases(trace)
    ev = trace["events"]
    t0 = max(c for c, k, _, _ in ev if k == "axil_b" and c <= min(
        c2 for c2, k2, _, _ in ev if k2 in ("m0_ar", "m1_ar")))
    irq = min(c for c, k, _, _ in ev if k == "irq") - t0
    scale = max(1, -(-irq // 64))
    lines = ["```",
             f"cycle (0 = CTRL.start; one character = {scale} cycles)"]
    for p, w, a, b, _n, _beats in rows:
        bar = " " * (a // scale) + "=" * (b // scale - a // scale + 1)
        lines.append(f"{p:10s} {w:10s} |{bar}")
    lines.append(f"{'irq':21s} |{' ' * (irq // scale)}^ {irq}")
    lines.append("```")
    lines += ["", "| port | phase | first cycle | last cycle | bursts | beats |",
              "|---|---|---:|---:|---:|---:|"]
    for p, w, a, b, n, beats in rows:
        lines.append(f"| {p} | {w} | {a} | {b} | {n} | {beats} |")
    lines.append(f"| | `irq` (`STATUS.done`) rises | {irq} | | | |")
    c = trace["counters"]
    lines += ["", "Counters: " + ", ".join(f"`{k}` {c[k]}" for k in COUNTERS) + "."]
    return "\n".join(lines) + "\n"
