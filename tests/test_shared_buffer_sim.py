"""The shared buffer's pyuvm regression in simulation, on Icarus and Verilator, plus
the proof that the scoreboard catches a wrong model.

The default run takes the plan's QUICK sets (test-time budget); the whole plan
(REGRESSION: every supported set on Icarus, a cross-section on Verilator) is marked
``slow`` and is what ``radacs regress shared_buffer`` runs.  Each run draws its
traffic profiles with Hypothesis from the master seed (printed); the failure message
carries the command that reproduces the run.
"""
from __future__ import annotations

import json

import pytest

from ip.shared_buffer import module_name
from verif import shared_buffer as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims

IP = "shared_buffer"


def _cases(table):
    return [(sim, k, p) for sim in ("icarus", "verilator") for k, p in enumerate(table[sim])]


def _ids(cases):
    return [f"{s}-{module_name(p)}" for s, _, p in cases]


QUICK = _cases(plan.QUICK)
FULL = [c for c in _cases(plan.REGRESSION)
        if (c[0], module_name(c[2])) not in {(s, module_name(p)) for s, _, p in QUICK}]


def _run(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run(IP, params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command(IP, params, sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in ("SbufRandomTest", "SbufHotBankTest", "SbufResetTest"):
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # SbufRandomTest's goal is every bin of the coverage model.
    assert res.coverage["SbufRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", QUICK, ids=_ids(QUICK))
def test_shared_buffer_regression(sim, k, params, radacs_seed):
    _run(sim, k, params, radacs_seed)


@pytest.mark.sim
@pytest.mark.slow
@pytest.mark.parametrize("sim,k,params", FULL, ids=_ids(FULL))
def test_shared_buffer_regression_full(sim, k, params, radacs_seed):
    _run(sim, k, params, radacs_seed)


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the normal random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = plan.QUICK[sim][0]
    res = runner.run(IP, params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="SbufRandomTest",
                     tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg or "error" in msg, msg
