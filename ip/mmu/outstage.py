"""Output stage of the matrix units: optional bias add and int8 requantisation.

Design note
-----------
A finished ``ROWS x COLS`` output sub-tile leaves the PE array's shadow bank one row per
cycle (``COLS`` int32 lanes of one output channel ``m``), so the per-channel parameters
(``bias[m]``, ``mult[m]``, ``shift[m]``) are scalars broadcast to every lane of the row.
The arithmetic is the contract of :mod:`models.quant` bit for bit:

* ``s = acc + bias`` modulo 2^32 (``bias_en``; ``models.gemm`` treats the bias as the
  accumulator's initial value, which is the same sum modulo 2^32);
* ``y = clip((s * mult + r) >> shift, -128, 127)``, ``r = 2^(shift-1)`` (0 when
  ``shift = 0``), a 64-bit signed path (``requant_en``); otherwise ``s`` leaves as int32.

Pipeline (``LATENCY = 3`` in both modes, so the units' cycle count does not depend on
the output format): stage 1 registers the biased sum and the row's parameters,
stage 2 the 32 x 31-bit products (DSP blocks with their output register), stage 3 the
rounded, shifted and saturated bytes.  The rounding constant is added after the
product register rather than as a multiplier carry-in: one 64-bit adder per lane, but
the product stays a plain registered multiply that maps onto the DSPs.  There is no
backpressure: the consumer (the output buffer) has room by the units' stage rule.

Ports: ``in_acc`` and ``out_i32`` are ``32*LANES`` bits (lane ``c`` in bits
``[32c+31:32c]``), ``out_i8`` is ``8*LANES`` bits; ``out_i32`` carries the biased sum
and ``out_i8`` the requantised bytes of the same row, both valid with ``out_valid``.
"""
from __future__ import annotations

from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, instances, intbv, modbv

LATENCY = 3
MULT_BITS = 31   # mult in [0, 2^31 - 1] (models.quant.MULT_MAX)
SHIFT_BITS = 6   # shift in [0, 63]
LANES_MAX = 64


def check_lanes(lanes: int) -> int:
    if not isinstance(lanes, int) or isinstance(lanes, bool) or not 1 <= lanes <= LANES_MAX:
        raise ValueError(f"outstage: LANES must be an integer in 1..{LANES_MAX}, got {lanes!r}")
    return lanes


@block
def _lane(clk, rst_n, acc, bias, bias_en, mult, shift, y32, y8):
    """One lane: stage-1 biased sum (with the row's parameters), stage-2 product,
    stage-3 round/shift/saturate."""
    s_q = Signal(intbv(0, min=-2**31, max=2**31))
    mult_q = Signal(intbv(0)[MULT_BITS:])
    sh1_q = Signal(intbv(0)[SHIFT_BITS:])
    p_q = Signal(intbv(0, min=-2**63, max=2**63))  # |s*mult| < 2^62; 64 bits as the model
    sh2_q = Signal(intbv(0)[SHIFT_BITS:])
    s2_q = Signal(intbv(0)[32:])

    @always_seq(clk.posedge, reset=rst_n)
    def stage1():
        # Modulo-2^32 sum of two int32 words: a wrapping 32-bit add of the raw words.
        t = modbv(0)[32:]
        if bias_en:
            t[:] = acc + bias
        else:
            t[:] = acc
        s_q.next = t.signed()
        mult_q.next = mult
        sh1_q.next = shift

    @always_seq(clk.posedge, reset=rst_n)
    def stage2():
        p_q.next = s_q * mult_q
        sh2_q.next = sh1_q
        s2_q.next = s_q[32:]

    @always_seq(clk.posedge, reset=rst_n)
    def stage3():
        r = intbv(0, min=-2**63, max=2**63)
        if sh2_q == 0:
            r[:] = p_q
        else:
            r[:] = p_q + (intbv(1)[64:] << (sh2_q - 1))
        q = intbv(0, min=-2**63, max=2**63)
        q[:] = r >> sh2_q
        if q > 127:
            y8.next = 127
        elif q < -128:
            y8.next = 0x80
        else:
            y8.next = q[8:]
        y32.next = s2_q

    return instances()


@block
def outstage(clk, rst_n, in_valid, in_acc, bias, mult, shift, bias_en,
             out_valid, out_i32, out_i8, lanes):
    """Bias + requantisation of one row of ``lanes`` int32 values per cycle (see the note).

    ``bias``, ``mult``, ``shift`` and ``bias_en`` are sampled with ``in_acc``."""
    lanes = check_lanes(lanes)
    for name, sig, width in (("in_acc", in_acc, 32 * lanes), ("out_i32", out_i32, 32 * lanes),
                             ("out_i8", out_i8, 8 * lanes), ("bias", bias, 32),
                             ("mult", mult, MULT_BITS), ("shift", shift, SHIFT_BITS)):
        if len(sig) != width:
            raise ValueError(f"outstage: port {name} must be {width} bits, got {len(sig)}")
    v1 = Signal(bool(0))
    v2 = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst_n)
    def valid_pipe():
        v1.next = in_valid
        v2.next = v1
        out_valid.next = v2

    y32s = [Signal(intbv(0)[32:]) for _ in range(lanes)]
    y8s = [Signal(intbv(0)[8:]) for _ in range(lanes)]
    lane_insts = [_lane(clk, rst_n, in_acc(32 * c + 32, 32 * c), bias, bias_en, mult, shift,
                        y32s[c], y8s[c]) for c in range(lanes)]
    cat32 = ConcatSignal(*reversed(y32s)) if lanes > 1 else y32s[0]
    cat8 = ConcatSignal(*reversed(y8s)) if lanes > 1 else y8s[0]

    @always_comb
    def drive():
        out_i32.next = cat32
        out_i8.next = cat8

    return instances()
