"""RADACS PE array: ROWS x COLS signed int8 multiply-accumulate cells with a shadow bank.

Design note
-----------
The HMMU and the LMMU compute ``Y = W @ X`` tile by tile on this array.  Each cycle
of a pass brings one ``k``: a weight column ``in_w`` (byte ``r`` = ``W[m0 + r, k]``)
and an activation row ``in_x`` (byte ``c`` = ``X[k, n0 + c]``).  PE ``(r, c)`` adds
``w[r] * x[c]`` to its wrapping int32 accumulator: an outer-product
(output-stationary) array, so a tile of ``ROWS x COLS`` outputs needs no partial sums
to leave the array until its pass ends.

Dataflow, one register stage per edge (``PIPE = 2`` edges before the accumulate):

* edge 0 registers the operands and the decoded operation (``first``, ``flush``,
  ``acc``; ``first`` without ``valid`` and ``flush`` with ``valid`` decode to idle);
* edge 1 registers the ``ROWS x COLS`` products ``w_q[r] * x_q[c]`` (8 x 8 -> 16 bit
  signed).  The multiply sits alone between two registers so that yosys maps it onto
  one ECP5 MULT18X18D and the product register is the DSP's output register or the
  flip-flops right after it;
* edge 2 accumulates: ``first`` -> ``shadow <- acc, acc <- product``; ``flush`` ->
  ``shadow <- acc, acc <- 0``; ``acc`` -> ``acc <- acc + product`` (32-bit modbv:
  the wrap is the hardware's and the model's).

The shadow bank is a ``ROWS``-deep shift register of 32-bit words per column.  It is
loaded in one cycle at the end of a pass (the *swap*) and shifted one row towards
row 0 by ``sh_en`` (row ``ROWS - 1`` takes zeros); ``out_row`` is row 0, so a tile
leaves in ``ROWS`` cycles while the next pass accumulates: passes of ``k >= ROWS``
cycles stream with no bubble, the ``max(k, R)`` of the cost model.  A swap and a
shift at the same edge is a protocol violation; the swap wins (one mux priority,
no extra logic).  ``out_swap`` is a register: high in the cycle after a swap, when
``out_row`` first shows the new tile.

Cost per PE: one multiplier, 16 + 32 + 32 flip-flops (product, accumulator,
shadow), a 32-bit adder and the accumulator/shadow muxes.  Operands are registered
once per row/column and fanned out; the decoded operation is registered once and
fanned out to every PE (the widest net, ``ROWS x COLS`` loads).

The reset is synchronous and active low (docs/mmu-architecture.md, "Conventions");
it clears the operation pipeline, accumulators, shadow bank and ``out_swap``.
Operand and product registers are data only and have no reset: an operation is
applied only when its (reset) decode says so, and a DSP register without a reset is
what MULT18X18D offers cheapest.

The cycle-level behaviour is specified by :mod:`models.pe_array`; the scoreboard
checks every cycle against it.
"""
from __future__ import annotations

from myhdl import (ConcatSignal, ResetSignal, Signal, always, always_comb, always_seq,
                   block, instances, intbv, modbv)

from ip.common.params import Param, check_params

IP = "pe_array"
DIM_MAX = 32
IN_BITS = 8
PROD_BITS = 2 * IN_BITS
ACC_BITS = 32

PARAMS = (
    Param("ROWS", "int", 8, "PE rows: output rows of a tile (weights W[m0+r, k])",
          lo=1, hi=DIM_MAX),
    Param("COLS", "int", 8, "PE columns: output columns of a tile (activations X[k, n0+c])",
          lo=1, hi=DIM_MAX),
)


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    return check_params(IP, PARAMS, params)


def module_name(params: dict) -> str:
    """``radacs_pe_array_r<ROWS>_c<COLS>``: one module per parameter set."""
    p = check(params)
    return f"radacs_pe_array_r{p['ROWS']}_c{p['COLS']}"


def _signed(bits):
    return intbv(0, min=-(1 << (bits - 1)), max=1 << (bits - 1))


@block
def _operand_reg(clk, vec, q, *, INDEX):
    """Byte ``INDEX`` of the flat operand vector ``vec``, registered as signed int8."""
    lo, hi = IN_BITS * INDEX, IN_BITS * (INDEX + 1)

    @always(clk.posedge)
    def reg():
        q.next = vec[hi:lo].signed()

    return instances()


@block
def _pe(clk, rst_n, w_q, x_q, op_first, op_flush, op_acc, sh_en, sh_in, sh_q, *, LAST):
    """One PE: registered product, accumulator, and its cell of the shadow bank.

    ``sh_in`` is the shadow word of the row below (row r + 1); ``LAST`` (row
    ROWS - 1) shifts in zeros instead and leaves ``sh_in`` unconnected.
    """
    prod_q = Signal(_signed(PROD_BITS))
    # The accumulator holds the int32 as its bit pattern: modbv wraps mod 2**32, which
    # is two's-complement addition, and keeps every operand of the adder 32 bits wide
    # (the product is sign-extended by wiring), so no width conversion is implied.
    acc_q = Signal(modbv(0)[ACC_BITS:])
    prod_ext = ConcatSignal(*([prod_q(PROD_BITS - 1)] * (ACC_BITS - PROD_BITS)),
                            prod_q(PROD_BITS, 0))

    @always(clk.posedge)
    def multiply():
        prod_q.next = w_q * x_q

    if LAST:
        @always_seq(clk.posedge, reset=rst_n)
        def accumulate():
            if op_first:
                acc_q.next = prod_ext
            elif op_flush:
                acc_q.next = 0
            elif op_acc:
                acc_q.next = acc_q + prod_ext
            if op_first or op_flush:
                sh_q.next = acc_q
            elif sh_en:
                sh_q.next = 0
    else:
        @always_seq(clk.posedge, reset=rst_n)
        def accumulate():
            if op_first:
                acc_q.next = prod_ext
            elif op_flush:
                acc_q.next = 0
            elif op_acc:
                acc_q.next = acc_q + prod_ext
            if op_first or op_flush:
                sh_q.next = acc_q
            elif sh_en:
                sh_q.next = sh_in

    return instances()


