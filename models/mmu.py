"""Analytical cost model of the two RADACS matrix units (HMMU, LMMU): the specification.

The RTL of the HMMU and LMMU is held to this model cycle-exactly: every formula below is
written once here, in the order the RTL's controller does things, and :func:`timeline`
lists the same schedule phase by phase so a simulation can be compared with it.

GEMM convention (``models.unet``): ``Y[M x N] = W[M x K] . X[K x N]``, int8 ``W`` and
``X``, int32 accumulation, output ``OB`` bytes per element (``out_bytes``: 1 = bias +
int8 requantisation on the output path, 4 = raw int32).  ``count`` independent GEMMs of
one shape run back to back (heads, groups, batch elements).

Notation: ``R = rows``, ``C = cols`` of the PE array, ``B = port_bytes_per_cycle``,
``L = mem_latency``, ``P = pipe_latency``, ``S = switch_cycles``, ``AB = 4`` (accumulator
bytes), ``cdiv(a, b) = ceil(a / b)``.

The PE array (both units)
-------------------------
``R x C`` signed int8 MACs, each with an int32 accumulator and a registered multiply.
Each cycle the array takes a column of ``R`` weights ``W[m0:m0+R, k]`` (broadcast along a
row) and a row of ``C`` activations ``X[k, n0:n0+C]`` (broadcast along a column): PE
``(r, c)`` does ``acc += W[m0+r, k] * X[k, n0+c]``.  A *pass* runs ``k`` over one
K-range for one ``R x C`` output sub-tile.  Every accumulator has a shadow: when a pass
ends the banks flip, and the finished bank is shifted out (or, LMMU, swapped with the
partial sums in the output buffer) one row of ``C`` per cycle in the background while
the next pass runs, so

    pass(k) = max(k, R) + S            cycles                       (1)

(a pass shorter than ``R`` waits for the shadow bank; ``S`` bubble cycles per flip).
Edge sub-tiles (fewer than ``R`` rows or ``C`` columns) cost a full pass: the idle PEs
are the padding loss that utilisation counts.

Memory ports
------------
``ports`` AXI4 masters (1 or 2), each moving ``B`` bytes per cycle, reads and writes
sharing it (a memory controller is half-duplex).  Operand to port:
``W -> port 0``, ``X -> port ports-1``, ``Y -> port ports-1`` (one port: all on port 0;
two ports: W alone on port 0, X and Y on port 1).  A transfer of ``b > 0`` bytes occupies
its port for

    rd(b) = L + cdiv(b, B)       (read: request latency, then beats)     (2)
    wr(b) = cdiv(b, B)           (write: beats)

and the transfers of one port in one stage run one after the other, reads (in operand
order W, X) before writes: ``port_time = sum(rd) + sum(wr)``.  **DRAM assumption:** the
ports of one unit, and the units of DU-NE, do not share bandwidth: each port gets its
``B`` bytes per cycle (separate high-performance ports into a DRAM faster than their
sum).  DRAM itself adds nothing beyond ``L``.

Overlap rule (both units): a *segment* is a run of *steps* with double-buffered inputs
and outputs, executed in lock-step stages
-------------------------------------------------------------------------------------
A step ``j`` has input transfers ``load_j`` (per operand), a compute time ``comp_j``
and output transfers ``store_j``.  Stage ``j`` computes step ``j`` while the ports fetch
the inputs of step ``j+1`` and write the outputs of step ``j-1``; the next stage starts
when all three are done.  A segment of ``n`` steps takes

    T_seg = pre + mem(load_0)                                        (preload, prologue)
          + sum_{j=0}^{n-1} max(comp_j, mem(load_{j+1} + store_{j-1}))  (stages)      (3)
          + P + mem(store_{n-1})                                     (epilogue)

with ``load_n = store_{-1} = nothing``, ``mem(transfers) = max over ports of
port_time``, ``pre`` a transfer that must finish before the prologue (HMMU: the weight
block).  Segments run one after another (a unit drains between segments; refinement:
overlap a segment's epilogue with the next prologue), and so do the ``count`` instances:

    total = count * sum over segments of T_seg                                     (4)

``compute_cycles = count * sum comp_j`` (array busy, including ``S`` and the ``max(k,R)``
wait); ``memory_cycles[p]`` = the sum of port ``p``'s transfer times; ``steady_cycles``
= the sum of the stage terms of (3) only ("once the pipeline is full").

HMMU: weight-stationary, large weight buffer, one port
------------------------------------------------------
Loop nest (per instance)::

    for b in range(cdiv(M, Mb)):                  # segment: one weight block
        load W[b*Mb : b*Mb+rows, 0:K]             #   pre: rows*K bytes, each weight once
        for t in range(cdiv(N, C)):               #   step t: one C-column tile of X
            load X[0:K, t*C : t*C+c]              #     K*c bytes (double-buffered)
            for i in range(cdiv(rows, R)):        #     comp = cdiv(rows, R) * pass(K)
                pass over k in 0..K-1             #       (X tile reused by every row tile)
            store Y[b*Mb : .., t*C : ..]          #     rows*c*OB bytes (double-buffered)

Buffers: the weight buffer holds the block, ``Mb * K <= WBUF``; the X buffer two X tiles,
``2 * K * C <= XBUF``; the output buffer two Y tiles, ``2 * Mb * C * OB <= OBUF``.
Block size: ``Mb_max = R * floor(min(WBUF / K, OBUF / (2*C*OB)) / R)`` capped at
``R * cdiv(M, R)``; then balanced: ``nb = cdiv(M, Mb_max)``, ``Mb = R * cdiv(cdiv(M, R), nb)``.
**The HMMU rejects** a GEMM with ``K * R > WBUF`` or ``2 * K * C > XBUF`` (not even one
row tile of the whole K fits) or ``2 * R * C * OB > OBUF``: it has no partial-sum path, so
it never splits K.  The DU-NE scheduler gives such GEMMs to the LMMU whole; an HMMU-only
baseline cannot run them (``models.dune`` reports it as infeasible).
DRAM bytes: ``W = M*K`` (every weight fetched exactly once), ``X = K*N*cdiv(M, Mb)``,
``Y = M*N*OB``; all on the single port.

LMMU: output-stationary, small weight buffer, large output buffer, two ports
---------------------------------------------------------------------------
Loop nest (per instance)::

    for a in range(cdiv(M, Mo)):                  # segment: one output tile Mo x No,
      for b in range(cdiv(N, No)):                #   partial sums held in the output buffer
        for j in range(cdiv(K, Kc)):              #   step j: one K chunk
            load W[a.., j*Kc : j*Kc+k]  (port 0)  #     rows*k bytes   (double-buffered)
            load X[j*Kc : .., b..]      (port 1)  #     k*cols bytes   (double-buffered)
            for each R x C sub-tile:              #     comp = cdiv(rows,R)*cdiv(cols,C)*pass(k)
                pass over k (partial sums swapped with the output buffer)
        store Y[a.., b..]  (port 1)               #   epilogue: rows*cols*OB bytes

Buffers: ``Mo * No * AB <= OBUF`` (int32 partial sums), ``2 * Mo * Kc <= WBUF``,
``2 * Kc * No <= XBUF``.  The LMMU never rejects a GEMM (K is streamed in chunks; the
configuration check guarantees ``Mo = R, No = C, Kc = 1`` fits).
Tiling: candidates ``No`` in ``{C, 2C, 4C, ...} U {C*cdiv(N, C)}`` (no larger than the
X buffer allows for ``Kc = 1``), and for each ``No`` the row tiles
``Mo`` in ``{R, 2R, 4R, ...} U {Mo_max(No)}`` with ``Mo_max(No) = R * floor(min(
OBUF / (AB*No), WBUF / 2) / R)`` capped at ``R * cdiv(M, R)``; both balanced like the
HMMU block, then ``Kc = min(K, floor(WBUF / (2*Mo)), floor(XBUF / (2*No)))`` balanced
(``Kc = cdiv(K, cdiv(K, Kc))``).  The tiler estimates each candidate's cycles
(steady state ``max(compute, per-port memory incl. L per transfer)`` plus per segment
the prologue, ``P`` and the output-tile store) and keeps, among the candidates within
``TILER_SLACK`` (2 %) of the best estimate, the one with the fewest DRAM bytes, then the
largest ``Mo``, then the largest ``No``.
A caller (the RTL's command, a test) may impose its own :class:`Tiling` instead.
DRAM bytes: ``W = M*K*cdiv(N, No)``, ``X = K*N*cdiv(M, Mo)``, ``Y = M*N*OB``.

Closed forms used by :func:`cost` (``timeline`` enumerates the loops instead)
----------------------------------------------------------------------------
Steps of one segment differ only in the last tile (HMMU: last column tile ``cL = N -
(n-1)*C``; LMMU: last K chunk ``kL = K - (n-1)*Kc``), so (3) is, for ``n`` steps with
``F`` = a full step and ``E`` = the last one:

* HMMU (stores of step j: ``Y_j``; loads: ``X_j``; ``comp`` the same for all steps)::

      n = 1:  pre + mem(X_E) + comp + P + mem(Y_E)
      n = 2:  pre + mem(X_F) + max(comp, mem(X_E)) + max(comp, mem(Y_F)) + P + mem(Y_E)
      n >= 3: pre + mem(X_F) + max(comp, mem(X_F)) + (n-3) max(comp, mem(X_F + Y_F))
              + max(comp, mem(X_E + Y_F)) + max(comp, mem(Y_F)) + P + mem(Y_E)

* LMMU (loads of step j: ``W_j, X_j``; the only store is Y after the last step)::

      n = 1:  mem(L_E) + comp_E + P + mem(Y)
      n >= 2: mem(L_F) + (n-2) max(comp_F, mem(L_F)) + max(comp_F, mem(L_E)) + comp_E
              + P + mem(Y)

  summed over the four classes of output tiles (full / last row tile x full / last
  column tile) with their multiplicities; the HMMU over its two classes of blocks.

Figures of merit
----------------
``utilisation = M*K*N*count / (R*C*total)``; ``steady_utilisation`` the same over
``steady_cycles``.  Lower bound of DRAM traffic: every operand moved once,
``lower_bound_bytes = (M*K + K*N + M*N*OB) * count`` (``plain_bound_bytes`` = ``(M*K +
K*N + M*N) * count``, the issue's form); ``bytes_ratio = dram_bytes / lower_bound_bytes``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache

KINDS = ("hmmu", "lmmu")
ACC_BYTES = 4          # int32 partial sums in the LMMU's output buffer
OUT_BYTES = (1, 4)     # int8 (requantised) or int32 output
OPERANDS = ("W", "X", "Y")
KiB = 1024


def cdiv(a: int, b: int) -> int:
    return -(-a // b)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


@dataclass(frozen=True)
class MMUConfig:
    """One matrix unit.  Parameter names in error messages are the RTL's (upper case)."""

    kind: str
    """``"hmmu"`` (weight-stationary) or ``"lmmu"`` (output-stationary)."""
    rows: int
    """ROWS: PE rows = output rows (M) per sub-tile; weights enter one column of ROWS per cycle."""
    cols: int
    """COLS: PE columns = output columns (N) per sub-tile; X enters one row of COLS per cycle."""
    wbuf_bytes: int
    """WBUF_BYTES: weight buffer.  HMMU: one block ``Mb x K``; LMMU: two ``Mo x Kc`` chunks."""
    xbuf_bytes: int
    """XBUF_BYTES: activation buffer.  HMMU: two ``K x C`` tiles; LMMU: two ``Kc x No`` chunks."""
    obuf_bytes: int
    """OBUF_BYTES: output buffer.  HMMU: two ``Mb x C`` Y tiles (OB bytes each);
    LMMU: the ``Mo x No`` int32 partial sums of one output tile."""
    ports: int
    """PORTS: AXI4 masters (1 or 2).  W on port 0; X and Y on port PORTS-1."""
    port_bytes_per_cycle: int
    """PORT_BYTES_PER_CYCLE: data bytes one port moves per cycle (the AXI data width / 8)."""
    mem_latency: int = 32
    """MEM_LATENCY: cycles from a read burst's request to its first data beat (AR -> R);
    charged once per read transfer (one operand's data for one step)."""
    pipe_latency: int = 3
    """PIPE_LATENCY: cycles from the last operands of a segment entering the array to the
    first finished output row (operand register, multiply register, accumulate);
    paid once per segment, before the final store."""
    switch_cycles: int = 1
    """SWITCH_CYCLES: bubble cycles between two passes of the array (accumulator bank
    flip, buffer read-address restart); paid once per pass, see (1)."""
    name: str = ""
    """Preset name (informational)."""

    def __post_init__(self):
        check_config(self)

    @property
    def pes(self) -> int:
        return self.rows * self.cols

    def port_of(self, operand: str) -> int:
        return 0 if operand == "W" else self.ports - 1

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def label(self) -> str:
        return (f"{self.kind} {self.rows}x{self.cols}, W {self.wbuf_bytes // KiB} KiB, "
                f"X {self.xbuf_bytes // KiB} KiB, O {self.obuf_bytes // KiB} KiB, "
                f"{self.ports} x {self.port_bytes_per_cycle} B/cycle, L={self.mem_latency}")


