"""Property mode: the PE array RTL (MyHDL in-process simulation) against the golden
model under Hypothesis, which shrinks any failure to a minimal stimulus; and the
model's own properties (tile arithmetic, timing, protocol)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ip.pe_array import SUPPORTED
from models.pe_array import LATENCY, PeArrayModel, simulate, tile, wrap32
from verif.pe_array import myhdl_bench
from verif.pe_array.env import BuggyPeArrayModel

SETS = [s for s in SUPPORTED if s["ROWS"] * s["COLS"] <= 16]
INT8 = st.one_of(st.sampled_from([-128, 127, 0, -1]), st.integers(-128, 127))


def cycles(rows, cols, max_len=60, reset_prob=True):
    """Free cycle-level stimulus, protocol violations (collisions, first without valid,
    flush with valid) included: the model defines what they do."""
    one = st.tuples(st.booleans(), st.booleans(), st.booleans(),
                    st.lists(INT8, min_size=rows, max_size=rows),
                    st.lists(INT8, min_size=cols, max_size=cols), st.booleans(),
                    st.sampled_from([False] * 30 + [True]) if reset_prob else st.just(False))
    return st.lists(one, min_size=1, max_size=max_len)


# Property mode, few examples (time budget): 10 in the default run; the deep sweep
# test_rtl_matches_model_deep (-m slow, make regress) draws 100, longer stimuli.
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_cycle_by_cycle(data):
    params = data.draw(st.sampled_from(SETS), label="params")
    stim = data.draw(cycles(params["ROWS"], params["COLS"]), label="stimulus")
    assert myhdl_bench.run(params, stim) == []


def test_bench_detects_a_wrong_model():
    """The same bench with the deliberately wrong model must report mismatches."""
    w, x = [3, -2], [5, 7, -128]
    stim = ([(1, 1, 0, w, x, 0, 0)] + [(1, 0, 0, w, x, 0, 0)] * 2
            + [(1, 1, 0, w, x, 0, 0)] * 2 + [(0, 0, 1, w, x, 0, 0)] + [(0, 0, 0, w, x, 1, 0)] * 6)
    assert myhdl_bench.run({"ROWS": 2, "COLS": 3}, stim, BuggyPeArrayModel)


def _pass_stimulus(rows, cols, passes, gap_after):
    """Back-to-back passes, then a flush, then shifts: returns the cycle list."""
    stim = []
    for p, (ws, xs) in enumerate(passes):
        for i, (w, x) in enumerate(zip(ws, xs)):
            stim.append((1, i == 0, 0, w, x, 0))
        stim += [(0, 0, 0, [0] * rows, [0] * cols, 0)] * gap_after
    stim.append((0, 0, 1, [0] * rows, [0] * cols, 0))
    return stim


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 5), cols=st.integers(1, 5), data=st.data())
def test_model_tile_after_flush_is_the_matrix_product(rows, cols, data):
    """A pass then a flush: LATENCY cycles after the flush out_swap rises and the
    shadow bank, shifted out row by row, is the pass' product W^T X (int32 wrap)."""
    k = data.draw(st.integers(1, 12))
    ws = data.draw(st.lists(st.lists(INT8, min_size=rows, max_size=rows), min_size=k, max_size=k))
    xs = data.draw(st.lists(st.lists(INT8, min_size=cols, max_size=cols), min_size=k, max_size=k))
    m = PeArrayModel(rows, cols)
    for i, (w, x) in enumerate(zip(ws, xs)):
        m.clock(1, i == 0, 0, w, x, 0)
    m.clock(0, 0, 1, [0] * rows, [0] * cols, 0)       # flush in cycle k
    for _ in range(LATENCY - 1):
        m.clock(0, 0, 0, [0] * rows, [0] * cols, 0)
    assert m.outputs().out_swap                        # cycle k + LATENCY
    got = []
    for r in range(rows):
        got.append(list(m.outputs().out_row))
        m.clock(0, 0, 0, [0] * rows, [0] * cols, 1)
    assert got == tile(ws, xs, rows, cols)
    assert list(m.outputs().out_row) == [0] * cols   # ROWS shifts empty the bank


