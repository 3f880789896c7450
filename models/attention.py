"""Golden model of RADACS attention as GEMMs per head: the specification.

Only the two products of attention run on the matrix units; softmax does not.  With
``Q [seq_q x d_model]``, ``K, V [seq_k x d_model]`` (int8, the outputs of ``to_q``,
``to_k``, ``to_v``) and ``heads`` dividing ``d_model``, head ``h`` uses the columns
``[h*d_head, (h+1)*d_head)``, ``d_head = d_model / heads``.  Per head, in the RADACS
convention ``Y[M x N] = W[M x K] . X[K x N]`` (:mod:`models.unet`):

* scores ``S^T_h = K_h . Q_h^T``: ``M = seq_k``, ``K = d_head``, ``N = seq_q``
  (:func:`qk_gemm_shape`).  ``S^T_h[j, i]`` is query ``i`` against key ``j``: the usual
  ``S = Q K^T`` transposed, so keys run down the rows (axis 1 of :func:`scores`).
* weighted sum ``O^T_h = V_h^T . A_h``: ``M = d_head``, ``K = seq_k``, ``N = seq_q``
  (:func:`av_gemm_shape`), where ``A_h [seq_k x seq_q]`` is the int8 softmax of the
  scores over keys (axis 0 of each head's matrix), quantised by the caller.

:func:`scores` and :func:`weighted_sum` compute exactly these GEMMs with
:func:`models.gemm.gemm` (int32, wrapping as documented there).  :func:`merge_heads`
turns ``O^T`` per head back into ``[seq_q x d_model]``.

Reference pipeline (not hardware)
---------------------------------
:func:`attention_int8` chains ``scores`` -> float softmax -> int8 ``A`` -> ``weighted_sum``
to show how the pieces fit and to give benches an end-to-end expectation:

* logits ``= S^T * logit_scale`` in float64 (default ``logit_scale = 1 / sqrt(d_head)``,
  i.e. Q and K taken as integer-valued reals; pass ``s_q * s_k / sqrt(d_head)`` for
  quantised tensors with scales ``s_q``, ``s_k``);
* ``P = softmax(logits)`` over keys;
* ``A = floor(P * 127 + 1/2)``: the probability scale is :data:`A_SCALE` ``= 1/127``
  (``A = 127`` is probability 1; ``A`` is in ``[0, 127]``), rounded half up like
  :mod:`models.quant`;
* ``O = merge_heads(weighted_sum(A, V))``: int32 whose real value is
  ``O * A_SCALE * s_v``.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from models.gemm import INT8_MAX, INT8_MIN, check_array, check_int, gemm

A_SCALE = 1.0 / 127  # real value of one LSB of the int8 attention probabilities
A_MAX = 127


def _heads(where: str, d_model: int, heads) -> int:
    h = check_int(where, "heads", heads, lo=1)
    if d_model % h:
        raise ValueError(f"{where}: heads must divide d_model={d_model}, got heads={h}")
    return h


def qk_gemm_shape(seq_q: int, seq_k: int, d_model: int, heads: int) -> tuple[int, int, int]:
    """``(M, K, N) = (seq_k, d_head, seq_q)`` of each of the ``heads`` score GEMMs."""
    where = "qk_gemm_shape"
    sq, sk = check_int(where, "seq_q", seq_q, lo=1), check_int(where, "seq_k", seq_k, lo=1)
    d = check_int(where, "d_model", d_model, lo=1)
    return (sk, d // _heads(where, d, heads), sq)


def av_gemm_shape(seq_q: int, seq_k: int, d_model: int, heads: int) -> tuple[int, int, int]:
    """``(M, K, N) = (d_head, seq_k, seq_q)`` of each of the ``heads`` weighted-sum GEMMs."""
    where = "av_gemm_shape"
    sq, sk = check_int(where, "seq_q", seq_q, lo=1), check_int(where, "seq_k", seq_k, lo=1)
    d = check_int(where, "d_model", d_model, lo=1)
    return (d // _heads(where, d, heads), sk, sq)


def _tokens(where, name, t):
    a = check_array(where, name, t, INT8_MIN, INT8_MAX, ndim=2)
    if 0 in a.shape:
        raise ValueError(f"{where}: {name} must be non-empty, got shape {a.shape}")
    return a


def scores(q, k, heads: int) -> np.ndarray:
    """int32 ``[heads, seq_k, seq_q]``: ``S^T_h = K_h . Q_h^T`` for every head."""
    where = "scores"
    qa, ka = _tokens(where, "q", q), _tokens(where, "k", k)
    if ka.shape[1] != qa.shape[1]:
        raise ValueError(f"{where}: k must have d_model = q.shape[1] = {qa.shape[1]} "
                         f"columns, got k.shape {ka.shape}")
    h = _heads(where, qa.shape[1], heads)
    dh = qa.shape[1] // h
    return np.stack([gemm(ka[:, i * dh:(i + 1) * dh], qa[:, i * dh:(i + 1) * dh].T)
                     for i in range(h)])


def weighted_sum(a, v, heads: int) -> np.ndarray:
    """int32 ``[heads, d_head, seq_q]``: ``O^T_h = V_h^T . A_h`` for every head, with int8
    ``a [heads, seq_k, seq_q]`` (the layout of :func:`scores`) and ``v [seq_k x d_model]``."""
    where = "weighted_sum"
    va = _tokens(where, "v", v)
    aa = check_array(where, "a", a, INT8_MIN, INT8_MAX, ndim=3)
    h = _heads(where, va.shape[1], heads)
    if aa.shape[0] != h or aa.shape[1] != va.shape[0] or aa.shape[2] < 1:
        raise ValueError(f"{where}: a must have shape (heads={h}, seq_k={va.shape[0]}, "
                         f"seq_q >= 1), got a.shape {aa.shape}")
    dh = va.shape[1] // h
    return np.stack([gemm(va[:, i * dh:(i + 1) * dh].T, aa[i]) for i in range(h)])


def merge_heads(o_t) -> np.ndarray:
    """``[heads, d_head, seq_q]`` -> ``[seq_q, heads * d_head]`` (head-major columns)."""
    o = np.asarray(o_t)
    if o.ndim != 3:
        raise ValueError(f"merge_heads: o_t must be 3-D [heads, d_head, seq_q], got shape {o.shape}")
    h, dh, sq = o.shape
    return o.transpose(2, 0, 1).reshape(sq, h * dh)


def softmax(logits, axis: int = -1) -> np.ndarray:
    """Float64 softmax along ``axis`` (max-subtracted).  A reference helper: softmax is
    not computed by the matrix units."""
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def quantize_probs(p) -> np.ndarray:
    """Probabilities in ``[0, 1]`` -> int8 ``floor(p * 127 + 1/2)`` (scale :data:`A_SCALE`)."""
    p = np.asarray(p, dtype=np.float64)
    return np.clip(np.floor(p * A_MAX + 0.5), 0, A_MAX).astype(np.int8)


class AttentionResult(NamedTuple):
    scores: np.ndarray  # int32 [heads, seq_k, seq_q], S^T per head
    probs: np.ndarray   # float64 [heads, seq_k, seq_q], softmax over keys (axis 1)
    a: np.ndarray       # int8 [heads, seq_k, seq_q], quantize_probs(probs)
    out: np.ndarray     # int32 [seq_q, d_model]; real value out * A_SCALE * s_v


def attention_int8(q, k, v, heads: int, logit_scale: float | None = None) -> AttentionResult:
    """The reference pipeline of the module docstring (integer GEMMs, float softmax)."""
    s_t = scores(q, k, heads)  # validates q, k and heads
    d_model = np.asarray(q).shape[1]
    d_head = d_model // heads
    scale = 1.0 / math.sqrt(d_head) if logit_scale is None else float(logit_scale)
    if not math.isfinite(scale):
        raise ValueError(f"attention_int8: logit_scale must be finite, got {logit_scale!r}")
    probs = softmax(s_t * scale, axis=1)
    a = quantize_probs(probs)
    va = _tokens("attention_int8", "v", v)
    if va.shape != (s_t.shape[1], d_model):
        raise ValueError(f"attention_int8: v must have the shape of k, "
                         f"{(s_t.shape[1], d_model)}, got v.shape {va.shape}")
    return AttentionResult(s_t, probs, a, merge_heads(weighted_sum(a, va, heads)))