def _err(kind: str, msg: str) -> ValueError:
    return ValueError(f"{kind}: {msg}")


def check_config(cfg: MMUConfig) -> None:
    """Raise ``ValueError("<kind>: NAME must be ..., got V")`` for an illegal set."""
    kind = cfg.kind
    if kind not in KINDS:
        raise _err("mmu", f"KIND must be one of {', '.join(KINDS)}, got {kind!r}")
    for name, attr, lo in (("ROWS", "rows", 1), ("COLS", "cols", 1),
                           ("WBUF_BYTES", "wbuf_bytes", 1), ("XBUF_BYTES", "xbuf_bytes", 1),
                           ("OBUF_BYTES", "obuf_bytes", 1), ("PORTS", "ports", 1),
                           ("PORT_BYTES_PER_CYCLE", "port_bytes_per_cycle", 1),
                           ("MEM_LATENCY", "mem_latency", 0), ("PIPE_LATENCY", "pipe_latency", 0),
                           ("SWITCH_CYCLES", "switch_cycles", 0)):
        v = getattr(cfg, attr)
        if not _is_int(v) or v < lo:
            raise _err(kind, f"{name} must be an integer >= {lo}, got {v!r}")
    if cfg.ports > 2:
        raise _err(kind, f"PORTS must be 1 or 2, got {cfg.ports}")
    R, C = cfg.rows, cfg.cols
    # The smallest command each unit must accept (K = 1, int8 output): checked here so that
    # a legal configuration never has an empty tiling.
    if kind == "hmmu":
        need = (("WBUF_BYTES", cfg.wbuf_bytes, R, "ROWS (one weight column of a row tile)"),
                ("XBUF_BYTES", cfg.xbuf_bytes, 2 * C, "2*COLS (two X tiles of K = 1)"),
                ("OBUF_BYTES", cfg.obuf_bytes, 2 * R * C, "2*ROWS*COLS (two int8 Y tiles)"))
    else:
        need = (("WBUF_BYTES", cfg.wbuf_bytes, 2 * R, "2*ROWS (two W chunks of Kc = 1)"),
                ("XBUF_BYTES", cfg.xbuf_bytes, 2 * C, "2*COLS (two X chunks of Kc = 1)"),
                ("OBUF_BYTES", cfg.obuf_bytes, ACC_BYTES * R * C,
                 "4*ROWS*COLS (one int32 sub-tile)"))
    for name, have, lo, why in need:
        if have < lo:
            raise _err(kind, f"{name} must be >= {lo} = {why}, got {have}")


