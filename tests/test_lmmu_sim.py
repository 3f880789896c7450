"""The LMMU's pyuvm regression in simulation, on Icarus and Verilator, plus the proof
that the scoreboard catches a wrong model.

The default run covers ``verif.lmmu.DEFAULT`` (the 4x4 preset on both simulators); the
rest of ``verif.lmmu.REGRESSION`` (8x8, 16x16, the tall 8x4) is marked slow.  Each run
draws its GEMM commands with Hypothesis from the master seed (printed); the failure
message carries the reproduce command.  LmmuCountersTest (pause-free) checks CYCLES /
STALL_* against ``models.lmmu_rtl`` when that module exists.
"""
from __future__ import annotations

import json

import pytest

from ip.lmmu import module_name
from verif import lmmu as plan
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command
from verif.common.runner import selected_sims


GOAL_TESTS = ("LmmuRandomTest", "LmmuErrorTest", "LmmuCountersTest", "LmmuResetTest")


def _cases():
    out = []
    for sim in ("icarus", "verilator"):
        for k, p in enumerate(plan.REGRESSION[sim]):
            marks = [] if p in plan.DEFAULT[sim] else [pytest.mark.slow]
            out.append(pytest.param(sim, k, p, marks=marks, id=f"{sim}-{module_name(p)}"))
    return out


@pytest.mark.sim
@pytest.mark.parametrize("sim,k,params", _cases())
def test_lmmu_regression(sim, k, params, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[k % len(plan.STRESS_CYCLE)]
    corpus = corpus_mod.draw(plan.corpus_strategy(params), 1, seed)[0]
    print(f"seed={seed} stress={stress} corpus={json.dumps(corpus)}")
    res = runner.run("lmmu", params, sim, plan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus)
    cmd = reproduce_command("lmmu", params, sim, seed, stress)
    for test, rep in sorted(res.coverage.items()):
        print(f"coverage {test}: {rep['percent']:.1f} % holes={rep['holes']}")
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in GOAL_TESTS:
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
    # LmmuRandomTest's goal is every bin of the coverage model.
    assert res.coverage["LmmuRandomTest"]["goals"] is None


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the golden model made wrong, the random test must fail, and say why."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    params = plan.DEFAULT[sim][0]
    R, C = params["ROWS"], params["COLS"]
    print(f"seed={radacs_seed}")
    res = runner.run("lmmu", params, sim, plan.TEST_MODULE, seed=radacs_seed,
                     stress="random", inject_bug=True, testcase="LmmuRandomTest",
                     tag="inject", corpus=[dict(M=3, K=5, N=6, TILE_M=R, TILE_N=C,
                                                TILE_K=C, bias=True, requant=False,
                                                seed=radacs_seed)])
    assert len(res.results) == 1, res.summary()
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "byte(s) differ" in msg and "Expected" in msg, msg


@pytest.mark.sim
def test_status_busy_done_gap(radacs_seed):
    """Reproducer: after a start, STATUS never reads busy 0 / done 0 before done."""
    if "icarus" not in selected_sims():
        pytest.skip("icarus not selected by RADACS_SIMS")
    params = plan.DEFAULT["icarus"][0]
    res = runner.run("lmmu", params, "icarus", "verif.lmmu.lmmu_repro",
                     testcase="status_busy_done_gap", seed=radacs_seed, tag="repro")
    assert len(res.results) == 1, res.summary()
    assert res.passed, res.summary()


@pytest.mark.sim
def test_soft_reset_inflight(radacs_seed):
    """Reproducer (verif/lmmu/lmmu_repro.py): CTRL.soft_reset with a read / a write burst
    in flight and no pauses (the held channels given back with mmu_env.release) ends in
    done + ERR_ABORTED with every burst complete, and the next command is bit-exact."""
    if "icarus" not in selected_sims():
        pytest.skip("icarus not selected by RADACS_SIMS")
    params = plan.DEFAULT["icarus"][0]
    res = runner.run("lmmu", params, "icarus", "verif.lmmu.lmmu_repro",
                     testcase=["soft_reset_read_inflight", "soft_reset_write_inflight"],
                     seed=radacs_seed, stress="none", tag="repro_soft")
    assert len(res.results) == 2, res.summary()
    assert res.passed, res.summary()
