"""The feature cache's pyuvm regression in simulation: the planned parameter sets on
Icarus and Verilator, plus the proof that the scoreboard catches a wrong model.

The default run (``-m 'not slow'``) takes two sets per simulator (the test-time budget
of the library); the whole plan runs with ``-m slow`` and under ``radacs regress
feature_cache``.  Each run draws its DeepCache schedules with Hypothesis from the
master seed (printed); the failure message carries the command that reproduces it.
"""
from __future__ import annotations

import json

import pytest

from ip.feature_cache import module_name
from verif import feature_cache as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims

# Default run (test-time budget): SLOTS = 3 (non-power of two) on both simulators,
# SLOTS = 1 and the small BACKING=dram set on Icarus; every other planned set is slow.
DEFAULT = {("icarus", 0), ("icarus", 1), ("verilator", 1),
           ("icarus", next(i for i, p in enumerate(plan.REGRESSION["icarus"])
                           if p.get("BACKING") == "dram"))}
CASES = [pytest.param(sim, k, p, marks=() if (sim, k) in DEFAULT else pytest.mark.slow,
                      id=f"{sim}-{module_name(p)}")
         for sim in ("icarus", "verilator") for k, p in enumerate(plan.REGRESSION[sim])]


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", CASES)
def test_feature_cache_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("feature_cache", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("feature_cache", params, sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in ("FcRandomTest", "FcDirectedTest", "FcResetTest"):
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # FcRandomTest's goal is every bin of the coverage model.
    assert res.coverage["FcRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the normal random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = plan.REGRESSION[sim][1]
    res = runner.run("feature_cache", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="FcRandomTest", tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg or "error" in msg, msg
