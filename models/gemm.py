"""Golden model of the RADACS int8 GEMM (HMMU / LMMU): the specification.

``Y[M x N] = W[M x K] . X[K x N] (+ bias[m])`` with int8 operands and an int32 result.
Weights are the left operand (one row per output channel / feature), activations the
right one (one column per output pixel / token), as in :mod:`models.unet`.

Accumulator contract (the RTL matches it bit for bit)
----------------------------------------------------
* Operands are int8 values in ``[-128, 127]``; every product ``W[m,k] * X[k,n]`` is
  exact in 16 bits (range ``[-16256, 16384]``; only ``(-128) * (-128)`` reaches 2^14).
* Each output element has one 32-bit two's-complement accumulator.  Its initial value
  is ``bias[m]`` (0 without a bias), so the bias goes through the same adder as the
  products; every addition wraps modulo 2^32 -- there is no saturation and no overflow
  flag.
* Because wrapping addition is associative and commutative, the result is
  ``wrap32(bias[m] + sum_k W[m,k] * X[k,n])`` whatever order or tiling the hardware
  accumulates in; partial sums may be stored as int32 between tiles.  The model sums in
  int64 (exact for ``K < 2^49``; beyond that NumPy's int64 also wraps, which keeps the
  value modulo 2^32 exact) and wraps once at the end.
* Without a bias the register can only wrap when ``K >= 131072 = 2^31 / 2^14`` terms:
  ``131072`` products of ``(-128) * (-128)`` sum to ``2^31``, which reads as ``-2^31``;
  ``131071`` of them give ``2^31 - 16384`` exactly.  The most negative sum needs
  ``K > 2^31 / 16256``, so it never wraps first.  With a bias near the int32 limits a
  single product can wrap.  No RADACS U-Net layer comes near (largest K is
  ``2560 * 9 = 23040``), but the contract is defined for every K.

Tiling
------
The matrix units compute a GEMM as a sequence of tiles ``W[m0:m0+tm, k0:k0+tk]``
times ``X[k0:k0+tk, n0:n0+tn]`` added into ``Y[m0:m0+tm, n0:n0+tn]``.  Tiles are
aligned at multiples of ``(tm, tk, tn)``; the last tile along a dimension is the
*edge* tile and is smaller when the dimension is not a multiple of the tile size
(``edge = dim - (ceil(dim / t) - 1) * t``).  A production order is a loop-nesting
string, a permutation of ``"mnk"`` written outermost loop first:

* ``"mnk"`` (:data:`OUTPUT_STATIONARY`): for m0, for n0, for k0 -- one output tile
  stays in the accumulators through its whole K reduction, then leaves once.
* ``"mkn"`` (:data:`WEIGHT_STATIONARY`): for m0, for k0, for n0 -- a weight tile is
  loaded once and every column of X streams past it; the ``tm x N`` partial sums of
  the current row strip live in the output buffer between k0 steps.
* ``"nkm"`` (:data:`INPUT_STATIONARY`): for n0, for k0, for m0 -- an activation tile
  is held while every weight row passes.
* ``"nmk"``, ``"kmn"``, ``"knm"`` are accepted too (the cost model explores them).

Each :class:`Tile` also says whether it starts an output tile's reduction
(``first_k``: the accumulator is loaded with the bias) and whether it finishes it
(``last_k``: the int32 result is final and may be requantised).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

import numpy as np

INT8_MIN, INT8_MAX = -128, 127
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
ACC_BITS = 32
#: Products of (-128) * (-128) after which a bias-free accumulator wraps.
WRAP_FREE_K = (1 << 31) // (1 << 14)  # 131072: K >= this may wrap

OUTPUT_STATIONARY = "mnk"
WEIGHT_STATIONARY = "mkn"
INPUT_STATIONARY = "nkm"
ORDERS = tuple("".join(p) for p in itertools.permutations("mnk"))


# -- validation shared by the arithmetic models ---------------------------------------
def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def check_int(where: str, name: str, value, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as a Python int, or ``ValueError`` naming ``name`` and the value."""
    if not _is_int(value):
        raise ValueError(f"{where}: {name} must be an integer, got {value!r}")
    v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        lo_s = "-inf" if lo is None else lo
        hi_s = "inf" if hi is None else hi
        raise ValueError(f"{where}: {name} must be in [{lo_s}, {hi_s}], got {v}")
    return v


