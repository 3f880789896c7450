"""The DRAM datapath's MyHDL source (ip/feature_cache/dram_path.py) in MyHDL's simulator,
against models/feature_cache_dram.py.

The slave is an in-order AXI4 memory written for the bench (the pattern of
verif/axi/myhdl_bench.py), with both the read and the write channels of the one
master port: every ``*READY`` / ``*VALID`` of the slave (AWREADY, WREADY, BVALID,
ARREADY, RVALID) idles at random with probability ``stall``, the stream source idles
and the stream sink backpressures with the same probability, and addresses whose 256-byte
block is in ``err`` answer SLVERR (writes there are not performed).  It also checks
the AXI rules the model relies on: no burst crosses 4 KiB, AxLEN < MAX_BURST, WLAST on
the last beat of each burst.

``run`` executes a list of operations one after another and returns what happened,
with cycle counts, so the same bench serves the property test and the benchmark.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from myhdl import Simulation, StopSimulation, always, delay, instance

from ip.feature_cache.dram_path import build, check
from models import feature_cache_dram as dm
from verif.feature_cache.axi_mem import axi_mem_slave


@dataclass
class Store:
    base: int
    cap: int
    beats: list
    drop: bool = False
    reset_after: int | None = None     # pulse rst_n this many cycles into the op


@dataclass
class Load:
    base: int
    length: int
    reset_after: int | None = None


@dataclass
class Result:
    code: int
    length: int = 0                       # store: beats written
    beats: list = field(default_factory=list)   # load: (tdata, tlast)
    cycles: int = 0                        # first beat offered / command .. done
    stalls: int = 0                        # cycles the stream waited on the block
    aw: list = field(default_factory=list)  # write bursts (addr, beats)
    first: int = -1                        # cycle (from the op start) of the first beat
    last: int = -1                         # ... and of the last beat (tlast)


RESET = -2   # Result.code of an op cut by a reset


def run(params: dict, ops: list, mem: bytearray, *, seed: int = 0, stall: float = 0.0,
        err: frozenset = frozenset(), max_cycles: int = 2000000):
    """Run ``ops``; return ``([Result], AXI rule violations)``.  An item of ``ops`` may be
    a tuple ``(Store, Load)``: both run at once (on disjoint regions).  An op with
    ``reset_after`` is cut by a 2-cycle reset (code RESET); the slave forgets its
    queues (the memory keeps what was written) and the next op starts after it."""
    p = check(params)
    b, mb = p["DATA_BYTES"], p["MAX_BURST"]
    inst, s = build(p)
    rng = random.Random(seed)
    results: list = []
    st = {"cycle": 0, "aw": [], "viol": []}

    def stalled():
        return stall > 0 and rng.random() < stall

    @always(delay(5))
    def clock():
        s["clk"].next = not s["clk"]

    def tick():
        st["cycle"] += 1
        if st["cycle"] > max_cycles:
            raise StopSimulation("timeout")

    def mem_write(a, v):
        mem[a:a + b] = v.to_bytes(b, "little")

    slave = axi_mem_slave(s, data_bytes=b, max_burst=mb, rng=rng, stall=stall,
                          err_blocks=err, read=lambda a: int.from_bytes(mem[a:a + b], "little"),
                          write=mem_write, violation=st["viol"].append, on_cycle=tick,
                          on_aw=lambda a, n: st["aw"].append((a, n)))

    jobs = {"st": None, "ld": None}   # the op each driver runs now: (op, Result)

    def pulse_reset():
        s["rst_n"].next = 0
        s["s_axis_tvalid"].next = 0
        s["ld_cmd_valid"].next = 0
        s["m_axis_tready"].next = 0
        for _ in range(2):
            yield s["clk"].posedge
        s["rst_n"].next = 1
        yield s["clk"].posedge

    @instance
    def store_driver():
        while True:
            yield s["clk"].posedge
            if jobs["st"] is None:
                continue
            op, r = jobs["st"]
            t = 0   # cycles of this op, counted by the driver itself
            s["st_base"].next = op.base // b
            s["st_cap"].next = op.cap
            s["st_drop"].next = op.drop
            k = 0
            while True:
                if k < len(op.beats) and (not s["s_axis_tvalid"] or s["s_axis_tready"]):
                    s["s_axis_tvalid"].next = not stalled()
                    s["s_axis_tdata"].next = op.beats[k]
                    s["s_axis_tlast"].next = k == len(op.beats) - 1
                elif k >= len(op.beats):
                    s["s_axis_tvalid"].next = 0
                yield s["clk"].posedge
                t += 1
                if op.reset_after is not None and t >= op.reset_after:
                    r.code = RESET
                    break
                if s["s_axis_tvalid"] and s["s_axis_tready"]:
                    if k == 0:
                        r.first = t
                    if s["s_axis_tlast"]:
                        r.last = t
                    k += 1
                elif s["s_axis_tvalid"]:
                    r.stalls += 1
                if s["st_done"]:
                    r.code, r.length = int(s["st_done_code"]), int(s["st_done_len"])
                    break
            s["s_axis_tvalid"].next = 0
            r.cycles = t
            r.aw = list(st["aw"])
            if r.code == RESET:
                yield from pulse_reset()
            jobs["st"] = None

    @instance
    def load_driver():
        while True:
            yield s["clk"].posedge
            if jobs["ld"] is None:
                continue
            op, r = jobs["ld"]
            t = 0
            s["ld_base"].next = op.base // b
            s["ld_len"].next = op.length
            s["ld_cmd_valid"].next = 1
            while True:
                s["m_axis_tready"].next = not stalled()
                yield s["clk"].posedge
                t += 1
                if op.reset_after is not None and t >= op.reset_after:
                    r.code = RESET
                    s["ld_cmd_valid"].next = 0
                    break
                if s["ld_cmd_valid"] and s["ld_cmd_ready"]:
                    s["ld_cmd_valid"].next = 0
                if s["m_axis_tvalid"] and s["m_axis_tready"]:
                    if not r.beats:
                        r.first = t
                    if s["m_axis_tlast"]:
                        r.last = t
                    r.beats.append((int(s["m_axis_tdata"]), bool(s["m_axis_tlast"])))
                elif s["m_axis_tready"] and r.beats and len(r.beats) < op.length:
                    r.stalls += 1   # the sink was ready, the block had no beat
                if s["ld_done"]:
                    r.code = int(s["ld_done_code"])
                    break
            s["m_axis_tready"].next = 0
            r.cycles = t
            if r.code == RESET:
                yield from pulse_reset()
            jobs["ld"] = None

    @instance
    def stimulus():
        s["rst_n"].next = 0
        for _ in range(3):
            yield s["clk"].posedge
        s["rst_n"].next = 1
        yield s["clk"].posedge
        for item in ops:
            group = item if isinstance(item, tuple) else (item,)
            st["aw"] = []
            for op in group:
                r = Result(code=-1)
                jobs["st" if isinstance(op, Store) else "ld"] = (op, r)
                results.append(r)
            while jobs["st"] is not None or jobs["ld"] is not None:
                yield s["clk"].posedge
        raise StopSimulation("done")

    Simulation(inst, clock, slave, store_driver, load_driver, stimulus).run(quiet=True)
    return results, st["viol"]


def flat(ops: list) -> list:
    """The ops in result order (a concurrent pair counts as its two ops)."""
    return [op for item in ops for op in (item if isinstance(item, tuple) else (item,))]


def coverage(params: dict, ops: list, results: list, err: frozenset) -> set:
    """The DRAM-specific bins one run hit (see :data:`BINS`)."""
    b, ch = params["DATA_BYTES"], params["CHUNK"]
    bad = lambda a: (a // 256) in err  # noqa: E731
    hit = set()
    if any(isinstance(x, tuple) for x in ops):
        hit.add("store_and_load_at_once")
    for op, r in zip(flat(ops), results):
        if r.code == RESET:
            if isinstance(op, Store):
                hit.add("reset_mid_store")
            elif 0 < len(r.beats) < op.length:
                hit.add("reset_mid_load")     # some beats out, not all
            continue
        if isinstance(op, Store):
            n = len(op.beats)
            w = min(n, op.cap)
            hit.add({dm.OK: "store_ok", dm.OVERFLOW: "store_overflow", dm.BAD_SLOT: "store_drop",
                     dm.AXI_ERR: "store_axi_err"}[r.code])
            if op.drop:
                continue
            if w and w % ch == 0:
                hit.add("chunk_boundary")
            if w > ch:
                hit.add("multi_chunk")
            if w and w % ch:
                hit.add("tail_chunk")
            if n == op.cap:
                hit.add("cap_exact")
            if n == op.cap + 1:
                hit.add("cap_plus_one")
            if dm.crosses_page(op.base, w, b):
                hit.add("store_4k_cross")
            if any(a % 4096 == 0 and a != (op.base - op.base % b) for a, _ in r.aw):
                hit.add("burst_at_page")
        else:
            hit.add("load_ok" if r.code == dm.OK else "load_axi_err")
            if r.code != dm.OK and len(r.beats) and any(v for v, _ in r.beats):
                hit.add("load_err_after_data")
            if dm.crosses_page(op.base, op.length, b):
                hit.add("load_4k_cross")
            if op.length == 1:
                hit.add("load_one_beat")
    return hit


BINS = ("store_ok", "store_overflow", "store_drop", "store_axi_err", "chunk_boundary",
        "multi_chunk", "tail_chunk", "cap_exact", "cap_plus_one", "store_4k_cross",
        "burst_at_page", "load_ok", "load_axi_err", "load_err_after_data", "load_4k_cross",
        "load_one_beat", "reset_mid_store", "reset_mid_load", "store_and_load_at_once")
