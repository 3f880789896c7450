"""MyHDL -> Verilog conversion for any IP of the library.

One parameter set gives one self-contained Verilog file whose module name encodes the
parameters (``radacs_<ip>_...``), so several sets can live in one SoC.  The MyHDL
header's date line is dropped so that regenerating an unchanged design gives a
byte-identical file (the staleness test relies on that).
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import re
import tempfile
import warnings
from pathlib import Path

import ip as iplib

TIMESCALE = "1ns/1ps"


def generate(ip_name: str, params: dict, outdir: str | os.PathLike, *,
             unit: str | None = None) -> Path:
    """Convert ``ip_name`` with ``params`` into ``outdir/<module>.v``; return the path.
    ``unit``: the dotted name of a sub-block module of the IP with the same interface
    (``check``, ``module_name``, ``build``), converted instead of the IP's top (the
    formal harness of a datapath block, e.g. ``ip.feature_cache.dram_path``)."""
    return generate_many(ip_name, [params], outdir, unit=unit)[0]


def _module(ip_name: str, unit: str | None):
    if unit is None:
        return iplib.get(ip_name)
    iplib.get(ip_name)  # ValueError for an unknown IP
    if not unit.startswith(f"ip.{ip_name}."):
        raise ValueError(f"conversion: {unit!r} is not a block of IP {ip_name!r}")
    return importlib.import_module(unit)


def generate_many(ip_name: str, sets: list[dict], outdir: str | os.PathLike, *,
                  unit: str | None = None) -> list[Path]:
    """Convert several parameter sets of one IP.

    MyHDL orders some statements by iterating over sets of names, so its output depends
    on Python's string hash seed.  Conversion therefore always runs with
    ``PYTHONHASHSEED=0`` (in a child process when this one has another seed), which
    makes regenerated files byte-identical.
    """
    mod = _module(ip_name, unit)
    checked = [mod.check(p) for p in sets]  # bad parameters fail here, in this process
    if os.environ.get("PYTHONHASHSEED") == "0":
        return [_generate_here(ip_name, p, outdir, unit) for p in checked]
    payload = json.dumps({"ip": ip_name, "sets": checked, "outdir": str(outdir),
                          "unit": unit})
    env = dict(os.environ, PYTHONHASHSEED="0")
    r = subprocess.run([sys.executable, "-m", "ip.common.convert"], input=payload, text=True,
                       capture_output=True, env=env, cwd=str(Path(iplib.__file__).parent.parent))
    if r.returncode != 0:
        raise RuntimeError(f"conversion of {ip_name} failed:\n{r.stderr}")
    return [Path(x) for x in json.loads(r.stdout)]


def _generate_here(ip_name: str, params: dict, outdir: str | os.PathLike,
                   unit: str | None = None) -> Path:
    mod = _module(ip_name, unit)
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
        f"// RADACS IP: {ip_name}{f' block {unit}' if unit else ''} with "
        + ", ".join(f"{k}={_fmt(v)}" for k, v in p.items() if v is not None)
        + ("\n// Regenerate with: radacs generate "
           + ip_name
           + "".join(f" --param {k}={_fmt(v)}" for k, v in p.items() if v is not None)
           + " -o <dir>\n" if unit is None else
           f"\n// Regenerate with: ip.common.convert.generate({ip_name!r}, ..., "
           f"unit={unit!r})\n")
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
    return generate_many(ip_name, list(mod.SUPPORTED), outdir)


if __name__ == "__main__":
    # Child side of generate_many(): JSON job on stdin, list of paths on stdout.
    job = json.loads(sys.stdin.read())
    paths = [_generate_here(job["ip"], p, job["outdir"], job.get("unit"))
             for p in job["sets"]]
    print(json.dumps([str(p) for p in paths]))
