"""The MMU register map (ip/mmu/regmap.py): the table's validation, the documentation
copy, and the register model's access semantics (Hypothesis)."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ip.mmu import regmap as rm
from ip.mmu.regmap import MMU_REGMAP, Field, RegMap, RegModel, Register

DOC = Path(__file__).resolve().parents[1] / "docs" / "mmu-architecture.md"


def _regs(**changes):
    """A small valid table, with one register replaced by ``changes`` (name -> Register)."""
    base = {
        "A": Register("A", 0x0, "a", (Field("x", 0, 8, "RW"), Field("p", 8, 1, "W1P"),
                                      Field("s", 9, 2, "W1C"))),
        "B": Register("B", 0x4, "b", (Field("b", 0, 32, "RO"),)),
    }
    base.update(changes)
    return list(base.values())


def test_small_table_is_valid():
    m = RegMap("t", _regs())
    assert [p.name for p in m.hw_ports()] == ["a_x", "a_p", "a_s", "a_s_set", "b"]
    assert m.at(0x5) is m["B"] and m.at(0x8) is None


@pytest.mark.parametrize("changes,message", [
    ({"B": Register("B", 0x0, "b", (Field("b", 0, 32, "RO"),))}, "offset 0x0 overlaps register A"),
    ({"B": Register("B", 0x6, "b", (Field("b", 0, 32, "RO"),))}, "multiple of 4, got 0x6"),
    ({"B": Register("B", -4, "b", (Field("b", 0, 32, "RO"),))}, "non-negative"),
    ({"B": Register("B", 0x4, "b", (Field("b", 1, 32, "RO"),))}, r"bits \[32:1\] do not fit"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 0, "RO"),))}, "width must be >= 1"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 8, "RO"), Field("c", 7, 2, "RW")))},
     r"bits \[8:7\] overlap field b"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 8, "XX"),))}, "access must be one of"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 4, "RW", 16),))}, "reset 16 does not fit"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 4, "W1P", 1),))}, "W1P field must reset to 0"),
    ({"B": Register("B", 0x4, "b", ())}, "has no fields"),
    ({"B": Register("B", 0x4, "b", (Field("b", 0, 4, "RO"), Field("b", 4, 4, "RO")))},
     "duplicate field name"),
    ({"B": Register("A", 0x4, "b", (Field("b", 0, 4, "RO"),))}, "duplicate register name"),
    ({"B": Register("B", 0x4, "b", (Field("Big", 0, 4, "RO"),))}, "lower-case"),
    ({"B": Register("A", 0x4, "b", (Field("x", 0, 4, "RO"),))}, "duplicate register name"),
    ({"B": Register("CLK", 0x4, "b", (Field("clk", 0, 1, "RO"),))}, "'clk' is reserved"),
    ({"B": Register("A_S", 0x4, "b", (Field("set", 0, 1, "RO"),))}, "'a_s_set' clashes"),
])
def test_bad_tables_raise_value_error_naming_the_problem(changes, message):
    with pytest.raises(ValueError, match=message):
        RegMap("t", _regs(**changes))


def test_empty_table_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        RegMap("t", [])


def test_mmu_map_offsets_and_error_codes():
    offs = {r.name: r.offset for r in MMU_REGMAP}
    assert offs == {"CTRL": 0x00, "STATUS": 0x04, "CFG": 0x08, "HWCFG": 0x0C, "M": 0x10,
                    "K": 0x14, "N": 0x18, "TILE_M": 0x1C, "W_ADDR": 0x20, "W_STRIDE": 0x24, "X_ADDR": 0x28,
                    "X_STRIDE": 0x2C, "Y_ADDR": 0x30, "Y_STRIDE": 0x34, "P_ADDR": 0x38, "TILE_N": 0x3C,
                    "CYCLES": 0x40, "ACTIVE": 0x44, "STALL_MEM": 0x48, "STALL_OUT": 0x4C,
                    "RD_BYTES0": 0x50, "RD_BYTES1": 0x54, "WR_BYTES0": 0x58,
                    "WR_BYTES1": 0x5C, "TILE_K": 0x60}
    assert (rm.ERR_NONE, rm.ERR_ZERO_DIM, rm.ERR_CAPACITY, rm.ERR_MISALIGNED,
            rm.ERR_START_BUSY, rm.ERR_AXI_READ, rm.ERR_AXI_WRITE,
            rm.ERR_ABORTED) == tuple(range(8))
    assert sorted(rm.ERROR_CODES) == list(range(8))
    # STATUS.error holds every code.
    assert max(rm.ERROR_CODES) < 1 << MMU_REGMAP["STATUS"].field("error").width
    for name in ("M", "K", "N", "TILE_M"):
        assert MMU_REGMAP[name].fields[0].width == 24


@pytest.mark.parametrize("doc", [DOC, DOC.parents[1] / "ip" / "hmmu" / "README.md",
                                 DOC.parents[1] / "ip" / "lmmu" / "README.md"],
                         ids=lambda p: p.parent.name + "/" + p.name)
def test_docs_table_is_the_generated_one(doc):
    text = doc.read_text()
    m = re.search(r"<!-- regmap-table:begin -->\n(.*?)<!-- regmap-table:end -->", text, re.S)
    assert m, f"{doc} lacks the regmap-table markers"
    assert m.group(1) == rm.markdown_table(MMU_REGMAP), \
        "regenerate with: python -c 'from ip.mmu.regmap import *; print(markdown_table(MMU_REGMAP))'"


def test_markdown_table_rows():
    t = rm.markdown_table(RegMap("t", _regs()))
    assert t.splitlines()[2] == "| 0x00 | A | 0x00000000 | `x` RW [7:0], `p` W1P [8], `s` W1C [10:9] |"
    assert len(t.splitlines()) == 4


# --- the model's semantics -----------------------------------------------------------------

SMALL = RegMap("t", _regs())
OPS = st.lists(st.one_of(
    st.tuples(st.just("write"), st.sampled_from([0, 1, 2, 3, 4, 8]), st.integers(0, 2**32 - 1),
              st.integers(0, 15)),
    st.tuples(st.just("set"), st.integers(0, 3)),
    st.tuples(st.just("input"), st.integers(0, 2**32 - 1)),
    st.tuples(st.just("reset"),),
), max_size=40)


def _lanes(strb):
    return sum(0xFF << 8 * i for i in range(4) if strb >> i & 1)


@settings(max_examples=200, deadline=None)
@given(OPS)
def test_model_access_semantics(ops):
    m = RegModel(SMALL)
    x = s = 0
    b = 0
    for op in ops:
        if op[0] == "write":
            _, off, data, strb = op
            resp, pulses = m.write(off, data, strb)
            lanes = _lanes(strb)
            if off & ~3 == 0:
                assert resp == rm.RESP_OKAY
                x = (x & ~lanes & 0xFF) | (data & lanes & 0xFF)
                s &= ~((data & lanes) >> 9) & 3
                p = (data & lanes) >> 8 & 1
                assert pulses == ({"a_p": 1} if p else {})
            elif off & ~3 == 4:
                assert resp == rm.RESP_OKAY and pulses == {}   # RO: ignored
            else:
                assert resp == rm.RESP_SLVERR and pulses == {}
        elif op[0] == "set":
            m.hw_set("a_s", op[1])
            s |= op[1]
        elif op[0] == "input":
            m.set_input("b", op[1])
            b = op[1]
        else:
            m.reset()
            x = s = 0   # RO inputs are the hardware's: a reset keeps them
        assert m.read(0) == (x | s << 9, rm.RESP_OKAY)     # W1P reads 0
        assert m.read(2) == m.read(0)                         # bits [1:0] ignored
        assert m.read(4) == (b, rm.RESP_OKAY)
        assert m.read(8) == (0, rm.RESP_SLVERR)
        assert m.outputs() == {"a_x": x, "a_s": s}


@given(st.integers(0, 15), st.integers(0, 2**32 - 1))
def test_full_word_write_read_back_for_every_rw_register(strb, data):
    m = RegModel(MMU_REGMAP)
    for r in MMU_REGMAP:
        m.write(r.offset, data, strb)
        exp = 0
        for f in r.fields:
            if f.access == "RW":
                exp |= data & _lanes(strb) & f.mask
        assert m.read(r.offset)[0] == exp, r.name


def test_model_rejects_unknown_ports():
    m = RegModel(MMU_REGMAP)
    with pytest.raises(KeyError):
        m.set_input("m", 1)           # RW, not an input
    with pytest.raises(KeyError):
        m.hw_set("status_busy", 1)    # RO, not W1C
    with pytest.raises(KeyError):
        m.get("nope")
    assert replace(MMU_REGMAP["M"].fields[0], reset=3).mask == 0xFFFFFF