# --- presets ---------------------------------------------------------------------------

HMMU_DEFAULT = MMUConfig(
    kind="hmmu", name="hmmu-default", rows=16, cols=16,
    wbuf_bytes=2048 * KiB, xbuf_bytes=768 * KiB, obuf_bytes=64 * KiB,
    ports=1, port_bytes_per_cycle=16)
LMMU_DEFAULT = MMUConfig(
    kind="lmmu", name="lmmu-default", rows=16, cols=16,
    wbuf_bytes=64 * KiB, xbuf_bytes=64 * KiB, obuf_bytes=2048 * KiB,
    ports=2, port_bytes_per_cycle=16)


def _rtl_preset(kind: str, n: int) -> MMUConfig:
    """Small sets for RTL simulation: an ``n x n`` array, ``n`` bytes/cycle ports
    (AXI data width 8n bits) and buffers of a few KiB."""
    if kind == "hmmu":
        return MMUConfig(kind="hmmu", name=f"hmmu-{n}x{n}", rows=n, cols=n,
                         wbuf_bytes=256 * n * n, xbuf_bytes=256 * n * n, obuf_bytes=32 * n * n,
                         ports=1, port_bytes_per_cycle=n, mem_latency=8)
    return MMUConfig(kind="lmmu", name=f"lmmu-{n}x{n}", rows=n, cols=n,
                     wbuf_bytes=32 * n * n, xbuf_bytes=32 * n * n, obuf_bytes=256 * n * n,
                     ports=2, port_bytes_per_cycle=n, mem_latency=8)


