"""Verification of the AXI4-Lite register block with the MMU register map: pyuvm env
(env.py), cocotb tests (axil_regs_tests.py) and the plan below.

The block is not (yet) an IP of ``ip.IPS`` (it has no parameters; its one top is
``ip.axi.axil_regs.build()``), so :func:`run` builds it here with the shared pieces
of :mod:`verif.common.runner` (cached build per simulator under ``build/sim``, the
build lock, ``run_cocotb``, results.xml parsing, coverage reports).

Reproduce one run: ``python -m verif.axil_regs --sim icarus --seed 5 --stress random``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ip.axi import axil_regs
from ip.common import tools
from verif.common import runner

TEST_MODULE = "verif.axil_regs.axil_regs_tests"
TESTS = ("CsrRandomTest", "CsrResetTest", "CsrInjectedBugTest")
TOP = axil_regs.module_name()
STRESS_CYCLE = ("random", "cycle", "none")


def reproduce_command(sim: str, seed: int, stress: str, testcase: str | None = None) -> str:
    return (f"python -m verif.axil_regs --sim {sim} --seed {seed} --stress {stress}"
            + (f" --test {testcase}" if testcase else ""))


def build(simulator: str) -> Path:
    """Generate and compile the standalone top (cached while the Verilog is unchanged)."""
    from cocotb_tools.runner import get_runner

    bdir = runner.BUILD_ROOT / simulator / TOP
    tools.apply_tool_env()
    with runner._locked(runner.BUILD_ROOT / simulator / f".{TOP}.lock"):
        new = axil_regs.generate(bdir / "gen_tmp")
        src = bdir / "src" / new.name
        src.parent.mkdir(parents=True, exist_ok=True)
        if not src.exists() or src.read_bytes() != new.read_bytes():
            src.write_bytes(new.read_bytes())
        get_runner(simulator).build(sources=[src], hdl_toplevel=TOP, build_dir=str(bdir),
                                    timescale=("1ns", "1ps"), always=False,
                                    log_file=str(bdir / "build.log"))
    return bdir


def run(simulator: str, seed: int, stress: str = "random", *, testcase=None,
        items: int | None = None, inject_bug: bool = False, tag: str = "") -> runner.SimResult:
    """Build (cached) and run the tests; never raises on a failing test."""
    from cocotb_tools.runner import get_runner

    bdir = build(simulator)
    ident = hashlib.sha1(json.dumps([testcase, seed, stress, items, inject_bug, tag])
                         .encode()).hexdigest()[:10]
    tdir = bdir / f"run_{ident}"
    tdir.mkdir(parents=True, exist_ok=True)
    knobs = {"params": {}, "seed": seed, "stress": stress, "items": items,
             "inject_bug": bool(inject_bug), "coverage_dir": str(tdir / "coverage")}
    env = {"RADACS_KNOBS": json.dumps(knobs), "PYTHONHASHSEED": "0",
           "PYTHONFAULTHANDLER": "1"}
    xml, log = tdir / "results.xml", tdir / "sim.log"
    if xml.exists():
        xml.unlink()
    tools.apply_tool_env()
    runner.run_cocotb(get_runner(simulator), test_module=TEST_MODULE, hdl_toplevel=TOP,
                      hdl_toplevel_lang="verilog", build_dir=str(bdir), test_dir=str(tdir),
                      extra_env=env, testcase=testcase, seed=seed, results_xml=str(xml),
                      log_file=str(log), timescale=("1ns", "1ps"))
    res = runner.SimResult(simulator, TOP, {}, seed, runner.parse_results(xml), xml, log=log)
    for f in sorted((tdir / "coverage").glob("*.json")):
        res.coverage[f.stem] = json.loads(f.read_text())
    return res
