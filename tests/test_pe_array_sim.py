"""The PE array's pyuvm regression in simulation: every planned parameter set on
Icarus and Verilator, plus the proof that the scoreboard catches a wrong model.

Each run draws its pass profiles with Hypothesis from the master seed (printed); the
failure message carries the command that reproduces the run.  The default run keeps
the IP within ~90 s on 2 cores: the 16 x 16 Icarus set and every Verilator set but the
2 x 3 one (one C++ build each) are marked ``slow`` (``make regress``), and
``radacs regress pe_array`` runs the whole plan.
"""
from __future__ import annotations

import json

import pytest

from ip.pe_array import module_name
from verif import pe_array as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims

GOAL_TESTS = ("PeRandomTest", "PeBackToBackTest", "PeExtremesTest", "PeResetTest")


def _slow(sim, k, params):
    if sim == "icarus":
        return params["ROWS"] * params["COLS"] > 64
    # Verilator: the 2 x 3 set (also the injected-bug test's build); 1 x 1 runs on
    # Icarus by default, on Verilator in the slow tier.
    return k != 1


CASES = [pytest.param(sim, k, p, id=f"{sim}-{module_name(p)}",
                      marks=[pytest.mark.slow] if _slow(sim, k, p) else [])
         for sim in ("icarus", "verilator") for k, p in enumerate(plan.REGRESSION[sim])]


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", CASES)
def test_pe_array_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("pe_array", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("pe_array", params, sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    # Coverage: every goal bin of every test hit (the subscribers already fail on
    # holes; this also checks that each report exists).
    for test in GOAL_TESTS:
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # PeRandomTest's goal is every bin of the coverage model.
    assert res.coverage["PeRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the normal random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = {"ROWS": 2, "COLS": 3} if sim == "icarus" else plan.REGRESSION[sim][1]
    res = runner.run("pe_array", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="PeRandomTest",
                     tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg and "PeScoreboard" in msg, msg
