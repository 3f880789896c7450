"""FuseSoC packaging: the cores parse, every target runs its tool and fails when it must.

Every FuseSoC call runs in a temporary directory with private XDG cache/config/data
folders (so the generator cache starts empty and no fusesoc.conf or build/ lands in
the repository; yowasp's compiled-WebAssembly cache stays the user's), and with the venv's bin folder *removed* from PATH: the generator
and the runner must find the repository's Python on their own, as they must when a
user calls ``.venv/bin/fusesoc`` without activating the venv.

Run time on 2 cores: ~1.5 min serially without ``-m slow``; the Verilator simulation
(``-m slow``) adds ~40 s.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CORES = REPO / "fusesoc"
ARB = "radacs:ip:arbiter"
VENV_BIN = Path(sys.executable).parent
FUSESOC = shutil.which("fusesoc", path=str(VENV_BIN)) or shutil.which("fusesoc")

# Knobs of the calling environment that would change what a target does.
SCRUB = ("RADACS_INJECT_BUG", "RADACS_PARAMS", "RADACS_STRESS", "RADACS_ITEMS",
         "RADACS_CORPUS", "RADACS_COCOTB_MODULE", "RADACS_FUSESOC_PYTHON", "PYTEST_CURRENT_TEST",
         "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "VERILATOR_ROOT", "GPI_USERS",
         "COCOTB_TEST_MODULES", "COCOTB_TOPLEVEL", "FUSESOC_CORES")


def _env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and Path(p).resolve() != VENV_BIN.resolve())
    # yowasp keeps its compiled WebAssembly (minutes to rebuild) in the user's cache:
    # keep using it while FuseSoC's own cache is private.
    env.setdefault("YOWASP_CACHE_DIR", str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "YoWASP"))
    for d in ("CACHE", "CONFIG", "DATA"):
        env[f"XDG_{d}_HOME"] = str(home / f"xdg_{d.lower()}")
    env.update(extra)
    return env


def fusesoc(cwd: Path, *args: str, cores_root: Path | None = CORES, timeout=600,
            **extra_env) -> subprocess.CompletedProcess:
    cmd = [FUSESOC]
    if cores_root is not None:
        cmd += ["--cores-root", str(cores_root)]
    cmd += list(args)
    cwd.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(cmd, cwd=cwd, env=_env(cwd, **extra_env), capture_output=True,
                       text=True, timeout=timeout)
    r.log = f"$ {' '.join(cmd)}  (exit {r.returncode})\n{r.stdout}\n{r.stderr}"
    return r


def _core(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("\n", 1)[1])


def _copy_repo(dst: Path, venv: bool = True) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "sim_build", "out", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "*.egg-info")
    shutil.copytree(REPO, dst, ignore=ignore, symlinks=True)
    if venv:  # the generator and runner look for <repo>/.venv when python3 lacks MyHDL
        (dst / ".venv").symlink_to(REPO / ".venv")
    return dst


def test_fusesoc_available():
    assert FUSESOC, "fusesoc not installed in the venv (make setup)"


# -- static checks: fast, no FuseSoC run -------------------------------------------

# The IP cores given the static checks: every IP of ip.IPS (each has a core in fusesoc/,
# test_umbrella_core_covers_every_ip).
STATIC_CORES = ("arbiter", "axi", "pe_array", "hmmu", "lmmu", "shared_buffer", "feature_cache")


@pytest.mark.parametrize("name", STATIC_CORES)
def test_core_parameters_match_the_ip(name):
    """<ip>.core's parameters, generator set and toplevels agree with ip.<ip>."""
    import importlib

    mod = importlib.import_module(f"ip.{name}")
    core = _core(CORES / f"{name}.core")
    kinds = {"str": "str", "int": "int", "intlist": "str"}
    for p in mod.PARAMS:
        cp = core["parameters"][p.name]
        assert cp["datatype"] == kinds[p.kind], p.name
        assert cp.get("description"), p.name
        assert (cp["default"] or None) == p.default, p.name
    gen = core["generate"][f"{name}_rtl"]["parameters"]
    assert gen["ip"] == name
    default_set = {p.name: core["parameters"][p.name]["default"] or None for p in mod.PARAMS}
    assert mod.check(gen["params"]) == mod.check(default_set)
    top = mod.module_name(default_set)
    assert top == mod.module_name({})
    for tname, t in core["targets"].items():
        assert t.get("description"), f"target {tname} has no description"
        assert t["toplevel"] == top, tname
    for p in core["parameters"].values():
        assert {"datatype", "description", "default"} <= set(p)


