"""Property mode: the feature cache RTL (MyHDL in-process simulation) against the
golden model under Hypothesis, which shrinks any failure to a minimal program; and the
model's own properties (DeepCache schedules, slot isolation, staleness)."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ip.feature_cache import DRAM_SMALL, SUPPORTED
from models import deepcache
from models import feature_cache as fcm
from verif.feature_cache import myhdl_bench
from verif.feature_cache.env import BuggyFeatureCacheModel
from verif.feature_cache.program import all_regs, err_base, make_program

SETS = [s for s in SUPPORTED if s["SLOT_WORDS"] <= 32]


@st.composite
def programs(draw, p, max_ops=10):
    """A random program: CSR writes, steps, and phases of disjoint stores and loads;
    with BACKING=dram also BASE / CAP writes (each slot's BASE is its default region,
    the SLVERR block, or a region of its own above it: regions of different slots never
    overlap, so a phase's result does not depend on how its streams interleave)."""
    n, cap, db = p["SLOTS"], p["SLOT_WORDS"], p["DATA_BYTES"]
    dram = p.get("BACKING", "onchip") == "dram"
    word = st.integers(0, (1 << (8 * db)) - 1)
    ops = []
    kinds = ["phase", "phase", "phase", "step", "policy", "bmp", "inv", "read"]
    if dram:
        kinds += ["base", "cap", "phase"]
    for _ in range(draw(st.integers(1, max_ops), label="n_ops")):
        kind = draw(st.sampled_from(kinds))
        if kind == "base":
            s = draw(st.integers(0, n - 1))
            eb = err_base(p)
            ops.append(("w", f"BASE{s}", draw(st.sampled_from(
                [s * cap * db, eb, eb + 4096 + s * (cap + 2) * db]))))
            continue
        if kind == "cap":
            s = draw(st.integers(0, n - 1))
            ops.append(("w", f"CAP{s}", draw(st.integers(0, cap + 1))))
            continue
        if kind == "phase":
            slots = draw(st.lists(st.integers(0, 15), max_size=4, unique=True))
            k = draw(st.integers(0, len(slots)))
            stores = [[s, draw(st.lists(word, min_size=1, max_size=cap + 2))]
                      for s in slots[:k]]
            loads = slots[k:]
            ops.append(("phase", stores, loads))
        elif kind == "step":
            ops.append(("step", draw(st.integers(0, 40) | st.just(p["STEPS"]))))
        elif kind == "policy":
            ops.append(("w", "POLICY", draw(st.integers(0, 1)) | (draw(st.integers(0, 5)) << 16)))
        elif kind == "bmp":
            ops.append(("w", "BMP_WRITE", (1 << 31) | (draw(st.integers(0, 3)) << 16)
                        | draw(st.integers(0, 0xFFFF))))
        elif kind == "inv":
            ops.append(("w", "CTRL", draw(st.integers(1, 3))))
        else:
            ops.append(("r", draw(st.sampled_from(["STATUS", "EPOCH", "HIT_CNT", "MISS_CNT",
                                                   "STALE_CNT", "LAST_LOAD", "ERR_FLAGS",
                                                   "STATE0", "LENGTH0", "STEP0"]))))
    # The bitmap words a step may read are written first (the RAM is not reset).
    init = [("w", "BMP_WRITE", (1 << 31) | (w << 16) | 1) for w in range(3)]
    return init + ops + all_regs(n, dram)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(data=st.data())
def test_rtl_matches_model(data):
    params = data.draw(st.sampled_from(SETS), label="params")
    prog = data.draw(programs(params), label="program")
    seed = data.draw(st.integers(0, 1 << 16), label="pause seed")
    assert myhdl_bench.run(params, prog, seed=seed) == []


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(data=st.data())
def test_rtl_matches_model_dram(data):
    """BACKING=dram: RTL + in-order AXI4 memory slave (pauses on every channel, one
    SLVERR block) against the model, BASE / CAP rewritten at random."""
    prog = data.draw(programs(DRAM_SMALL), label="program")
    seed = data.draw(st.integers(0, 1 << 16), label="pause seed")
    assert myhdl_bench.run(DRAM_SMALL, prog, seed=seed) == []


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
@given(data=st.data())
def test_rtl_matches_model_dram_deep(data):
    prog = data.draw(programs(DRAM_SMALL, max_ops=40), label="program")
    seed = data.draw(st.integers(0, 1 << 16), label="pause seed")
    assert myhdl_bench.run(DRAM_SMALL, prog, seed=seed) == []


@pytest.mark.slow
def test_rtl_runs_deepcache_schedules_dram():
    """A whole DeepCache run with every error (incl. AXI_ERR, CAP) on the dram set
    (slow: the default run has the same program in the pyuvm env on Icarus)."""
    rng = random.Random(5)
    sched = {"mode": "uniform", "interval": 2, "full_steps": [], "n_steps": 5,
             "sizes": ["cap", "rand", "cap+1"], "invalidate_at": 3, "refresh": True,
             "errors": True}
    assert myhdl_bench.run(DRAM_SMALL, make_program(DRAM_SMALL, sched, rng), seed=4) == []


@pytest.mark.parametrize("stores", [[[0, [1]], [1, [2]], [2, [3, 4]]],
                                    [[0, [1]], [0, [2]], [0, [3]]]],
                         ids=["three-slots", "one-slot"])
def test_back_to_back_stores_under_held_response_dram(stores):
    """Regression: short features stored back to back while ``st_resp_ready`` is mostly
    low and the memory never pauses.  The feature's end (``st_done``, after its last B)
    must not coincide with the next feature's first beat: a response was overwritten
    (lost) and, on one slot, VALID was set while the next store rewrote it."""
    prog = [("phase", stores, []), ("phase", [], [s for s, _ in stores][-1:]),
            *all_regs(DRAM_SMALL["SLOTS"], True)]
    for seed in range(2):
        assert myhdl_bench.run(DRAM_SMALL, prog, seed=seed, idle=0.0, stall=0.0,
                               resp_stall=0.9, max_cycles=5000) == [], f"seed {seed}"


def test_bench_detects_a_wrong_model_dram():
    sched = {"mode": "uniform", "interval": 4, "full_steps": [], "n_steps": 4,
             "sizes": ["rand"], "invalidate_at": -1, "refresh": False, "errors": False}
    prog = make_program(DRAM_SMALL, sched, random.Random(1))
    assert myhdl_bench.run(DRAM_SMALL, prog, seed=1, model_cls=BuggyFeatureCacheModel)


def test_rtl_runs_deepcache_schedules():
    """Whole DeepCache runs (uniform and quad-in-bitmap) through the bench."""
    p = SETS[1]
    rng = random.Random(7)
    full, _ = deepcache.quad_schedule(16, 3)
    for sched in ({"mode": "uniform", "interval": 3, "full_steps": [], "n_steps": 8,
                   "sizes": ["cap", "rand"], "invalidate_at": 5, "refresh": True,
                   "errors": True},
                  {"mode": "bitmap", "interval": 1, "full_steps": full, "n_steps": 16,
                   "sizes": ["small"], "invalidate_at": -1, "refresh": True, "errors": False}):
        assert myhdl_bench.run(p, make_program(p, sched, rng), seed=3) == []


def test_bench_detects_a_wrong_model():
    p = SETS[1]
    sched = {"mode": "uniform", "interval": 4, "full_steps": [], "n_steps": 4,
             "sizes": ["rand"], "invalidate_at": -1, "refresh": False, "errors": False}
    prog = make_program(p, sched, random.Random(1))
    assert myhdl_bench.run(p, prog, seed=1, model_cls=BuggyFeatureCacheModel)


@given(steps_log=st.integers(10, 12), interval=st.integers(1, 40))
def test_model_uniform_decisions_are_deepcaches(steps_log, interval):
    steps = 1 << steps_log
    m = fcm.FeatureCacheModel(1, 1, 2, steps)
    m.set_policy(fcm.MODE_UNIFORM, interval)
    full = set(deepcache.uniform_schedule(steps, interval))
    for t in range(0, steps, 37):
        m.write_step(t)
        assert m.decision == (t in full)


@given(full=st.lists(st.integers(1, 1023), max_size=30))
def test_model_bitmap_decisions_are_the_schedule(full):
    m = fcm.FeatureCacheModel(1, 1, 2, 1024)
    sched = deepcache.bitmap_schedule(1024, [0] + full)
    for w, bits in m.load_schedule(sched):
        m.write_bitmap(w, bits)
    m.set_policy(fcm.MODE_BITMAP, 0)
    bm = deepcache.schedule_bitmap(1024, sched)
    for t in range(1024):
        m.write_step(t)
        assert m.decision == bm[t]


@given(data=st.data())
def test_model_store_touches_only_its_slot_and_loads_return_it(data):
    n = data.draw(st.integers(2, 6))
    cap = data.draw(st.sampled_from([2, 4, 8]))
    m = fcm.FeatureCacheModel(n, 1, cap, 1024)
    m.write_step(0)
    ref = {}
    for _ in range(data.draw(st.integers(1, 12))):
        s = data.draw(st.integers(0, 15))
        beats = data.draw(st.lists(st.integers(0, 255), min_size=1, max_size=cap + 2))
        before = [(x.valid, x.length, list(x.data)) for x in m.slots]
        r = m.store(s, beats)
        for i, x in enumerate(m.slots):
            if i != s:
                assert (x.valid, x.length, list(x.data)) == before[i]
        if s >= n:
            assert r.code == fcm.BAD_SLOT
        elif len(beats) > cap:
            assert r.code == fcm.OVERFLOW and not m.slots[s].valid
            ref.pop(s, None)
        else:
            assert r.code == fcm.OK
            ref[s] = beats
    for s in range(16):
        r, data_ = m.load(s)
        if s in ref:
            assert (r.code, data_) == (fcm.OK, ref[s])
        else:
            assert r.code in (fcm.MISS, fcm.BAD_SLOT) and data_ == []


def test_model_staleness_across_runs_and_invalidate():
    m = fcm.FeatureCacheModel(2, 1, 4, 1024)
    m.set_policy(fcm.MODE_UNIFORM, 3)
    m.write_step(0)
    m.store(0, [1, 2])
    m.write_step(1)
    assert m.load(0)[0].code == fcm.OK
    m.write_step(3)                      # full step: stale until re-stored
    assert m.load(0)[0].code == fcm.STALE
    m.store(0, [3])
    m.write_step(0)                      # a new run: step 0 is full, the old feature stale
    assert m.load(0)[0].code == fcm.STALE
    m.invalidate_all()
    assert m.load(0)[0].code == fcm.MISS
    assert m.err_flags == (1 << fcm.STALE) | (1 << fcm.MISS)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
@given(data=st.data())
def test_rtl_matches_model_deep(data):
    params = data.draw(st.sampled_from(SETS), label="params")
    prog = data.draw(programs(params, max_ops=40), label="program")
    seed = data.draw(st.integers(0, 1 << 16), label="pause seed")
    assert myhdl_bench.run(params, prog, seed=seed) == []


def test_readme_waveform_is_the_rtl_timing():
    """The model's waveform rows (the README's waveform) are what the RTL does, cycle
    by cycle, for the same stimulus."""
    from myhdl import Simulation, StopSimulation, delay, instance

    from ip.feature_cache import build

    p = {"SLOTS": 2, "DATA_BYTES": 1, "SLOT_WORDS": 4, "STEPS": 1024}
    rows, _, _, data = fcm.waveform_rows()
    dut, s = build(p)
    got = {k: [] for k in rows}
    beats = [0xA0, 0xA1, 0xA2]

    @instance
    def bench():
        for name in ("st_resp_ready", "ld_resp_ready", "m_axis_tready"):
            s[name].next = 1
        s["rst_n"].next = 0
        for _ in range(2):
            s["clk"].next = 1
            yield delay(1)
            s["clk"].next = 0
            yield delay(1)
        s["rst_n"].next = 1
        for c in range(len(rows["s_axis_tvalid"])):
            s["s_axis_tvalid"].next = rows["s_axis_tvalid"][c]
            s["s_axis_tlast"].next = rows["s_axis_tlast"][c]
            s["s_axis_tdata"].next = beats[c] if c < len(beats) else 0
            s["s_axis_tid"].next = 1
            s["s_ld_valid"].next = rows["s_ld_valid"][c]
            s["s_ld_slot"].next = 1
            yield delay(1)
            for k in rows:
                got[k].append(int(s[k].val))
            s["clk"].next = 1
            yield delay(1)
            s["clk"].next = 0
            yield delay(1)
        raise StopSimulation

    Simulation(dut, bench).run(quiet=1)
    assert got == rows
    assert data == beats
