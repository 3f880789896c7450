"""The AXI masters' pyuvm regression in simulation, on Icarus and Verilator, plus the
proof that the scoreboard catches a wrong model.

The default run covers ``verif.axi.DEFAULT`` (both kinds on both simulators, the
degenerate MAX_BURST = OUTSTANDING = 1 and the widest bus on Icarus); the rest of
``verif.axi.REGRESSION`` is marked slow.  Each run draws its commands with Hypothesis
from the master seed (printed); the failure message carries the reproduce command.
"""
from __future__ import annotations

import json

import pytest

from ip.axi import module_name
from verif import axi as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims


def _cases():
    out = []
    for sim in ("icarus", "verilator"):
        for k, p in enumerate(plan.REGRESSION[sim]):
            marks = [] if p in plan.DEFAULT[sim] else [pytest.mark.slow]
            out.append(pytest.param(sim, k, p, marks=marks, id=f"{sim}-{module_name(p)}"))
    return out


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", _cases())
def test_axi_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("axi", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("axi", params, sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in ("AxiRandomTest", "AxiErrorTest", "AxiLatencyTest", "AxiResetTest"):
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # AxiRandomTest's goal is every bin of the coverage model.
    assert res.coverage["AxiRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("kind", ["rd", "wr"])
def test_scoreboard_catches_injected_bug(sim, kind, radacs_seed):
    """With the golden model made wrong, the normal random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = {"KIND": kind, "DATA_BYTES": 8, "MAX_BURST": 5, "OUTSTANDING": 3}
    res = runner.run("axi", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="AxiRandomTest",
                     tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg, msg
