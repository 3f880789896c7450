"""Golden model of the RADACS PE array (``ip/pe_array``): the specification.

The array has ``ROWS x COLS`` processing elements.  PE ``(r, c)`` owns a wrapping
signed int32 accumulator ``acc[r][c]`` and a shadow register ``shadow[r][c]`` of the
same width.  A *pass* streams ``k`` cycles of operands: weight column ``w`` (one
signed int8 per row) and activation row ``x`` (one signed int8 per column); the
pass leaves ``acc[r][c] = sum_k w_k[r] * x_k[c]`` (mod 2**32, read as signed).

Cycle-level contract (cycle ``n`` is the time between rising edges ``n`` and
``n + 1``; inputs driven in cycle ``n`` are sampled at edge ``n + 1``):

* **Operation of a cycle.**  ``valid & first``: *first* (restart the accumulator with
  this product; the previous pass moves to the shadow bank: a *swap*).
  ``valid & !first``: *accumulate*.  ``!valid & flush``: *flush* (a swap with no
  product; the accumulator restarts at 0).  Anything else: *idle* (``first``
  without ``valid`` and ``flush`` with ``valid`` are ignored; the testbench's
  monitor flags them as protocol violations).
* **Pipeline, PIPE = 2.**  The operation sampled at edge ``e`` acts on the
  accumulators at edge ``e + PIPE``: *first*: ``shadow <- acc; acc <- product``;
  *flush*: ``shadow <- acc; acc <- 0``; *accumulate*: ``acc <- acc + product``
  (wrapping int32).
* **Shift.**  ``sh_en`` acts at the edge that samples it (no pipeline):
  ``shadow[r] <- shadow[r + 1]``, ``shadow[ROWS - 1] <- 0``.  A swap and a shift at
  the same edge is a protocol violation: the swap wins (:meth:`PeArrayModel.clock`
  reports it in ``collision``).
* **Outputs** are registers: ``out_row`` = ``shadow[0]`` (word ``c`` is PE
  ``(0, c)``), ``out_swap`` = 1 in the cycle after an edge that swapped.
* **Reset** (``rst_n`` low at an edge): accumulators, shadow bank, ``out_swap`` and
  the operations in the pipeline are cleared.

Timing that follows (``LATENCY = PIPE + 1``): the swap caused by a *first* or
*flush* driven in cycle ``n`` happens at edge ``n + 3``; ``out_swap`` is high and
``out_row`` shows row 0 of the swapped tile in cycle ``n + 3``; after ``i`` shifts
row ``i`` is shown.  A tile is read with ``ROWS - 1`` shifts, so the next swap may
come ``ROWS`` cycles after the previous one: passes of ``k >= ROWS`` cycles stream
with no bubble (the ``max(k, R)`` of ``models.mmu``'s pass time).

Written independently of the RTL: the pipeline is a delay line of whole operations
(with their ``ROWS x COLS`` products computed when issued); the RTL registers the
operands, then the products, then accumulates.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Sequence

PIPE = 2
LATENCY = PIPE + 1   # cycles from a first/flush input to out_swap
ROWS_MAX = 32
COLS_MAX = 32
ACC_BITS = 32
IN_BITS = 8


def wrap32(v: int) -> int:
    """``v`` modulo 2**32, as a signed int32."""
    v &= (1 << ACC_BITS) - 1
    return v - (1 << ACC_BITS) if v >> (ACC_BITS - 1) else v


def check_config(rows, cols) -> tuple[int, int]:
    for name, v, hi in (("ROWS", rows, ROWS_MAX), ("COLS", cols, COLS_MAX)):
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= hi:
            raise ValueError(f"pe_array model: {name} must be an integer in 1..{hi}, got {v!r}")
    return rows, cols


def tile(w_seq: Sequence[Sequence[int]], x_seq: Sequence[Sequence[int]], rows: int,
         cols: int) -> list[list[int]]:
    """The tile a pass leaves: ``sum_k w_k[r] * x_k[c]`` wrapped to int32 (zeros for k=0)."""
    out = [[0] * cols for _ in range(rows)]
    for w, x in zip(w_seq, x_seq):
        for r in range(rows):
            for c in range(cols):
                out[r][c] += w[r] * x[c]
    return [[wrap32(v) for v in row] for row in out]


@dataclass(frozen=True)
class Outputs:
    out_row: tuple      # COLS signed int32: shadow row 0
    out_swap: bool


@dataclass(frozen=True)
class EdgeReport:
    swapped: bool       # this edge moved the accumulators to the shadow bank
    shifted: bool       # this edge shifted the shadow bank
    collision: bool     # sh_en at a swap edge (protocol violation; the swap won)


def operation(valid: bool, first: bool, flush: bool) -> str:
    """What one cycle's control inputs mean: ``first``, ``acc``, ``flush`` or ``idle``."""
    if valid:
        return "first" if first else "acc"
    return "flush" if flush else "idle"


