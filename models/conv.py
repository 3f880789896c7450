"""Golden model of RADACS Conv2D as GEMM (im2col): the specification.

A convolution runs on the matrix units as one :func:`models.gemm.gemm` per group and
per batch element, with the mapping of :mod:`models.unet`:

* ``M = out_channels / groups`` (the output channels of the group),
* ``K = in_channels / groups * kh * kw``,
* ``N = out_h * out_w``.

Tensors
-------
* input ``x``: int8 ``[batch, in_channels, H, W]`` (NCHW);
* weights ``w``: int8 ``[out_channels, in_channels / groups, kh, kw]`` (PyTorch layout);
* optional ``bias``: int32 ``[out_channels]``, the accumulators' initial value;
* output: int32 ``[batch, out_channels, out_h, out_w]``, wrapping as in :mod:`models.gemm`.

Group ``g`` uses input channels ``[g*Cg, (g+1)*Cg)`` and output channels
``[g*M, (g+1)*M)`` with ``Cg = in_channels / groups``.

Layout of the GEMM operands
---------------------------
* ``W_g = w[g*M:(g+1)*M].reshape(M, K)``: row ``m`` is an output channel; column
  ``k = (c * kh + i) * kw + j`` is input channel ``c`` (within the group), kernel row
  ``i``, kernel column ``j`` -- K is ordered ``(c, i, j)``, ``j`` fastest.
* ``X_g = im2col(x)[b, g]``: ``X_g[k, n]`` with the same ``k`` and ``n = oy * out_w + ox``
  (row-major over the output) holds ``xpad[b, g*Cg + c, oy*sh + i*dh, ox*sw + j*dw]``,
  where ``xpad`` is ``x`` with ``ph`` zero rows above and below and ``pw`` zero columns
  left and right.
* ``Y_g = W_g . X_g`` reshaped to ``[M, out_h, out_w]`` is the group's output.

Padding inserts integer 0, which is real 0 because quantisation is symmetric
(:mod:`models.quant`).

Output size (per axis, PyTorch's formula)::

    out = floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1

Arguments ``kernel_size``, ``stride``, ``padding`` and ``dilation`` are an int or an
``(h, w)`` pair.  ``stride, dilation, kernel >= 1``; ``padding >= 0``; ``groups >= 1``
divides both channel counts; the output must be at least 1 x 1.  Anything else is a
``ValueError`` naming the parameter and its value.
"""
from __future__ import annotations

import numpy as np

from models.gemm import INT8_MAX, INT8_MIN, INT32_MAX, INT32_MIN, check_array, check_int, gemm


