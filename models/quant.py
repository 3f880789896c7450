"""Golden model of RADACS requantisation (int32 accumulator -> int8): the specification.

Every GEMM result leaves the matrix units through this step.  Per output channel ``c``
(the GEMM row ``m``) there is an integer multiplier and a right shift; the real scale
they stand for is ``mult * 2^-shift``.

Contract (the RTL matches it bit for bit)
----------------------------------------
``y = clip((acc * mult + r) >> shift, -128, 127)`` with ``r = 2^(shift-1)`` for
``shift >= 1`` and ``r = 0`` for ``shift = 0`` (then ``y = clip(acc * mult)``: no
rounding is needed), where

* ``acc`` is the int32 accumulator (signed, ``[-2^31, 2^31 - 1]``);
* ``mult`` is an integer in ``[0, 2^31 - 1]`` (a non-negative 32-bit signed word);
* ``shift`` is an integer in ``[0, 63]``;
* ``>>`` is an *arithmetic* right shift (floor division by ``2^shift``);
* ``clip`` saturates to ``[-128, 127]``.

Rounding rule: **round half up** (towards +infinity on ties): ``y = floor(x + 1/2)`` for
``x = acc * mult / 2^shift``, so ``2.5 -> 3`` and ``-2.5 -> -2``.  It is the cheapest
correct rounding in hardware: the constant ``2^(shift-1)`` is added to the product (it
can be the multiplier's carry-in / accumulator preset) and the shift is a wire select,
with no sign-dependent correction.  Round-half-away-from-zero would need the sign of
the product to choose between ``2^(shift-1)`` and ``2^(shift-1) - 1``; the two rules
differ only on exact ties of negative values, by one LSB.

Width: ``acc * mult`` is a 32 x 32 -> 64-bit signed product with
``|acc * mult| <= 2^31 * (2^31 - 1) < 2^62``; adding ``r <= 2^62`` stays below
``2^63``, so a 64-bit adder, a 64-bit arithmetic shifter and the saturation of its
result to 8 bits are exact.  The model uses the same int64 path.

Quantisation is symmetric: int8 0 is real 0 and there is no zero point.  This keeps the
convolution's zero padding and the GEMM free of zero-point corrections; activations
that are one-sided (softmax, SiLU) give up at most one bit of range for it.

:func:`quantize_multiplier` turns a real scale into ``(mult, shift)``: ``mult`` is
normalised into ``[2^30, 2^31)`` when possible, i.e. 31 significant bits, so the
represented scale has a relative error of at most ``2^-31`` for scales in
``[2^-33, 2^31 - 1]``.  Smaller scales are capped at ``shift = 63`` and lose
precision (absolute error ``<= 2^-64``; ``mult`` is 0 below ``2^-64``).
"""
from __future__ import annotations

import math

import numpy as np

from models.gemm import INT8_MAX, INT8_MIN, INT32_MAX, INT32_MIN, check_array

MULT_MAX = (1 << 31) - 1
SHIFT_MAX = 63
PRODUCT_BITS = 64  # width of acc * mult + rounding constant in the RTL


def _per_channel(where, name, value, lo, hi, channels):
    a = check_array(where, name, value, lo, hi)
    if a.ndim == 0:
        return np.full(channels, int(a), dtype=np.int64)
    if a.shape != (channels,):
        raise ValueError(f"{where}: {name} must be a scalar or have one entry per channel "
                         f"({channels}), got shape {a.shape}")
    return a


def requantize(acc, mult, shift, axis: int = 0) -> np.ndarray:
    """int32 ``acc`` -> int8 by the contract above.  ``mult`` and ``shift`` are scalars or
    one value per channel along ``axis`` (axis 0 is the GEMM's M)."""
    a = check_array("requantize", "acc", acc, INT32_MIN, INT32_MAX)
    if a.ndim == 0:
        channels, axis = 1, None
    else:
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(f"requantize: axis must index acc's {a.ndim} dimensions, got {axis}")
        channels = a.shape[axis]
    m = _per_channel("requantize", "mult", mult, 0, MULT_MAX, channels)
    s = _per_channel("requantize", "shift", shift, 0, SHIFT_MAX, channels)
    r = np.where(s > 0, np.left_shift(np.int64(1), np.maximum(s - 1, 0)), 0)
    if axis is None:
        m, s, r = m[0], s[0], r[0]
    else:
        shape = [1] * a.ndim
        shape[axis] = channels
        m, s, r = m.reshape(shape), s.reshape(shape), r.reshape(shape)
    y = np.right_shift(a * m + r, s)  # int64 right shift is arithmetic (floor)
    return np.clip(y, INT8_MIN, INT8_MAX).astype(np.int8)


def quantize_multiplier(real_scale: float) -> tuple[int, int]:
    """The ``(mult, shift)`` whose ``mult * 2^-shift`` is nearest to ``real_scale`` with the
    most significant bits (see the module docstring for the precision)."""
    try:
        s = float(real_scale)
    except (TypeError, ValueError):
        raise ValueError(f"quantize_multiplier: real_scale must be a number, "
                         f"got {real_scale!r}") from None
    if not math.isfinite(s) or s < 0:
        raise ValueError(f"quantize_multiplier: real_scale must be finite and >= 0, got {s!r}")
    if s == 0:
        return 0, 0
    frac, exp = math.frexp(s)  # s = frac * 2^exp, frac in [0.5, 1)
    mult = round(frac * (1 << 31))  # exact: frac has 53 bits, scaling by 2^31 is exact
    shift = 31 - exp
    if mult == 1 << 31:  # frac rounded up to 1.0
        mult, shift = 1 << 30, shift - 1
    if shift < 0:
        raise ValueError(f"quantize_multiplier: real_scale must be < 2^31 - 0.5 "
                         f"(shift >= 0), got {s!r}")
    if shift > SHIFT_MAX:
        mult, shift = round(s * 2.0 ** SHIFT_MAX), SHIFT_MAX  # s * 2^63 is exact in float
    return int(mult), int(shift)
