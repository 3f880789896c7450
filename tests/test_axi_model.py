"""Properties of the AXI masters' golden model (models/axi.py): the burst splitter
never crosses 4 KiB, covers exactly the rows' beats, respects MAX_BURST; the read
stream and the write effect follow from it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import axi as model

B = st.sampled_from([4, 8, 16, 32])
MB = st.integers(1, 256)


@st.composite
def good_commands(draw):
    b = draw(B)
    addr = draw(st.integers(0, (1 << 32) // b - 1)) * b
    row_bytes = draw(st.one_of(st.integers(1, 3 * b), st.integers(1, 20000)))
    rows = draw(st.integers(1, 6))
    stride = draw(st.integers(0, (1 << 32) // b - 1)) * b
    return b, model.Command(addr, row_bytes, rows, stride)


@settings(max_examples=300, deadline=None)
@given(good_commands(), MB)
def test_bursts_cover_rows_exactly_never_cross_4k_never_exceed_max_burst(bc, mb):
    b, cmd = bc
    bursts = model.bursts(cmd, b, mb)
    for a, n in bursts:
        assert 1 <= n <= mb
        assert a % b == 0
        assert a % 4096 + n * b <= 4096, "burst crosses a 4 KiB boundary"
    # Concatenated, the bursts are exactly the rows' beat addresses, in order.
    got = [(a + j * b) & model.ADDR_MASK for a, n in bursts for j in range(n)]
    row_beats = -(-cmd.row_bytes // b)
    want = [(r + j * b) & model.ADDR_MASK for r in model.row_addresses(cmd)
            for j in range(row_beats)]
    assert got == want
    # A burst is cut only where it must be: at a row end, MAX_BURST or 4 KiB.
    k = 0
    for a, n in bursts:
        k += n
        end = (a + n * b) & model.ADDR_MASK
        assert n == mb or end % 4096 == 0 or k % row_beats == 0


@settings(max_examples=200, deadline=None)
@given(good_commands(), MB)
def test_beats_carry_exactly_the_row_bytes(bc, mb):
    b, cmd = bc
    beats = model.beats(cmd, b, mb)
    assert len(beats) == model.stream_beats(cmd, b)
    per_row = -(-cmd.row_bytes // b)
    for r in range(cmd.rows):
        row = beats[r * per_row:(r + 1) * per_row]
        assert sum(x.nbytes for x in row) == cmd.row_bytes
        assert row[-1].last_of_row and row[-1].last_of_burst
        assert all(x.nbytes == b for x in row[:-1])
        assert row[-1].strb() == (1 << (cmd.row_bytes - (per_row - 1) * b)) - 1
    assert sum(x.last_of_burst for x in beats) == len(model.bursts(cmd, b, mb))


@pytest.mark.parametrize("cmd", [
    model.Command(0x100, 16, 0, 64), model.Command(0x100, 0, 2, 64),
    model.Command(0x104, 16, 2, 64), model.Command(0x100, 16, 2, 68)])
def test_bad_commands_have_status_1_and_no_burst(cmd):
    assert model.command_status(cmd, 8) == model.ST_BADCMD
    assert model.bursts(cmd, 8, 16) == []
    assert model.read_stream(cmd, 8, 16, lambda a, n: bytes(n)) == (model.ST_BADCMD, [])
    assert model.write_effect(cmd, 8, 16, []) == (model.ST_BADCMD, {})


def test_command_fields_are_range_checked():
    with pytest.raises(ValueError, match=r"axi: command row_bytes must be in 0..0xffffff"):
        model.Command(0, 1 << 24, 1, 0)
    with pytest.raises(ValueError, match=r"axi: command addr must be in 0..0xffffffff"):
        model.Command(1 << 32, 1, 1, 0)


def test_known_split_across_4k_and_max_burst():
    # Row of 20 bytes at 0xFF0, B = 8: 2 beats to the boundary, 1 after it; rows 4 KiB apart.
    cmd = model.Command(0xFF0, 20, 2, 0x1000)
    assert model.bursts(cmd, 8, 16) == [(0xFF0, 2), (0x1000, 1), (0x1FF0, 2), (0x2000, 1)]
    # MAX_BURST = 256 with B = 32 is cut at 4 KiB (128 beats) first.
    assert model.bursts(model.Command(0, 8192, 1, 0), 32, 256) == [(0, 128), (4096, 128)]
    # Addresses wrap modulo 2**32.
    assert model.bursts(model.Command(0xFFFFFFF8, 16, 1, 0), 8, 16) == [(0xFFFFFFF8, 1), (0, 1)]


@settings(max_examples=100, deadline=None)
@given(good_commands(), MB, st.integers(0, 3))
def test_read_stream_stops_at_first_error_and_write_reports_it(bc, mb, region):
    b, cmd = bc
    beats = model.beats(cmd, b, mb)
    bad = {x.addr for i, x in enumerate(beats) if region and i % 7 == region}
    code = lambda a: model.ST_DECERR if a in bad else model.ST_OK  # noqa: E731
    st_, out = model.read_stream(cmd, b, mb, lambda a, n: bytes(n), code)
    first = next((i for i, x in enumerate(beats) if x.addr in bad), None)
    if first is None:
        assert st_ == model.ST_OK and len(out) == len(beats) and out[-1][1]
    else:
        assert st_ == model.ST_DECERR and len(out) == first and not any(t for _, t in out)
    wst, mem = model.write_effect(cmd, b, mb, [0] * len(beats), code)
    assert wst == (model.ST_OK if first is None else model.ST_DECERR)
    assert not any(a - a % b in bad for a in mem)
