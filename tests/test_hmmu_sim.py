"""The HMMU's pyuvm regression in simulation, on Icarus and Verilator, plus the proof
that the scoreboard catches a wrong model.

The default run covers ``verif.hmmu.DEFAULT`` (the 4x4 preset on both simulators); the
rest of ``verif.hmmu.REGRESSION`` (8x8, 16x16, the tall 8x4) is marked slow.  Each run
draws its GEMM commands with Hypothesis from the master seed (printed); the failure
message carries the reproduce command.
"""
from __future__ import annotations

import json

import pytest

from ip.hmmu import module_name
from verif import hmmu as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims


GOAL_TESTS = ("HmmuRandomTest", "HmmuErrorTest", "HmmuCountersTest", "HmmuResetTest")


def _cases():
    out = []
    for sim in ("icarus", "verilator"):
        for k, p in enumerate(plan.REGRESSION[sim]):
            marks = [] if p in plan.DEFAULT[sim] else [pytest.mark.slow]
            out.append(pytest.param(sim, k, p, marks=marks, id=f"{sim}-{module_name(p)}"))
    return out


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", _cases())
def test_hmmu_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("hmmu", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("hmmu", params, sim, seed, stress)
    for test, rep in sorted(res.coverage.items()):
        print(f"coverage {test}: {rep['percent']:.1f} % holes={rep['holes']}")
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in GOAL_TESTS:
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # HmmuRandomTest's goal is every bin of the coverage model.
    assert res.coverage["HmmuRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = plan.DEFAULT[sim][0]
    print(f"seed={radacs_seed}")
    res = runner.run("hmmu", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="HmmuRandomTest",
                     tag="inject", corpus=[dict(M=3, K=5, N=6, TILE_M=params["ROWS"],
                                                bias=True, requant=False, seed=radacs_seed)])
    assert len(res.results) == 1, res.summary()
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "byte(s) differ" in msg and "Expected" in msg, msg


@pytest.mark.sim
def test_soft_reset_inflight(radacs_seed):
    """Reproducer (verif/hmmu/hmmu_repro.py): CTRL.soft_reset with a read / a write burst
    in flight and no pauses (the channel held for it given back with mmu_env.release)
    ends in done + ERR_ABORTED, and the next command runs in the model's cycles."""
    if "icarus" not in selected_sims():
        pytest.skip("icarus not selected by RADACS_SIMS")
    params = plan.DEFAULT["icarus"][0]
    res = runner.run("hmmu", params, "icarus", "verif.hmmu.hmmu_repro",
                     testcase=["soft_reset_read_inflight", "soft_reset_write_inflight"],
                     seed=radacs_seed, stress="none", tag="repro")
    assert len(res.results) == 2, res.summary()
    assert res.passed, res.summary()


@pytest.mark.sim
def test_status_busy_done_gap(radacs_seed):
    """Reproducer: after a start, STATUS never reads busy 0 / done 0 before done."""
    if "icarus" not in selected_sims():
        pytest.skip("icarus not selected by RADACS_SIMS")
    params = plan.DEFAULT["icarus"][0]
    res = runner.run("hmmu", params, "icarus", "verif.hmmu.hmmu_repro",
                     testcase="status_busy_done_gap", seed=radacs_seed, tag="repro_gap")
    assert len(res.results) == 1, res.summary()
    assert res.passed, res.summary()