@pytest.mark.parametrize("name", STATIC_CORES)
def test_generator_sources_cover_the_conversion(name):
    """Every ip/ module the conversion imports is listed in `sources` (else edits to it
    would be hidden by FuseSoC's generator cache)."""
    core = _core(CORES / f"{name}.core")
    sources = core["generate"][f"{name}_rtl"]["parameters"]["sources"]
    listed = {(CORES / s).resolve() for s in sources}
    code = (f"import sys, ip.{name}, ip.common.convert; "
            "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) "
            "if getattr(m, '__file__', None)))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                       check=True)
    used = {Path(f).resolve() for f in r.stdout.split()
            if Path(f).resolve().is_relative_to(REPO / "ip")}
    assert used, r.stdout
    assert used <= listed, f"not in sources: {sorted(map(str, used - listed))}"
    assert all(p.is_file() for p in listed), "a listed source does not exist"


def test_umbrella_core_covers_every_ip():
    import ip as iplib

    core = _core(REPO / "core.core")
    deps = core["filesets"]["ips"]["depend"]
    tops = core["targets"]["lint"]["toplevel"]
    for name in iplib.IPS:
        mod = iplib.get(name)
        assert f"radacs:ip:{name}" in deps, name
        assert (CORES / f"{name}.core").is_file(), name
        assert mod.module_name({}) in tops, name


def test_every_target_has_a_description():
    for core_file in [REPO / "core.core", *CORES.glob("*.core")]:
        for name, t in (_core(core_file).get("targets") or {}).items():
            assert t.get("description"), f"{core_file.name}: target {name}"


# -- FuseSoC runs ------------------------------------------------------------------

def test_lint_default_and_command_line_set(tmp_path):
    r = fusesoc(tmp_path, "run", "--target=lint", ARB)
    assert r.returncode == 0, r.log
    assert "Generating radacs:ip:arbiter-arbiter_rtl" in r.log
    assert "using the generator's Verilog" in r.log and "lint radacs_arbiter_rr_n4: clean" in r.log
    r = fusesoc(tmp_path, "run", "--target=lint", ARB, "--FLAVOUR=wrr", "--N=4",
                "--WEIGHTS=1,2,3,4")
    assert r.returncode == 0, r.log
    assert "Found cached output" in r.log
    assert "lint radacs_arbiter_wrr_n4_w1_2_3_4: clean" in r.log


def test_bad_parameters_fail(tmp_path):
    r = fusesoc(tmp_path, "run", "--target=lint", ARB, "--FLAVOUR=wrr", "--N=3")
    assert r.returncode != 0, r.log
    assert "WEIGHTS is required when FLAVOUR=wrr" in r.log


def test_umbrella_core_lint(tmp_path):
    r = fusesoc(tmp_path, "run", "--target=lint", "radacs:radacs:ip", cores_root=REPO)
    assert r.returncode == 0, r.log
    import ip as iplib

    # one file per IP: the Verilog of its default set
    assert f"lint_all: {len(iplib.IPS)} file(s), 0 with warnings" in r.log, r.log


@pytest.mark.sim
def test_sim_passes_and_injected_bug_fails(tmp_path):
    # A pinned seed: this checks the packaging, not the testbench's random traffic.
    r = fusesoc(tmp_path, "run", "--target=sim", ARB, "--FLAVOUR=wrr", "--N=3",
                "--WEIGHTS=2,1,3", "--RADACS_SEED=2")
    assert r.returncode == 0, r.log
    assert "+WEIGHTS=2,1,3 +RADACS_SEED=2" in r.log
    m = re.search(r"icarus radacs_arbiter_wrr_n3_w2_1_3: (\d+) test\(s\), 0 failed -> PASS", r.log)
    assert m and int(m.group(1)) > 0, r.log
    # The parameter ...
    r = fusesoc(tmp_path, "run", "--target=sim", ARB, "--FLAVOUR=wrr", "--N=3",
                "--WEIGHTS=2,1,3", "--RADACS_INJECT_BUG")
    assert r.returncode != 0, r.log
    assert re.search(r"icarus radacs_arbiter_wrr_n3_w2_1_3: \d+ test\(s\), [1-9]\d* failed -> FAIL",
                     r.log), r.log
    # ... and the environment variable both inject the bug.
    r = fusesoc(tmp_path, "run", "--target=sim", ARB, RADACS_INJECT_BUG="1")
    assert r.returncode != 0, r.log
    assert "(bug injected)" in r.log and "-> FAIL" in r.log


@pytest.mark.sim
def test_sim_without_tests_fails(tmp_path):
    """Zero tests run (here: a test module that does not exist) is a failure."""
    r = fusesoc(tmp_path, "run", "--target=sim", ARB, RADACS_COCOTB_MODULE="no_such_tests")
    assert r.returncode != 0, r.log
    assert "no test ran" in r.log


@pytest.mark.sim
@pytest.mark.slow
def test_lmmu_sim_target_passes_and_fails(tmp_path):
    """The LMMU core's sim target on a command-line set (converted by the runner) runs a
    cocotb module and its verdict is the target's: the timing probe of
    verif/lmmu/lmmu_trace.py passes on a legal command and fails on one with TILE_K = 0
    (error 1 instead of 0).  ($RADACS_COCOTB_MODULE: the LMMU's own test module,
    verif.lmmu.lmmu_tests, is the pyuvm environment's.)"""
    lmmu = ("radacs:ip:lmmu", "--ROWS=4", "--COLS=4", "--WBUF_BYTES=512", "--XBUF_BYTES=512",
            "--OBUF_BYTES=4096")
    env = dict(RADACS_COCOTB_MODULE="verif.lmmu.lmmu_trace",
               RADACS_TRACE_OUT=str(tmp_path / "trace.json"))
    r = fusesoc(tmp_path, "run", "--target=sim", *lmmu,
                RADACS_TRACE_CASE="[8, 16, 8, 8, 8, 8, 0, 1, 1]", **env)
    assert r.returncode == 0, r.log
    assert "icarus radacs_lmmu_r4_c4_wb512_xb512_ob4k_mb16_o8: 1 test(s), 0 failed -> PASS" \
        in r.log, r.log
    r = fusesoc(tmp_path, "run", "--target=sim", *lmmu,
                RADACS_TRACE_CASE="[8, 16, 8, 8, 8, 0, 0, 1, 1]", **env)
    assert r.returncode != 0, r.log
    assert "1 test(s), 1 failed -> FAIL" in r.log, r.log


@pytest.mark.sim
@pytest.mark.slow
def test_sim_verilator(tmp_path):
    r = fusesoc(tmp_path, "run", "--target=sim_verilator", ARB, "--FLAVOUR=fp", "--N=3")
    assert r.returncode == 0, r.log
    assert re.search(r"verilator radacs_arbiter_fp_n3: \d+ test\(s\), 0 failed -> PASS", r.log)
    assert "Running on Verilator version 5.0" not in r.log  # never Debian's 5.006


@pytest.mark.tools
def test_synth(tmp_path):
    if not (REPO / "ip" / "common" / "synth.py").exists():
        pytest.skip("ip/common/synth.py not in this checkout")
    r = fusesoc(tmp_path, "run", "--target=synth", ARB, "--N=2", timeout=1200)
    assert r.returncode == 0, r.log
    out = next(tmp_path.glob("build/*/synth/synth"))
    assert (out / "report.json").is_file() and (out / "report.md").is_file()


@pytest.mark.tools
def test_formal(tmp_path):
    if not (REPO / "ip" / "common" / "formal.py").exists():
        pytest.skip("ip/common/formal.py not in this checkout")
    r = fusesoc(tmp_path, "run", "--target=formal", ARB, "--N=2")
    assert r.returncode == 0, r.log
    assert "radacs_run: formal: exit status 0 -> PASS" in r.log
    assert next(tmp_path.glob("build/*/formal/formal/report.md")).is_file()


@pytest.mark.tools
def test_formal_fails_on_a_broken_design(tmp_path):
    """A design that offers a grant with nothing granted: the proof fails, so does the target."""
    if not (REPO / "ip" / "common" / "formal.py").exists():
        pytest.skip("ip/common/formal.py not in this checkout")
    repo = _copy_repo(tmp_path / "repo")
    src = repo / "ip" / "arbiter" / "arbiter.py"
    text = src.read_text()
    assert "gnt_valid.next = gnt_s != 0" in text
    src.write_text(text.replace("gnt_valid.next = gnt_s != 0", "gnt_valid.next = 1"))
    r = fusesoc(tmp_path / "work", "run", "--target=formal", ARB, "--N=2",
                cores_root=repo / "fusesoc", timeout=1200)
    assert r.returncode != 0, r.log
    assert "radacs_run: formal: exit status 1 -> FAIL" in r.log


# A user's own project: its core depends on the library and asks the generator for
# its own parameter set; a testbench checks one weighted round.
USER_CORE = """CAPI=2:
name: acme:soc:arb_user:1.0.0
description: A user's core that instantiates a RADACS arbiter
filesets:
  deps:
    depend: [radacs:ip:arbiter]
  tb:
    files: [tb.v]
    file_type: verilogSource
generate:
  my_arb:
    generator: radacs_myhdl
    parameters:
      ip: arbiter
      params: {FLAVOUR: wrr, N: 3, WEIGHTS: "2,1,3"}
targets:
  default:
    description: The user's design
    filesets: [deps]
    generate: [my_arb]
  sim:
    description: Icarus testbench of one weighted round
    filesets: [deps, tb]
    generate: [my_arb]
    flow: sim
    flow_options: {tool: icarus}
    toplevel: tb
"""

USER_TB = """`timescale 1ns/1ps
module tb;
  reg clk = 0, rst_n = 0, gnt_ready = 1;
  reg [2:0] req = 3'b111, lock = 0;
  wire [2:0] gnt; wire [1:0] gnt_idx; wire gnt_valid;
  radacs_arbiter_wrr_n3_w2_1_3 dut(.clk(clk), .rst_n(rst_n), .req(req), .lock(lock),
    .gnt(gnt), .gnt_idx(gnt_idx), .gnt_valid(gnt_valid), .gnt_ready(gnt_ready));
  always #5 clk = ~clk;
  integer i, errors = 0;
  reg [1:0] exp_idx [0:5];
  initial begin
    // Saturated, every offer accepted: 0 twice, 1 once, 2 three times.
    exp_idx[0] = 0; exp_idx[1] = 0; exp_idx[2] = 1; exp_idx[3] = 2; exp_idx[4] = 2; exp_idx[5] = 2;
    #12 rst_n = 1;
    for (i = 0; i < 6; i = i + 1) begin
      #1;
      if (gnt_idx !== exp_idx[i]) begin
        errors = errors + 1; $display("grant %0d: %0d", i, gnt_idx);
      end
      @(posedge clk);
    end
    if (errors == 0) $display("USER TB PASS"); else $display("USER TB FAIL");
    $finish;
  end
endmodule
"""


def test_user_project_library_add(tmp_path):
    """`fusesoc library add` from elsewhere; lint the IP, then build and run a user core."""
    user = tmp_path / "user"
    r = fusesoc(user, "library", "add", "radacs", str(REPO), cores_root=None)
    assert r.returncode == 0, r.log
    assert (user / "fusesoc.conf").is_file() and not (REPO / "fusesoc.conf").exists()
    r = fusesoc(user, "core", "list", cores_root=None)
    assert r.returncode == 0 and "radacs:ip:arbiter:0.1.0" in r.stdout, r.log
    r = fusesoc(user, "run", "--target=lint", ARB, "--FLAVOUR=fp", "--N=8", cores_root=None)
    assert r.returncode == 0, r.log
    assert "lint radacs_arbiter_fp_n8: clean" in r.log
    proj = user / "proj"
    proj.mkdir()
    (proj / "arb_user.core").write_text(USER_CORE)
    (proj / "tb.v").write_text(USER_TB)
    r = fusesoc(user, "--cores-root", str(proj), "run", "--target=sim", "acme:soc:arb_user",
                cores_root=None)
    assert r.returncode == 0, r.log
    assert "USER TB PASS" in r.log
    assert not (REPO / "build").exists() or not any((REPO / "build").glob("acme_*"))


def test_missing_python_is_reported(tmp_path):
    """A checkout without .venv, python3 without MyHDL: one clear message, exit 1;
    RADACS_FUSESOC_PYTHON names the interpreter to use instead."""
    repo = _copy_repo(tmp_path / "repo", venv=False)
    probe = subprocess.run(["python3", "-c", "import myhdl"], env=_env(tmp_path),
                           capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the python3 on PATH (venv removed) has MyHDL: nothing to find")
    r = fusesoc(tmp_path / "w1", "run", "--target=lint", ARB, cores_root=repo / "fusesoc")
    assert r.returncode != 0, r.log
    assert "cannot import myhdl" in r.log and "RADACS_FUSESOC_PYTHON" in r.log, r.log
    r = fusesoc(tmp_path / "w2", "run", "--target=lint", ARB, cores_root=repo / "fusesoc",
                RADACS_FUSESOC_PYTHON=sys.executable)
    assert r.returncode == 0, r.log


def test_editing_myhdl_regenerates(tmp_path):
    """FuseSoC's generator cache is keyed on the MyHDL sources: an edit regenerates,
    and the tool targets then use the new Verilog; a lint finding fails the target."""
    repo = _copy_repo(tmp_path / "repo")
    cores, work = repo / "fusesoc", tmp_path / "work"
    def generated() -> Path:
        return next(work.glob("build/*/lint/src/*arbiter_rtl*/radacs_arbiter_rr_n4.v"))

    r = fusesoc(work, "run", "--target=lint", ARB, cores_root=cores)
    assert r.returncode == 0 and "Generating radacs:ip:arbiter-arbiter_rtl" in r.log, r.log
    assert "hold_q" in generated().read_text()
    r = fusesoc(work, "run", "--target=lint", ARB, cores_root=cores)
    assert r.returncode == 0 and "Found cached output" in r.log, r.log

    src = repo / "ip" / "arbiter" / "arbiter.py"
    src.write_text(re.sub(r"\bhold_q\b", "hold_edited_q", src.read_text()))
    r = fusesoc(work, "run", "--target=lint", ARB, cores_root=cores)
    assert r.returncode == 0, r.log
    assert "Generating radacs:ip:arbiter-arbiter_rtl" in r.log, r.log
    text = generated().read_text()
    assert "hold_edited_q" in text and not re.search(r"\bhold_q\b", text)

    # Without its waivers the N=1 pass-through has unused ports: lint must fail.
    (repo / "ip" / "arbiter" / "lint.vlt").write_text("`verilator_config\n")
    r = fusesoc(work, "run", "--target=lint", ARB, "--N=1", cores_root=cores)
    assert r.returncode != 0, r.log
    assert "UNUSEDSIGNAL" in r.log and "Generating" in r.log
