"""AXI4-Lite register block for any register table of :mod:`ip.mmu.regmap`.

Design note
-----------
One transaction per direction at a time; the register table is unrolled at
elaboration into one small process per field, so the block is as large as the table
and no larger.

Write path.  AW and W are accepted independently (either order, or in the same cycle)
into ``aw_have_q`` / ``w_have_q``; ``awready = !aw_have_q & !bvalid_q``,
``wready = !w_have_q & !bvalid_q`` (registers only: nothing depends on a valid).  In
the cycle after both are held, the write is *committed*: the addressed register's
fields update at the rising edge that raises ``bvalid`` (``bresp`` SLVERR for an
unmapped offset, nothing written), and a W1P field's pulse is high exactly in the
first cycle of ``bvalid``.  WSTRB is honoured per byte lane.  The next AW/W is accepted
after the B handshake (write throughput: one per 3 cycles at best; a CSR bus needs no
more).

Read path.  ``arready = !rvalid_q``; the rising edge that accepts AR captures the
addressed register (RO inputs as they are in that cycle, the W1C bits and RW values
before any write committed at that same edge) into ``rdata_q``, and raises
``rvalid`` with OKAY, or SLVERR and data 0 for an unmapped offset.

W1C bits: a ``<name>_set`` pulse sets them at the next edge; a write of 1 clears them;
both at one edge: set wins.  Address bits [1:0] are ignored (AXI4-Lite byte address of
a 32-bit word); every other address bit is decoded, so nothing aliases.  Reset:
synchronous, active low (``rst_n``), every register of the block to its table reset;
``bvalid``/``rvalid`` low.

Hardware-side ports: :func:`regmap_signals` gives one MyHDL signal per port of
:meth:`ip.mmu.regmap.RegMap.hw_ports` (RW and W1C values and W1P pulses are outputs,
RO values and W1C ``_set`` pulses inputs; 1-bit fields are ``bool``).

Conversion.  MyHDL cannot take a dict of signals as top-level ports, so
:func:`top_source` writes the source of a wrapper block whose ports are spelled out
(``clk, rst_n, s_axil_*``, then the hardware ports in table order) and
:func:`build` executes it; the MMU map's top is ``radacs_axil_regs_mmu``
(:func:`generate` writes its Verilog).
"""
from __future__ import annotations

import json
import linecache
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from myhdl import (ConcatSignal, ResetSignal, Signal, always_comb, always_seq, block,
                   instances, intbv)

from ip.mmu.regmap import MMU_REGMAP, RESP_OKAY, RESP_SLVERR, RegMap

IP = "axil_regs"
AXIL_PORTS = ("awaddr", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready", "bresp",
              "bvalid", "bready", "araddr", "arvalid", "arready", "rdata", "rresp", "rvalid",
              "rready")
AXIL_OUTPUTS = ("awready", "wready", "bresp", "bvalid", "arready", "rdata", "rresp", "rvalid")
DEFAULT_ADDR_WIDTH = 8


class AxilSignals:
    """The AXI4-Lite slave port, named from the slave's point of view (``s_axil_*`` at
    the top level); attributes ``awaddr ... rready``."""

    def __init__(self, addr_width: int = DEFAULT_ADDR_WIDTH, **given):
        widths = {"awaddr": addr_width, "araddr": addr_width, "wdata": 32, "rdata": 32,
                  "wstrb": 4, "bresp": 2, "rresp": 2}
        for n in AXIL_PORTS:
            if n in given:
                setattr(self, n, given[n])
            elif n in widths:
                setattr(self, n, Signal(intbv(0)[widths[n]:]))
            else:
                setattr(self, n, Signal(bool(0)))


def _sig(width: int, init: int = 0):
    return Signal(bool(init)) if width == 1 else Signal(intbv(init)[width:])


def regmap_signals(regmap: RegMap) -> dict:
    """{hardware port name: fresh Signal} for every port of ``regmap.hw_ports()``,
    initialised to the field's reset value."""
    return {p.name: _sig(p.width, p.field.reset if p.role == "value" else 0)
            for p in regmap.hw_ports()}


