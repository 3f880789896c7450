"""The arbiter's pyuvm regression in simulation: every planned parameter set on
Icarus and Verilator (by default ``verif.arbiter.DEFAULT``: every Icarus set, one
Verilator set per flavour; the rest ``-m slow``), plus the proof that the scoreboard
catches a wrong model.

Each run draws its traffic profiles with Hypothesis from the master seed (printed);
the failure message carries the command that reproduces the run.
"""
from __future__ import annotations

import json

import pytest

from ip.arbiter import module_name
from verif import arbiter as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims

CASES = [(sim, k, p) for sim in ("icarus", "verilator") for k, p in
         enumerate(plan.REGRESSION[sim])]
# verif.arbiter.DEFAULT runs by default (every Icarus set, one Verilator set per flavour);
# the other Verilator sets are slow (make regress), each also run on Icarus by default.
PARAMS = [pytest.param(s, k, p, marks=() if p in plan.DEFAULT[s] else pytest.mark.slow,
                       id=f"{s}-{module_name(p)}") for s, k, p in CASES]


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", PARAMS)
def test_arbiter_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("arbiter", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("arbiter", params, sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    # Coverage: every goal bin of every test hit (the subscribers already fail on
    # holes; this also checks that each report exists).
    for test in ("ArbRandomTest", "ArbSaturateTest", "ArbResetTest"):
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # ArbRandomTest's goal is every bin of the coverage model.
    assert res.coverage["ArbRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the normal random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = {"FLAVOUR": "rr", "N": 5} if sim == "icarus" else plan.REGRESSION[sim][1]
    res = runner.run("arbiter", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="ArbRandomTest",
                     tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg or "error" in msg, msg