class PeArrayModel:
    """Cycle-accurate reference.  Each cycle: :meth:`outputs` (what the pins show),
    then :meth:`clock` with the inputs of that cycle (the rising edge that ends it)."""

    def __init__(self, rows: int, cols: int):
        self.rows, self.cols = check_config(rows, cols)
        self.reset()

    def reset(self) -> None:
        self.acc = [[0] * self.cols for _ in range(self.rows)]
        self.shadow = [[0] * self.cols for _ in range(self.rows)]
        self.swap_flag = False
        # Operations issued and not yet applied, oldest first: (kind, products|None).
        self.pipe = collections.deque([("idle", None)] * PIPE)

    def outputs(self) -> Outputs:
        return Outputs(tuple(self.shadow[0]), self.swap_flag)

    def swap_pending(self, edges_ahead: int = 1) -> bool:
        """Whether the edge ``edges_ahead`` edges from now (1 = the next) swaps."""
        if not 1 <= edges_ahead <= PIPE:
            return False
        return self.pipe[edges_ahead - 1][0] in ("first", "flush")

    def _products(self, w, x):
        return [[int(w[r]) * int(x[c]) for c in range(self.cols)] for r in range(self.rows)]

    def _apply(self, kind, prods) -> bool:
        if kind in ("first", "flush"):
            self.shadow = [row[:] for row in self.acc]
            if kind == "first":
                self.acc = [[wrap32(v) for v in row] for row in prods]
            else:
                self.acc = [[0] * self.cols for _ in range(self.rows)]
            return True
        if kind == "acc":
            self.acc = [[wrap32(a + p) for a, p in zip(ra, rp)]
                        for ra, rp in zip(self.acc, prods)]
        return False

    def clock(self, valid, first, flush, w, x, sh_en) -> EdgeReport:
        """One rising edge with these inputs (``w``: ROWS ints, ``x``: COLS ints)."""
        kind = operation(bool(valid), bool(first), bool(flush))
        prods = self._products(w, x) if kind in ("first", "acc") else None
        self.pipe.append((kind, prods))
        old_kind, old_prods = self.pipe.popleft()
        swapped = self._apply(old_kind, old_prods)
        shifted = False
        if sh_en and not swapped:
            self.shadow = self.shadow[1:] + [[0] * self.cols]
            shifted = True
        self.swap_flag = swapped
        return EdgeReport(swapped, shifted, bool(sh_en) and swapped)


def simulate(rows: int, cols: int, stimulus) -> list[Outputs]:
    """Outputs of every cycle for ``[(valid, first, flush, w, x, sh_en), ...]`` from reset."""
    m = PeArrayModel(rows, cols)
    out = []
    for valid, first, flush, w, x, sh_en in stimulus:
        out.append(m.outputs())
        m.clock(valid, first, flush, w, x, sh_en)
    return out