def check_ports(regmap: RegMap, axil: AxilSignals, hw: dict) -> int:
    """Raise ``ValueError`` for a missing or mis-sized port; return the address width."""
    aw = len(axil.awaddr)
    if len(axil.araddr) != aw:
        raise ValueError(f"{IP}: araddr is {len(axil.araddr)} bits, awaddr {aw}")
    if (1 << aw) < regmap.span or aw < 3:
        raise ValueError(f"{IP}: address width {aw} cannot reach offset "
                         f"{regmap.span - 4:#x} of map {regmap.name}")
    for n, w in (("wdata", 32), ("rdata", 32), ("wstrb", 4), ("bresp", 2), ("rresp", 2)):
        if len(getattr(axil, n)) != w:
            raise ValueError(f"{IP}: {n} must be {w} bits, got {len(getattr(axil, n))}")
    names = {p.name for p in regmap.hw_ports()}
    if set(hw) != names:
        missing, extra = sorted(names - set(hw)), sorted(set(hw) - names)
        raise ValueError(f"{IP}: hardware ports of map {regmap.name} differ: "
                         f"missing {missing}, unknown {extra}")
    for p in regmap.hw_ports():
        s = hw[p.name]
        if (p.width == 1) != isinstance(s.val, bool) or (p.width > 1 and len(s) != p.width):
            raise ValueError(f"{IP}: port {p.name} must be "
                             f"{'bool' if p.width == 1 else f'{p.width} bits'}")
    return aw


# --- one process per field -------------------------------------------------------------

@block
def _rw_field(clk, rst_n, wsel, wmask, wdata, value):
    """RW: the strobed bits of a committed write."""
    if isinstance(value.val, bool):
        @always_seq(clk.posedge, reset=rst_n)
        def rw1():
            if wsel and wmask:
                value.next = wdata
    else:
        @always_seq(clk.posedge, reset=rst_n)
        def rw():
            if wsel:
                value.next = (value & ~wmask) | (wdata & wmask)
    return instances()


@block
def _w1p_field(clk, rst_n, wsel, wmask, wdata, pulse):
    """W1P: high for the one cycle after the committing edge, for each bit written 1."""
    if isinstance(pulse.val, bool):
        @always_seq(clk.posedge, reset=rst_n)
        def w1p1():
            pulse.next = wsel and wmask and wdata
    else:
        @always_seq(clk.posedge, reset=rst_n)
        def w1p():
            if wsel:
                pulse.next = wdata & wmask
            else:
                pulse.next = 0
    return instances()


@block
def _w1c_field(clk, rst_n, wsel, wmask, wdata, sticky, hw_set):
    """W1C: set by the hardware, cleared by writing 1; set wins."""
    if isinstance(sticky.val, bool):
        @always_seq(clk.posedge, reset=rst_n)
        def w1c1():
            if hw_set:
                sticky.next = 1
            elif wsel and wmask and wdata:
                sticky.next = 0
    else:
        @always_seq(clk.posedge, reset=rst_n)
        def w1c():
            if wsel:
                sticky.next = (sticky & ~(wdata & wmask)) | hw_set
            else:
                sticky.next = sticky | hw_set
    return instances()


@block
def _decode(waddr, wr_go, wsel, idx):
    """wsel: the committed write addresses word ``idx``."""
    aw = len(waddr)

    @always_comb
    def dec():
        wsel.next = wr_go and waddr[aw:2] == idx
    return instances()


@block
def _read_mux(araddr, value, acc_in, acc_out, idx):
    """One link of the read-data OR chain: add ``value`` when AR addresses ``idx``."""
    aw = len(araddr)
    if acc_in is None:
        @always_comb
        def first():
            if araddr[aw:2] == idx:
                acc_out.next = value
            else:
                acc_out.next = 0
    else:
        @always_comb
        def link():
            if araddr[aw:2] == idx:
                acc_out.next = acc_in | value
            else:
                acc_out.next = acc_in
    return instances()


