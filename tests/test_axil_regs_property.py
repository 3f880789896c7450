"""Property mode of the AXI4-Lite register block: the MyHDL source against the register
model, cycle by cycle, for the MMU map and for an odd map (multi-bit W1P/W1C fields, a
register of W1P fields only, fields across byte lanes, non-zero resets, gaps), with
accesses and AW/W/B/AR/R delays drawn by Hypothesis (seeded by RADACS_SEED, shrinking
on failure)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ip.mmu.regmap import MMU_REGMAP, RegMap
from verif.axil_regs import myhdl_bench
from verif.axil_regs.myhdl_bench import ODD_REGMAP as ODD
from verif.axil_regs.checker import BuggyRegModel

DELAY = st.integers(0, 3)


def accesses(regmap: RegMap, addr_width: int):
    mapped = [r.offset for r in regmap]
    offsets = st.one_of(st.sampled_from(mapped), st.integers(0, (1 << addr_width) - 1))
    data = st.one_of(st.just(0), st.just(0xFFFFFFFF), st.integers(0, 2**32 - 1))
    write = st.tuples(st.just("w"), offsets, data, st.integers(0, 15), DELAY, DELAY, DELAY)
    read = st.tuples(st.just("r"), offsets, DELAY, DELAY)
    reset = st.tuples(st.just("reset"), st.integers(1, 3))
    return st.lists(st.one_of(write, write, read, read, reset), min_size=1, max_size=30)


@settings(max_examples=8, deadline=None)
@given(ops=accesses(ODD, 5), seed=st.integers(0, 2**16))
def test_odd_map_matches_the_model(ops, seed):
    res = myhdl_bench.run(ODD, ops, seed=seed, addr_width=5)
    assert res.mismatches() == []
    assert len(res.expected) == sum(op[0] in ("w", "r") for op in ops)


@settings(max_examples=3, deadline=None)
@given(ops=accesses(MMU_REGMAP, 8), seed=st.integers(0, 2**16))
def test_mmu_map_matches_the_model(ops, seed):
    res = myhdl_bench.run(MMU_REGMAP, ops, seed=seed)
    assert res.mismatches() == []


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(ops=accesses(ODD, 5), seed=st.integers(0, 2**16))
def test_odd_map_matches_the_model_deep(ops, seed):
    assert myhdl_bench.run(ODD, ops, seed=seed, addr_width=5).mismatches() == []


def test_bench_catches_a_wrong_model():
    """A partial write to an RW field, checked by a model that ignores WSTRB."""
    ops = [("w", 0x0C, 0xFFFFFFFF, 0xF, 0, 0, 0), ("w", 0x0C, 0, 0x2, 1, 0, 2),
           ("r", 0x0C, 0, 0)]
    res = myhdl_bench.run(ODD, ops, addr_width=5, model_cls=BuggyRegModel)
    bad = res.mismatches()
    assert any("mode_mode Expected" in m for m in bad), bad
    assert any(m.startswith("r #0: Expected") for m in bad), bad


def test_bench_reaches_every_field_behaviour_of_the_odd_map():
    """A fixed access list that closes every coverage event of the odd map (so the
    property tests above are known to be able to exercise each)."""
    ops = [("w", 0x0C, 0xFFFFFFFF, 0xF, 0, 2, 1), ("r", 0x0C, 0, 0),
           ("w", 0x0C, 0, 0x2, 2, 0, 0), ("w", 0x00, 0x207, 0xF, 0, 0, 0),
           ("r", 0x08, 0, 0), ("w", 0x08, 0xFFFFFFFF, 0xF, 0, 0, 0), ("r", 0x1C, 0, 3),
           ("w", 0x04, 1, 0xF, 0, 0, 0), ("r", 0x04, 0, 0), ("r", 0x00, 0, 0),
           ("w", 0x1C, 1, 0xF, 0, 0, 0)]
    res = myhdl_bench.run(ODD, ops, seed=3, addr_width=5, set_prob=0.3)
    assert res.mismatches() == []
    expected = {"CMD.read", "CMD.write", "IRQ.read", "IRQ.write", "MODE.read", "MODE.write",
                "MODE.write_partial", "TOP.read", "TOP.write", "pulse.cmd_go",
                "pulse.cmd_kick", "set.irq_src", "set.irq_one", "clear.irq_src",
                "clear.irq_one", "unmapped.read", "unmapped.write", "order.aw_first",
                "order.w_first", "order.together"}
    assert expected <= res.hits, expected - res.hits
