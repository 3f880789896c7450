#!/usr/bin/env python3
"""FuseSoC generator ``radacs_myhdl``: MyHDL -> Verilog for one parameter set of an IP.

Called by FuseSoC (GAPI 1.0) as ``python3 radacs_gen.py <input.yml>`` in an empty
directory; writes there ``<module>.v`` (via :func:`ip.common.convert.generate`, so it
is byte-identical to ``radacs generate`` and to the committed ``ip/<ip>/generated/``
files), a copy of ``ip/<ip>/lint.vlt`` when the IP has one, and a core file that
lists them.  Generator parameters (see ``fusesoc gen show radacs_myhdl``):

``ip``       IP name, as in ``radacs list`` (required)
``params``   mapping of the IP's parameters, e.g. ``{FLAVOUR: wrr, N: 3, WEIGHTS: "2,1,3"}``;
             missing ones take the IP's defaults; checked by the IP's ``check()``
``sources``  list of the MyHDL files the conversion reads, relative to the calling
             core.  Not used for the conversion itself: FuseSoC hashes them
             (``file_input_parameters``), so editing one invalidates the generator
             cache.  Each must exist, so a stale list fails loudly.
``waivers``  include ``lint.vlt`` as a ``vlt`` file (default true)

The Python environment: see ``radacs_env.py`` (re-exec with ``<repo>/.venv/bin/python``
or ``$RADACS_FUSESOC_PYTHON`` when the ``python3`` on PATH has no MyHDL).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import radacs_env  # noqa: E402  (stdlib only)

radacs_env.ensure_python(REPO, str(Path(__file__).resolve()), sys.argv[1:],
                         modules=("myhdl", "yaml"))

import yaml  # noqa: E402


def fail(msg: str) -> None:
    print(f"radacs_myhdl: error: {msg}", file=sys.stderr)
    sys.exit(1)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        fail("usage: radacs_gen.py <generator input .yml>")
    with open(argv[0]) as f:
        gin = yaml.safe_load(f)
    cfg = gin.get("parameters") or {}
    vlnv = gin["vlnv"]
    files_root = Path(gin["files_root"])

    import ip as iplib
    from ip.common import convert

    ip_name = cfg.get("ip")
    if not ip_name:
        fail("parameter 'ip' is required (one of: " + ", ".join(iplib.IPS) + ")")
    unknown = set(cfg) - {"ip", "params", "sources", "waivers"}
    if unknown:
        fail(f"unknown generator parameter(s): {', '.join(sorted(unknown))}")
    for src in cfg.get("sources") or []:
        if not (files_root / src).is_file():
            fail(f"source {src} (relative to {files_root}) does not exist")
    try:
        mod = iplib.get(ip_name)
        params = {str(k).upper(): v for k, v in (cfg.get("params") or {}).items()}
        params = {k: (None if v in ("", None) else v) for k, v in params.items()}
        checked = mod.check(params)
        name = mod.module_name(checked)
        vfile = convert.generate(ip_name, checked, Path.cwd())
    except (ValueError, RuntimeError) as e:
        fail(str(e))

    filesets = {"rtl": {"files": [vfile.name], "file_type": "verilogSource"}}
    vlt = Path(mod.__file__).parent / "lint.vlt"
    if cfg.get("waivers", True) and vlt.is_file():
        Path("lint.vlt").write_text(vlt.read_text())
        filesets["waivers"] = {"files": ["lint.vlt"], "file_type": "vlt"}
    shown = ", ".join(f"{k}={convert._fmt(v)}" for k, v in checked.items() if v is not None)
    core = {
        "name": vlnv,
        "description": f"RADACS {ip_name} ({shown}): Verilog generated from MyHDL",
        "filesets": filesets,
        "targets": {"default": {"filesets": list(filesets), "toplevel": name}},
    }
    core_file = Path(vlnv.split(":")[2] + ".core")
    core_file.write_text("CAPI=2:\n" + yaml.safe_dump(core, sort_keys=False))
    print(f"radacs_myhdl: {vlnv}: {vfile.name} ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