def _read_value(reg, hw):
    """The register as read (W1P fields and gaps are 0), as a signal of 32 bits, or
    None when nothing of it is readable."""
    from ip.mmu.regmap import hw_name

    parts, bit = [], 32
    for f in sorted((f for f in reg.fields if f.access != "W1P"), key=lambda f: -f.lsb):
        if bit > f.msb + 1:
            parts.append(intbv(0)[bit - f.msb - 1:])
        parts.append(hw[hw_name(reg, f)])
        bit = f.lsb
    if not parts:
        return None
    if bit > 0:
        parts.append(intbv(0)[bit:])
    return parts[0] if len(parts) == 1 else ConcatSignal(*parts)


@block
def axil_regs(clk, rst_n, axil, hw, regmap: RegMap = MMU_REGMAP):
    """AXI4-Lite slave implementing ``regmap``.

    clk          in   clock, rising edge
    rst_n        in   synchronous active-low reset (``ResetSignal(0, active=0, isasync=False)``)
    axil         AxilSignals, the slave port (``s_axil_*`` at the top level); 32-bit data,
                 address width = ``len(axil.awaddr)`` (>= 3, reaching every offset)
    hw           {port name: Signal} from :func:`regmap_signals` (see ``RegMap.hw_ports``)
    regmap       the validated register table
    """
    from ip.mmu.regmap import hw_name

    aw = check_ports(regmap, axil, hw)
    nwords = 1 << (aw - 2)
    mapped_rom = tuple(1 if regmap.at(4 * i) is not None else 0 for i in range(nwords))

    aw_have_q = Signal(bool(0))
    w_have_q = Signal(bool(0))
    waddr_q = Signal(intbv(0)[aw:])
    wdata_q = Signal(intbv(0)[32:])
    wstrb_q = Signal(intbv(0)[4:])
    wmask_s = Signal(intbv(0)[32:])   # wstrb_q, one bit per data bit
    wr_go_s = Signal(bool(0))         # commit the held write at the next edge
    bvalid_q = Signal(bool(0))
    bresp_q = Signal(intbv(0)[2:])
    rvalid_q = Signal(bool(0))
    rdata_q = Signal(intbv(0)[32:])
    rresp_q = Signal(intbv(0)[2:])
    rd_value_s = Signal(intbv(0)[32:])  # the register AR addresses (0 if none)
    wmapped_s = Signal(bool(0))         # a register lives at waddr_q
    rmapped_s = Signal(bool(0))         # ... at araddr

    awaddr, awvalid, awready = axil.awaddr, axil.awvalid, axil.awready
    wdata, wstrb, wvalid, wready = axil.wdata, axil.wstrb, axil.wvalid, axil.wready
    bresp, bvalid, bready = axil.bresp, axil.bvalid, axil.bready
    araddr, arvalid, arready = axil.araddr, axil.arvalid, axil.arready
    rdata, rresp, rvalid, rready = axil.rdata, axil.rresp, axil.rvalid, axil.rready

    @always_comb
    def handshake():
        awready.next = not aw_have_q and not bvalid_q
        wready.next = not w_have_q and not bvalid_q
        arready.next = not rvalid_q
        wr_go_s.next = aw_have_q and w_have_q and not bvalid_q
        bvalid.next = bvalid_q
        bresp.next = bresp_q
        rvalid.next = rvalid_q
        rdata.next = rdata_q
        rresp.next = rresp_q

    @always_comb
    def expand_strobe():
        lanes_v = intbv(0)[32:]
        if wstrb_q[0]:
            lanes_v[8:0] = 0xFF
        if wstrb_q[1]:
            lanes_v[16:8] = 0xFF
        if wstrb_q[2]:
            lanes_v[24:16] = 0xFF
        if wstrb_q[3]:
            lanes_v[32:24] = 0xFF
        wmask_s.next = lanes_v

    # A constant table (a case statement in Verilog): 1 where a register lives.
    @always_comb
    def decode_mapped():
        wmapped_s.next = mapped_rom[waddr_q[aw:2]]

    @always_comb
    def decode_mapped_rd():
        rmapped_s.next = mapped_rom[araddr[aw:2]]

    @always_seq(clk.posedge, reset=rst_n)
    def write_path():
        if awvalid and not aw_have_q and not bvalid_q:
            aw_have_q.next = 1
            waddr_q.next = awaddr
        if wvalid and not w_have_q and not bvalid_q:
            w_have_q.next = 1
            wdata_q.next = wdata
            wstrb_q.next = wstrb
        if wr_go_s:
            aw_have_q.next = 0
            w_have_q.next = 0
            bvalid_q.next = 1
            if wmapped_s:
                bresp_q.next = RESP_OKAY
            else:
                bresp_q.next = RESP_SLVERR
        elif bvalid_q and bready:
            bvalid_q.next = 0

    @always_seq(clk.posedge, reset=rst_n)
    def read_path():
        if arvalid and not rvalid_q:
            rvalid_q.next = 1
            rdata_q.next = rd_value_s
            if rmapped_s:
                rresp_q.next = RESP_OKAY
            else:
                rresp_q.next = RESP_SLVERR
        elif rvalid_q and rready:
            rvalid_q.next = 0

    # Per register: write decode and the field processes; per readable register one
    # link of the read-data chain (the last link drives rd_value_s).
    written = 0
    for r in regmap:
        for f in r.fields:
            if f.access != "RO":
                written |= f.mask
    if written != 0xFFFFFFFF:
        # Data bits no writable field has: read here on purpose, into a signal that
        # Verilator's -Wall exempts by name (*unused*), rather than waived in a file.
        unused_s = Signal(bool(0))

        @always_comb
        def unused_bits():
            unused_s.next = (wdata_q & wmask_s) == 0

    regs = instances()
    readable = [(r, _read_value(r, hw)) for r in regmap]
    readable = [(r, v) for r, v in readable if v is not None]
    if not readable:
        raise ValueError(f"{IP}: map {regmap.name} has no readable field")
    acc = None
    for i, (r, v) in enumerate(readable):
        out = rd_value_s if i == len(readable) - 1 else Signal(intbv(0)[32:])
        regs.append(_read_mux(araddr, v, acc, out, r.offset >> 2))
        acc = out
    for r in regmap:
        if all(f.access == "RO" for f in r.fields):
            continue  # written: OKAY, nothing changes
        wsel = Signal(bool(0))
        regs.append(_decode(waddr_q, wr_go_s, wsel, r.offset >> 2))
        for f in r.fields:
            if f.access == "RO":
                continue
            if f.width == 1:
                m, d = wmask_s(f.lsb), wdata_q(f.lsb)
            else:
                m, d = wmask_s(f.msb + 1, f.lsb), wdata_q(f.msb + 1, f.lsb)
            n = hw_name(r, f)
            if f.access == "RW":
                regs.append(_rw_field(clk, rst_n, wsel, m, d, hw[n]))
            elif f.access == "W1P":
                regs.append(_w1p_field(clk, rst_n, wsel, m, d, hw[n]))
            else:
                regs.append(_w1c_field(clk, rst_n, wsel, m, d, hw[n], hw[n + "_set"]))
    return regs


