"""Exact cycle count of the HMMU RTL (ip/hmmu), the contract its simulation is held to.

Work in progress of issue 4: this is the cycle model of the *built* HMMU (controller in
``ip/hmmu/hmmu_core.py``, AXI masters in ``ip/axi``), measured against it and exact
for every shape tried (see tests/test_hmmu_smoke.py).  It refines the analytical HMMU
model of :mod:`models.mmu` (one port, weight-stationary, double-buffered stages) to the
real micro-architecture; ``models.mmu.cost`` is to be switched over to it together
with the LMMU's.

Units: ``R x C`` PE array, ``B = C`` bytes per AXI beat.  The count is the value of
the ``CYCLES`` register: the cycles the core is busy, from ``SETUP`` to ``DONE``.

Memory: ``mem_latency`` ``L`` = cycles from an accepted AR to its first R beat, and
``write_latency`` ``Lb`` = cycles from the last W beat of a burst to its B response.
cocotbext-axi's ``AxiRam`` without pauses has ``L = Lb = 2``; the AXI masters add
their documented latencies (``models.axi.LATENCY``).

Schedule (``KW = ceil(K/B)`` beats per W row, ``PL = max(K, R)`` cycles per pass,
``T = ceil(N/C)`` column tiles, blocks of ``rows = min(TILE_M, M - m0)`` rows with
``np = ceil(rows/R)`` passes)::

    total = sum over blocks [ NEXT (1, not for the first) + SETUP (1)
                              + rd(rows*KW) + rd(rows*16/B) (when bias or requant is on)
                              + rd(K)                                     pre-load
                              + sum_j stage_j + FLUSH (1) + EPI ] + DONE (1)

    rd(n)   = 7 + L + n        go (1), command handshake (1), command to AR (2), L,
                               n beats, last beat to done (2), done seen (1)
    stage_j = max(np*PL + 2,   compute: the passes of tile j
                  rd(K) if j+1 < T,           load of tile j+1
                  store(j-1) if j >= 1)       store of tile j-1

A store starts at cycle ``s`` (its stage's first cycle) and streams the tile's rows in
order.  Row ``i = p*R + r`` of a tile is in the output buffer at ``a_i = I + 9 + r``,
where ``I`` is the cycle the pass that ends pass ``p`` is issued: pass ``p+1`` of the
same tile (``S + 1 + (p+1)*PL`` for a tile computed in the stage starting at ``S``),
the next stage's first pass (``s + 1``) for the last pass, or the flush (``F``, the
``FLUSH`` cycle) for the last tile of a block; the 9 cycles are the buffer read (1),
the array's pipeline and swap (3), the shadow row (r), the output stage (3) and the
buffer write (2).  With ``nb = 1`` beat per int8 row or ``ceil(4c/B)`` per int32 row
of ``c`` columns, the row fetches are ``f_0 = max(a_0, s + 2)`` (the write master takes
data from its second cycle on) and ``f_i = max(a_i, f_{i-1} + nb)``, and

    store   = f_last + nb + 5 + Lb - s     (W register (1), Lb, B to done (2), done
                                            seen (1), next go (1))
    EPI     = store of the last tile with s = F + 1 and c = N - (T-1)*C.
"""
from __future__ import annotations

AXIRAM_LATENCY = 2        # cocotbext-axi AxiRam, no pauses: AR accepted -> first R beat
AXIRAM_WRITE_LATENCY = 2  # last W beat -> B response
P_RECORD_BYTES = 16


# The bus configurations the cycle model is validated for: reads stream back to back
# when a burst is at least 16 beats and 8 bursts may be in flight (AxiRam, L = 2).  With
# short bursts and one outstanding read (the 8x4 set: MAX_BURST 4, OUTSTANDING 1) the
# read master waits for each burst's last beat and the model under-predicts CYCLES.
MIN_MAX_BURST = 16
MIN_OUTSTANDING = 8


def cycle_exact(max_burst: int, outstanding: int) -> bool:
    """Whether :func:`counters`' timing terms (CYCLES, STALL_*) hold for a parameter set
    with these AXI settings (ACTIVE and the byte counts hold for any)."""
    return max_burst >= MIN_MAX_BURST and outstanding >= MIN_OUTSTANDING


def cdiv(a: int, b: int) -> int:
    return -(-a // b)


def check(M: int, K: int, N: int, tile_m: int, rows: int, cols: int) -> None:
    for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tile_m), ("ROWS", rows),
                    ("COLS", cols)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"hmmu: {name} must be an integer >= 1, got {v!r}")
    if tile_m % rows:
        raise ValueError(f"hmmu: TILE_M must be a multiple of ROWS={rows}, got {tile_m}")


