"""MyHDL in-process bench: the feature cache RTL against the golden model.

Runs a program of :mod:`verif.feature_cache.program` on the MyHDL design (no
conversion) with seeded random idle cycles on both input streams and random
backpressure on the three output channels, and compares every store response, load
response, loaded feature and CSR read with :class:`models.feature_cache.FeatureCacheModel`.
Fast enough to sit under Hypothesis' ``@given`` (tests/test_feature_cache_property.py),
so a failure shrinks to a minimal program.  It also checks, every cycle, the stream
rules the formal harness proves: ``m_axis`` valid/data stable until ready, and no data
beat for a load answered with an error.
"""
from __future__ import annotations

import random

from myhdl import Simulation, StopSimulation, delay, instance

from ip.feature_cache import build, check, regmap
from models.feature_cache import FeatureCacheModel, Response
from verif.feature_cache.axi_mem import axi_mem_slave
from verif.feature_cache.program import ERR_SIZE, err_base


def axi_memory(s, mem: dict, data_bytes: int, max_burst: int, rng, stall: float,
               err_blocks: frozenset, errors: list):
    """The in-order AXI4 memory slave (:func:`verif.feature_cache.axi_mem.axi_mem_slave`)
    on the ``m_axi_*`` signals of ``s`` (BACKING=dram): ``mem`` maps byte addresses of
    beats to beat values; 256-byte blocks in ``err_blocks`` answer SLVERR.  AXI rule
    violations (burst crossing 4 KiB, longer than ``max_burst``, wrong WLAST) are
    appended to ``errors``."""
    return axi_mem_slave(s, data_bytes=data_bytes, max_burst=max_burst, rng=rng,
                         stall=stall, err_blocks=err_blocks, read=lambda a: mem.get(a, 0),
                         write=mem.__setitem__,
                         violation=lambda v: errors.append(f"AXI rule broken: {v}"))