# --- the standalone top of a map: explicit ports -----------------------------------------

def module_name(regmap: RegMap = MMU_REGMAP) -> str:
    return f"radacs_axil_regs_{regmap.name}"


def top_ports(regmap: RegMap = MMU_REGMAP) -> list[tuple[str, str, int]]:
    """(name, direction, width) of every port of the standalone top, in order."""
    out = [("clk", "in", 1), ("rst_n", "in", 1)]
    for n in AXIL_PORTS:
        d = "out" if n in AXIL_OUTPUTS else "in"
        w = {"awaddr": -1, "araddr": -1, "wdata": 32, "rdata": 32, "wstrb": 4, "bresp": 2,
             "rresp": 2}.get(n, 1)
        out.append((f"s_axil_{n}", d, w))
    out += [(p.name, p.direction, p.width) for p in regmap.hw_ports()]
    return out


def top_source(regmap: RegMap = MMU_REGMAP) -> str:
    """Python source of ``def <module_name>(clk, rst_n, s_axil_..., <hw ports>)``: a
    wrapper block with explicit ports around :func:`axil_regs`, for conversion."""
    name = module_name(regmap)
    hw = [p.name for p in regmap.hw_ports()]
    args = ["clk", "rst_n"] + [f"s_axil_{n}" for n in AXIL_PORTS] + hw
    lines = [
        "@block",
        f"def {name}({', '.join(args)}):",
        "    axil = AxilSignals(len(s_axil_awaddr), "
        + ", ".join(f"{n}=s_axil_{n}" for n in AXIL_PORTS) + ")",
        "    hw = {" + ", ".join(f"{n!r}: {n}" for n in hw) + "}",
        "    regs = axil_regs(clk, rst_n, axil, hw, REGMAP)",
        "    return regs",
    ]
    return "\n".join(lines) + "\n"


