"""Property mode: the shared-buffer RTL (MyHDL in-process simulation) against the
golden model under Hypothesis, which shrinks any failure to a minimal stimulus; and
the model's own properties (one access per bank, bounded wait, read-after-write,
full throughput without conflicts)."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ip.shared_buffer import SUPPORTED, check
from models.shared_buffer import READ_LATENCY, Req, SharedBufferModel, ideal_rate
from verif.shared_buffer import myhdl_bench
from verif.shared_buffer.env import BuggySharedBufferModel

# Small sets for the default run (the MyHDL simulator runs every bit loop in Python).
SETS = [s for s in SUPPORTED if s["B"] * s["DEPTH"] <= 64 and s["DATA_W"] <= 32]
EXAMPLES = 10   # ~1.5 s each (the bit-level loops run in Python); the deep sweep is slow


def stimulus(params, max_len=60, rst=True):
    p = check(params)
    P, DW, words = p["P"], p["DATA_W"], p["B"] * p["DEPTH"]
    nb = DW // 8
    req = st.builds(Req, st.booleans(), st.booleans(),
                    st.integers(0, min(words, 16) - 1), st.integers(0, (1 << DW) - 1),
                    st.integers(0, (1 << nb) - 1))
    cycle = st.tuples(st.lists(req, min_size=P, max_size=P), st.integers(0, (1 << P) - 1),
                      st.booleans() if rst else st.just(False)).map(
        lambda c: (c[0], c[1], c[2] and random.Random(c[1]).random() < 0.1))
    return st.lists(cycle, min_size=1, max_size=max_len)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_cycle_by_cycle(data):
    params = data.draw(st.sampled_from(SETS), label="params")
    stim = data.draw(stimulus(params, max_len=40), label="stimulus")
    assert myhdl_bench.run(params, stim) == []


def test_bench_detects_a_wrong_model():
    """The same bench with the deliberately wrong model must report mismatches."""
    P = 3
    stim = [([Req(True, True, a, 0x5A, 1) for a in (0, 1, 2)], 7, False)] + \
           [([Req(True, False, a, 0, 0) for a in (0, 1, 2)], 7, False)] * 6
    assert myhdl_bench.run({"P": P, "B": 2, "DEPTH": 4, "DATA_W": 8}, stim,
                           BuggySharedBufferModel)


def _protocol(params, draws, rsp_ready_of):
    """Ports that hold valid (and the fields) until accepted; yields (model, out)."""
    p = check(params)
    m = SharedBufferModel(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    cur = [None] * p["P"]
    for t, new in enumerate(draws):
        for i in range(p["P"]):
            if cur[i] is None and new[i] is not None:
                cur[i] = new[i]
        reqs = [c or Req() for c in cur]
        elig = m.eligible(reqs)
        out = m.clock(reqs, rsp_ready_of(t))
        yield m, reqs, elig, out
        for i in range(p["P"]):
            if out.ready >> i & 1:
                cur[i] = None


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_model_one_access_per_bank_and_bounded_wait(data):
    params = dict(data.draw(st.sampled_from(list(SUPPORTED))))
    p = check(params)
    P, B, words = p["P"], p["B"], p["B"] * p["DEPTH"]
    req = st.one_of(st.none(), st.builds(Req, st.just(True), st.booleans(),
                                         st.integers(0, min(words, 32) - 1)))
    draws = data.draw(st.lists(st.lists(req, min_size=P, max_size=P), max_size=80))
    readies = data.draw(st.lists(st.integers(0, (1 << P) - 1), min_size=81, max_size=81))
    waiting = [0] * P
    worst = 0
    for m, reqs, elig, out in _protocol(params, draws, lambda t: readies[t]):
        acc = [i for i in range(P) if out.ready >> i & 1]
        banks = [reqs[i].addr % B for i in acc]
        assert len(banks) == len(set(banks)), (acc, banks)
        assert all(elig >> i & 1 for i in acc)
        for i in range(P):
            if elig >> i & 1 and i not in acc:
                waiting[i] += sum(1 for j in acc if reqs[j].addr % B == reqs[i].addr % B)
                bound = m.wait_bound(i)
                if bound is not None:
                    worst = max(worst, waiting[i] - bound)
            else:
                waiting[i] = 0
    assert worst <= 0


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_model_read_after_write_returns_the_new_data(data):
    params = data.draw(st.sampled_from(list(SUPPORTED)))
    p = check(params)
    m = SharedBufferModel(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    words = p["B"] * p["DEPTH"]
    port = data.draw(st.integers(0, p["P"] - 1))
    addr = data.draw(st.integers(0, words - 1))
    val = data.draw(st.integers(0, (1 << p["DATA_W"]) - 1))
    full = (1 << (p["DATA_W"] // 8)) - 1
    reqs = [Req()] * p["P"]
    w = list(reqs)
    w[port] = Req(True, True, addr, val, full)
    r = list(reqs)
    r[port] = Req(True, False, addr)
    assert m.clock(w, 0).ready >> port & 1
    t = m.clock(r, -1)
    assert t.ready >> port & 1
    outs = [m.clock(reqs, -1) for _ in range(READ_LATENCY)]
    assert [o.rsp_valid >> port & 1 for o in outs] == [0] * (READ_LATENCY - 1) + [1]
    rsp = outs[-1].rsp[port]
    assert rsp.known == (1 << p["DATA_W"]) - 1 and rsp.data == val


@pytest.mark.parametrize("params", SUPPORTED, ids=lambda p: f"P{p['P']}B{p['B']}{p['ARB']}")
def test_model_conflict_free_traffic_reaches_the_ideal_rate(params):
    p = check(params)
    P, B = p["P"], p["B"]
    m = SharedBufferModel(P, B, p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    rng = random.Random(1)
    # min(P, B) ports, each on its own bank, reading every cycle, responses always taken.
    active = min(P, B)
    total = 0
    for t in range(100):
        reqs = [Req(True, False, rng.randrange(p["DEPTH"]) * B + i) if i < active else Req()
                for i in range(P)]
        total += bin(m.clock(reqs, (1 << P) - 1).ready).count("1")
    assert total == 100 * ideal_rate(P, B)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rtl_matches_model_deep(data):
    """Deep sweep (make regress): every supported set but the widest, stimuli of up to
    200 cycles; about 5 s per example in MyHDL's simulator (60 examples: 5 min)."""
    params = data.draw(st.sampled_from([s for s in SUPPORTED if s["P"] * s["B"] <= 32]),
                       label="params")
    stim = data.draw(stimulus(params, max_len=200), label="stimulus")
    assert myhdl_bench.run(params, stim) == []