@block
def pe_array(clk, rst_n, in_valid, in_first, in_flush, in_w, in_x, sh_en, out_row, out_swap,
             *, ROWS=8, COLS=8):
    """PE array block.  Ports (named from the array's point of view):

    clk        in   clock, rising edge
    rst_n      in   synchronous active-low reset (``ResetSignal(0, active=0, isasync=False)``)
    in_valid   in   ``in_w``/``in_x`` carry one k of a pass
    in_first   in   with ``in_valid``: the first k of a pass (the accumulators restart)
    in_flush   in   without ``in_valid``: end the last pass (swap, no product)
    in_w       in   8*ROWS bits, byte r = W[m0 + r, k] (signed)
    in_x       in   8*COLS bits, byte c = X[k, n0 + c] (signed)
    sh_en      in   shift the shadow bank one row towards row 0
    out_row    out  32*COLS bits, word c = shadow of PE (0, c) (signed int32)
    out_swap   out  high in the cycle after a swap
    """
    p = check({"ROWS": ROWS, "COLS": COLS})
    rows, cols = p["ROWS"], p["COLS"]
    for sig, name, width in ((in_w, "in_w", IN_BITS * rows), (in_x, "in_x", IN_BITS * cols),
                             (out_row, "out_row", ACC_BITS * cols), (in_valid, "in_valid", 1),
                             (in_first, "in_first", 1), (in_flush, "in_flush", 1),
                             (sh_en, "sh_en", 1), (out_swap, "out_swap", 1)):
        if len(sig) != width:
            raise ValueError(f"{IP}: port {name} must be {width} bits for ROWS={rows}, "
                             f"COLS={cols}, got {len(sig)}")

    # Stage 1: decoded operation.  Stage 2 (the accumulate stage): the same, one later.
    s1_first, s1_flush, s1_acc = (Signal(bool(0)) for _ in range(3))
    op_first, op_flush, op_acc = (Signal(bool(0)) for _ in range(3))
    swap_q = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst_n)
    def control():
        s1_first.next = in_valid and in_first
        s1_acc.next = in_valid and not in_first
        s1_flush.next = in_flush and not in_valid
        op_first.next = s1_first
        op_flush.next = s1_flush
        op_acc.next = s1_acc
        swap_q.next = op_first or op_flush

    @always_comb
    def swap_out():
        out_swap.next = swap_q

    w_q = [Signal(_signed(IN_BITS)) for _ in range(rows)]
    x_q = [Signal(_signed(IN_BITS)) for _ in range(cols)]
    w_regs = [_operand_reg(clk, in_w, w_q[r], INDEX=r) for r in range(rows)]
    x_regs = [_operand_reg(clk, in_x, x_q[c], INDEX=c) for c in range(cols)]

    # Shadow words, unsigned bit patterns: row r column c is sh[r][c].
    sh = [[Signal(intbv(0)[ACC_BITS:]) for _ in range(cols)] for _ in range(rows)]
    pes = []
    for r in range(rows):
        for c in range(cols):
            last = r == rows - 1
            below = sh[r][c] if last else sh[r + 1][c]  # unused when LAST
            pes.append(_pe(clk, rst_n, w_q[r], x_q[c], op_first, op_flush, op_acc, sh_en,
                           below, sh[r][c], LAST=last))

    # out_row word c = sh[0][c]; ConcatSignal takes the most significant part first.
    if cols == 1:
        row0 = sh[0][0]
    else:
        row0 = ConcatSignal(*reversed(sh[0]))

    @always_comb
    def row_out():
        out_row.next = row0

    return instances()


def ports(params: dict):
    """Fresh MyHDL signals for one parameter set, in port order."""
    p = check(params)
    rows, cols = p["ROWS"], p["COLS"]
    return dict(
        clk=Signal(bool(0)),
        rst_n=ResetSignal(0, active=0, isasync=False),
        in_valid=Signal(bool(0)),
        in_first=Signal(bool(0)),
        in_flush=Signal(bool(0)),
        in_w=Signal(intbv(0)[IN_BITS * rows:]),
        in_x=Signal(intbv(0)[IN_BITS * cols:]),
        sh_en=Signal(bool(0)),
        out_row=Signal(intbv(0)[ACC_BITS * cols:]),
        out_swap=Signal(bool(0)),
    )


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    inst = pe_array(**sigs, ROWS=p["ROWS"], COLS=p["COLS"])
    return inst, sigs
