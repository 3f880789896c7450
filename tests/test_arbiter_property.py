"""Property mode: the arbiter RTL (MyHDL in-process simulation) against the golden
model under Hypothesis, which shrinks any failure to a minimal stimulus; and the
model's own fairness properties."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ip.arbiter import SUPPORTED
from models.arbiter import ArbiterModel, simulate
from verif.arbiter import myhdl_bench
from verif.arbiter.env import BuggyArbiterModel

SETS = [s for s in SUPPORTED if s["N"] in (1, 2, 3, 5, 8)]


def stimulus(n, max_len=120):
    word = st.integers(0, (1 << n) - 1)
    return st.lists(st.tuples(word, word | st.just(0), st.booleans()), min_size=1,
                    max_size=max_len)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_cycle_by_cycle(data):
    params = data.draw(st.sampled_from(SETS), label="params")
    stim = data.draw(stimulus(params["N"]), label="stimulus")
    assert myhdl_bench.run(params, stim) == []


def test_bench_detects_a_wrong_model():
    """The same bench with the deliberately wrong model must report mismatches."""
    stim = [(0b111, 0, 1)] * 10
    assert myhdl_bench.run({"FLAVOUR": "rr", "N": 3}, stim, BuggyArbiterModel)


def _protocol_run(flavour, n, weights, draws):
    """Requesters that hold req until accepted; returns the model's offers."""
    m = ArbiterModel(flavour, n, weights)
    req = 0
    waits = {}
    worst = 0
    for new, lock, ready in draws:
        req |= new & ((1 << n) - 1)
        o = m.offer(req)
        m.clock(req, lock, ready)
        done = o.valid and ready and not (lock >> o.idx & 1)
        for i in range(n):
            if req >> i & 1 and not (o.gnt >> i & 1):
                waits.setdefault(i, 0)
            if o.gnt >> i & 1:
                waits.pop(i, None)
        if done:
            for i in waits:
                if i != o.idx:
                    waits[i] += 1
                    worst = max(worst, waits[i] - m.wait_bound(i))
            req &= ~o.gnt
    return worst


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 9), data=st.data())
def test_model_wait_bound(n, data):
    flavour = data.draw(st.sampled_from(["rr", "wrr"]))
    weights = data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)) \
        if flavour == "wrr" else None
    draws = data.draw(st.lists(st.tuples(st.integers(0, (1 << n) - 1),
                                         st.integers(0, (1 << n) - 1), st.booleans()),
                               max_size=150))
    assert _protocol_run(flavour, n, weights, draws) <= 0


@given(weights=st.lists(st.integers(1, 6), min_size=2, max_size=8))
def test_model_weighted_shares_under_saturation(weights):
    n = len(weights)
    full = (1 << n) - 1
    offers = simulate("wrr", n, weights, [(full, 0, 1)] * (sum(weights) * 4))
    seq = [o.idx for o in offers]
    for start in range(len(seq) - sum(weights) + 1):
        win = seq[start:start + sum(weights)]
        assert all(win.count(i) == weights[i] for i in range(n)), (start, win)


def test_model_rejects_bad_config():
    import pytest

    with pytest.raises(ValueError, match="N"):
        ArbiterModel("rr", 0)
    with pytest.raises(ValueError, match="WEIGHTS"):
        ArbiterModel("wrr", 2, [1, 0])
    with pytest.raises(ValueError, match="FLAVOUR"):
        ArbiterModel("lottery", 2)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_deep(data):
    """Deep sweep (make regress): every supported set, longer stimuli."""
    params = data.draw(st.sampled_from(list(SUPPORTED)), label="params")
    stim = data.draw(stimulus(params["N"], max_len=400), label="stimulus")
    assert myhdl_bench.run(params, stim) == []
