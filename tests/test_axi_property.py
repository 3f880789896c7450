"""Property mode: the AXI masters' MyHDL source against models/axi.py in MyHDL's
simulator (verif/axi/myhdl_bench.py), Hypothesis-drawn commands, stall rates and
error regions; a failure shrinks to a minimal command."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import axi as model
from verif.axi import myhdl_bench

MEM = 1 << 14
SETS = [{"KIND": k, "DATA_BYTES": b, "MAX_BURST": mb, "OUTSTANDING": o}
        for k in ("rd", "wr") for (b, mb, o) in ((4, 1, 1), (8, 5, 3))]


@st.composite
def commands(draw, b):
    out = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 9)) == 0:  # a bad command now and then
            out.append(model.Command(draw(st.integers(0, 64)), draw(st.integers(0, 9)),
                                     draw(st.integers(0, 2)), draw(st.integers(0, 64))))
            continue
        rb = draw(st.integers(1, 5 * b + 3))
        rows = draw(st.integers(1, 3))
        stride = draw(st.integers(0, 80)) * b
        addr = draw(st.sampled_from([0x1000 - 2 * b, 0x800, 0x2000 - b, 0]))
        out.append(model.Command(addr + draw(st.integers(0, 3)) * b, rb, rows, stride))
    return out


def _check(params, cmds, seed, stall, err):
    b, mb = params["DATA_BYTES"], params["MAX_BURST"]
    rng = random.Random(seed)
    mem = bytearray(rng.randbytes(MEM))
    before = bytes(mem)
    res, datas = myhdl_bench.run(params, cmds, mem, seed=seed, stall=stall, err=err)
    assert len(res) == len(cmds), "a command never finished"
    code = lambda a: model.ST_SLVERR if a // 256 in err else 0  # noqa: E731
    expect = bytearray(before)
    for c, (st_, beats), data in zip(cmds, res, datas):
        if params["KIND"] == "rd":
            assert (st_, beats) == model.read_stream(c, b, mb, lambda a, n: before[a:a + n], code), c
        else:
            est, wmem = model.write_effect(c, b, mb, data, code)
            assert st_ == est, c
            for a, v in wmem.items():
                expect[a] = v
    assert bytes(mem) == bytes(expect)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SETS), st.data(), st.integers(0, 2**31), st.sampled_from([0.0, 0.3, 0.7]),
       st.sampled_from([frozenset(), frozenset({8}), frozenset({16, 31})]))
def test_rtl_matches_model(params, data, seed, stall, err):
    cmds = data.draw(commands(params["DATA_BYTES"]))
    _check(params, cmds, seed, stall, err)


def test_bench_catches_a_wrong_model():
    """The comparison can fail: a model with the wrong stride disagrees with the RTL."""
    p = SETS[3]  # wr, B = 8
    c = model.Command(0x800, 20, 3, 64)
    mem = bytearray(MEM)
    res, datas = myhdl_bench.run(p, [c], mem, seed=3)
    _, wmem = model.write_effect(model.Command(0x800, 20, 3, 72), 8, 5, datas[0])
    assert any(mem[a] != v for a, v in wmem.items())


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SETS), st.data(), st.integers(0, 2**31), st.sampled_from([0.0, 0.3, 0.7]),
       st.sampled_from([frozenset(), frozenset({8}), frozenset({16, 31})]))
def test_rtl_matches_model_deep(params, data, seed, stall, err):
    cmds = data.draw(commands(params["DATA_BYTES"]))
    _check(params, cmds, seed, stall, err)
