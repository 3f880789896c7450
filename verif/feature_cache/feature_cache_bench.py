"""cocotb module of ``radacs bench feature_cache``: throughput of the two streams.

No pauses anywhere (every source always valid, every sink always ready): the
scenarios measure what the design itself costs.  Per scenario, from the falling-edge
samples (the BFM timing convention): beats moved, the cycles from the first to the
last beat of the measured stream, and the *stall cycles* inside that window (cycles
with no beat moving although the producer/consumer was willing: ``tvalid & !tready``
on s_axis, ``!tvalid`` on m_axis while a loaded feature is not complete).  Every
loaded feature is also compared with what was stored.  Results go to ``bench.json``
next to the run's coverage directory, where :mod:`verif.feature_cache.bench` reads
them.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge

from ip.feature_cache import regmap
from verif.common import knobs as knobs_mod
from verif.common import mmu_env as me


class Pins:
    """Per-cycle sampler of the stream handshakes (falling edge)."""

    def __init__(self, dut):
        self.dut = dut
        self.cycle = 0
        self.log = []          # (cycle, st_fire, st_stall, ld_fire, m_valid, m_last, data)
        self.rec = False
        self.st_resps = 0      # store responses seen (st_resp_ready is held high)

    async def run(self):
        d = self.dut
        while True:
            await FallingEdge(d.clk)
            self.cycle += 1
            if not self.rec:
                continue
            sv, sr = int(d.s_axis_tvalid.value), int(d.s_axis_tready.value)
            mv, mr = int(d.m_axis_tvalid.value), int(d.m_axis_tready.value)
            self.st_resps += int(d.st_resp_valid.value) and int(d.st_resp_ready.value)
            self.log.append((self.cycle, sv and sr, sv and not sr, mv and mr, mv,
                             int(d.m_axis_tlast.value) if mv else 0,
                             int(d.m_axis_tdata.value) if mv and mr else None))


async def store(dut, slot, beats):
    for i, b in enumerate(beats):
        dut.s_axis_tvalid.value = 1
        dut.s_axis_tid.value = slot
        dut.s_axis_tdata.value = b
        dut.s_axis_tlast.value = int(i == len(beats) - 1)
        while True:
            await FallingEdge(dut.clk)
            fire = int(dut.s_axis_tready.value)
            await RisingEdge(dut.clk)
            if fire:
                break
    dut.s_axis_tvalid.value = 0


async def loads(dut, slots):
    for s in slots:
        dut.s_ld_valid.value = 1
        dut.s_ld_slot.value = s
        while True:
            await FallingEdge(dut.clk)
            fire = int(dut.s_ld_ready.value)
            await RisingEdge(dut.clk)
            if fire:
                break
    dut.s_ld_valid.value = 0


def summarise(name, log, beats_st, beats_ld, features):
    st = [c for c in log if c[1]]
    ld = [c for c in log if c[3]]
    out = {"scenario": name, "store_beats": len(st), "load_beats": len(ld)}
    if st:
        c0, c1 = st[0][0], st[-1][0]
        out["store_cycles"] = c1 - c0 + 1
        out["store_stall_cycles"] = sum(1 for c in log if c0 <= c[0] <= c1 and c[2])
        out["store_idle_cycles"] = out["store_cycles"] - len(st)
    if ld:
        c0, c1 = ld[0][0], ld[-1][0]
        out["load_cycles"] = c1 - c0 + 1
        # bubbles: cycles without a beat inside a feature (after a beat without tlast)
        stalls, gaps, inside = 0, 0, False
        for c in log:
            if not c0 <= c[0] <= c1:
                continue
            if c[3]:
                inside = not c[5]
            elif inside:
                stalls += 1
            else:
                gaps += 1
        out["load_stall_cycles"] = stalls
        out["load_gap_cycles_between_features"] = gaps
    out["features"] = features
    out["expected_store_beats"], out["expected_load_beats"] = beats_st, beats_ld
    return out


@cocotb.test()
async def feature_cache_bench(dut):
    k = knobs_mod.load()
    p = k.params
    n, cap, db = p["SLOTS"], p["SLOT_WORDS"], p["DATA_BYTES"]
    rng = random.Random(1)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    for sig in ("s_axis_tvalid", "s_ld_valid"):
        getattr(dut, sig).value = 0
    for sig in ("st_resp_ready", "ld_resp_ready", "m_axis_tready"):
        getattr(dut, sig).value = 1
    csr = me.make_csr(dut, rng, "none")
    dut.rst_n.value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rst_n.value = 1
    dram = p.get("BACKING", "onchip") == "dram"
    if dram:
        # BACKING=dram: cocotbext-axi AxiRam on the AXI4 master, no pauses, big enough
        # for every slot's default region (BASE{s} = s * SLOT_WORDS * DATA_BYTES)
        me.Dram(dut, rng, "none", n * cap * db)
    off = {r.name: r.offset for r in regmap(n, cap, p.get("BACKING", "onchip"), db)}
    await csr.write_dword(off["POLICY"], 4 << 16)
    await csr.write_dword(off["STEP"], 1 << 31)
    while (await csr.read_dword(off["STATUS"])) & 1:
        pass
    pins = Pins(dut)
    cocotb.start_soon(pins.run())
    # The corpus may ask for one feature of a given size (the SD1.5 run): slot 0 only.
    beats = (k.corpus or {}).get("feature_beats") if isinstance(k.corpus, dict) else None
    if beats:
        feats = {0: [rng.getrandbits(8 * db) for _ in range(beats)]}
    else:
        feats = {s: [rng.getrandbits(8 * db) for _ in range(cap)] for s in range(n)}
    results, bad = [], []

    async def scenario(name, stores, load_slots):
        pins.log = []
        pins.rec = True
        pins.st_resps = 0
        tasks = [cocotb.start_soon(_stores(stores))]
        if load_slots:
            tasks.append(cocotb.start_soon(loads(dut, load_slots)))
        for t in tasks:
            await t
        # dram: a store ends at its last B response (st_resp), not at tlast
        for _ in range(100_000):
            if pins.st_resps >= len(stores):
                break
            await RisingEdge(dut.clk)
        else:
            bad.append(f"{name}: {len(stores)} store responses expected, "
                       f"{pins.st_resps} seen")
        want = sum(len(feats[s]) for s in load_slots)
        for _ in range(10 * max(len(f) for f in feats.values()) + 100):
            await RisingEdge(dut.clk)
            if sum(1 for c in pins.log if c[3]) >= want and not int(dut.m_axis_tvalid.value):
                break
        for _ in range(4):
            await RisingEdge(dut.clk)
        pins.rec = False
        got = [c[6] for c in pins.log if c[3]]
        exp = [b for s in load_slots for b in feats[s]]
        if got != exp:
            bad.append(f"{name}: loaded data differs from what was stored")
        results.append(summarise(name, pins.log, sum(len(b) for _, b in stores), len(exp),
                                 len(stores) + len(load_slots)))

    async def _stores(stores):
        for s, b in stores:
            await store(dut, s, b)

    if beats:
        await scenario(f"store 1 feature of {beats * db} bytes", [(0, feats[0])], [])
        await scenario(f"load 1 feature of {beats * db} bytes", [], [0])
        out = Path(k.coverage_dir or ".").parent / "bench.json"
        out.write_text(json.dumps({"params": p, "results": results, "errors": bad}, indent=1))
        assert not bad, bad
        return
    await scenario("store 1 feature", [(0, feats[0])], [])
    await scenario(f"store {n} features back to back", [(s, feats[s]) for s in range(n)], [])
    await scenario("load 1 feature", [], [0])
    await scenario(f"load {n} features back to back", [], list(range(n)))
    if n > 1:
        # store slot 1 while loading slot 0 (different slots at once)
        await scenario("store + load at once", [(1, feats[1])], [0])
    out = Path(k.coverage_dir or ".").parent / "bench.json"
    out.write_text(json.dumps({"params": p, "results": results, "errors": bad}, indent=1))
    assert not bad, bad