def build(regmap: RegMap = MMU_REGMAP, addr_width: int = DEFAULT_ADDR_WIDTH):
    """(elaborated standalone top, {port name: Signal}) for ``regmap``."""
    ns = {"block": block, "AxilSignals": AxilSignals, "axil_regs": axil_regs,
          "REGMAP": regmap}
    src, fname = top_source(regmap), f"<generated {module_name(regmap)}>"
    # MyHDL's @block reads its function's source through inspect/linecache: give it the
    # generated text under a pseudo file name.
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    exec(compile(src, fname, "exec"), ns)
    axil = AxilSignals(addr_width)
    sigs = {"clk": Signal(bool(0)), "rst_n": ResetSignal(1, active=0, isasync=False)}
    sigs.update({f"s_axil_{n}": getattr(axil, n) for n in AXIL_PORTS})
    sigs.update(regmap_signals(regmap))
    return ns[module_name(regmap)](**sigs), sigs


def convert(regmap: RegMap, outdir, addr_width: int = DEFAULT_ADDR_WIDTH) -> Path:
    """Verilog of ``regmap``'s standalone top in ``outdir`` (this process's hash seed:
    use :func:`generate` for the committed, byte-identical output of the MMU map)."""
    from ip.common.convert import TIMESCALE

    name = module_name(regmap)
    inst, _ = build(regmap, addr_width)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", name=name, path=tmp, testbench=False, timescale=TIMESCALE)
        text = (Path(tmp) / f"{name}.v").read_text()
    text = re.sub(r"^// (Date|File):.*\n", "", text, flags=re.M)
    header = (f"// RADACS IP: AXI4-Lite register block of the {regmap.name} register map, "
              f"ADDR_WIDTH={addr_width}\n"
              "// Regenerate with: python -m ip.axi.axil_regs -o <dir>\n")
    out = outdir / f"{name}.v"
    out.write_text(header + text)
    return out


def _generate_here(outdir, addr_width: int = DEFAULT_ADDR_WIDTH) -> Path:
    return convert(MMU_REGMAP, outdir, addr_width)


def generate(outdir, addr_width: int = DEFAULT_ADDR_WIDTH) -> Path:
    """Write ``<outdir>/radacs_axil_regs_mmu.v``.  Runs the conversion with
    ``PYTHONHASHSEED=0`` (in a child process if needed) so the output is byte-identical
    from run to run, as ``ip.common.convert`` does."""
    if os.environ.get("PYTHONHASHSEED") == "0":
        return _generate_here(outdir, addr_width)
    env = dict(os.environ, PYTHONHASHSEED="0")
    r = subprocess.run([sys.executable, "-m", "ip.axi.axil_regs", "-o", str(outdir),
                        "--addr-width", str(addr_width)], capture_output=True, text=True,
                       env=env, cwd=str(Path(__file__).resolve().parents[2]))
    if r.returncode != 0:
        raise RuntimeError(f"conversion of {module_name()} failed:\n{r.stderr}")
    return Path(r.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Verilog of the MMU register block")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--addr-width", type=int, default=DEFAULT_ADDR_WIDTH)
    a = ap.parse_args()
    print(json.dumps(str(generate(a.output, a.addr_width))).strip('"'))