PRESETS: dict[str, MMUConfig] = {c.name: c for c in (
    HMMU_DEFAULT, LMMU_DEFAULT,
    *(_rtl_preset(k, n) for n in (4, 8, 16) for k in KINDS))}


def preset(name: str) -> MMUConfig:
    if name not in PRESETS:
        raise ValueError(f"mmu: unknown preset {name!r} (choose from {', '.join(PRESETS)})")
    return PRESETS[name]


# --- commands and tilings --------------------------------------------------------------

def check_gemm(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int = 1,
               count: int = 1) -> None:
    """Raise a one-line ValueError for a command the unit rejects (see the docstring)."""
    for name, v in (("M", M), ("K", K), ("N", N), ("COUNT", count)):
        if not _is_int(v) or v < 1:
            raise _err(cfg.kind, f"{name} must be an integer >= 1, got {v!r}")
    if out_bytes not in OUT_BYTES:
        raise _err(cfg.kind, f"OUT_BYTES must be 1 (int8) or 4 (int32), got {out_bytes!r}")
    if cfg.kind == "hmmu":
        R, C = cfg.rows, cfg.cols
        if K * R > cfg.wbuf_bytes:
            raise _err("hmmu", f"K={K} does not fit the weight buffer: K*ROWS = {K * R} > "
                               f"WBUF_BYTES = {cfg.wbuf_bytes} (K <= {hmmu_max_k(cfg)})")
        if 2 * K * C > cfg.xbuf_bytes:
            raise _err("hmmu", f"K={K} does not fit the X buffer: 2*K*COLS = {2 * K * C} > "
                               f"XBUF_BYTES = {cfg.xbuf_bytes} (K <= {hmmu_max_k(cfg)})")
        if 2 * R * C * out_bytes > cfg.obuf_bytes:
            raise _err("hmmu", f"OUT_BYTES={out_bytes} does not fit the output buffer: "
                               f"2*ROWS*COLS*OUT_BYTES = {2 * R * C * out_bytes} > "
                               f"OBUF_BYTES = {cfg.obuf_bytes}")