def _pair(where: str, name: str, value, lo: int) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{where}: {name} must be an int or an (h, w) pair, got {value!r}")
        return tuple(check_int(where, f"{name}[{i}]", v, lo=lo) for i, v in enumerate(value))
    v = check_int(where, name, value, lo=lo)
    return (v, v)


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> int:
    """Output length along one axis (the formula in the module docstring); may be <= 0."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _geometry(where, in_channels, out_channels, in_hw, kernel_size, stride, padding,
              dilation, groups):
    cin = check_int(where, "in_channels", in_channels, lo=1)
    cout = check_int(where, "out_channels", out_channels, lo=1)
    H, W = _pair(where, "in_hw", in_hw, lo=1)
    kh, kw = _pair(where, "kernel_size", kernel_size, lo=1)
    s = _pair(where, "stride", stride, lo=1)
    p = _pair(where, "padding", padding, lo=0)
    d = _pair(where, "dilation", dilation, lo=1)
    g = check_int(where, "groups", groups, lo=1)
    if cin % g:
        raise ValueError(f"{where}: groups must divide in_channels={cin}, got groups={g}")
    if cout % g:
        raise ValueError(f"{where}: groups must divide out_channels={cout}, got groups={g}")
    oh = conv_output_size(H, kh, s[0], p[0], d[0])
    ow = conv_output_size(W, kw, s[1], p[1], d[1])
    if oh < 1 or ow < 1:
        raise ValueError(f"{where}: output size must be >= 1, got out_hw=({oh}, {ow}) from "
                         f"in_hw=({H}, {W}), kernel_size=({kh}, {kw}), stride={s}, "
                         f"padding={p}, dilation={d}")
    return dict(cin=cin, cout=cout, H=H, W=W, kh=kh, kw=kw, s=s, p=p, d=d, g=g, oh=oh, ow=ow)


def conv_output_hw(in_hw, kernel_size, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """``(out_h, out_w)``; ``ValueError`` if an argument is illegal or the output is empty."""
    geo = _geometry("conv_output_hw", 1, 1, in_hw, kernel_size, stride, padding, dilation, 1)
    return geo["oh"], geo["ow"]


def conv_gemm_shape(in_channels: int, out_channels: int, in_hw, kernel_size, stride=1,
                    padding=0, dilation=1, groups: int = 1) -> tuple[int, int, int]:
    """``(M, K, N)`` of each of the ``groups`` GEMMs of one batch element."""
    geo = _geometry("conv_gemm_shape", in_channels, out_channels, in_hw, kernel_size,
                    stride, padding, dilation, groups)
    return (geo["cout"] // geo["g"], geo["cin"] // geo["g"] * geo["kh"] * geo["kw"],
            geo["oh"] * geo["ow"])


def _check_x(where, x):
    xa = check_array(where, "x", x, INT8_MIN, INT8_MAX, ndim=4)
    if 0 in xa.shape[:2]:
        raise ValueError(f"{where}: x must have batch >= 1 and in_channels >= 1, got shape {xa.shape}")
    return xa


def _im2col(xa, geo) -> np.ndarray:
    B = xa.shape[0]
    (ph, pw), (sh, sw), (dh, dw) = geo["p"], geo["s"], geo["d"]
    kh, kw, oh, ow, g = geo["kh"], geo["kw"], geo["oh"], geo["ow"], geo["g"]
    xp = np.pad(xa, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = np.empty((B, geo["cin"], kh, kw, oh, ow), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i * dh: i * dh + sh * (oh - 1) + 1: sh,
                                  j * dw: j * dw + sw * (ow - 1) + 1: sw]
    cg = geo["cin"] // g
    return cols.reshape(B, g, cg * kh * kw, oh * ow)


def im2col(x, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1) -> np.ndarray:
    """The GEMM right operands of a convolution of ``x``: int8
    ``[batch, groups, K, N]`` laid out as the module docstring says."""
    xa = _check_x("im2col", x)
    g = check_int("im2col", "groups", groups, lo=1)  # out_channels is unknown here: use g
    geo = _geometry("im2col", xa.shape[1], g, xa.shape[2:], kernel_size, stride,
                    padding, dilation, g)
    return _im2col(xa, geo).astype(np.int8)


def conv2d(x, w, bias=None, stride=1, padding=0, dilation=1, groups: int = 1) -> np.ndarray:
    """int8 NCHW convolution by im2col + one :func:`models.gemm.gemm` per (batch, group);
    int32 ``[batch, out_channels, out_h, out_w]``."""
    where = "conv2d"
    xa = _check_x(where, x)
    wa = check_array(where, "w", w, INT8_MIN, INT8_MAX, ndim=4)
    if 0 in wa.shape:
        raise ValueError(f"{where}: w must not have an empty dimension, got shape {wa.shape}")
    cout, cg_w, kh, kw = wa.shape
    geo = _geometry(where, xa.shape[1], cout, xa.shape[2:], (kh, kw), stride, padding,
                    dilation, groups)
    g = geo["g"]
    if cg_w * g != geo["cin"]:
        raise ValueError(f"{where}: w.shape[1] must be in_channels / groups = "
                         f"{geo['cin']} / {g}, got w.shape {wa.shape}")
    if bias is not None:
        ba = check_array(where, "bias", bias, INT32_MIN, INT32_MAX, ndim=1)
        if ba.shape != (cout,):
            raise ValueError(f"{where}: bias must have out_channels = {cout} entries, "
                             f"got shape {ba.shape}")
    cols = _im2col(xa, geo)
    M = cout // g
    B = xa.shape[0]
    y = np.empty((B, cout, geo["oh"] * geo["ow"]), dtype=np.int32)
    for b in range(B):
        for gi in range(g):
            rows = slice(gi * M, (gi + 1) * M)
            y[b, rows] = gemm(wa[rows].reshape(M, -1), cols[b, gi],
                              None if bias is None else ba[rows])
    return y.reshape(B, cout, geo["oh"], geo["ow"])
