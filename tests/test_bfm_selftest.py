"""The shared stream BFMs (verif/common/bfm.py) tested on a fixture skid buffer, on both
simulators; and their checker fails when the fixture drops beats."""
from __future__ import annotations

from pathlib import Path

import pytest

from ip.common import tools
from verif.common.runner import BUILD_ROOT, parse_results, run_cocotb, selected_sims

FIXTURE = Path(__file__).resolve().parents[1] / "verif/common/selftest/radacs_tb_skid.v"


def _run(sim: str, drop: int, seed: int):
    from cocotb_tools.runner import get_runner

    tools.apply_tool_env()
    bdir = BUILD_ROOT / sim / f"radacs_tb_skid_drop{drop}"
    runner = get_runner(sim)
    runner.build(sources=[FIXTURE], hdl_toplevel="radacs_tb_skid", build_dir=str(bdir),
                 parameters={"INJECT_DROP": drop}, timescale=("1ns", "1ps"))
    xml = bdir / "results.xml"
    run_cocotb(runner, test_module="verif.common.selftest.bfm_selftests",
               hdl_toplevel="radacs_tb_skid", hdl_toplevel_lang="verilog",
               build_dir=str(bdir), test_dir=str(bdir), results_xml=str(xml),
               extra_env={"RADACS_SEED": str(seed)}, log_file=str(bdir / "sim.log"))
    return parse_results(xml)


@pytest.mark.sim
@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_stream_bfms(sim, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    res = _run(sim, 0, radacs_seed)
    assert len(res) == 2, res
    assert all(r.passed for r in res), [(r.name, r.message[:500]) for r in res if not r.passed]


@pytest.mark.sim
def test_stream_checker_catches_dropped_beats(radacs_seed):
    res = _run("icarus", 1, radacs_seed)
    assert res and not any(r.passed for r in res), "a DUT that drops beats passed"