def check_array(where: str, name: str, a, lo: int, hi: int, ndim: int | None = None) -> np.ndarray:
    """``a`` as an int64 array whose values lie in ``[lo, hi]``.

    Any integer dtype is accepted (so int32 accumulators and Python lists pass); floats
    and booleans are refused rather than silently truncated."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{where}: {name} must hold integers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{where}: {name} must be {ndim}-D, got shape {arr.shape}")
    if arr.size:
        bad = np.flatnonzero((arr < lo) | (arr > hi))
        if bad.size:
            idx = np.unravel_index(bad[0], arr.shape)
            raise ValueError(f"{where}: {name} must hold values in [{lo}, {hi}], "
                             f"got {int(arr[idx])} at index {tuple(int(i) for i in idx)}")
    return arr.astype(np.int64)


def wrap32(a) -> np.ndarray:
    """Two's-complement wrap of integers to int32 (the accumulator's view of a sum)."""
    a = np.asarray(a, dtype=np.int64)
    u = a & np.int64(0xFFFF_FFFF)
    return np.where(u > INT32_MAX, u - np.int64(1 << 32), u).astype(np.int32)


def _operands(where, W, X, bias):
    w = check_array(where, "W", W, INT8_MIN, INT8_MAX, ndim=2)
    x = check_array(where, "X", X, INT8_MIN, INT8_MAX, ndim=2)
    if w.shape[1] != x.shape[0]:
        raise ValueError(f"{where}: X must have K = W.shape[1] = {w.shape[1]} rows, "
                         f"got X.shape {x.shape}")
    if bias is None:
        b = np.zeros(w.shape[0], dtype=np.int64)
    else:
        b = check_array(where, "bias", bias, INT32_MIN, INT32_MAX, ndim=1)
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"{where}: bias must have M = W.shape[0] = {w.shape[0]} "
                             f"entries, got shape {b.shape}")
    return w, x, b


# -- the GEMM --------------------------------------------------------------------------
def gemm(W, X, bias=None) -> np.ndarray:
    """``wrap32(bias[m] + W @ X)``: int8 ``W [M x K]``, int8 ``X [K x N]``, optional int32
    ``bias [M]``; returns int32 ``[M x N]`` (see the accumulator contract above)."""
    w, x, b = _operands("gemm", W, X, bias)
    return wrap32(b[:, None] + w @ x)


# -- tiling ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Tile:
    """One tile step: ``Y[m0:m0+tm, n0:n0+tn] += W[m0:m0+tm, k0:k0+tk] . X[k0:k0+tk, n0:n0+tn]``."""

    m0: int
    k0: int
    n0: int
    tm: int        # sizes of this tile (smaller than the nominal size on an edge)
    tk: int
    tn: int
    first_k: bool  # k0 == 0: the accumulators start from the bias
    last_k: bool   # k0 + tk == K: the output tile is complete

    @property
    def macs(self) -> int:
        return self.tm * self.tk * self.tn


def _check_tiling(where, M, K, N, tm, tk, tn, order=None):
    dims = [check_int(where, n, v, lo=1) for n, v in (("M", M), ("K", K), ("N", N))]
    ts = [check_int(where, n, v, lo=1) for n, v in (("tm", tm), ("tk", tk), ("tn", tn))]
    if order is not None and order not in ORDERS:
        raise ValueError(f"{where}: order must be a permutation of 'mnk' "
                         f"(one of {ORDERS}), got {order!r}")
    return dims, ts


def tile_grid(M: int, K: int, N: int, tm: int, tk: int, tn: int) -> tuple[int, int, int]:
    """Number of tiles along m, k and n: ``(ceil(M/tm), ceil(K/tk), ceil(N/tn))``."""
    (M, K, N), (tm, tk, tn) = _check_tiling("tile_grid", M, K, N, tm, tk, tn)
    return (-(-M // tm), -(-K // tk), -(-N // tn))


def tile_count(M: int, K: int, N: int, tm: int, tk: int, tn: int) -> int:
    """Total number of tile steps, the same for every order."""
    gm, gk, gn = tile_grid(M, K, N, tm, tk, tn)
    return gm * gk * gn


def edge_sizes(M: int, K: int, N: int, tm: int, tk: int, tn: int) -> tuple[int, int, int]:
    """Sizes of the last (edge) tile along m, k and n; equal to the tile size when the
    dimension is a multiple of it, and to the dimension when it is smaller than a tile."""
    (M, K, N), (tm, tk, tn) = _check_tiling("edge_sizes", M, K, N, tm, tk, tn)
    return tuple(d - (-(-d // t) - 1) * t for d, t in ((M, tm), (K, tk), (N, tn)))


def tiles(M: int, K: int, N: int, tm: int, tk: int, tn: int,
          order: str = OUTPUT_STATIONARY) -> Iterator[Tile]:
    """The tile steps of an ``M x K x N`` GEMM in production order ``order`` (outermost
    loop first, see the module docstring)."""
    (M, K, N), (tm, tk, tn) = _check_tiling("tiles", M, K, N, tm, tk, tn, order)
    starts = {"m": range(0, M, tm), "k": range(0, K, tk), "n": range(0, N, tn)}
    for combo in itertools.product(*(starts[c] for c in order)):
        pos = dict(zip(order, combo))
        m0, k0, n0 = pos["m"], pos["k"], pos["n"]
        sk = min(tk, K - k0)
        yield Tile(m0, k0, n0, min(tm, M - m0), sk, min(tn, N - n0),
                   first_k=k0 == 0, last_k=k0 + sk == K)


def gemm_tiled(W, X, bias=None, *, tm: int, tk: int, tn: int,
               order: str = OUTPUT_STATIONARY) -> np.ndarray:
    """:func:`gemm` computed tile by tile in ``order``, with int32 partial sums that wrap
    after every tile (as an accumulator or output buffer of 32-bit words does).  Equal to
    :func:`gemm` for every tiling and order."""
    w, x, b = _operands("gemm_tiled", W, X, bias)
    (M, K), N = w.shape, x.shape[1]
    acc = np.zeros((M, N), dtype=np.int32)
    for t in tiles(M, K, N, tm, tk, tn, order):
        ms, ks, ns = slice(t.m0, t.m0 + t.tm), slice(t.k0, t.k0 + t.tk), slice(t.n0, t.n0 + t.tn)
        start = b[ms, None] if t.first_k else acc[ms, ns].astype(np.int64)
        acc[ms, ns] = wrap32(start + w[ms, ks] @ x[ks, ns])
    return acc