def hmmu_max_k(cfg: MMUConfig) -> int:
    """Largest K the HMMU accepts."""
    return min(cfg.wbuf_bytes // cfg.rows, cfg.xbuf_bytes // (2 * cfg.cols))


def fits(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int = 1) -> bool:
    """True when the unit accepts the command (dimensions >= 1 and within capacity)."""
    try:
        check_gemm(M, K, N, cfg, out_bytes)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Tiling:
    """Tile sizes of one command.  HMMU: ``m_tile = Mb`` (block rows), ``n_tile = C``,
    ``k_tile = K``; LMMU: ``m_tile = Mo``, ``n_tile = No``, ``k_tile = Kc``."""

    m_tile: int
    n_tile: int
    k_tile: int

    def counts(self, M: int, K: int, N: int) -> tuple[int, int, int]:
        return cdiv(M, self.m_tile), cdiv(N, self.n_tile), cdiv(K, self.k_tile)

    def to_dict(self, M: int, K: int, N: int) -> dict:
        m, n, k = self.counts(M, K, N)
        return {"m_tile": self.m_tile, "n_tile": self.n_tile, "k_tile": self.k_tile,
                "m_tiles": m, "n_tiles": n, "k_tiles": k}


def _balance(total_units: int, max_units: int) -> int:
    """Units per tile when ``total_units`` are cut into the fewest tiles of at most
    ``max_units``, made as equal as possible (the last one no larger)."""
    return cdiv(total_units, cdiv(total_units, max_units))


def check_tiling(M: int, K: int, N: int, cfg: MMUConfig, t: Tiling, out_bytes: int = 1) -> None:
    R, C = cfg.rows, cfg.cols
    kind = cfg.kind
    for name, v in (("m_tile", t.m_tile), ("n_tile", t.n_tile), ("k_tile", t.k_tile)):
        if not _is_int(v) or v < 1:
            raise _err(kind, f"tiling: {name} must be an integer >= 1, got {v!r}")
    if t.m_tile % R:
        raise _err(kind, f"tiling: m_tile={t.m_tile} must be a multiple of ROWS={R}")
    if t.m_tile > R * cdiv(M, R):
        raise _err(kind, f"tiling: m_tile={t.m_tile} exceeds M={M} rounded up to ROWS")
    if kind == "hmmu":
        if t.n_tile != C or t.k_tile != K:
            raise _err(kind, f"tiling: HMMU tiles are Mb x COLS x K, got n_tile={t.n_tile}, "
                             f"k_tile={t.k_tile} (COLS={C}, K={K})")
        if t.m_tile * K > cfg.wbuf_bytes:
            raise _err(kind, f"tiling: Mb*K = {t.m_tile * K} > WBUF_BYTES = {cfg.wbuf_bytes}")
        if 2 * t.m_tile * C * out_bytes > cfg.obuf_bytes:
            raise _err(kind, f"tiling: 2*Mb*COLS*OUT_BYTES = {2 * t.m_tile * C * out_bytes} "
                             f"> OBUF_BYTES = {cfg.obuf_bytes}")
    else:
        if t.n_tile % C:
            raise _err(kind, f"tiling: n_tile={t.n_tile} must be a multiple of COLS={C}")
        if t.n_tile > C * cdiv(N, C):
            raise _err(kind, f"tiling: n_tile={t.n_tile} exceeds N={N} rounded up to COLS")
        if t.k_tile > K:
            raise _err(kind, f"tiling: k_tile={t.k_tile} exceeds K={K}")
        if t.m_tile * t.n_tile * ACC_BYTES > cfg.obuf_bytes:
            raise _err(kind, f"tiling: 4*Mo*No = {t.m_tile * t.n_tile * ACC_BYTES} > "
                             f"OBUF_BYTES = {cfg.obuf_bytes}")
        if 2 * t.m_tile * t.k_tile > cfg.wbuf_bytes:
            raise _err(kind, f"tiling: 2*Mo*Kc = {2 * t.m_tile * t.k_tile} > "
                             f"WBUF_BYTES = {cfg.wbuf_bytes}")
        if 2 * t.k_tile * t.n_tile > cfg.xbuf_bytes:
            raise _err(kind, f"tiling: 2*Kc*No = {2 * t.k_tile * t.n_tile} > "
                             f"XBUF_BYTES = {cfg.xbuf_bytes}")


def _pass(k: int, cfg: MMUConfig) -> int:
    return max(k, cfg.rows) + cfg.switch_cycles                                   # (1)


def _hmmu_tiling(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int) -> Tiling:
    R, C = cfg.rows, cfg.cols
    rows_max = min(cfg.wbuf_bytes // K, cfg.obuf_bytes // (2 * C * out_bytes)) // R
    mt = cdiv(M, R)
    return Tiling(R * _balance(mt, min(rows_max, mt)), C, K)


def _lmmu_estimate(M, K, N, cfg: MMUConfig, out_bytes, Mo, No, Kc) -> tuple[int, int]:
    """(estimated cycles, DRAM bytes) of an LMMU tiling: the tiler's objective.  Steady
    state ``max(compute, per-port memory)`` plus, per segment, the prologue (first
    chunk), ``P`` and the store of the output tile, all with full tiles."""
    R, C, B, L = cfg.rows, cfg.cols, cfg.port_bytes_per_cycle, cfg.mem_latency
    nm, nn, nk = cdiv(M, Mo), cdiv(N, No), cdiv(K, Kc)
    kl = K - (nk - 1) * Kc
    comp = cdiv(M, R) * cdiv(N, C) * ((nk - 1) * _pass(Kc, cfg) + _pass(kl, cfg))
    wb, xb, yb = M * K * nn, K * N * nm, M * N * out_bytes
    segs = nm * nn
    steps = segs * nk
    xp = cfg.ports - 1
    port = [0.0] * cfg.ports
    port[0] += wb / B + steps * L
    port[xp] += xb / B + steps * L
    pro = [0.0] * cfg.ports
    pro[0] += L + Mo * Kc / B
    pro[xp] += L + Kc * No / B
    seg = max(pro) + cfg.pipe_latency + Mo * No * out_bytes / B
    return int(max(comp, *port) + segs * seg), wb + xb + yb


TILER_SLACK = 0.02
"""The LMMU tiler takes the fewest DRAM bytes among the tilings whose estimated cycles
are within this fraction of the best estimate."""


def _lmmu_tiling(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int) -> Tiling:
    R, C = cfg.rows, cfg.cols
    mt, nt = cdiv(M, R), cdiv(N, C)
    n_cands = {nt}
    u = 1
    while u < nt:
        n_cands.add(u)
        u *= 2
    cands = []
    for nu in sorted(n_cands):
        No = C * _balance(nt, nu)
        if 2 * No > cfg.xbuf_bytes:
            continue
        mo_max = min(cfg.obuf_bytes // (ACC_BYTES * No), cfg.wbuf_bytes // 2) // R
        if mo_max < 1:
            continue
        mo_max = min(mo_max, mt)
        m_cands = {mo_max}
        u = 1
        while u < mo_max:
            m_cands.add(u)
            u *= 2
        for mu in m_cands:
            Mo = R * _balance(mt, mu)
            kc = min(K, cfg.wbuf_bytes // (2 * Mo), cfg.xbuf_bytes // (2 * No))
            Kc = _balance(K, kc)
            cyc, byt = _lmmu_estimate(M, K, N, cfg, out_bytes, Mo, No, Kc)
            cands.append((cyc, byt, -Mo, -No, Tiling(Mo, No, Kc)))
    assert cands, "check_config guarantees Mo = R, No = C, Kc = 1 fits"
    limit = min(c[0] for c in cands) * (1 + TILER_SLACK)
    return min((c for c in cands if c[0] <= limit), key=lambda c: c[1:4])[4]


@lru_cache(maxsize=1 << 16)
def choose_tiling(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int = 1) -> Tiling:
    """The tiling the unit uses for an ``M x K x N`` command (rules in the docstring)."""
    check_gemm(M, K, N, cfg, out_bytes)
    if cfg.kind == "hmmu":
        return _hmmu_tiling(M, K, N, cfg, out_bytes)
    return _lmmu_tiling(M, K, N, cfg, out_bytes)


# --- the closed form -------------------------------------------------------------------

@dataclass(frozen=True)
class Cost:
    """Cost of ``count`` back-to-back ``M x K x N`` GEMMs on one unit."""

    kind: str
    M: int
    K: int
    N: int
    count: int
    out_bytes: int
    tiling: Tiling
    total_cycles: int
    compute_cycles: int
    memory_cycles: tuple[int, ...]          # per port
    steady_cycles: int
    dram_bytes_operand: dict                # {"W": .., "X": .., "Y": ..}
    dram_bytes_port: tuple[int, ...]
    pes: int
    segments: int                           # per instance
    steps: int                              # per instance

    @property
    def macs(self) -> int:
        return self.M * self.K * self.N * self.count

    @property
    def dram_bytes(self) -> int:
        return sum(self.dram_bytes_operand.values())

    @property
    def lower_bound_bytes(self) -> int:
        return (self.M * self.K + self.K * self.N + self.M * self.N * self.out_bytes) * self.count

    @property
    def plain_bound_bytes(self) -> int:
        return (self.M * self.K + self.K * self.N + self.M * self.N) * self.count

    @property
    def bytes_ratio(self) -> float:
        return self.dram_bytes / self.lower_bound_bytes

    @property
    def utilisation(self) -> float:
        return self.macs / (self.pes * self.total_cycles)

    @property
    def steady_utilisation(self) -> float:
        return self.macs / (self.pes * self.steady_cycles)

    @property
    def bound(self) -> str:
        """Which resource the steady state waits on most: ``compute`` or ``port<p>``."""
        worst = max(range(len(self.memory_cycles)), key=lambda p: self.memory_cycles[p])
        return "compute" if self.compute_cycles >= self.memory_cycles[worst] else f"port{worst}"

    def to_dict(self) -> dict:
        return {
            "unit": self.kind, "M": self.M, "K": self.K, "N": self.N, "count": self.count,
            "out_bytes": self.out_bytes,
            "tiling": self.tiling.to_dict(self.M, self.K, self.N),
            "segments": self.segments, "steps": self.steps,
            "cycles": {"total": self.total_cycles, "compute": self.compute_cycles,
                       "memory_per_port": list(self.memory_cycles),
                       "steady": self.steady_cycles},
            "macs": self.macs,
            "utilisation": self.utilisation, "steady_utilisation": self.steady_utilisation,
            "bound": self.bound,
            "dram_bytes": {"total": self.dram_bytes, **self.dram_bytes_operand,
                           "per_port": list(self.dram_bytes_port)},
            "lower_bound_bytes": self.lower_bound_bytes,
            "plain_bound_bytes": self.plain_bound_bytes,
            "bytes_ratio": self.bytes_ratio,
        }


class _Acc:
    """Accumulates transfers per port (closed form)."""

    def __init__(self, cfg: MMUConfig):
        self.cfg = cfg
        self.busy = [0] * cfg.ports
        self.bytes = [0] * cfg.ports

    def mem(self, reads=(), writes=(), mult: int = 1) -> int:
        """Time of one stage's transfers (``max`` over ports, (2)); adds ``mult`` times
        their port time and bytes to the totals."""
        cfg = self.cfg
        t = [0] * cfg.ports
        for op, b in reads:
            if b:
                p = cfg.port_of(op)
                t[p] += cfg.mem_latency + cdiv(b, cfg.port_bytes_per_cycle)
                self.bytes[p] += b * mult
        for op, b in writes:
            if b:
                p = cfg.port_of(op)
                t[p] += cdiv(b, cfg.port_bytes_per_cycle)
                self.bytes[p] += b * mult
        for p in range(cfg.ports):
            self.busy[p] += t[p] * mult
        return max(t)


def _hmmu_segment(acc: _Acc, rows: int, K: int, N: int, ob: int, mult: int):
    """(segment cycles, compute cycles, steady cycles, steps) of one weight block, (3)."""
    cfg = acc.cfg
    C, P = cfg.cols, cfg.pipe_latency
    n = cdiv(N, C)
    cl = N - (n - 1) * C
    comp = cdiv(rows, cfg.rows) * _pass(K, cfg)
    XF, XE = ("X", K * C), ("X", K * cl)
    YF, YE = ("Y", rows * C * ob), ("Y", rows * cl * ob)
    pre = acc.mem(reads=[("W", rows * K)], mult=mult)
    if n == 1:
        pro = acc.mem(reads=[XE], mult=mult)
        steady = comp
    elif n == 2:
        pro = acc.mem(reads=[XF], mult=mult)
        steady = (max(comp, acc.mem(reads=[XE], mult=mult))
                  + max(comp, acc.mem(writes=[YF], mult=mult)))
    else:
        pro = acc.mem(reads=[XF], mult=mult)
        steady = (max(comp, acc.mem(reads=[XF], mult=mult))
                  + (n - 3) * max(comp, acc.mem(reads=[XF], writes=[YF], mult=mult * (n - 3)))
                  + max(comp, acc.mem(reads=[XE], writes=[YF], mult=mult))
                  + max(comp, acc.mem(writes=[YF], mult=mult)))
    epi = P + acc.mem(writes=[YE], mult=mult)
    return pre + pro + steady + epi, n * comp, steady, n


def _lmmu_segment(acc: _Acc, rows: int, cols: int, K: int, Kc: int, ob: int, mult: int):
    cfg = acc.cfg
    P = cfg.pipe_latency
    n = cdiv(K, Kc)
    kl = K - (n - 1) * Kc
    nsub = cdiv(rows, cfg.rows) * cdiv(cols, cfg.cols)
    comp_f, comp_e = nsub * _pass(Kc, cfg), nsub * _pass(kl, cfg)
    LF = [("W", rows * Kc), ("X", Kc * cols)]
    LE = [("W", rows * kl), ("X", kl * cols)]
    if n == 1:
        pro = acc.mem(reads=LE, mult=mult)
        steady = comp_e
    else:
        pro = acc.mem(reads=LF, mult=mult)
        steady = ((n - 2) * max(comp_f, acc.mem(reads=LF, mult=mult * (n - 2)))
                  + max(comp_f, acc.mem(reads=LE, mult=mult)) + comp_e)
    epi = P + acc.mem(writes=[("Y", rows * cols * ob)], mult=mult)
    return pro + steady + epi, (n - 1) * comp_f + comp_e, steady, n


def _classes(total: int, tile: int) -> list[tuple[int, int]]:
    """[(size, multiplicity)] of the tiles cutting ``total`` into pieces of ``tile``."""
    n = cdiv(total, tile)
    last = total - (n - 1) * tile
    if n == 1:
        return [(last, 1)]
    if last == tile:
        return [(tile, n)]
    return [(tile, n - 1), (last, 1)]


@lru_cache(maxsize=1 << 18)
def cost(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int = 1, count: int = 1,
         tiling: Tiling | None = None) -> Cost:
    """Closed-form cost of ``count`` ``M x K x N`` GEMMs on ``cfg`` (formulas (1)-(4))."""
    check_gemm(M, K, N, cfg, out_bytes, count)
    if tiling is None:
        tiling = choose_tiling(M, K, N, cfg, out_bytes)
    else:
        check_tiling(M, K, N, cfg, tiling, out_bytes)
    acc = _Acc(cfg)
    total = comp = steady = steps = segments = 0
    if cfg.kind == "hmmu":
        for rows, m in _classes(M, tiling.m_tile):
            t, c, s, n = _hmmu_segment(acc, rows, K, N, out_bytes, m * count)
            total += m * t
            comp += m * c
            steady += m * s
            steps += m * n
            segments += m
        wb, xb = M * K, K * N * cdiv(M, tiling.m_tile)
    else:
        for rows, mr in _classes(M, tiling.m_tile):
            for cols, mc in _classes(N, tiling.n_tile):
                m = mr * mc
                t, c, s, n = _lmmu_segment(acc, rows, cols, K, tiling.k_tile, out_bytes,
                                           m * count)
                total += m * t
                comp += m * c
                steady += m * s
                steps += m * n
                segments += m
        wb, xb = M * K * cdiv(N, tiling.n_tile), K * N * cdiv(M, tiling.m_tile)
    operand = {"W": wb * count, "X": xb * count, "Y": M * N * out_bytes * count}
    return Cost(kind=cfg.kind, M=M, K=K, N=N, count=count, out_bytes=out_bytes, tiling=tiling,
                total_cycles=total * count, compute_cycles=comp * count,
                memory_cycles=tuple(acc.busy), steady_cycles=steady * count,
                dram_bytes_operand=operand, dram_bytes_port=tuple(acc.bytes), pes=cfg.pes,
                segments=segments, steps=steps)


# --- the timeline: the same schedule, enumerated ---------------------------------------

@dataclass(frozen=True)
class Phase:
    """One activity of the schedule: ``resource`` is ``"array"`` or ``"port<p>"``;
    cycles ``[start, end)``."""

    name: str            # "load W block", "load X tile", "load W chunk", "load X chunk",
                         # "compute", "drain", "store Y tile"
    resource: str
    start: int
    end: int
    instance: int
    segment: int         # per instance
    step: int            # step of the segment; -1 for the preload
    bytes: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class _Step:
    loads: list          # [(name, operand, bytes)]
    comp: int
    stores: list         # [(name, operand, bytes)]


def _hmmu_segments(M, K, N, cfg, ob, t: Tiling):
    """Yield (preload transfers, steps) per weight block, by the loop nest."""
    R, C = cfg.rows, cfg.cols
    for m0 in range(0, M, t.m_tile):
        rows = min(t.m_tile, M - m0)
        steps = []
        for n0 in range(0, N, C):
            c = min(C, N - n0)
            steps.append(_Step(loads=[("load X tile", "X", K * c)],
                               comp=sum(_pass(K, cfg) for _ in range(0, rows, R)),
                               stores=[("store Y tile", "Y", rows * c * ob)]))
        yield [("load W block", "W", rows * K)], steps


def _lmmu_segments(M, K, N, cfg, ob, t: Tiling):
    R, C = cfg.rows, cfg.cols
    for m0 in range(0, M, t.m_tile):
        rows = min(t.m_tile, M - m0)
        for n0 in range(0, N, t.n_tile):
            cols = min(t.n_tile, N - n0)
            steps = []
            for k0 in range(0, K, t.k_tile):
                k = min(t.k_tile, K - k0)
                passes = len(range(0, rows, R)) * len(range(0, cols, C))
                steps.append(_Step(loads=[("load W chunk", "W", rows * k),
                                          ("load X chunk", "X", k * cols)],
                                   comp=passes * _pass(k, cfg), stores=[]))
            steps[-1].stores = [("store Y tile", "Y", rows * cols * ob)]
            yield [], steps


def timeline(M: int, K: int, N: int, cfg: MMUConfig, out_bytes: int = 1, count: int = 1,
             tiling: Tiling | None = None) -> list[Phase]:
    """Every phase of the schedule with its start and end cycle, by running the loop
    nests of the docstring step by step (no closed form).  The last phase ends at
    ``cost(...).total_cycles``."""
    check_gemm(M, K, N, cfg, out_bytes, count)
    if tiling is None:
        tiling = choose_tiling(M, K, N, cfg, out_bytes)
    else:
        check_tiling(M, K, N, cfg, tiling, out_bytes)
    B, L = cfg.port_bytes_per_cycle, cfg.mem_latency
    gen = _hmmu_segments if cfg.kind == "hmmu" else _lmmu_segments
    phases: list[Phase] = []
    t = 0

    def transfers(start, reads, writes, inst, seg, step_of):
        """Run reads then writes, each port in turn from ``start``; return the end."""
        free = [start] * cfg.ports
        for (name, op, b), is_read in [(r, True) for r in reads] + [(w, False) for w in writes]:
            if not b:
                continue
            p = cfg.port_of(op)
            dur = (L if is_read else 0) + cdiv(b, B)
            phases.append(Phase(name, f"port{p}", free[p], free[p] + dur, inst, seg,
                                step_of(name), b))
            free[p] += dur
        return max(free)

    for inst in range(count):
        for seg, (pre, steps) in enumerate(gen(M, K, N, cfg, out_bytes, tiling)):
            n = len(steps)
            t = transfers(t, pre, [], inst, seg, lambda _: -1)
            t = transfers(t, steps[0].loads, [], inst, seg, lambda _: 0)
            for j, st in enumerate(steps):
                s = t
                phases.append(Phase("compute", "array", s, s + st.comp, inst, seg, j))
                nxt = steps[j + 1].loads if j + 1 < n else []
                prv = steps[j - 1].stores if j >= 1 else []
                mem_end = transfers(s, nxt, prv, inst, seg,
                                    lambda name, j=j: j + 1 if name.startswith("load") else j - 1)
                t = max(s + st.comp, mem_end)
            phases.append(Phase("drain", "array", t, t + cfg.pipe_latency, inst, seg, n - 1))
            t += cfg.pipe_latency
            t = transfers(t, [], steps[-1].stores, inst, seg, lambda _: n - 1)
    return phases


__all__ = ["MMUConfig", "Cost", "Tiling", "Phase", "KINDS", "OUT_BYTES", "ACC_BYTES",
           "HMMU_DEFAULT", "LMMU_DEFAULT", "PRESETS", "preset", "check_config", "check_gemm",
           "fits", "hmmu_max_k", "choose_tiling", "cost", "timeline", "cdiv"]
