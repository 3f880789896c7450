"""Exact cycle count of the LMMU RTL (ip/lmmu), the contract its simulation is held to.

The cycle model of the *built* LMMU (controller in
``ip/lmmu/lmmu_core.py``, whose design note states the stage rules used here; AXI
masters in ``ip/axi``), measured against it (tests/test_lmmu_rtl_model.py, ``radacs
bench mmu --ip lmmu``).  It refines the analytical LMMU model of :mod:`models.mmu`
(output-stationary, two ports, double-buffered K chunks) to the real
micro-architecture.

Units: ``R x C`` PE array, ``B = C`` bytes per AXI beat, memory latencies ``L``
(``mem_latency``: accepted AR -> first R beat) and ``Lb`` (``write_latency``: last W
beat -> B response); cocotbext-axi's ``AxiRam`` without pauses has ``L = Lb = 2``.
Cycle 0 is the first busy cycle (``start`` was seen in cycle -1); the count is the
``CYCLES`` register, the busy cycles.

Command
-------
The output tiles ``t`` (rows ``rows_t = min(TILE_M, M - m0)``, columns ``cols_t =
min(TILE_N, N - n0)``, ``ncg = ceil(cols_t / C)`` column groups) in order ``m0`` outer,
``n0`` inner; each is computed as chunks ``g`` (global index, in order) of ``k_g =
min(TILE_K, K - k0)``, ``kw = ceil(k_g / B)``.  A chunk is ``np = ceil(rows_t / R) x
ncg`` passes ``(i, jn)`` (``i`` outer) of ``pl = max(k_g, R)`` issue cycles, ``k_g``
of them active.

Loads (two read ports in parallel; a port's command accepted in cycle ``h`` is done in
``h + L + n + 4`` for ``n`` beats, as both bursts and short rows stream back to back
with ``MAX_BURST >= 16`` and ``OUTSTANDING >= 8``)::

    w_g   = first cycle >= (4 if g = 0 else D_{g-1} + 5) with
              chunk g-2's last issue cycle < w_g            (its half is free)
              P_{g-1} < w_g                                 (port 0 idle)
              chunk 0 of a tile t with P: E_{t-2} < w_g     (its P half is free)
    W_g   = w_g + 2 + L + rows_t*kw + 4                     W done  (port 0)
    X_g   = w_g + 2 + L + k_g*ncg + 4                       X done  (port 1)
    D_g   = max(W_g, X_g);  ready from D_g + 2
    P_g   = W_g + 1 + L + rows_t*16/B + 4                   P done, chunk 0 with P only

Compute (one pass at a time; a *decision* is taken in a pass's last issue cycle and in
every idle cycle from cycle 2 on; a pass decided in ``c`` starts in ``c+1``).  The next
pass may start when: it is in the running chunk, or its chunk is ready; a pass ``(i,
jn)`` of a tile's first chunk (not also its last), while the previous tile's store is
fetching: that store has fetched ``(i+1)*R*ncg`` entries before ``c``; the first pass
of a tile's last chunk: the previous store's ``wr1_done`` was before ``c``; ``c -
(last swap) >= R - 1``.  A pass's in_first *swaps* the previous pass out of the array
(cycle ``I``); an idle cycle that is not waiting for a load and starts nothing
*flushes* (also a swap).  The swapped pass's row ``r`` is written to the output buffer
in ``I + 5 + r``, and, for a chunk other than a tile's first, its drain reads the buffer
in ``I + 4 + r``.

Store of tile ``t`` (launched in the first issue cycle ``f`` of its last chunk): entry
``e`` (``e = m*ncg + jn``) is fetched in the first cycle ``c > max(f, e_{-1})``
(one a cycle, in order) with: the swap ``I`` of the last chunk's pass ``(m // R,
ncg-1)`` has ``I + R + 5 <= c``; no drain read in ``c``; at most 7 entries fetched and
not yet sent (the 8-entry FIFO); the tile's P records in (``P < c``).  Its beats (one an
int8 entry; four an int32 entry, ``ceil(4*c_last/B)`` for the last group of a row) go
out back to back from ``c + 5``; the store ends (``wr1_done``) in ``E_t = last beat + 5
+ (Lb - 2)``.

    CYCLES    = E_last + 3
    ACTIVE    = sum over passes of k_g
    STALL_MEM = idle cycles (from 2 on) waiting for a chunk that is not ready
    STALL_OUT = other idle cycles without a start, up to E_last (store waits, flushes)
    RD_BYTES0 = B * sum_g rows_t*kw + 16 * M * T_n (P, when bias or requant is on)
    RD_BYTES1 = B * sum_g k_g*ncg
    WR_BYTES1 = B * sum_t rows_t * (ncg (int8) or 4*(ncg-1) + ceil(4*c_last/B) (int32))

One outstanding burst (``OUTSTANDING = 1``, e.g. the 8x4 set with ``MAX_BURST = 4``):
a read master issues a burst's AR only after the previous burst's last R beat, so a
read of ``nb`` bursts is done ``(nb - 1) * (L + 1)`` cycles later than above; a write
burst's first beat waits for the previous burst's B response: it goes out at least
``3 + Lb`` cycles after the previous burst's last beat.  The bursts are those of
``models.axi.bursts`` (rows cut at ``MAX_BURST`` beats and at 4 KiB boundaries: the
4 KiB splits depend on the addresses, given as ``layout``).

The model is this schedule executed event by event (:func:`counters`); with ``steady``
it also returns ``STEADY_CYCLES``: the cycles from the first pass's first issue cycle
to the last pass's last, stalls in between included (the "pipeline full" time of the
utilisation target: only the first load and the final flush and store are left out).
"""
from __future__ import annotations