def counters(M: int, K: int, N: int, tile_m: int, rows: int, cols: int, out_bytes: int,
             params_on: bool, mem_latency: int = AXIRAM_LATENCY,
             write_latency: int = AXIRAM_WRITE_LATENCY, steady: bool = False) -> dict:
    """The HMMU's performance counters for one command without memory pauses:
    ``CYCLES``, ``ACTIVE`` (cycles a pass feeds the array: ``K`` per pass),
    ``STALL_MEM`` (pre-loads, and per stage ``max(0, load - compute)``), ``STALL_OUT``
    (per stage ``max(0, store - max(load, compute))``, and the epilogue's store),
    ``RD_BYTES0`` and ``WR_BYTES0`` (bytes moved on the port: beats x ``B``).  With
    ``steady``, also ``STEADY_CYCLES``: the stages only (no pre-load, flush, epilogue
    or block switch), the "pipeline full" time of the utilisation target."""
    check(M, K, N, tile_m, rows, cols)
    if out_bytes not in (1, 4):
        raise ValueError(f"hmmu: OUT_BYTES must be 1 or 4, got {out_bytes!r}")
    R, C, B = rows, cols, cols
    L, Lb = mem_latency, write_latency
    KW, PL, T = cdiv(K, B), max(K, R), cdiv(N, C)

    def rd(n: int) -> int:
        return 7 + L + n

    def row_beats(c: int) -> int:
        return 1 if out_bytes == 1 else cdiv(4 * c, B)

    total = active = stall_mem = stall_out = rd_bytes = wr_bytes = steady_cycles = 0
    for m0 in range(0, M, tile_m):
        nrows = min(tile_m, M - m0)
        npass = cdiv(nrows, R)

        def avail(S: int, last_issue: int) -> list[int]:
            out = []
            for i in range(nrows):
                p, r = divmod(i, R)
                issue = S + 1 + (p + 1) * PL if p < npass - 1 else last_issue
                out.append(issue + 9 + r)
            return out

        def store(s: int, a: list[int], c: int) -> int:
            nb = row_beats(c)
            f = max(a[0], s + 2)
            for ai in a[1:]:
                f = max(ai, f + nb)
            return f + nb + 5 + Lb - s

        pre = rd(nrows * KW) + rd(K)
        rd_bytes += nrows * KW * B + K * B * T
        if params_on:
            pre += rd(nrows * P_RECORD_BYTES // B)
            rd_bytes += nrows * P_RECORD_BYTES
        total += (1 if m0 else 0) + 1 + pre
        stall_mem += pre
        active += npass * K * T
        wr_bytes += nrows * B * (row_beats(C) * (T - 1) + row_beats(N - (T - 1) * C))
        t, starts = 0, []
        for j in range(T):
            starts.append(t)
            comp = npass * PL + 2
            load = rd(K) if j + 1 < T else 0
            st = store(t, avail(starts[j - 1], t + 1), C) if j >= 1 else 0
            stall_mem += max(0, load - comp)
            stall_out += max(0, st - max(load, comp))
            t += max(comp, load, st)
        flush = t
        steady_cycles += t
        epi = store(flush + 1, avail(starts[-1], flush), N - (T - 1) * C)
        stall_out += epi
        total += t + 1 + epi
    out = {"CYCLES": total + 1, "ACTIVE": active, "STALL_MEM": stall_mem,
           "STALL_OUT": stall_out, "RD_BYTES0": rd_bytes, "WR_BYTES0": wr_bytes}
    if steady:
        out["STEADY_CYCLES"] = steady_cycles
    return out


def cycles(M: int, K: int, N: int, tile_m: int, rows: int, cols: int, out_bytes: int,
           params_on: bool, mem_latency: int = AXIRAM_LATENCY,
           write_latency: int = AXIRAM_WRITE_LATENCY) -> int:
    """The HMMU's ``CYCLES`` for one command (see the module docstring)."""
    return counters(M, K, N, tile_m, rows, cols, out_bytes, params_on, mem_latency,
                    write_latency)["CYCLES"]


def capacity(rows: int, cols: int, wbuf_bytes: int, xbuf_bytes: int,
             obuf_bytes: int) -> dict:
    """The HMMU's buffer limits (ip/hmmu): ``max_k`` (an X half), ``max_tile_m`` (an
    output half), ``wbank_words`` (words per W bank)."""
    return {"max_k": xbuf_bytes // (2 * cols), "max_tile_m": obuf_bytes // (8 * cols),
            "wbank_words": wbuf_bytes // (rows * cols)}


def fits(K: int, tile_m: int, rows: int, cols: int, wbuf_bytes: int, xbuf_bytes: int,
         obuf_bytes: int) -> bool:
    """Whether the HMMU accepts ``K`` with blocks of ``tile_m`` rows (its ERR_CAPACITY
    rule): ``K`` fits an X half, ``tile_m`` is a multiple of ROWS that fits an output
    half, and a block of ``tile_m / ROWS`` rows of ``ceil(K / B)`` words fits a W bank."""
    cap = capacity(rows, cols, wbuf_bytes, xbuf_bytes, obuf_bytes)
    return (1 <= K <= cap["max_k"] and tile_m >= rows and tile_m % rows == 0
            and tile_m <= cap["max_tile_m"]
            and (tile_m // rows) * cdiv(K, cols) <= cap["wbank_words"])


def choose_tile_m(M: int, K: int, rows: int, cols: int, wbuf_bytes: int, xbuf_bytes: int,
                  obuf_bytes: int) -> int | None:
    """The block height the host programs in ``TILE_M``: the largest multiple of ROWS
    that fits (:func:`fits`), capped at ``ROWS * ceil(M / ROWS)`` and then balanced
    over the blocks (as models.mmu does); ``None`` when not even ``ROWS`` rows fit."""
    cap = capacity(rows, cols, wbuf_bytes, xbuf_bytes, obuf_bytes)
    if not 1 <= K <= cap["max_k"]:
        return None
    units = min(cap["max_tile_m"] // rows, cap["wbank_words"] // cdiv(K, cols),
                cdiv(M, rows))
    if units < 1:
        return None
    nb = cdiv(cdiv(M, rows), units)
    return rows * cdiv(cdiv(M, rows), nb)
