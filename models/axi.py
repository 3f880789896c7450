"""Golden model of the RADACS AXI4 masters (``ip/axi``): the specification.

Command contract
----------------
A command ``(addr, row_bytes, rows, stride)`` moves ``rows`` rows of ``row_bytes``
bytes; row ``i`` starts at ``addr + i*stride`` (modulo 2**32).  With ``B =
DATA_BYTES``:

* **Bad command** (``status`` 1, no AXI transaction, no stream beat): ``rows == 0``,
  ``row_bytes == 0``, or ``addr`` or ``stride`` not a multiple of ``B``.
* **Beats.**  Each row is ``ceil(row_bytes / B)`` full-width beats at ``row + j*B``;
  beat ``j`` carries ``min(B, row_bytes - j*B)`` bytes of the row (the low lanes of a
  partial last beat; the write master's ``WSTRB`` enables exactly those).
* **Bursts** (:func:`bursts`): each row is cut into INCR bursts of
  ``min(MAX_BURST, beats left in the row, beats to the next 4 KiB boundary)`` beats,
  in address order, rows in order.  No burst crosses 4 KiB; no burst spans two rows.
* **Read stream**: the beats of every burst, in order, full width, ``tlast`` on the
  last beat of the command.  On the first beat answered with ``RRESP`` SLVERR (2) or
  DECERR (3) the stream stops: the beats before it come out, that beat and every
  later one are dropped, no ``tlast``; ``status`` is that response.
* **Write**: every ``s_axis`` beat of the command is consumed; the enabled bytes of
  every beat are written (a slave may refuse some: an error region); ``status`` is
  the first non-OKAY ``BRESP`` in burst order, else 0.
* **Status codes**: 0 OK, 1 bad command, 2 SLVERR, 3 DECERR.

Latencies (cycles; cycle 0 has ``cmd_valid && cmd_ready``), see :data:`LATENCY`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

PAGE = 4096
ADDR_MASK = 0xFFFFFFFF
ROW_MAX = (1 << 24) - 1
ST_OK, ST_BADCMD, ST_SLVERR, ST_DECERR = 0, 1, 2, 3

# Exact RTL latencies, used by the cost model (models.mmu rd(b)/wr(b)) and checked by
# AxiLatencyTest against AxiRam without pauses:
LATENCY = {
    # cmd handshake in cycle 0 -> first ARVALID/AWVALID high in cycle 2
    "cmd_to_avalid": 2,
    # R handshake in cycle c -> that beat on m_axis (tvalid) in cycle c + 1
    "r_to_tvalid": 1,
    # s_axis handshake in cycle c -> that beat on W (wvalid) in cycle c + 1
    "s_to_wvalid": 1,
    # last m_axis handshake (read) / last B handshake (write) in cycle c -> done in c + 2
    "last_to_done": 2,
    # bad command accepted in cycle 0 -> done (status 1) in cycle 1
    "bad_to_done": 1,
}


def check_config(data_bytes: int, max_burst: int, outstanding: int) -> None:
    """``ValueError`` naming the parameter and its value for an illegal configuration."""
    for name, v in (("DATA_BYTES", data_bytes), ("MAX_BURST", max_burst),
                    ("OUTSTANDING", outstanding)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"axi: {name} must be an integer, got {v!r}")
    if data_bytes not in (4, 8, 16, 32):
        raise ValueError(f"axi: DATA_BYTES must be a power of two in 4..32, got {data_bytes}")
    if not 1 <= max_burst <= 256:
        raise ValueError(f"axi: MAX_BURST must be in 1..256, got {max_burst}")
    if not 1 <= outstanding <= 16:
        raise ValueError(f"axi: OUTSTANDING must be in 1..16, got {outstanding}")


@dataclass(frozen=True)
class Command:
    addr: int
    row_bytes: int
    rows: int
    stride: int

    def __post_init__(self):
        for name, v, hi in (("addr", self.addr, ADDR_MASK), ("row_bytes", self.row_bytes, ROW_MAX),
                            ("rows", self.rows, ROW_MAX), ("stride", self.stride, ADDR_MASK)):
            if not 0 <= v <= hi:
                raise ValueError(f"axi: command {name} must be in 0..{hi:#x}, got {v:#x}")


def command_status(cmd: Command, data_bytes: int) -> int:
    """1 for a bad command, else 0 (before any response)."""
    if (cmd.rows == 0 or cmd.row_bytes == 0 or cmd.addr % data_bytes
            or cmd.stride % data_bytes):
        return ST_BADCMD
    return ST_OK


def row_addresses(cmd: Command) -> list[int]:
    return [(cmd.addr + i * cmd.stride) & ADDR_MASK for i in range(cmd.rows)]


def bursts(cmd: Command, data_bytes: int, max_burst: int) -> list[tuple[int, int]]:
    """The ``(address, beats)`` of every burst of a command, in issue order ([] if bad)."""
    check_config(data_bytes, max_burst, 1)
    if command_status(cmd, data_bytes) != ST_OK:
        return []
    out = []
    row_beats = -(-cmd.row_bytes // data_bytes)
    for row in row_addresses(cmd):
        a, left = row, row_beats
        while left:
            to_page = (PAGE - a % PAGE) // data_bytes
            n = min(max_burst, left, to_page)
            out.append((a, n))
            a = (a + n * data_bytes) & ADDR_MASK
            left -= n
    return out


@dataclass(frozen=True)
class Beat:
    addr: int        # address of the beat (B-aligned)
    nbytes: int      # bytes of the row it carries (1..B), in the low lanes
    last_of_burst: bool
    last_of_row: bool

    def strb(self) -> int:
        return (1 << self.nbytes) - 1


def beats(cmd: Command, data_bytes: int, max_burst: int) -> list[Beat]:
    """Every data beat of a command in bus order, with its burst/row position."""
    out = []
    row_beats = -(-cmd.row_bytes // data_bytes)
    j = 0  # beat index within the current row (bursts never span two rows)
    for baddr, n in bursts(cmd, data_bytes, max_burst):
        for t in range(n):
            nb = min(data_bytes, cmd.row_bytes - j * data_bytes)
            out.append(Beat((baddr + t * data_bytes) & ADDR_MASK, nb, t == n - 1,
                            j == row_beats - 1))
            j = 0 if j == row_beats - 1 else j + 1
    return out


def read_stream(cmd: Command, data_bytes: int, max_burst: int,
                read: Callable[[int, int], bytes],
                error_at: Callable[[int], int] = lambda a: ST_OK) -> tuple[int, list[tuple[int, bool]]]:
    """Expected ``(status, [(tdata, tlast), ...])`` of the read master.

    ``read(addr, n)`` gives memory bytes; ``error_at(addr)`` the response code of a beat
    at ``addr`` (0 OKAY, 2 SLVERR, 3 DECERR).
    """
    st = command_status(cmd, data_bytes)
    if st != ST_OK:
        return st, []
    bs = beats(cmd, data_bytes, max_burst)
    out = []
    for i, b in enumerate(bs):
        e = error_at(b.addr)
        if e != ST_OK:
            return e, out
        out.append((int.from_bytes(read(b.addr, data_bytes), "little"), i == len(bs) - 1))
    return ST_OK, out


def write_effect(cmd: Command, data_bytes: int, max_burst: int, data: Iterable[int],
                 error_at: Callable[[int], int] = lambda a: ST_OK) -> tuple[int, dict[int, int]]:
    """Expected ``(status, {address: byte})`` of the write master for the ``s_axis``
    beats ``data``: every enabled byte outside the error regions is written."""
    st = command_status(cmd, data_bytes)
    if st != ST_OK:
        return st, {}
    data = list(data)
    bs = beats(cmd, data_bytes, max_burst)
    if len(data) != len(bs):
        raise ValueError(f"axi: command needs {len(bs)} beats, got {len(data)}")
    mem: dict[int, int] = {}
    status = ST_OK
    burst_err = ST_OK
    for b, d in zip(bs, data):
        e = error_at(b.addr)
        if e != ST_OK:
            burst_err = burst_err or e
        else:
            raw = d.to_bytes(data_bytes, "little")
            for k in range(b.nbytes):
                mem[(b.addr + k) & ADDR_MASK] = raw[k]
        if b.last_of_burst:
            if burst_err and status == ST_OK:
                status = burst_err
            burst_err = ST_OK
    return status, mem


def stream_beats(cmd: Command, data_bytes: int) -> int:
    """Number of stream beats a command moves (0 for a bad command)."""
    if command_status(cmd, data_bytes) != ST_OK:
        return 0
    return cmd.rows * -(-cmd.row_bytes // data_bytes)