@given(rows=st.integers(1, 4), cols=st.integers(1, 4), gap=st.integers(0, 5))
def test_model_out_swap_latency(rows, cols, gap):
    """A first or a flush driven in cycle n: out_swap exactly in cycle n + LATENCY."""
    m = PeArrayModel(rows, cols)
    z = ([0] * rows, [0] * cols)
    for _ in range(gap):
        m.clock(0, 0, 0, *z, 0)
    m.clock(1, 1, 0, [1] * rows, [1] * cols, 0)        # cycle n = gap
    seen = []
    for t in range(gap + 1, gap + 8):
        seen.append(m.outputs().out_swap)
        m.clock(0, 0, 0, *z, 0)
    assert seen == [t == gap + LATENCY for t in range(gap + 1, gap + 8)]


@given(rows=st.integers(1, 6), k=st.integers(1, 10))
def test_model_no_bubble_needs_k_at_least_rows(rows, k):
    """Swaps of back-to-back passes of k cycles are k edges apart: the ROWS - 1 shifts
    that read a tile fit between them exactly when k >= ROWS."""
    m = PeArrayModel(rows, 1)
    swaps = []
    for t in range(4 * k + 3):
        rep = m.clock(1, t % k == 0, 0, [1] * rows, [1], 0)
        if rep.swapped:
            swaps.append(t)
    gaps = {b - a for a, b in zip(swaps, swaps[1:])}
    assert gaps == {k}
    assert (k - 1 >= rows - 1) == (k >= rows)


def test_model_swap_wins_over_shift_and_reports_the_collision():
    m = PeArrayModel(2, 1)
    m.clock(1, 1, 0, [5, 6], [1], 0)
    m.clock(0, 0, 1, [0, 0], [0], 0)
    rep = m.clock(0, 0, 0, [0, 0], [0], 1)   # first reaches the accumulate edge here
    assert rep.swapped and rep.collision and not rep.shifted
    rep = m.clock(0, 0, 0, [0, 0], [0], 1)   # the flush swaps: collision again
    assert rep.collision and m.outputs().out_row == (5,)


def test_model_ignores_first_without_valid_and_flush_with_valid():
    m = PeArrayModel(1, 1)
    for valid, first, flush in ((0, 1, 0), (1, 0, 1)):
        m.clock(valid, first, flush, [3], [3], 0)
    m.clock(0, 0, 0, [0], [0], 0)
    rep = m.clock(0, 0, 0, [0], [0], 0)
    assert not rep.swapped and m.acc == [[9]]


def test_model_accumulator_wraps_at_int32():
    """2**17 products of (-128) * (-128) = 2**14 reach 2**31: the accumulator wraps to
    -2**31 (int32 two's complement), one more product gives -2**31 + 2**14."""
    n = 1 << 17
    assert wrap32(n * 16384) == -(1 << 31)
    m = PeArrayModel(1, 1)
    m.acc = [[(1 << 31) - 16384]]   # one product short of the wrap
    m.clock(1, 0, 0, [-128], [-128], 0)
    m.clock(1, 0, 0, [-128], [-128], 0)
    m.clock(1, 0, 0, [0], [0], 0)
    assert m.acc == [[-(1 << 31)]]
    m.clock(0, 0, 0, [0], [0], 0)
    assert m.acc == [[-(1 << 31) + 16384]]
    assert tile([[-128]] * (n + 1), [[-128]] * (n + 1), 1, 1) == [[-(1 << 31) + 16384]]


def test_model_reset_clears_everything():
    m = PeArrayModel(2, 2)
    for t in range(6):
        m.clock(1, t == 0, 0, [7, 7], [7, 7], 0)
    m.clock(0, 0, 1, [0, 0], [0, 0], 0)
    m.reset()
    outs = simulate(2, 2, [(0, 0, 0, [0, 0], [0, 0], 0)] * 4)
    assert all(o.out_row == (0, 0) and not o.out_swap for o in outs)
    assert m.outputs().out_row == (0, 0) and m.acc == [[0, 0], [0, 0]]


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_deep(data):
    """Deep sweep (make regress): every supported set up to 8 x 8, longer stimuli."""
    params = data.draw(st.sampled_from([s for s in SUPPORTED if s["ROWS"] * s["COLS"] <= 64]),
                       label="params")
    stim = data.draw(cycles(params["ROWS"], params["COLS"], max_len=200), label="stimulus")
    assert myhdl_bench.run(params, stim) == []
