"""The AXI4-Lite register block (ip/axi/axil_regs.py) with the MMU register map: the
pyuvm regression on Icarus and Verilator, the proof that its scoreboard catches a wrong
register model, and the conversion of the block (lint-clean, deterministic, any map).
"""
from __future__ import annotations

import re

import pytest
from myhdl import Signal, intbv

from ip.axi import axil_regs
from ip.cli import lint_files
from ip.mmu.regmap import MMU_REGMAP, Field, RegMap, Register
from verif import axil_regs as plan
from verif.axil_regs.myhdl_bench import ODD_REGMAP as ODD
from verif.common.runner import selected_sims

SIMS = ("icarus", "verilator")


@pytest.mark.sim
@pytest.mark.parametrize("k,sim", list(enumerate(SIMS)), ids=SIMS)
def test_axil_regs_regression(k, sim, radacs_seed):
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    seed = (radacs_seed + 104729 * k) & 0x7FFFFFFF
    stress = plan.STRESS_CYCLE[(radacs_seed + k) % len(plan.STRESS_CYCLE)]
    res = plan.run(sim, seed, stress)
    cmd = plan.reproduce_command(sim, seed, stress)
    assert res.passed, f"{res.summary()}\nreproduce: {cmd}"
    assert sorted(r.name for r in res.results) == sorted(plan.TESTS), res.summary()
    for test in ("CsrRandomTest", "CsrResetTest"):
        rep = res.coverage[test]
        assert rep["holes"] == [] and rep["percent"] == 100.0, (test, rep["holes"], cmd)
        assert rep["samples"] > 0, (test, cmd)
    # The random test's goal is every bin: every register x access, every W1P/W1C field.
    rnd = res.coverage["CsrRandomTest"]
    assert rnd["goals"] is None
    reg_bins = rnd["bins"]["register_access"]
    for r in MMU_REGMAP:
        assert reg_bins[f"{r.name}.read"] > 0 and reg_bins[f"{r.name}.write"] > 0, r.name


@pytest.mark.sim
@pytest.mark.parametrize("sim", SIMS)
def test_scoreboard_catches_injected_bug(sim, radacs_seed):
    """With the register model made wrong (WSTRB ignored), the random test must fail
    and say what differed."""
    if sim not in selected_sims():
        pytest.skip(f"{sim} not selected by RADACS_SIMS")
    res = plan.run(sim, radacs_seed, "random", testcase="CsrRandomTest", inject_bug=True,
                   items=60, tag="inject")
    assert len(res.results) == 1
    assert not res.passed, "the scoreboard did not catch the injected model bug"
    msg = res.results[0].message
    assert "Expected" in msg, msg


# --- conversion ----------------------------------------------------------------------

def test_mmu_top_is_lint_clean_and_deterministic(tmp_path):
    a = axil_regs.generate(tmp_path / "a")
    b = axil_regs.generate(tmp_path / "b")
    assert a.name == "radacs_axil_regs_mmu.v"
    assert a.read_text() == b.read_text()
    assert lint_files([a]) == []
    text = a.read_text()
    for name, direction, width in axil_regs.top_ports():
        decl = "input" if direction == "in" else "output"
        rng = "" if width == 1 else rf"\[{(8 if width < 0 else width) - 1}:0\] "
        assert re.search(rf"{decl} {rng}{name};", text), (name, direction, width)


def test_any_regmap_converts_lint_clean(tmp_path):
    out = axil_regs.convert(ODD, tmp_path, addr_width=5)
    assert out.name == "radacs_axil_regs_odd.v"
    assert lint_files([out]) == []


def test_bad_ports_raise_value_error():
    hw = axil_regs.regmap_signals(MMU_REGMAP)
    with pytest.raises(ValueError, match="address width 5 cannot reach offset 0x60"):
        axil_regs.build(MMU_REGMAP, addr_width=5)
    bad = dict(hw)
    bad["m"] = Signal(intbv(0)[16:])
    with pytest.raises(ValueError, match="port m must be 24 bits"):
        axil_regs.axil_regs(Signal(bool(0)), Signal(bool(1)), axil_regs.AxilSignals(8), bad)
    bad = dict(hw)
    del bad["cycles"]
    with pytest.raises(ValueError, match=r"missing \['cycles'\]"):
        axil_regs.axil_regs(Signal(bool(0)), Signal(bool(1)), axil_regs.AxilSignals(8), bad)
    only_w1p = RegMap("w1p", [Register("GO", 0, "", (Field("go", 0, 1, "W1P"),))])
    with pytest.raises(ValueError, match="no readable field"):
        axil_regs.build(only_w1p, addr_width=4)
