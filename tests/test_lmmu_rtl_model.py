"""models/lmmu_rtl.py, the LMMU's exact cycle model: its checks and tiler against the
core's sizing rule (Hypothesis, pure Python), its agreement with counters measured on
the RTL (tests/data/lmmu_cycles.json), and live: every counter of the RTL equal to the
model on Verilator (the 4x4 preset: a fixed edge-case list plus a seeded random corpus,
printed; the 8x8 default set: three shapes, ``-m slow``) and on Icarus (the 8x4 set with short bursts
and one outstanding burst: two shapes), with pause-free AxiRam
(verif/lmmu/lmmu_bench.py)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ip.lmmu import DEFAULT, SUPPORTED
from ip.lmmu.lmmu_core import capacity_ok
from models import lmmu_rtl

DATA = Path(__file__).parent / "data" / "lmmu_cycles.json"
LMMU_4X4 = SUPPORTED[0]
EXACT_SETS = [s for s in SUPPORTED if lmmu_rtl.cycle_exact(s["MAX_BURST"], s["OUTSTANDING"])]
TIMING = ("CYCLES", "STALL_MEM", "STALL_OUT")


def _model(p: dict, c: dict, **kw) -> dict:
    """The model of a command run by verif/lmmu/lmmu_bench.py (its operand layout)."""
    from verif.lmmu.lmmu_bench import layout

    return lmmu_rtl.counters(c["M"], c["K"], c["N"], c["TILE_M"], c["TILE_N"], c["TILE_K"],
                             p["ROWS"], p["COLS"], 1 if c["requant_en"] else 4,
                             bool(c["bias_en"] or c["requant_en"]),
                             max_burst=p["MAX_BURST"], outstanding=p["OUTSTANDING"],
                             layout=layout(c["M"], c["K"], c["N"], p["COLS"]), **kw)


def _active(M, K, N, tm, tn, R, C) -> int:
    pm = sum(-(-min(tm, M - m0) // R) for m0 in range(0, M, tm))
    pn = sum(-(-min(tn, N - n0) // C) for n0 in range(0, N, tn))
    return K * pm * pn


# ---------------------------------------------------------------- pure Python
dims = st.integers(min_value=0, max_value=300)
sets = st.sampled_from(SUPPORTED)


@settings(max_examples=300, deadline=None)
@given(p=sets, M=dims, K=dims, N=dims, tm=dims, tn=dims, tk=dims)
def test_fits_is_the_cores_capacity_rule(p, M, K, N, tm, tn, tk):
    assert lmmu_rtl.fits(p, M, K, N, tm, tn, tk) == capacity_ok(p, M, K, N, tm, tn, tk)


def test_fits_at_the_limits():
    cap = lmmu_rtl.capacity(DEFAULT)
    assert cap == {"mn": 16384, "m_kw": 512, "kn": 4096}
    assert lmmu_rtl.fits(DEFAULT, 256, 64, 64, 256, 64, 16)        # mn and m_kw at the limit
    assert not lmmu_rtl.fits(DEFAULT, 256, 64, 72, 256, 72, 16)    # mn + 2048
    assert lmmu_rtl.fits(DEFAULT, 64, 9, 8, 64, 8, 9)               # TILE_K = K, unaligned
    assert not lmmu_rtl.fits(DEFAULT, 64, 20, 8, 64, 8, 9)          # unaligned and < K
    assert not lmmu_rtl.fits(DEFAULT, 64, 64, 8, 64, 8, 1 << 24)    # 24-bit registers


@settings(max_examples=30, deadline=None)
@given(p=st.sampled_from(EXACT_SETS[:2]), M=st.integers(1, 90), K=st.integers(1, 200),
       N=st.integers(1, 90), ob=st.sampled_from([1, 4]))
def test_choose_tiles_fits_and_is_no_worse_than_the_smallest_tiling(p, M, K, N, ob):
    tm, tn, tk = lmmu_rtl.choose_tiles(M, K, N, p, ob)
    assert capacity_ok(p, M, K, N, tm, tn, tk), (tm, tn, tk)
    assert (tm, tn, tk) in lmmu_rtl.candidates(M, K, N, p)
    R, C = p["ROWS"], p["COLS"]
    small = (R, C, K if K <= C else C)
    best = lmmu_rtl.cycles(M, K, N, tm, tn, tk, R, C, ob, True)
    assert best <= (1 + lmmu_rtl.TILER_SLACK) * lmmu_rtl.cycles(M, K, N, *small, R, C, ob,
                                                                   True)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), p=st.sampled_from(SUPPORTED), M=st.integers(1, 70),
       K=st.integers(1, 150), N=st.integers(1, 70), bias=st.booleans(),
       requant=st.booleans())
def test_counts_that_do_not_depend_on_timing(data, p, M, K, N, bias, requant):
    """ACTIVE (K data cycles per pass) and the byte counters equal their closed forms;
    stalls and active cycles fit in CYCLES; the steady time is at most CYCLES."""
    R, C = p["ROWS"], p["COLS"]
    cands = lmmu_rtl.candidates(M, K, N, p)
    tm, tn, tk = data.draw(st.sampled_from(cands))
    ob = 1 if requant else 4
    c = lmmu_rtl.counters(M, K, N, tm, tn, tk, R, C, ob, bias or requant, steady=True)
    assert c["ACTIVE"] == _active(M, K, N, tm, tn, R, C)
    traffic = lmmu_rtl.traffic(M, K, N, tm, tn, tk, R, C, ob, bias or requant)
    assert {k: c[k] for k in traffic} == traffic
    assert c["WR_BYTES1"] >= M * N * ob and c["RD_BYTES1"] >= K * N
    assert c["ACTIVE"] + c["STALL_MEM"] + c["STALL_OUT"] <= c["CYCLES"]
    assert c["ACTIVE"] <= c["STEADY_CYCLES"] <= c["CYCLES"]


@pytest.mark.parametrize("name,kw", [
    ("M", dict(M=0)), ("K", dict(K=-1)), ("N", dict(N=1.5)), ("TILE_M", dict(tile_m=6)),
    ("TILE_N", dict(tile_n=5)), ("TILE_K", dict(tile_k=6)), ("ROWS", dict(rows=1)),
    ("COLS", dict(cols=12)), ("OUT_BYTES", dict(out_bytes=2)),
    ("mem_latency", dict(mem_latency=-1)), ("M", dict(M=True)), ("TILE_K", dict(tile_k=0))])
def test_bad_arguments_name_the_parameter(name, kw):
    args = dict(M=8, K=16, N=8, tile_m=8, tile_n=8, tile_k=8, rows=4, cols=4, out_bytes=1,
                params_on=False)
    args.update(kw)
    with pytest.raises(ValueError, match=rf"lmmu: {name} must"):
        lmmu_rtl.cycles(**args)


@pytest.mark.parametrize("kw,msg", [(dict(M=0), "lmmu: M must"),
                                    (dict(params={"ROWS": 4}), "lmmu: params must have COLS"),
                                    (dict(params=dict(LMMU_4X4, COLS=12)), "lmmu: COLS must"),
                                    (dict(out_bytes=3), "lmmu: OUT_BYTES must")])
def test_choose_tiles_bad_arguments(kw, msg):
    args = dict(M=8, K=8, N=8, params=LMMU_4X4, out_bytes=1)
    args.update(kw)
    with pytest.raises(ValueError, match=msg):
        lmmu_rtl.choose_tiles(**args)


def test_worked_example():
    """One 4x4x4 command on the 4x4 preset, int32 out, no P (the design note's timing):
    load issued in 4, W and X done in 16 (2 + L + 4 beats + 4 after), first k in 19 with
    the store launched, flush in 23, the four rows written in 28..31, fetched in 32..35,
    16 beats in 37..52, wr1_done in 57, done in 60."""
    assert lmmu_rtl.counters(4, 4, 4, 4, 4, 4, 4, 4, 4, False) == {
        "CYCLES": 60, "ACTIVE": 4, "STALL_MEM": 16, "STALL_OUT": 35, "RD_BYTES0": 16,
        "RD_BYTES1": 16, "WR_BYTES1": 64}


def test_cycle_exact_domain():
    import ip.lmmu as lmmu

    exact = {lmmu.module_name(s): lmmu_rtl.cycle_exact(s["MAX_BURST"], s["OUTSTANDING"])
             for s in SUPPORTED}
    assert exact == {"radacs_lmmu_r4_c4_wb512_xb512_ob4k_mb16_o8": True,
                     "radacs_lmmu_r8_c8_wb8k_xb8k_ob64k_mb16_o8": True,
                     "radacs_lmmu_r16_c16_wb8k_xb8k_ob64k_mb16_o8": True,
                     "radacs_lmmu_r8_c4_wb1k_xb512_ob2k_mb4_o1": True}
    assert not lmmu_rtl.cycle_exact(16, 4) and not lmmu_rtl.cycle_exact(8, 8)


def test_model_matches_every_measured_command():
    """Every command measured on the RTL (all four sets, the 8x4 one with four-beat bursts
    and one outstanding burst, some of its rows crossing 4 KiB): all counters equal."""
    doc = json.loads(DATA.read_text())
    rows = doc["measurements"]
    assert len(rows) >= 35 and {r["set"] for r in rows} == set(doc["sets"])
    bad = []
    for r in rows:
        m = _model(doc["sets"][r["set"]], r)
        if any(m[n] != r[n] for n in m):
            bad.append((r, m))
    assert not bad, bad[:3]


def test_one_outstanding_burst_costs_the_waits():
    """OUTSTANDING = 1: each extra read burst costs L + 1 cycles, each write burst waits
    for the previous B (the 8x4 set: 8 W bursts of 4 beats, 16 X bursts of 1 beat, 8 Y
    bursts of 4 beats), and a row crossing 4 KiB is two bursts."""
    args = (8, 16, 4, 8, 4, 16, 8, 4, 4, False)
    fast = lmmu_rtl.counters(*args)
    one = lmmu_rtl.counters(*args, max_burst=4, outstanding=1)
    assert (fast["CYCLES"], one["CYCLES"]) == (120, 177)
    assert {k: v for k, v in one.items() if k not in TIMING} == \
        {k: v for k, v in fast.items() if k not in TIMING}
    lay = dict(W_ADDR=0x1000, W_STRIDE=32, X_ADDR=0x2000, X_STRIDE=16, Y_ADDR=0x3000,
               Y_STRIDE=64, P_ADDR=0x4000)
    assert lmmu_rtl.counters(*args, max_burst=4, outstanding=1, layout=lay) == one
    lay["X_ADDR"] = 0x2000 - 8 * 16 - 4    # X row 8 (4 bytes, 1 beat) ends at 4 KiB: same
    assert lmmu_rtl.counters(*args, max_burst=4, outstanding=1, layout=lay) == one
    w_bound = (8, 8, 4, 8, 4, 8, 8, 4, 4, False)  # W (8 x 2 beats) is the later load
    base = lmmu_rtl.cycles(*w_bound, max_burst=4, outstanding=1, layout=lay)
    lay["W_ADDR"] = 0x1000 - 3 * 32 - 4    # W row 3 crosses 4 KiB: one more burst
    assert lmmu_rtl.cycles(*w_bound, max_burst=4, outstanding=1, layout=lay) == base + 3


# ------------------------------------------------------------------- RTL vs model
SEED = 20261129
# [M, K, N, TILE_M, TILE_N, TILE_K, bias_en, requant_en]: the edge cases, 4x4 preset
# (W 512 B: TILE_M*ceil(TILE_K/4) <= 64; X 512 B: TILE_K*TILE_N <= 256; O 4 KiB).
EDGE_4X4 = [
    [13, 37, 11, 8, 4, 16, 0, 0],     # edge tiles in M, N and K, int32 out, no P
    [5, 9, 7, 8, 8, 9, 1, 0],         # a single chunk (TILE_K = K, unaligned), bias only
    [3, 2, 30, 4, 16, 4, 0, 0],       # K < ROWS, M < ROWS, two column tiles
    [24, 64, 20, 16, 12, 16, 1, 1],   # several full tiles, edge N tile, requant
    [16, 200, 8, 8, 8, 32, 1, 1],     # low-res: long K, short last chunk
    [64, 16, 4, 64, 4, 4, 0, 1],      # tall tile, N = one column group, requant only
    [32, 64, 32, 16, 16, 16, 0, 0],   # int32 stores overlapping the next tile's chunks
]


def random_corpus(p: dict, n: int, seed: int) -> list[list[int]]:
    """``n`` seeded random commands that fit ``p`` (tiles drawn, then checked)."""
    rng = random.Random(seed)
    R, C = p["ROWS"], p["COLS"]
    out = []
    while len(out) < n:
        M, K, N = rng.randint(1, 40), rng.randint(1, 90), rng.randint(1, 40)
        tm, tn = R * rng.randint(1, 6), C * rng.randint(1, 6)
        tk = K if rng.random() < 0.25 else C * rng.randint(1, 8)
        if capacity_ok(p, M, K, N, tm, tn, tk):
            out.append([M, K, N, tm, tn, tk, rng.randint(0, 1), rng.randint(0, 1)])
    return out


def _run(p: dict, cmds: list, sim: str, tag: str) -> None:
    from verif.common import mmu_bench

    corpus = [dict(zip(("M", "K", "N", "TILE_M", "TILE_N", "TILE_K", "bias_en",
                        "requant_en"), c), seed=i) for i, c in enumerate(cmds)]
    print(f"{tag}: {len(corpus)} commands on {p}:")
    for c in corpus:
        print("  ", c)
    res, measured = mmu_bench.run_sim("lmmu", p, sim, corpus, tag=tag)
    assert res.passed, res.summary()
    bad = []
    for c, m in zip(corpus, measured):
        want = _model(p, c)
        got = m["counters"]
        assert m["y_exact"] and m["error"] == 0, m
        diff = {n: (got[n], want[n]) for n in want if got[n] != want[n]}
        if diff:
            bad.append((c, diff))
    assert len(measured) == len(corpus)
    assert not bad, bad


@pytest.mark.sim
def test_rtl_counters_equal_the_model_4x4_verilator():
    cmds = EDGE_4X4 + random_corpus(LMMU_4X4, 5, SEED)
    _run(LMMU_4X4, cmds, "verilator", f"model-4x4-{SEED}")


# Slow tier: a second parameter set (8x8, its own Verilator C++ build) of the check that
# test_rtl_counters_equal_the_model_4x4_verilator makes in the default run on Verilator
# (every counter of the RTL equal to models.lmmu_rtl, same MAX_BURST 16 / OUTSTANDING 8).
@pytest.mark.slow
@pytest.mark.sim
def test_rtl_counters_equal_the_model_default_verilator():
    _run(DEFAULT, [[64, 128, 64, 64, 64, 64, 1, 1],      # one full tile, two chunks
                   [40, 200, 60, 16, 32, 64, 1, 0],      # edge tiles everywhere, int32
                   [17, 33, 9, 8, 8, 32, 0, 0]],         # many small tiles, no P
         "verilator", "model-default")


@pytest.mark.sim
def test_rtl_counters_equal_the_model_icarus():
    """Icarus, the 8x4 set (MAX_BURST 4, OUTSTANDING 1: the per-burst waits): an edge
    case and one whose W rows cross 4 KiB."""
    _run(SUPPORTED[3], [[9, 20, 5, 8, 4, 20, 1, 0],
                        [40, 120, 12, 16, 8, 16, 1, 1]], "icarus", "model-8x4-icarus")