from collections import deque

from models.hmmu_rtl import AXIRAM_LATENCY, AXIRAM_WRITE_LATENCY

P_RECORD_BYTES = 16
FIFO_DEPTH = 8
DIM_MAX = (1 << 24) - 1

# The bus configurations the timing terms are validated for: reads and writes stream
# back to back when a burst may be 16 beats and 8 bursts may be in flight (as the
# HMMU's); with one outstanding burst per master (the 8x4 set: MAX_BURST 4,
# OUTSTANDING 1) every burst waits for the previous one, which counters() counts when
# told (max_burst, outstanding, layout).  In between (2..7 outstanding, or shorter
# bursts with 8 or more outstanding) the timing has not been measured.
MIN_MAX_BURST = 16
MIN_OUTSTANDING = 8


def cycle_exact(max_burst: int, outstanding: int) -> bool:
    """Whether :func:`counters`' timing terms (CYCLES, STALL_*, STEADY_CYCLES) hold for
    a parameter set with these AXI settings, given to it as ``max_burst`` and
    ``outstanding`` (ACTIVE and the byte counts hold for any)."""
    return (max_burst >= MIN_MAX_BURST and outstanding >= MIN_OUTSTANDING) \
        or outstanding == 1


def cdiv(a: int, b: int) -> int:
    return -(-a // b)


def _int(name: str, v, lo: int = 1, hi: int = DIM_MAX) -> None:
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise ValueError(f"lmmu: {name} must be an integer in {lo}..{hi}, got {v!r}")


def check(M: int, K: int, N: int, tile_m: int, tile_n: int, tile_k: int, rows: int,
          cols: int) -> None:
    """``ValueError`` naming the first bad argument: every dimension a positive 24-bit
    integer, ROWS in 2..32, COLS (= B) in 4, 8, 16, 32, ``tile_m`` a multiple of ROWS,
    ``tile_n`` of COLS, ``tile_k`` of B unless ``tile_k >= K``."""
    for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tile_m), ("TILE_N", tile_n),
                    ("TILE_K", tile_k)):
        _int(name, v)
    _int("ROWS", rows, 2, 32)
    if cols not in (4, 8, 16, 32) or isinstance(cols, bool):
        raise ValueError(f"lmmu: COLS must be 4, 8, 16 or 32, got {cols!r}")
    if tile_m % rows:
        raise ValueError(f"lmmu: TILE_M must be a multiple of ROWS={rows}, got {tile_m}")
    if tile_n % cols:
        raise ValueError(f"lmmu: TILE_N must be a multiple of COLS={cols}, got {tile_n}")
    if tile_k % cols and tile_k < K:
        raise ValueError(f"lmmu: TILE_K must be a multiple of B={cols} or >= K={K}, "
                         f"got {tile_k}")


