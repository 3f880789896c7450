"""MyHDL -> Verilog conversion for any IP of the library.

One parameter set gives one self-contained Verilog file whose module name encodes the
parameters (``radacs_<ip>_...``), so several sets can live in one SoC.  The MyHDL
header's date line is dropped so that regenerating an unchanged design gives a
byte-identical file (the staleness test relies on that).
"""
from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path

import ip as iplib

TIMESCALE = "1ns/1ps"


def generate(ip_name: str, params: dict, outdir: str | os.PathLike) -> Path:
    """Convert ``ip_name`` with ``params`` into ``outdir/<module>.v``; return the path."""
    mod = iplib.get(ip_name)
    p = mod.check(params)
    name = mod.module_name(p)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    inst, _ = mod.build(p)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # MyHDL warns about ports unused by degenerate sets (e.g. N=1); lint.vlt
        # documents those, and Verilator -Wall is the real gate.
        warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", name=name, path=tmp, testbench=False, timescale=TIMESCALE)
        text = (Path(tmp) / f"{name}.v").read_text()
    text = re.sub(r"^// (Date|File):.*\n", "", text, flags=re.M)
    header = (
        f"// RADACS IP: {ip_name} with "
        + ", ".join(f"{k}={_fmt(v)}" for k, v in p.items() if v is not None)
        + "\n// Regenerate with: radacs generate "
        + ip_name
        + "".join(f" --param {k}={_fmt(v)}" for k, v in p.items() if v is not None)
        + " -o <dir>\n"
    )
    out = outdir / f"{name}.v"
    out.write_text(header + text)
    return out


def _fmt(v) -> str:
    if isinstance(v, (tuple, list)):
        return ",".join(str(x) for x in v)
    return str(v)


def generate_supported(ip_name: str, outdir: str | os.PathLike | None = None) -> list[Path]:
    """Regenerate every supported parameter set of ``ip_name`` (default: its generated/)."""
    mod = iplib.get(ip_name)
    if outdir is None:
        outdir = Path(mod.__file__).parent / "generated"
    return [generate(ip_name, p, outdir) for p in mod.SUPPORTED]
