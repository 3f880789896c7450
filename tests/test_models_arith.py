"""Property tests of the arithmetic golden models (``models/gemm.py``, ``quant.py``,
``conv.py``, ``attention.py``): each model against a reference written differently
(Python big integers, exact fractions, direct convolution, float formulations), tiling
against the untiled GEMM, and every illegal argument named in its error.

Testpoints
----------
* gemm.bigint / gemm.tiled / gemm.tiles / gemm.wrap -- accumulator contract and tiling
* quant.bigint / quant.float / quant.multiplier / quant.saturation / quant.ties
* conv.direct / conv.im2col / conv.unet_downsampler
* attn.gemms / attn.pipeline
* errors.* -- ValueError names the parameter and its value
Hypothesis is seeded from RADACS_SEED by tests/conftest.py.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models.attention import (A_SCALE, attention_int8, av_gemm_shape, merge_heads,
                              qk_gemm_shape, scores, softmax, weighted_sum)
from models.conv import conv2d, conv_gemm_shape, conv_output_hw, im2col
from models.gemm import (INPUT_STATIONARY, INT32_MAX, INT32_MIN, ORDERS, OUTPUT_STATIONARY,
                         WEIGHT_STATIONARY, WRAP_FREE_K, edge_sizes, gemm, gemm_tiled,
                         tile_count, tile_grid, tiles)
from models.quant import MULT_MAX, SHIFT_MAX, quantize_multiplier, requantize

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ---------------------------------------------------------------------------
INT8S = st.one_of(st.sampled_from([-128, 127, 0, -1, 1]), st.integers(-128, 127))
INT32S = st.one_of(st.sampled_from([INT32_MIN, INT32_MAX, 0, -1, 1, 1 << 30]),
                   st.integers(INT32_MIN, INT32_MAX))
DIMS = st.one_of(st.sampled_from([1, 2, 3, 7, 13, 16, 17, 31]), st.integers(1, 20))
SMALL_DIMS = st.one_of(st.sampled_from([1, 2, 3, 7, 13, 17]), st.integers(1, 9))
TILE = st.one_of(st.sampled_from([4, 8, 16]), st.integers(1, 9))


def int8_array(shape):
    return hnp.arrays(np.int8, shape, elements=INT8S)


def wrap_py(v: int) -> int:
    return (v + (1 << 31)) % (1 << 32) - (1 << 31)


# -- GEMM ---------------------------------------------------------------------------------
def gemm_bigint(W, X, bias):
    """The accumulator contract in Python integers: bias first, wrap after every add."""
    Wl, Xl = W.tolist(), X.tolist()
    M, K, N = W.shape[0], W.shape[1], X.shape[1]
    out = []
    for m in range(M):
        row = []
        for n in range(N):
            acc = 0 if bias is None else int(bias[m])
            for k in range(K):
                acc = wrap_py(acc + Wl[m][k] * Xl[k][n])
            row.append(acc)
        out.append(row)
    return out


@PROPS
@given(data=st.data(), M=SMALL_DIMS, K=DIMS, N=SMALL_DIMS, with_bias=st.booleans())
def test_gemm_matches_bigint_accumulator(data, M, K, N, with_bias):
    W = data.draw(int8_array((M, K)), label="W")
    X = data.draw(int8_array((K, N)), label="X")
    bias = data.draw(hnp.arrays(np.int32, M, elements=INT32S), label="bias") if with_bias else None
    Y = gemm(W, X, bias)
    assert Y.dtype == np.int32 and Y.shape == (M, N)
    assert Y.tolist() == gemm_bigint(W, X, bias)


@PROPS
@given(data=st.data(), M=DIMS, K=DIMS, N=DIMS, tm=TILE, tk=TILE, tn=TILE,
       order=st.sampled_from(ORDERS), with_bias=st.booleans())
def test_gemm_tiled_equals_gemm(data, M, K, N, tm, tk, tn, order, with_bias):
    W = data.draw(int8_array((M, K)), label="W")
    X = data.draw(int8_array((K, N)), label="X")
    bias = data.draw(hnp.arrays(np.int32, M, elements=INT32S), label="bias") if with_bias else None
    Y = gemm_tiled(W, X, bias, tm=tm, tk=tk, tn=tn, order=order)
    assert Y.dtype == np.int32
    np.testing.assert_array_equal(Y, gemm(W, X, bias))


@settings(max_examples=150, deadline=None)
@given(M=DIMS, K=DIMS, N=DIMS, tm=TILE, tk=TILE, tn=TILE, order=st.sampled_from(ORDERS))
def test_tiles_cover_once_in_loop_nesting_order(M, K, N, tm, tk, tn, order):
    ts = list(tiles(M, K, N, tm, tk, tn, order))
    assert len(ts) == tile_count(M, K, N, tm, tk, tn) == math.prod(tile_grid(M, K, N, tm, tk, tn))
    cover = np.zeros((M, K, N), dtype=np.int64)
    em, ek, en = edge_sizes(M, K, N, tm, tk, tn)
    assert (em, ek, en) == (M - (math.ceil(M / tm) - 1) * tm, K - (math.ceil(K / tk) - 1) * tk,
                            N - (math.ceil(N / tn) - 1) * tn)
    for t in ts:
        assert (t.m0 % tm, t.k0 % tk, t.n0 % tn) == (0, 0, 0)
        assert t.tm == (tm if t.m0 + tm <= M else em) and 1 <= t.tm <= tm
        assert t.tk == (tk if t.k0 + tk <= K else ek) and 1 <= t.tk <= tk
        assert t.tn == (tn if t.n0 + tn <= N else en) and 1 <= t.tn <= tn
        assert t.first_k == (t.k0 == 0) and t.last_k == (t.k0 + t.tk == K)
        assert t.macs == t.tm * t.tk * t.tn
        cover[t.m0:t.m0 + t.tm, t.k0:t.k0 + t.tk, t.n0:t.n0 + t.tn] += 1
    assert (cover == 1).all()
    # loop nesting: the starts, read outermost letter first, count up lexicographically
    keys = [tuple({"m": t.m0, "k": t.k0, "n": t.n0}[c] for c in order) for t in ts]
    assert keys == sorted(set(keys))
    # output stationary: each output tile's K reduction is one uninterrupted run
    if order == OUTPUT_STATIONARY:
        runs = [(t.m0, t.n0) for t in ts if t.first_k]
        assert len(runs) == len(set(runs))
        for a, b in zip(ts, ts[1:]):
            assert b.first_k == a.last_k
    # weight stationary: a weight tile is loaded once and all of N streams past it
    if order == WEIGHT_STATIONARY:
        wt = [(t.m0, t.k0) for t in ts]
        changes = [w for i, w in enumerate(wt) if i == 0 or wt[i - 1] != w]
        assert len(changes) == len(set(wt))


def test_order_names():
    assert sorted(ORDERS) == sorted(["mnk", "mkn", "nmk", "nkm", "kmn", "knm"])
    assert (OUTPUT_STATIONARY, WEIGHT_STATIONARY, INPUT_STATIONARY) == ("mnk", "mkn", "nkm")
    assert [(t.m0, t.n0, t.k0) for t in tiles(2, 2, 2, 1, 1, 1)][:3] == [(0, 0, 0), (0, 0, 1), (0, 1, 0)]


@pytest.mark.parametrize("K, expected", [
    (WRAP_FREE_K - 1, (1 << 31) - 16384),  # the largest sum that does not wrap
    (WRAP_FREE_K, -(1 << 31)),              # 2^31 reads as -2^31
    (140000, -2001207296),                  # 140000 * 16384 - 2^32
])
def test_gemm_accumulator_wraps_modulo_2_32(K, expected):
    assert WRAP_FREE_K == 131072
    assert expected == wrap_py(K * 16384)
    W = np.full((1, K), -128, dtype=np.int8)
    X = np.full((K, 1), -128, dtype=np.int8)
    assert gemm(W, X).tolist() == [[expected]]
    assert gemm_tiled(W, X, tm=1, tk=4096, tn=1).tolist() == [[expected]]
    assert gemm_tiled(W, X, tm=1, tk=1000, tn=1, order="kmn").tolist() == [[expected]]


def test_gemm_bias_is_the_initial_value_of_the_wrapping_accumulator():
    one = np.ones((1, 1), dtype=np.int8)
    assert gemm(one, one, [INT32_MAX]).tolist() == [[INT32_MIN]]
    W, X = np.array([[-128]], dtype=np.int8), np.array([[127]], dtype=np.int8)
    assert gemm(W, X, [INT32_MIN]).tolist() == [[INT32_MAX - 16256 + 1]]
    # a tile that crosses the wrap boundary and a later one that crosses it back
    W = np.array([[127, -128]], dtype=np.int8)
    X = np.array([[1], [1]], dtype=np.int8)
    assert gemm_tiled(W, X, [INT32_MAX - 100], tm=1, tk=1, tn=1).tolist() == [[INT32_MAX - 101]]
    # K = 0: the result is the bias
    assert gemm(np.zeros((2, 0), np.int8), np.zeros((0, 3), np.int8), [5, -5]).tolist() == [[5] * 3, [-5] * 3]


# -- requantisation -------------------------------------------------------------------------
MULTS = st.one_of(st.sampled_from([0, 1, 1 << 30, MULT_MAX]), st.integers(0, MULT_MAX))
SHIFTS = st.one_of(st.sampled_from([0, 1, 31, 32, SHIFT_MAX]), st.integers(0, SHIFT_MAX))


def requant_fraction(acc: int, mult: int, shift: int) -> int:
    """Round half up written with exact fractions: floor(acc * mult / 2^shift + 1/2)."""
    x = Fraction(acc * mult, 1 << shift) + Fraction(1, 2)
    return max(-128, min(127, math.floor(x) if shift else acc * mult))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), C=st.integers(1, 5), L=st.integers(1, 6), axis=st.sampled_from([0, 1]),
       per_channel=st.booleans())
def test_requantize_bit_exact_vs_fractions(data, C, L, axis, per_channel):
    acc = data.draw(hnp.arrays(np.int32, (C, L), elements=INT32S), label="acc")
    if per_channel:
        mult = data.draw(st.lists(MULTS, min_size=C, max_size=C), label="mult")
        # shifts around 31 + log2(|acc|) - 7 leave values inside int8: do not only saturate
        shift = data.draw(st.lists(st.one_of(SHIFTS, st.integers(24, 56)), min_size=C, max_size=C),
                          label="shift")
    else:
        mult, shift = data.draw(MULTS, label="mult"), data.draw(SHIFTS, label="shift")
    chan = (lambda c: mult[c]) if per_channel else (lambda c: mult)
    chsh = (lambda c: shift[c]) if per_channel else (lambda c: shift)
    expect = [[requant_fraction(int(acc[c, i]), chan(c), chsh(c)) for i in range(L)] for c in range(C)]
    if axis == 0:
        y = requantize(acc, mult, shift)
    else:
        y = requantize(acc.T, mult, shift, axis=1).T
    assert y.dtype == np.int8
    assert y.tolist() == expect


@settings(max_examples=200, deadline=None)
@given(log2_scale=st.floats(-40, 8), frac=st.floats(0.5, 1.0, exclude_max=True),
       target=st.lists(st.floats(-200, 200), min_size=1, max_size=16),
       raw=st.lists(INT32S, min_size=1, max_size=8))
def test_requantize_within_one_lsb_of_float(log2_scale, frac, target, raw):
    scale = frac * 2.0 ** math.floor(log2_scale)
    mult, shift = quantize_multiplier(scale)
    # accumulators that land inside int8 after scaling, plus raw ones (mostly saturating)
    accs = [int(np.clip(round(t / scale), INT32_MIN, INT32_MAX)) for t in target] + raw
    acc = np.array(accs, dtype=np.int64)
    y = requantize(acc, mult, shift).astype(np.int64)
    ref = np.clip(np.round(acc.astype(np.float64) * scale), -128, 127)
    assert np.max(np.abs(y - ref)) <= 1


@settings(max_examples=300, deadline=None)
@given(scale=st.one_of(st.floats(2.0 ** -33, 2.0 ** 31 - 1), st.floats(0, 2.0 ** -33),
                       st.sampled_from([0.0, 1.0, 0.5, 2.0 ** -33, 2.0 ** 30, 1 / 127, 2.0 ** 31 - 1])))
def test_quantize_multiplier_precision(scale):
    mult, shift = quantize_multiplier(scale)
    assert 0 <= mult <= MULT_MAX and 0 <= shift <= SHIFT_MAX
    got, want = Fraction(mult, 1 << shift), Fraction(scale)
    if scale == 0:
        assert (mult, shift) == (0, 0)
    elif scale >= 2.0 ** -33:
        assert (1 << 30) <= mult <= MULT_MAX        # 31 significant bits
        assert abs(got - want) <= want / (1 << 31)  # relative error <= 2^-31
    else:
        assert shift == SHIFT_MAX and abs(got - want) <= Fraction(1, 1 << 64)
    # nearest at this shift
    assert abs(got - want) <= abs(Fraction(mult + 1, 1 << shift) - want)
    assert mult == 0 or abs(got - want) <= abs(Fraction(mult - 1, 1 << shift) - want)


def test_requantize_saturates_at_both_ends():
    half = (1 << 30, 31)  # scale 0.5
    acc = np.array([INT32_MIN, -258, -257, -256, -255, 253, 254, 255, INT32_MAX], dtype=np.int32)
    #        -2^30    -129  -128.5 -128  -127.5 126.5 127  127.5  2^30
    assert requantize(acc, *half).tolist() == [-128, -128, -128, -128, -127, 127, 127, 127, 127]
    acc = np.array([-(1 << 31), -129, -128, 127, 128, INT32_MAX])
    assert requantize(acc, 1, 0).tolist() == [-128, -128, -128, 127, 127, 127]
    # the widest product with the largest rounding constant does not overflow 64 bits
    acc = np.array([INT32_MIN, INT32_MAX])
    assert requantize(acc, MULT_MAX, SHIFT_MAX).tolist() == [0, 0]
    assert requantize(acc, MULT_MAX, 0).tolist() == [-128, 127]


def test_requantize_rounds_half_up():
    assert requantize([5, -5, 3, -3, 1, -1, 0], 1, 1).tolist() == [3, -2, 2, -1, 1, 0, 0]
    assert requantize([2, -2, 6, -6, 7, -7], 1, 2).tolist() == [1, 0, 2, -1, 2, -2]
    assert requantize([7, -7], 3, 0).tolist() == [21, -21]  # shift 0: exact, no rounding
    assert requantize(np.int32(-3), 1, 1) == -1             # scalar accumulator


# -- convolution ---------------------------------------------------------------------------
def conv_direct(x, w, bias, stride, padding, dilation, groups):
    """Direct convolution: explicit zero padding and one window per output pixel."""
    B, C, H, W = x.shape
    O, Cg, KH, KW = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.zeros((B, C, H + 2 * ph, W + 2 * pw), dtype=np.int64)
    xp[:, :, ph:ph + H, pw:pw + W] = x
    oys = list(range(0, H + 2 * ph - dh * (KH - 1), sh))  # top rows of every window that fits
    oxs = list(range(0, W + 2 * pw - dw * (KW - 1), sw))
    out = np.zeros((B, O, len(oys), len(oxs)), dtype=np.int64)
    per_group = O // groups
    w64 = w.astype(np.int64)
    for b in range(B):
        for o in range(O):
            g = o // per_group
            chans = xp[b, g * Cg:(g + 1) * Cg]
            for yi, y0 in enumerate(oys):
                rows = y0 + dh * np.arange(KH)
                for xi, x0 in enumerate(oxs):
                    win = chans[:, rows][:, :, x0 + dw * np.arange(KW)]
                    acc = int(np.sum(win * w64[o])) + (0 if bias is None else int(bias[o]))
                    out[b, o, yi, xi] = wrap_py(acc)
    return out


@st.composite
def conv_case(draw):
    groups = draw(st.integers(1, 3))
    cg, mg = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    B = draw(st.integers(1, 2))
    H, W = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    x = draw(int8_array((B, cg * groups, H, W)))
    w = draw(int8_array((mg * groups, cg, kh, kw)))
    bias = draw(st.none() | hnp.arrays(np.int32, mg * groups, elements=INT32S))
    return x, w, bias, stride, padding, dilation, groups


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=conv_case())
def test_conv2d_matches_direct_convolution(case):
    x, w, bias, stride, padding, dilation, groups = case
    ref = conv_direct(x, w, bias, stride, padding, dilation, groups)
    if 0 in ref.shape:  # no window fits: the model must refuse, naming the output size
        with pytest.raises(ValueError, match="output size"):
            conv2d(x, w, bias, stride, padding, dilation, groups)
        return
    y = conv2d(x, w, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y, ref)
    assert conv_output_hw(x.shape[2:], w.shape[2:], stride, padding, dilation) == ref.shape[2:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=conv_case())
def test_im2col_layout_matches_weight_reshape(case):
    x, w, _, stride, padding, dilation, groups = case
    B, C, H, W = x.shape
    O, Cg, KH, KW = w.shape
    try:
        M, K, N = conv_gemm_shape(C, O, (H, W), (KH, KW), stride, padding, dilation, groups)
    except ValueError as e:
        assert "output size" in str(e)
        with pytest.raises(ValueError, match="output size"):
            im2col(x, (KH, KW), stride, padding, dilation, groups)
        return
    assert (M, K) == (O // groups, C // groups * KH * KW)
    oh, ow = conv_output_hw((H, W), (KH, KW), stride, padding, dilation)
    assert N == oh * ow
    cols = im2col(x, (KH, KW), stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert cols.dtype == np.int8 and cols.shape == (B, groups, K, N)
    # every entry, by the documented index formula: k = (c*kh + i)*kw + j, n = oy*ow + ox
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    c, i, j, oy, ox = np.meshgrid(np.arange(Cg), np.arange(KH), np.arange(KW), np.arange(oh),
                                  np.arange(ow), indexing="ij")
    ry, rx = oy * sh + i * dh - ph, ox * sw + j * dw - pw
    inside = (ry >= 0) & (ry < H) & (rx >= 0) & (rx < W)
    k_idx, n_idx = ((c * KH + i) * KW + j), oy * ow + ox
    y = conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    for b in range(B):
        for g in range(groups):
            want = np.where(inside, x[b, g * Cg + c, ry.clip(0, H - 1), rx.clip(0, W - 1)], 0)
            np.testing.assert_array_equal(cols[b, g][k_idx, n_idx], want)
            Wg = w[g * M:(g + 1) * M].reshape(M, K).astype(np.int64)
            np.testing.assert_array_equal(Wg @ cols[b, g].astype(np.int64),
                                          y[b, g * M:(g + 1) * M].reshape(M, N))


@given(h=st.integers(1, 200), w=st.integers(1, 200))
@settings(max_examples=100, deadline=None)
def test_stride2_downsampler_matches_unet_mapping(h, w):
    """models.unet: a 3x3 / stride 2 / padding 1 downsampler makes ceil(h / 2)."""
    assert conv_output_hw((h, w), 3, 2, 1) == (-(-h // 2), -(-w // 2))
    assert conv_gemm_shape(320, 320, (h, w), 3, 2, 1) == (320, 2880, -(-h // 2) * -(-w // 2))
    assert conv_gemm_shape(32, 64, (h, w), 3, padding=1, groups=32) == (2, 9, h * w)


def test_pointwise_conv_is_one_gemm():
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, (1, 5, 3, 4), dtype=np.int8)
    w = rng.integers(-128, 128, (6, 5, 1, 1), dtype=np.int8)
    y = conv2d(x, w)
    np.testing.assert_array_equal(y[0].reshape(6, 12), gemm(w.reshape(6, 5), x[0].reshape(5, 12)))


# -- attention -----------------------------------------------------------------------------
@st.composite
def attn_case(draw):
    heads, dh = draw(st.integers(1, 4)), draw(st.integers(1, 8))
    sq, sk = draw(SMALL_DIMS), draw(SMALL_DIMS)
    q = draw(int8_array((sq, heads * dh)))
    k = draw(int8_array((sk, heads * dh)))
    v = draw(int8_array((sk, heads * dh)))
    return heads, dh, q, k, v


@PROPS
@given(case=attn_case(), data=st.data())
def test_attention_gemms_exact_vs_float(case, data):
    heads, dh, q, k, v = case
    sq, sk, d = q.shape[0], k.shape[0], q.shape[1]
    s = scores(q, k, heads)
    M, K, N = qk_gemm_shape(sq, sk, d, heads)
    assert (M, K, N) == (sk, dh, sq) and s.shape == (heads, M, N) and s.dtype == np.int32
    a = data.draw(int8_array((heads, sk, sq)), label="a")
    o = weighted_sum(a, v, heads)
    M2, K2, N2 = av_gemm_shape(sq, sk, d, heads)
    assert (M2, K2, N2) == (dh, sk, sq) and o.shape == (heads, M2, N2) and o.dtype == np.int32
    qf, kf, vf, af = (t.astype(np.float64) for t in (q, k, v, a))
    outs = []
    for h in range(heads):
        cols = slice(h * dh, (h + 1) * dh)
        S = qf[:, cols] @ kf[:, cols].T          # the usual [seq_q x seq_k]
        np.testing.assert_array_equal(s[h], S.T)
        O = af[h].T @ vf[:, cols]                 # A as [seq_q x seq_k] times V_h
        np.testing.assert_array_equal(o[h], O.T)
        outs.append(O)
    np.testing.assert_array_equal(merge_heads(o), np.concatenate(outs, axis=1))


@PROPS
@given(case=attn_case())
def test_attention_int8_pipeline_tracks_float_attention(case):
    heads, dh, q, k, v = case
    res = attention_int8(q, k, v, heads)
    sk = k.shape[0]
    assert res.out.shape == q.shape and res.out.dtype == np.int32
    assert res.a.dtype == np.int8 and res.a.min() >= 0 and res.a.max() <= 127
    for h in range(heads):
        cols = slice(h * dh, (h + 1) * dh)
        qf, kf, vf = (t[:, cols].astype(np.float64) for t in (q, k, v))
        z = qf @ kf.T / math.sqrt(dh)
        P = np.exp(z - z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)         # [seq_q x seq_k], rows sum to 1
        np.testing.assert_allclose(res.probs[h], P.T, rtol=0, atol=1e-9)
        assert np.all(np.abs(res.a[h] * A_SCALE - P.T) <= 0.5 * A_SCALE + 1e-9)
        # the integer part is exact given A; the whole is within A's rounding of float
        np.testing.assert_array_equal(res.out[:, cols],
                                      res.a[h].T.astype(np.int64) @ v[:, cols].astype(np.int64))
        err = np.abs(res.out[:, cols] * A_SCALE - P @ vf)
        assert np.all(err <= sk * 128 * 0.5 * A_SCALE + 1e-9)
    np.testing.assert_allclose(softmax(np.array([0.0, math.log(3.0)])), [0.25, 0.75])


# -- illegal arguments ---------------------------------------------------------------------
I8 = np.zeros((2, 3), dtype=np.int8)
X8 = np.zeros((3, 4), dtype=np.int8)
IMG = np.zeros((1, 6, 5, 5), dtype=np.int8)
KER = np.zeros((4, 6, 3, 3), dtype=np.int8)
Q = np.zeros((3, 8), dtype=np.int8)

BAD = {
    "gemm W float": (lambda: gemm(I8.astype(float), X8), ["W", "float64"]),
    "gemm W out of int8": (lambda: gemm(np.array([[1, 200, 3], [0, 0, 0]]), X8), ["W", "200", "(0, 1)"]),
    "gemm W 1-D": (lambda: gemm(np.zeros(3, np.int8), X8), ["W", "(3,)"]),
    "gemm X bool": (lambda: gemm(I8, X8.astype(bool)), ["X", "bool"]),
    "gemm K mismatch": (lambda: gemm(I8, np.zeros((2, 4), np.int8)), ["X", "(2, 4)"]),
    "gemm bias length": (lambda: gemm(I8, X8, [1, 2, 3]), ["bias", "(3,)"]),
    "gemm bias range": (lambda: gemm(I8, X8, [0, 1 << 31]), ["bias", "2147483648"]),
    "tiles tm": (lambda: list(tiles(4, 4, 4, 0, 1, 1)), ["tm", "0"]),
    "tiles M": (lambda: list(tiles(0, 4, 4, 1, 1, 1)), ["M", "0"]),
    "tiles tk float": (lambda: list(tiles(4, 4, 4, 1, 2.0, 1)), ["tk", "2.0"]),
    "tiles order": (lambda: list(tiles(4, 4, 4, 1, 1, 1, "mmk")), ["order", "'mmk'"]),
    "tile_count tn": (lambda: tile_count(4, 4, 4, 1, 1, -2), ["tn", "-2"]),
    "edge_sizes N": (lambda: edge_sizes(4, 4, True, 1, 1, 1), ["N", "True"]),
    "gemm_tiled tn": (lambda: gemm_tiled(I8, X8, tm=1, tk=1, tn=0), ["tn", "0"]),
    "gemm_tiled order": (lambda: gemm_tiled(I8, X8, tm=1, tk=1, tn=1, order="ws"), ["order", "'ws'"]),
    "requantize mult neg": (lambda: requantize([1], -1, 0), ["mult", "-1"]),
    "requantize mult big": (lambda: requantize([1], 1 << 31, 0), ["mult", "2147483648"]),
    "requantize shift big": (lambda: requantize([1], 1, 64), ["shift", "64"]),
    "requantize shift neg": (lambda: requantize([1], 1, -1), ["shift", "-1"]),
    "requantize acc range": (lambda: requantize([1 << 31], 1, 0), ["acc", "2147483648"]),
    "requantize acc float": (lambda: requantize([1.5], 1, 0), ["acc", "float64"]),
    "requantize mult per channel": (lambda: requantize(np.zeros((3, 2), np.int32), [1, 2], 0),
                                    ["mult", "(2,)", "3"]),
    "requantize axis": (lambda: requantize(np.zeros((3, 2), np.int32), 1, 0, axis=2), ["axis", "2"]),
    "quantize_multiplier neg": (lambda: quantize_multiplier(-0.5), ["real_scale", "-0.5"]),
    "quantize_multiplier nan": (lambda: quantize_multiplier(float("nan")), ["real_scale", "nan"]),
    "quantize_multiplier big": (lambda: quantize_multiplier(2.0 ** 31), ["real_scale", "2147483648"]),
    "quantize_multiplier str": (lambda: quantize_multiplier("x"), ["real_scale", "'x'"]),
    "conv groups in": (lambda: conv2d(IMG, np.zeros((4, 2, 3, 3), np.int8), groups=4),
                       ["groups", "in_channels=6", "4"]),
    "conv groups out": (lambda: conv2d(IMG, np.zeros((4, 3, 3, 3), np.int8), groups=3),
                        ["groups", "out_channels=4", "3"]),
    "conv groups zero": (lambda: conv2d(IMG, KER, groups=0), ["groups", "0"]),
    "conv stride": (lambda: conv2d(IMG, KER, stride=0), ["stride", "0"]),
    "conv stride pair": (lambda: conv2d(IMG, KER, stride=(1, -1)), ["stride[1]", "-1"]),
    "conv stride triple": (lambda: conv2d(IMG, KER, stride=(1, 1, 1)), ["stride", "(1, 1, 1)"]),
    "conv padding": (lambda: conv2d(IMG, KER, padding=-1), ["padding", "-1"]),
    "conv dilation": (lambda: conv2d(IMG, KER, dilation=0), ["dilation", "0"]),
    "conv output size": (lambda: conv2d(IMG, KER, dilation=3), ["output size", "(-1, -1)"]),
    "conv w channels": (lambda: conv2d(IMG, np.zeros((4, 5, 3, 3), np.int8)), ["w.shape", "(4, 5, 3, 3)"]),
    "conv bias": (lambda: conv2d(IMG, KER, bias=[1, 2]), ["bias", "(2,)"]),
    "conv x 3-D": (lambda: conv2d(IMG[0], KER), ["x", "(6, 5, 5)"]),
    "conv x range": (lambda: conv2d(IMG.astype(np.int16) - 129, KER), ["x", "-129"]),
    "conv_gemm_shape kernel": (lambda: conv_gemm_shape(6, 4, (5, 5), 0), ["kernel_size", "0"]),
    "conv_gemm_shape in_hw": (lambda: conv_gemm_shape(6, 4, (5, 0), 3), ["in_hw[1]", "0"]),
    "conv_output_hw empty": (lambda: conv_output_hw((2, 9), (3, 3)), ["output size", "(0, 7)"]),
    "im2col groups": (lambda: im2col(IMG, 3, groups=4), ["groups", "in_channels=6", "4"]),
    "im2col groups zero": (lambda: im2col(IMG, 3, groups=0), ["groups", "0"]),
    "im2col stride": (lambda: im2col(IMG, 3, stride=(2, 0)), ["stride[1]", "0"]),
    "scores heads": (lambda: scores(Q, Q, 3), ["heads", "d_model=8", "3"]),
    "scores heads zero": (lambda: scores(Q, Q, 0), ["heads", "0"]),
    "scores k d_model": (lambda: scores(Q, np.zeros((3, 4), np.int8), 2), ["k", "(3, 4)"]),
    "scores q range": (lambda: scores(Q.astype(np.int16) + 128, Q, 2), ["q", "128"]),
    "weighted_sum a shape": (lambda: weighted_sum(np.zeros((2, 4, 3), np.int8), Q, 2),
                             ["a", "(2, 4, 3)", "seq_k=3"]),
    "weighted_sum heads": (lambda: weighted_sum(np.zeros((5, 3, 3), np.int8), Q, 5),
                           ["heads", "d_model=8", "5"]),
    "attention v shape": (lambda: attention_int8(Q, Q, np.zeros((4, 8), np.int8), 2), ["v", "(4, 8)"]),
    "attention logit_scale": (lambda: attention_int8(Q, Q, Q, 2, logit_scale=float("inf")),
                              ["logit_scale", "inf"]),
    "qk_gemm_shape seq_q": (lambda: qk_gemm_shape(0, 4, 8, 2), ["seq_q", "0"]),
    "av_gemm_shape heads": (lambda: av_gemm_shape(4, 4, 8, 3), ["heads", "d_model=8", "3"]),
    "merge_heads ndim": (lambda: merge_heads(np.zeros((2, 3))), ["o_t", "(2, 3)"]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_illegal_argument_is_named(name):
    call, needles = BAD[name]
    with pytest.raises(ValueError) as e:
        call()
    for needle in needles:
        assert needle in str(e.value), (needle, str(e.value))