def run(params: dict, program, seed: int = 0, model_cls=FeatureCacheModel,
        idle: float = 0.2, stall: float = 0.2, max_cycles: int = 200_000,
        err_blocks: frozenset | None = None, resp_stall: float | None = None) -> list[str]:
    """Execute ``program``; return the mismatch descriptions (empty = pass).  With
    BACKING=dram an AXI4 memory slave (:func:`axi_memory`, pauses with probability
    ``stall``) answers the master; 256-byte blocks in ``err_blocks`` answer SLVERR.
    ``resp_stall``: the response sinks' backpressure (default ``stall``)."""
    if resp_stall is None:
        resp_stall = stall
    p = check(params)
    dut, s = build(p)
    dram = p["BACKING"] == "dram"
    rmap = regmap(p["SLOTS"], p["SLOT_WORDS"], p["BACKING"], p["DATA_BYTES"])
    off = {r.name: r.offset for r in rmap}
    if dram and err_blocks is None:
        err_blocks = frozenset({err_base(p) // ERR_SIZE})   # the programs' SLVERR block
    if dram:
        model = model_cls(p["SLOTS"], p["DATA_BYTES"], p["SLOT_WORDS"], p["STEPS"],
                          backing="dram", err=lambda a: (a // 256) in err_blocks)
    else:
        model = model_cls(p["SLOTS"], p["DATA_BYTES"], p["SLOT_WORDS"], p["STEPS"])
    rng = random.Random(seed)
    errors: list[str] = []
    st_resps, ld_resps, feats = [], [], []
    cur = []                     # beats of the feature being received
    state = {"cycle": 0, "prev": None, "err_loads": 0}

    def tick():
        s["clk"].next = 1
        yield delay(1)
        s["clk"].next = 0
        yield delay(1)

    def sample_and_tick():
        """Record transfers at the settled pre-edge values, clock, then draw the sinks'
        random readies for the next cycle (applied with the next cycle's inputs)."""
        yield delay(1)
        mv, mr = bool(s["m_axis_tvalid"].val), bool(s["m_axis_tready"].val)
        out = (int(s["m_axis_tdata"].val), int(s["m_axis_tlast"].val), int(s["m_axis_tdest"].val))
        prev = state["prev"]
        if prev is not None and prev[0] and not prev[1] and (not mv or out != prev[2]):
            errors.append(f"cycle {state['cycle']}: m_axis beat changed or dropped before "
                          f"tready: {prev[2]} -> {out if mv else 'no valid'}")
        state["prev"] = (mv, mr, out)
        if s["st_resp_valid"].val and s["st_resp_ready"].val:
            st_resps.append(Response(int(s["st_resp_code"].val), int(s["st_resp_slot"].val)))
        if s["ld_resp_valid"].val and s["ld_resp_ready"].val:
            ld_resps.append(Response(int(s["ld_resp_code"].val), int(s["ld_resp_slot"].val)))
        if mv and mr:
            cur.append(out)
            if out[1]:
                feats.append((out[2], [b[0] for b in cur]))
                if any(b[2] != out[2] for b in cur):
                    errors.append(f"cycle {state['cycle']}: tdest changed inside a feature")
                cur.clear()
        state["cycle"] += 1
        if state["cycle"] > max_cycles:
            raise AssertionError("bench: cycle limit reached (deadlock?)")
        yield from tick()
        s["st_resp_ready"].next = rng.random() >= resp_stall
        s["ld_resp_ready"].next = rng.random() >= resp_stall
        s["m_axis_tready"].next = rng.random() >= stall

    def axil_write(addr, data):
        s["s_axil_awaddr"].next = addr
        s["s_axil_wdata"].next = data
        s["s_axil_wstrb"].next = 0xF
        s["s_axil_awvalid"].next = 1
        s["s_axil_wvalid"].next = 1
        s["s_axil_bready"].next = 1
        aw = w = False
        while True:
            yield delay(1)
            aw = aw or bool(s["s_axil_awready"].val)
            w = w or bool(s["s_axil_wready"].val)
            done = bool(s["s_axil_bvalid"].val)
            yield from sample_and_tick()
            if aw:
                s["s_axil_awvalid"].next = 0
            if w:
                s["s_axil_wvalid"].next = 0
            if done:
                break
        s["s_axil_bready"].next = 0

    def axil_read(addr, out):
        s["s_axil_araddr"].next = addr
        s["s_axil_arvalid"].next = 1
        s["s_axil_rready"].next = 1
        while True:
            yield delay(1)
            ar = bool(s["s_axil_arready"].val)
            rv = bool(s["s_axil_rvalid"].val)
            data = int(s["s_axil_rdata"].val)
            yield from sample_and_tick()
            if ar:
                s["s_axil_arvalid"].next = 0
            if rv:
                out.append(data)
                break
        s["s_axil_rready"].next = 0

    def phase(stores, loads):
        n_st0, n_ld0 = len(st_resps), len(ld_resps)
        exp_hits = 0
        st_beats = [(slot, b, i == len(bs) - 1) for slot, bs in stores for i, b in enumerate(bs)]
        si = li = 0
        for slot, bs in stores:
            exp_st = model.store(slot, bs)
            want_st.append(exp_st)
        for slot in loads:
            rsp, data = model.load(slot)
            want_ld.append(rsp)
            if data:
                want_feat.append((slot, data))
                exp_hits += 1
        n_feat0 = len(feats) + exp_hits
        sv = lv = False
        while True:
            if not sv and si < len(st_beats) and rng.random() >= idle:
                slot, b, last = st_beats[si]
                s["s_axis_tid"].next, s["s_axis_tdata"].next, s["s_axis_tlast"].next = slot, b, last
                sv = True
            if not lv and li < len(loads) and rng.random() >= idle:
                s["s_ld_slot"].next = loads[li]
                lv = True
            s["s_axis_tvalid"].next = sv
            s["s_ld_valid"].next = lv
            yield delay(1)
            st_fire = sv and bool(s["s_axis_tready"].val)
            ld_fire = lv and bool(s["s_ld_ready"].val)
            yield from sample_and_tick()
            if st_fire:
                si += 1
                sv = False
            if ld_fire:
                li += 1
                lv = False
            s["s_axis_tvalid"].next = sv
            s["s_ld_valid"].next = lv
            if (si == len(st_beats) and li == len(loads) and len(st_resps) == n_st0 + len(stores)
                    and len(ld_resps) == n_ld0 + len(loads) and len(feats) >= n_feat0
                    and not s["m_axis_tvalid"].val):
                break

    want_st, want_ld, want_feat = [], [], []

    @instance
    def bench():
        s["rst_n"].next = 0
        for _ in range(3):
            yield from tick()
        s["rst_n"].next = 1
        yield from tick()
        for op in program:
            if op[0] == "w":
                yield from axil_write(off[op[1]], op[2])
                model.write(op[1], op[2])
            elif op[0] == "step":
                yield from axil_write(off["STEP"], (1 << 31) | (op[1] & 0xFFFF))
                model.write_step(op[1])
                while True:
                    got = []
                    yield from axil_read(off["STATUS"], got)
                    if not got[0] & 1:
                        break
            elif op[0] == "r":
                got = []
                yield from axil_read(off[op[1]], got)
                exp = model.read(op[1])
                if got[0] != exp:
                    errors.append(f"read {op[1]}: expected {exp:#x}, got {got[0]:#x}")
            elif op[0] == "phase":
                yield from phase(op[1], op[2])
        for k in range(8):
            yield from sample_and_tick()
        raise StopSimulation

    if dram:
        mem: dict = {}
        slave = axi_memory(s, mem, p["DATA_BYTES"], p["MAX_BURST"], random.Random(seed + 1),
                           stall, frozenset(err_blocks), errors)
        Simulation(dut, bench, slave).run(quiet=1)
    else:
        Simulation(dut, bench).run(quiet=1)
    for what, exp, act in (("store response", want_st, st_resps),
                           ("load response", want_ld, ld_resps),
                           ("loaded feature", want_feat, feats)):
        if len(exp) != len(act):
            errors.append(f"{what}s: expected {len(exp)}, got {len(act)}")
        for i, (e, a) in enumerate(zip(exp, act)):
            if e != a:
                errors.append(f"{what} #{i}: expected {e}, got {a}")
                break
    return errors
