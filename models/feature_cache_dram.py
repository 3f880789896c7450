"""Golden model of the feature cache's DRAM datapath (``BACKING=dram``).

Transaction level, one call per stored feature and per load, against a byte-addressed
memory (a ``bytearray``) and an error predicate ``err(addr) -> bool`` (the slave answers
SLVERR for a beat at that byte address).  The cycle-level structure is the design note
of :mod:`ip.feature_cache.dram_path`.

Store (base, cap, beats, drop).  ``drop`` (bad slot): nothing is written, code
BAD_SLOT.  Otherwise beat ``i < cap`` is written at ``base + i*B`` (unless the slave
refuses it: then it is not written and the code is AXI_ERR); beats from ``cap`` on are
discarded (code OVERFLOW unless AXI_ERR).  Nothing outside ``[base, base + cap*B)``
changes.  ``length`` = beats written = ``min(len(beats), cap)``.  The write commands
are ``CHUNK``-beat pieces at offsets 0, CHUNK, 2*CHUNK, ... and the tail.

Load (base, length).  Beats ``i < length`` are read at ``base + i*B``; from the first
refused beat on every beat is 0 and the code is AXI_ERR; exactly ``length`` beats are
delivered, the last with ``tlast``.
"""
from __future__ import annotations

from models.feature_cache import AXI_ERR, BAD_SLOT, OK, OVERFLOW  # noqa: F401 (re-exported)

PAGE = 4096


def store(mem: bytearray, base: int, cap: int, beats: list[int], data_bytes: int,
          err=lambda a: False, drop: bool = False) -> tuple[int, int]:
    """Apply one stored feature to ``mem``; return ``(code, length)``."""
    b = data_bytes
    base -= base % b
    if drop:
        return BAD_SLOT, 0
    n = min(len(beats), cap)
    bad = False
    for i in range(n):
        a = base + i * b
        if err(a):
            bad = True
            continue
        mem[a:a + b] = beats[i].to_bytes(b, "little")
    if bad:
        return AXI_ERR, n
    if len(beats) > cap:
        return OVERFLOW, n
    return OK, n


def write_commands(base: int, n: int, data_bytes: int, chunk: int) -> list[tuple[int, int]]:
    """The write commands ``(address, beats)`` of a store of ``n`` written beats."""
    base -= base % data_bytes
    return [(base + o * data_bytes, min(chunk, n - o)) for o in range(0, n, chunk)]


def load(mem: bytes, base: int, length: int, data_bytes: int,
         err=lambda a: False) -> tuple[int, list[int]]:
    """``(code, beats)`` of one load of ``length`` beats."""
    b = data_bytes
    base -= base % b
    out, code = [], OK
    for i in range(length):
        a = base + i * b
        if code == OK and err(a):
            code = AXI_ERR
        out.append(0 if code != OK else int.from_bytes(mem[a:a + b], "little"))
    return code, out


def crosses_page(base: int, n: int, data_bytes: int) -> bool:
    """The region of ``n`` beats at ``base`` crosses a 4 KiB boundary."""
    return n > 0 and base // PAGE != (base + n * data_bytes - 1) // PAGE