def _chunks(M, K, N, tm, tn, tk, R, C):
    """(tiles, chunks): tiles as dicts, chunks as tuples in the loader's order."""
    tiles, chunks = [], []
    for m0 in range(0, M, tm):
        rows = min(tm, M - m0)
        for n0 in range(0, N, tn):
            cols = min(tn, N - n0)
            t = len(tiles)
            tiles.append({"rows": rows, "cols": cols, "ncg": cdiv(cols, C),
                          "first_chunk": len(chunks), "m0": m0, "n0": n0})
            ks = list(range(0, K, tk))
            for j, k0 in enumerate(ks):
                chunks.append((t, min(tk, K - k0), j == 0, j == len(ks) - 1, k0))
    return tiles, chunks


def counters(M: int, K: int, N: int, tile_m: int, tile_n: int, tile_k: int, rows: int,
             cols: int, out_bytes: int, params_on: bool, mem_latency: int = AXIRAM_LATENCY,
             write_latency: int = AXIRAM_WRITE_LATENCY, steady: bool = False,
             max_burst: int = 16, outstanding: int = 8, layout: dict | None = None) -> dict:
    """The LMMU's performance counters for one command without memory pauses (see the
    module docstring): ``CYCLES``, ``ACTIVE``, ``STALL_MEM``, ``STALL_OUT``,
    ``RD_BYTES0``, ``RD_BYTES1``, ``WR_BYTES1``; with ``steady`` also
    ``STEADY_CYCLES``.  ``max_burst`` and ``outstanding`` are the AXI masters'
    MAX_BURST and OUTSTANDING: with one outstanding burst the per-burst waits are
    counted, for which the bursts of every command are needed: ``layout`` (``W_ADDR``,
    ``W_STRIDE``, ``X_ADDR``, ``X_STRIDE``, ``Y_ADDR``, ``Y_STRIDE``, ``P_ADDR``) gives
    their 4 KiB splits (without it no row is taken to cross a 4 KiB boundary)."""
    check(M, K, N, tile_m, tile_n, tile_k, rows, cols)
    from models.axi import Command, bursts, check_config
    check_config(cols, max_burst, outstanding)
    one = outstanding == 1
    if one and layout is not None:
        for name in ("W_ADDR", "W_STRIDE", "X_ADDR", "X_STRIDE", "Y_ADDR", "Y_STRIDE",
                     "P_ADDR"):
            _int(f"layout {name}", layout.get(name) if isinstance(layout, dict) else None,
                 0, (1 << 32) - 1)

    def burst_list(addr: int, row_bytes: int, nrows: int, stride: int) -> list:
        if layout is None:
            per = cdiv(cdiv(row_bytes, cols), max_burst)
            return [(0, n) for _ in range(nrows)
                    for n in [min(max_burst, cdiv(row_bytes, cols) - i * max_burst)
                              for i in range(per)]]
        return bursts(Command(addr & 0xFFFFFFFF, row_bytes, nrows, stride & 0xFFFFFFFF),
                      cols, max_burst)

    def rd_extra(addr: int, row_bytes: int, nrows: int, stride: int) -> int:
        """Cycles a read waits between its bursts with one outstanding: L + 1 each."""
        if not one:
            return 0
        return (len(burst_list(addr, row_bytes, nrows, stride)) - 1) * (mem_latency + 1)
    if out_bytes not in (1, 4) or isinstance(out_bytes, bool):
        raise ValueError(f"lmmu: OUT_BYTES must be 1 or 4, got {out_bytes!r}")
    _int("mem_latency", mem_latency, 0, 1 << 20)
    _int("write_latency", write_latency, 0, 1 << 20)
    R, C, B = rows, cols, cols
    L, Lb = mem_latency, write_latency
    P = bool(params_on)
    tiles, chunks = _chunks(M, K, N, tile_m, tile_n, tile_k, R, C)
    G, T = len(chunks), len(tiles)
    INF = float("inf")

    # --- static counts
    active = rd0 = rd1 = wr1 = 0
    for t, k, first, last, _k0 in chunks:
        ti = tiles[t]
        kw = cdiv(k, B)
        active += cdiv(ti["rows"], R) * ti["ncg"] * k
        rd0 += ti["rows"] * kw * B
        rd1 += k * ti["ncg"] * B
    for ti in tiles:
        if P:
            rd0 += ti["rows"] * P_RECORD_BYTES
        ti["beats"] = beats = []
        clast = ti["cols"] - (ti["ncg"] - 1) * C
        for jn in range(ti["ncg"]):
            beats.append(1 if out_bytes == 1 else
                         (4 if jn + 1 < ti["ncg"] else cdiv(4 * clast, B)))
        wr1 += ti["rows"] * sum(beats) * B

    # --- loader
    ready = [INF] * G          # first cycle the chunk counts as ready
    lastissue = [INF] * G      # the chunk's last issue cycle (once decided)
    pdone = [None] * T         # P done cycle per tile (P on)
    l_g, l_earliest, l_pprev = 0, 4, -INF

    # --- store (one at a time): per tile
    st_f = [None] * T          # launch cycle f
    st_end = [INF] * T         # wr1_done cycle E_t
    fetch_times = [None] * T   # fetch cycles, in order
    fin = [0] * T              # entries made final so far, with the cycle they count
    fin_q = [deque() for _ in range(T)]   # (cycle from which allowed, limit)
    st_cur = None              # tile whose store is running
    st_e = 0
    st_pops: deque = deque()   # pop cycles of the last FIFO_DEPTH entries
    st_lastbeat = -INF
    st_beat = 0                # beats of the running store so far
    drains: deque = deque()    # (first, last) drain-read cycles, in order

    # --- compute
    cg = -1                    # running chunk
    c_pass = None              # (start, last issue cycle) of the pass being issued
    passes: list = []          # the running chunk's passes (i, jn), next index
    c_pi = 0
    cur = None                 # the undrained pass in the array: (chunk, i, jn)
    last_swap = -INF
    done_chunks = False        # cs_done
    stall_mem = stall_out = 0
    first_pass = None
    final_end = None

    def swap(I: int) -> None:
        nonlocal cur
        if cur is None:
            return
        g, i, jn = cur
        t, k, first, last, k0 = chunks[g]
        if not first:
            drains.append((I + 4, I + 3 + R))
        if last and jn == tiles[t]["ncg"] - 1:
            fin_q[t].append((I + R + 5, (i + 1) * R * tiles[t]["ncg"]))
        cur = None

    def st_busy(c: int, t_store: int | None) -> bool:
        return t_store is not None and st_f[t_store] <= c and not st_end[t_store] < c

    def fetched_before(t: int, c: int) -> int:
        ft = fetch_times[t]
        if ft is None:
            return 0
        n = len(ft)
        while n and ft[n - 1] >= c:
            n -= 1
        return n

    last_store = None          # tile of the most recently launched store

    def can_start(c: int):
        """The start decided in cycle c: ('a' | 'b' | None, waiting_for_memory)."""
        if c - last_swap < R - 1:
            gap_ok = False
        else:
            gap_ok = True
        if c_pi < len(passes):               # next pass of the running chunk
            t, k, first, last, k0 = chunks[cg]
            i, jn = passes[c_pi]
            ok = True
            if first and not last and last_store is not None and last_store != t:
                ts = last_store
                entries = tiles[ts]["rows"] * tiles[ts]["ncg"]
                nb = fetched_before(ts, c)
                if st_busy(c, ts) and nb < entries:
                    ok = nb >= (i + 1) * R * tiles[t]["ncg"]
            return ("a" if ok and gap_ok else None), False
        if done_chunks or cg + 1 >= G:
            return None, False
        g = cg + 1
        if not ready[g] <= c:
            return None, True
        t, k, first, last, k0 = chunks[g]
        ok = True
        if last and st_busy(c, last_store):
            ok = False
        if first and last_store is not None and last_store != t:
            ts = last_store
            entries = tiles[ts]["rows"] * tiles[ts]["ncg"]
            nb = fetched_before(ts, c)
            if st_busy(c, ts) and nb < entries and nb < R * tiles[t]["ncg"]:
                ok = False
        return ("b" if ok and gap_ok else None), False

    def store_wake(c: int):
        """The next cycle the running store may fetch in (or learn something)."""
        ts = st_cur
        ti = tiles[ts]
        w = max(c + 1, st_f[ts] + 1)
        if st_e >= ti["rows"] * ti["ncg"]:
            return w
        q = fin_q[ts]
        if st_e >= fin[ts]:
            if not q:
                return INF            # waits for a swap: a compute decision comes first
            w = max(w, q[0][0])
        if P:
            w = max(w, pdone[ts] + 1)
        if len(st_pops) == FIFO_DEPTH:
            w = max(w, st_pops[0] + 1)
        for a, b in drains:
            if b < w:
                continue
            if a <= w:
                w = b + 1
            else:
                break
        return w

    def loader_wake(c: int):
        if l_g >= G:
            return INF
        e = max(l_earliest, c + 1, l_pprev + 1)
        if l_g >= 2:
            e = max(e, lastissue[l_g - 2] + 1)
        t, k, first, last, k0 = chunks[l_g]
        if first and P and t >= 2:
            e = max(e, st_end[t - 2] + 1)
        return e

    c = 0
    end = None
    while end is None:
        # ---------------------------------------------------------------- loader
        if l_g < G and c >= l_earliest:
            t, k, first, last, k0 = chunks[l_g]
            ok = (l_g < 2 or lastissue[l_g - 2] < c) and l_pprev < c
            if ok and first and P and t >= 2:
                ok = st_end[t - 2] < c
            if ok:
                ti = tiles[t]
                kw = cdiv(k, B)
                lay = layout or {}
                wd = c + 2 + L + ti["rows"] * kw + 4 + rd_extra(
                    lay.get("W_ADDR", 0) + ti["m0"] * lay.get("W_STRIDE", 0) + k0, k,
                    ti["rows"], lay.get("W_STRIDE", 0))
                xd = c + 2 + L + k * ti["ncg"] + 4 + rd_extra(
                    lay.get("X_ADDR", 0) + k0 * lay.get("X_STRIDE", 0) + ti["n0"],
                    ti["cols"], k, lay.get("X_STRIDE", 0))
                d = max(wd, xd)
                ready[l_g] = d + 2
                if first and P:
                    pdone[t] = wd + 1 + L + ti["rows"] * P_RECORD_BYTES // B + 4 + rd_extra(
                        lay.get("P_ADDR", 0) + ti["m0"] * P_RECORD_BYTES,
                        ti["rows"] * P_RECORD_BYTES, 1, B)
                    l_pprev = pdone[t]
                else:
                    l_pprev = -INF
                l_earliest = d + 5
                l_g += 1
        # --------------------------------------------------------------- compute
        decide = c >= 2 and ((c_pass is not None and c == c_pass[1])
                             or (c_pass is None and not done_chunks))
        started = None
        if decide and c_pass is not None and len(passes) - c_pi >= 2 \
                and st_cur is None and (last_store is None or st_end[last_store] != INF) \
                and not chunks[cg][3]:
            # Bulk: with no store running, the passes of a chunk (all but its last) go
            # back to back; skip them, up to the loader's next possible issue.
            pl = max(chunks[cg][1], R)
            j = min(len(passes) - c_pi - 1, (loader_wake(c) - c) // pl)
            if j >= 1:
                j = int(j)
                swap(c + 1)
                s_last = c + 1 + (j - 1) * pl
                cur = (cg,) + passes[c_pi + j - 1]
                last_swap = s_last
                c_pass = (s_last, s_last + pl - 1)
                c_pi += j
                decide = False
        if decide:
            kind, wm = can_start(c)
            if kind == "b":
                cg += 1
                t, k, first, last, k0 = chunks[cg]
                np_ = cdiv(tiles[t]["rows"], R)
                passes = [(i, jn) for i in range(np_) for jn in range(tiles[t]["ncg"])]
                c_pi = 0
                if last:
                    last_store = t
                    st_f[t] = c + 1
                    fetch_times[t] = []
            if kind is not None:
                t, k, first, last, k0 = chunks[cg]
                pl = max(k, R)
                i, jn = passes[c_pi]
                c_pi += 1
                swap(c + 1)
                cur = (cg, i, jn)
                last_swap = c + 1
                c_pass = (c + 1, c + pl)
                if first_pass is None:
                    first_pass = c + 1
                started = kind
                if c_pi == len(passes):
                    lastissue[cg] = c + pl
                    if cg == G - 1:
                        final_end = c + pl
            else:
                idle_now = c_pass is None
                c_pass = None
                if c_pi == len(passes) and cg == G - 1:
                    done_chunks = True
                if idle_now:
                    if wm:
                        stall_mem += 1
                    else:
                        if not (done_chunks and not st_busy(c, last_store)):
                            stall_out += 1
                        if cur is not None:
                            swap(c)
                            last_swap = c
        elif c >= 2 and c_pass is None and done_chunks:
            if st_busy(c, last_store):
                stall_out += 1
            if cur is not None:
                swap(c)
                last_swap = c
        # ----------------------------------------------------------------- store
        if st_cur is None and last_store is not None and fetch_times[last_store] is not None \
                and st_end[last_store] == INF and st_f[last_store] <= c:
            st_cur, st_e, st_beat = last_store, 0, 0
            if one and "burst_starts" not in tiles[st_cur]:
                ti = tiles[st_cur]
                lay = layout or {}
                rb = ti["cols"] * out_bytes
                starts, n = set(), 0
                for _a, nbeats in burst_list(
                        lay.get("Y_ADDR", 0) + ti["m0"] * lay.get("Y_STRIDE", 0)
                        + ti["n0"] * out_bytes, rb, ti["rows"], lay.get("Y_STRIDE", 0)):
                    starts.add(n)
                    n += nbeats
                ti["burst_starts"] = starts
            st_pops.clear()
            st_lastbeat = -INF
        if st_cur is not None and c > st_f[st_cur]:
            ts = st_cur
            ti = tiles[ts]
            entries = ti["rows"] * ti["ncg"]
            q = fin_q[ts]
            while q and q[0][0] <= c:
                fin[ts] = q.popleft()[1]
            while drains and drains[0][1] < c:
                drains.popleft()
            in_drain = bool(drains) and drains[0][0] <= c
            occ_ok = len(st_pops) < FIFO_DEPTH or st_pops[0] < c
            p_ok = not P or pdone[ts] < c
            if st_e < entries and st_e < fin[ts] and not in_drain and occ_ok and p_ok:
                if len(st_pops) == FIFO_DEPTH:
                    st_pops.popleft()
                nb = ti["beats"][st_e % ti["ncg"]]
                if one:
                    # One outstanding write: a burst's first beat waits for the previous
                    # burst's B response (3 + Lb cycles after its last beat).
                    starts = ti["burst_starts"]
                    b = c + 5
                    for _ in range(nb):
                        b = max(b, st_lastbeat + 1)
                        if st_beat in starts and st_beat:
                            b = max(b, st_lastbeat + 3 + Lb)
                        st_lastbeat = b
                        st_beat += 1
                else:
                    b0 = max(c + 5, st_lastbeat + 1)
                    st_lastbeat = b0 + nb - 1
                st_pops.append(st_lastbeat)
                fetch_times[ts].append(c)
                st_e += 1
                if st_e == entries:
                    st_end[ts] = st_lastbeat + 3 + Lb
                    st_cur = None
        # ------------------------------------------------------------------- end
        if done_chunks and l_g == G and st_cur is None and st_end[T - 1] < INF:
            end = st_end[T - 1] + 3
            stall_out += st_end[T - 1] - c      # idle, waiting for the final store
            break
        # ------------------------------------------------------------ next cycle
        nxt = c + 1
        if c_pass is not None and c_pass[1] > c + 1:
            # mid-pass: skip to the next cycle anything else can happen in
            cand = [c_pass[1], loader_wake(c)]
            if st_cur is not None:
                cand.append(store_wake(c))
            elif last_store is not None and st_end[last_store] == INF:
                cand.append(max(c + 1, st_f[last_store]))
            nxt = max(c + 1, min(cand))
            if nxt == INF:
                nxt = c + 1
        c = int(nxt)

    out = {"CYCLES": end, "ACTIVE": active, "STALL_MEM": stall_mem,
           "STALL_OUT": stall_out, "RD_BYTES0": rd0, "RD_BYTES1": rd1, "WR_BYTES1": wr1}
    if steady:
        out["STEADY_CYCLES"] = final_end + 1 - first_pass
    return out


def cycles(M: int, K: int, N: int, tile_m: int, tile_n: int, tile_k: int, rows: int,
           cols: int, out_bytes: int, params_on: bool, mem_latency: int = AXIRAM_LATENCY,
           write_latency: int = AXIRAM_WRITE_LATENCY, **bus) -> int:
    """The LMMU's ``CYCLES`` for one command (see the module docstring; ``bus``:
    :func:`counters`' ``max_burst``, ``outstanding``, ``layout``)."""
    return counters(M, K, N, tile_m, tile_n, tile_k, rows, cols, out_bytes, params_on,
                    mem_latency, write_latency, **bus)["CYCLES"]


def _bufs(params: dict) -> tuple[int, int, int, int, int]:
    if not isinstance(params, dict):
        raise ValueError(f"lmmu: params must be a dict, got {params!r}")
    out = []
    for name in ("ROWS", "COLS", "WBUF_BYTES", "XBUF_BYTES", "OBUF_BYTES"):
        if name not in params:
            raise ValueError(f"lmmu: params must have {name}")
        out.append(params[name])
    from ip.lmmu.lmmu_core import check_params
    check_params(*out)
    return tuple(out)


def capacity(params: dict) -> dict:
    """The LMMU's buffer limits (``ip.lmmu.lmmu_core.capacity_ok`` divided through):
    ``mn`` = largest ``TILE_M * TILE_N`` (the int32 output buffer), ``m_kw`` = largest
    ``TILE_M * ceil(TILE_K / B)`` (a W half), ``kn`` = largest ``TILE_K * TILE_N`` (an X
    half)."""
    R, C, W, X, O = _bufs(params)
    return {"mn": O // 4, "m_kw": W // (2 * C), "kn": X // 2}


def fits(params: dict, M: int, K: int, N: int, tile_m: int, tile_n: int,
         tile_k: int) -> bool:
    """Whether the LMMU built with ``params`` accepts the command's dimensions and tiles
    (its ERR_ZERO_DIM and ERR_CAPACITY rules; :func:`ip.lmmu.lmmu_core.capacity_ok`
    restated with :func:`capacity`)."""
    R, C, W, X, O = _bufs(params)
    for v in (M, K, N, tile_m, tile_n, tile_k):
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= DIM_MAX:
            return False
    if tile_m % R or tile_n % C or (tile_k % C and tile_k < K):
        return False
    cap = capacity(params)
    return (tile_m * tile_n <= cap["mn"] and tile_m * cdiv(tile_k, C) <= cap["m_kw"]
            and tile_k * tile_n <= cap["kn"])


def traffic(M: int, K: int, N: int, tile_m: int, tile_n: int, tile_k: int, rows: int,
            cols: int, out_bytes: int, params_on: bool) -> dict:
    """The byte counters alone (``RD_BYTES0``, ``RD_BYTES1``, ``WR_BYTES1``), without
    the timing: W once per column tile (plus P once per output tile), X once per row
    tile, Y once (int32 rows in whole beats)."""
    check(M, K, N, tile_m, tile_n, tile_k, rows, cols)
    B = cols
    nk = cdiv(K, tile_k)
    kw_sum = (nk - 1) * cdiv(tile_k, B) + cdiv(K - (nk - 1) * tile_k, B)
    rd0 = rd1 = wr1 = 0
    for m0 in range(0, M, tile_m):
        r = min(tile_m, M - m0)
        for n0 in range(0, N, tile_n):
            c = min(tile_n, N - n0)
            ncg = cdiv(c, cols)
            rd0 += r * kw_sum * B + (r * P_RECORD_BYTES if params_on else 0)
            rd1 += K * ncg * B
            clast = c - (ncg - 1) * cols
            wr1 += r * B * (ncg if out_bytes == 1 else 4 * (ncg - 1) + cdiv(4 * clast, B))
    return {"RD_BYTES0": rd0, "RD_BYTES1": rd1, "WR_BYTES1": wr1}


def _estimate(M, K, N, tm, tn, tk, R, C, ob) -> int:
    """A quick cycle estimate (ranks the candidates before the exact model): per chunk
    the longer of its passes and its loads, plus a first load and a last store."""
    B = C
    nk = cdiv(K, tk)
    total = 0
    for m0 in range(0, M, tm):
        r = min(tm, M - m0)
        for n0 in range(0, N, tn):
            ncg = cdiv(min(tn, N - n0), C)
            for j in range(nk):
                k = min(tk, K - j * tk)
                total += max(cdiv(r, R) * ncg * max(k, R), max(r * cdiv(k, B), k * ncg) + 13)
    r, ncg, k = min(tm, M), cdiv(min(tn, N), C), min(tk, K)
    return total + max(r * cdiv(k, B), k * ncg) + 13 + r * ncg * (1 if ob == 1 else 4) + 12


def _splits(n: int, unit: int, most: int = 8) -> list[int]:
    """Tile sizes for a dimension ``n`` in multiples of ``unit``: the balanced ``unit *
    ceil(ceil(n/unit) / p)`` for ``p`` = 1 .. ``most``, and ``unit * 2^j`` below ``n``;
    largest first."""
    units = cdiv(n, unit)
    out = {unit * cdiv(units, p) for p in range(1, most + 1)}
    u = 1
    while u < units:
        out.add(unit * u)
        u *= 2
    return sorted(out, reverse=True)


TILER_SLACK = 0.02
""":func:`choose_tiles` takes the fewest DRAM bytes among the candidates whose model
cycles are within this fraction of the fewest (as ``models.mmu``'s LMMU tiler)."""


def candidates(M: int, K: int, N: int, params: dict) -> list[tuple[int, int, int]]:
    """The tilings :func:`choose_tiles` considers: for every ``TILE_N`` and ``TILE_M`` of
    :func:`_splits`, the largest ``TILE_K`` that fits (``K`` itself, else a balanced
    split or power-of-two multiple of ``B``)."""
    R, C, W, X, O = _bufs(params)
    tks = [K] + [t for t in _splits(K, C, 16) if t < K]
    out = []
    for tn in _splits(N, C):
        for tm in _splits(M, R):
            tk = next((t for t in tks if fits(params, M, K, N, tm, tn, t)), None)
            if tk is not None:
                out.append((tm, tn, tk))
    return out


def choose_tiles(M: int, K: int, N: int, params: dict, out_bytes: int,
                 params_on: bool = True, top: int = 4) -> tuple[int, int, int]:
    """``(TILE_M, TILE_N, TILE_K)`` for the command: of :func:`candidates`, the ``top``
    best by a quick estimate and the ``top`` with the fewest DRAM bytes are run through
    :func:`counters`; the fewest DRAM bytes within :data:`TILER_SLACK` of the fewest
    model cycles win (then fewer cycles, then larger tiles).  ``ValueError`` naming the
    argument for a bad one."""
    R, C, W, X, O = _bufs(params)
    for name, v in (("M", M), ("K", K), ("N", N)):
        _int(name, v)
    if out_bytes not in (1, 4) or isinstance(out_bytes, bool):
        raise ValueError(f"lmmu: OUT_BYTES must be 1 or 4, got {out_bytes!r}")
    cands = candidates(M, K, N, params)
    if not cands:   # cannot happen: ROWS x COLS x B always fits a valid parameter set
        raise ValueError(f"lmmu: no tiling of {M}x{K}x{N} fits {params}")
    info = {t: (_estimate(M, K, N, *t, R, C, out_bytes),
                sum(traffic(M, K, N, *t, R, C, out_bytes, params_on).values()))
            for t in cands}
    size = lambda t: -t[0] * t[1] * t[2]  # noqa: E731
    by_est = sorted(cands, key=lambda t: (info[t][0], info[t][1], size(t)))[:top]
    by_bytes = sorted(cands, key=lambda t: (info[t][1], info[t][0], size(t)))[:top]
    bus = {"max_burst": params.get("MAX_BURST", 16),
           "outstanding": params.get("OUTSTANDING", 8)}
    exact = {t: cycles(M, K, N, *t, R, C, out_bytes, params_on, **bus)
             for t in dict.fromkeys(by_est + by_bytes)}
    limit = min(exact.values()) * (1 + TILER_SLACK)
    return min((t for t in exact if exact[t] <= limit),
               key=lambda t: (info[t][1], exact[t], size(t)))
