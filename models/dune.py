"""DU-NE scheduler: one HMMU and one LMMU (``models.mmu``) running a U-Net workload.

Units, DRAM and what runs in parallel
-------------------------------------
DU-NE = one HMMU + one LMMU + a shared buffer.  Each unit runs one command at a time;
the two units run at the same time.  **DRAM assumption:** every AXI port of both units
has its own ``B`` bytes per cycle (three ports by default); the units do not contend for
DRAM bandwidth (``models.mmu``'s docstring).  No cycles are charged for the control
logic or for handing a layer's output from one unit to the other (the shared buffer).

Baselines
---------
*HMMU-only* and *LMMU-only*: one unit runs every GEMM of the workload, one after the
other (``sum`` of ``models.mmu.cost`` over the layers).  A GEMM the HMMU rejects
(``K > hmmu_max_k``) makes the HMMU-only baseline infeasible (reported as ``None``); DU-NE
gives such a GEMM to the LMMU whole.  The speedups quoted are DU-NE's cycles against
these single-unit baselines (so DU-NE has twice the PEs of either baseline with the
default, equally sized arrays).

*Equal-PE baselines* (:func:`equal_pe_baselines`): *HMMU-2x* and *LMMU-2x*, one unit of
each kind with the PEs of both DU-NE units together, running every GEMM in turn.  The
array keeps the unit's ``COLS`` and gets ``ROWS = (PEs_HMMU + PEs_LMMU) / COLS`` (16x16 +
16x16 -> 32x16): ROWS is doubled, not COLS, because the HMMU's X buffer must hold two
``K x COLS`` tiles, and with doubled COLS the summed X buffer (832 KiB by default) would
cap K at 13,312, so HMMU-2x would reject SD1.5's and SDXL's K = 23,040 layers and be
infeasible; doubled ROWS keeps K <= 26,624.  Keeping COLS also keeps the N tiles (and so
DU-NE's split granularity).  Buffers: ``WBUF``, ``XBUF``, ``OBUF`` are the sums of both
units'.  Ports: the model has at most two per unit, so both get
``min(2, PORTS_HMMU + PORTS_LMMU) = 2`` ports of the unit's own width ``B`` (32 B/cycle
against DU-NE's three ports, 48 B/cycle, by default); latencies are the unit's own.

High- and low-resolution layers
-------------------------------
``models.unet.is_high_res``: a GEMM is *high-res* when ``N >= K`` (the spatial / query
dimension dominates, the HMMU's home), *low-res* otherwise (the LMMU's home).

Single batch: tensor parallelism (per GEMM, layers one after another)
--------------------------------------------------------------------
For a GEMM of ``count`` instances ``M x K x N`` the scheduler considers

* **N split** at tile granularity: the HMMU takes the first ``s`` column tiles
  (``Nh = min(N, s * COLS_hmmu)`` columns, one contiguous chunk of the large tiles), the
  LMMU the remaining ``N - Nh`` columns, for every instance; ``s = 0 .. cdiv(N, COLS)``
  (``s = 0``: LMMU alone; ``s = max``: HMMU alone).  Both units need all of ``W``, so the
  weights are fetched by both.
* **instance split** (``count >= 2``: heads, groups, batch elements): the HMMU runs ``a``
  whole instances, the LMMU the other ``count - a``; ``a = 1 .. count - 1``.

and keeps the least makespan ``max(cycles_HMMU, cycles_LMMU)``, then the fewest DRAM
bytes, then the larger HMMU share.  The search is exhaustive (every ``s`` and every
``a``: ``cdiv(N, COLS) + count + 1`` candidates, each a closed-form cost), so DU-NE's
makespan is never above the better of the two units alone.  The layer's DU-NE cycles are
that makespan; a workload's DU-NE cycles are their sum (a layer starts when the previous
one has finished on both units).

Multi-batch: pipelining (batch >= 2, e.g. classifier-free guidance)
--------------------------------------------------------------------
The batch is cut into two *streams* (``ceil(B/2)`` and ``floor(B/2)`` batch elements).
Job ``(b, i)`` = layer ``i`` of stream ``b``, with ``count = groups * heads * B_b``.
Dependencies: ``(b, i)`` starts after ``(b, i-1)`` has finished; each unit runs one job
at a time, whole (no tensor split inside a job).  Policy (a list schedule, earliest
finish time): jobs are taken in the order ``(0,0), (1,0), (0,1), (1,1), ...``; each goes
to the unit on which it would finish first, starting at ``max(unit free, predecessor
finished)`` (no back-filling of earlier idle gaps); ties go to the unit with fewer cycles
for the job, then to the HMMU.  While one stream runs a high-res layer on the HMMU, the
other runs its low-res layer on the LMMU.  DU-NE's multi-batch figure is the better of
this pipelined makespan and the tensor-parallel one (both reported).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache

from models.mmu import HMMU_DEFAULT, LMMU_DEFAULT, Cost, MMUConfig, cdiv, cost, fits
from models.unet import Gemm, is_high_res

UNITS = ("hmmu", "lmmu")
RADACS_REPORTED = {"high_res": 1.17, "low_res": 1.47}
"""DU-NE speedups the RADACS slides report (tiny-random-stable-diffusion-xl, Vitis HLS on a
Zynq-7000), against a baseline the slides do not define."""
CLASSES = ("high_res", "low_res", "all")
EQUAL_PE = ("hmmu2x", "lmmu2x")
"""Names of the equal-PE baselines (:func:`equal_pe_baselines`)."""
BASELINES = ("hmmu", "lmmu", *EQUAL_PE)


def equal_pe_baselines(hcfg: MMUConfig, lcfg: MMUConfig) -> dict[str, MMUConfig]:
    """The equal-resource baselines of DU-NE (``hcfg`` + ``lcfg``): ``{"hmmu2x": ...,
    "lmmu2x": ...}``, one unit of each kind with the PEs of both units (``COLS`` kept,
    ``ROWS = (PEs_HMMU + PEs_LMMU) / COLS``), the sum of both units' buffers, and
    ``min(2, PORTS_HMMU + PORTS_LMMU)`` ports (the model's most) of the unit's own width
    and latencies (the docstring says why).  ValueError when the PEs of both units are
    not a multiple of a unit's COLS."""
    out = {}
    pes = hcfg.pes + lcfg.pes
    for name, base in zip(EQUAL_PE, (hcfg, lcfg)):
        if pes % base.cols:
            raise ValueError(f"dune: equal-PE baseline: {hcfg.pes} + {lcfg.pes} PEs are not a "
                             f"multiple of {base.kind.upper()} COLS = {base.cols}")
        out[name] = dataclasses.replace(
            base, name=f"{base.kind}-2x", rows=pes // base.cols,
            wbuf_bytes=hcfg.wbuf_bytes + lcfg.wbuf_bytes,
            xbuf_bytes=hcfg.xbuf_bytes + lcfg.xbuf_bytes,
            obuf_bytes=hcfg.obuf_bytes + lcfg.obuf_bytes,
            ports=min(2, hcfg.ports + lcfg.ports))
    return out


@dataclass(frozen=True)
class Assignment:
    """How DU-NE runs one GEMM: ``mode`` is ``"hmmu"``/``"lmmu"`` (one unit alone),
    ``"n-split"`` or ``"count-split"``."""

    mode: str
    M: int
    K: int
    N: int
    count: int
    n_hmmu: int            # columns of each instance on the HMMU (N for "hmmu", 0 for
                           # "lmmu"; N split: the HMMU's chunk; count split: 0, see below)
    count_hmmu: int        # instances the HMMU runs whole ("hmmu": count, count split: a)
    hmmu: Cost | None
    lmmu: Cost | None

    @property
    def n_lmmu(self) -> int:
        """Columns of each instance on the LMMU (count split: all N of its instances)."""
        return self.N if self.mode == "count-split" else self.N - self.n_hmmu

    @property
    def count_lmmu(self) -> int:
        return self.count - self.count_hmmu

    @property
    def hmmu_cycles(self) -> int:
        return self.hmmu.total_cycles if self.hmmu else 0

    @property
    def lmmu_cycles(self) -> int:
        return self.lmmu.total_cycles if self.lmmu else 0

    @property
    def makespan(self) -> int:
        return max(self.hmmu_cycles, self.lmmu_cycles)

    @property
    def dram_bytes(self) -> int:
        return sum(c.dram_bytes for c in (self.hmmu, self.lmmu) if c)

    @property
    def macs(self) -> int:
        return self.M * self.K * self.N * self.count

    @property
    def hmmu_macs(self) -> int:
        return self.hmmu.macs if self.hmmu else 0

    def describe(self) -> str:
        if self.mode in UNITS:
            return self.mode.upper()
        if self.mode == "n-split":
            return f"N {self.n_hmmu}|{self.n_lmmu}"
        return f"x{self.count_hmmu}|x{self.count_lmmu}"

    def to_dict(self) -> dict:
        return {"mode": self.mode, "split": self.describe(),
                "n_hmmu": self.n_hmmu, "n_lmmu": self.n_lmmu,
                "count_hmmu": self.count_hmmu, "count_lmmu": self.count_lmmu,
                "hmmu_mac_share": self.hmmu_macs / self.macs,
                "hmmu_cycles": self.hmmu_cycles, "lmmu_cycles": self.lmmu_cycles,
                "makespan": self.makespan, "dram_bytes": self.dram_bytes}


def _key(a: Assignment):
    return (a.makespan, a.dram_bytes, -a.hmmu_macs)


def candidates(M: int, K: int, N: int, count: int, hcfg: MMUConfig, lcfg: MMUConfig,
               out_bytes: int = 1) -> list[Assignment]:
    """Every assignment the search considers (see the docstring)."""
    out = []
    h_ok = fits(M, K, N, hcfg, out_bytes)
    tiles = cdiv(N, hcfg.cols)
    for s in range(0, tiles + 1 if h_ok else 1):
        nh = min(N, s * hcfg.cols)
        hc = cost(M, K, nh, hcfg, out_bytes, count) if nh else None
        lc = cost(M, K, N - nh, lcfg, out_bytes, count) if nh < N else None
        mode = "lmmu" if nh == 0 else "hmmu" if nh == N else "n-split"
        out.append(Assignment(mode, M, K, N, count, nh, count if mode == "hmmu" else 0,
                              hc, lc))
    if h_ok:
        for a in range(1, count):
            out.append(Assignment("count-split", M, K, N, count, 0, a,
                                  cost(M, K, N, hcfg, out_bytes, a),
                                  cost(M, K, N, lcfg, out_bytes, count - a)))
    return out


@lru_cache(maxsize=1 << 14)
def split_gemm(M: int, K: int, N: int, count: int = 1, hcfg: MMUConfig = HMMU_DEFAULT,
               lcfg: MMUConfig = LMMU_DEFAULT, out_bytes: int = 1) -> Assignment:
    """DU-NE's tensor-parallel assignment of one GEMM (exhaustive search)."""
    return min(candidates(M, K, N, count, hcfg, lcfg, out_bytes), key=_key)


# --- a workload ------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerPlan:
    gemm: Gemm
    high_res: bool
    hmmu: Cost | None        # HMMU alone (None: the HMMU rejects it)
    lmmu: Cost               # LMMU alone
    dune: Assignment         # tensor parallel
    equal_pe: dict = field(default_factory=dict)
    """{"hmmu2x"/"lmmu2x": Cost, or None when that unit rejects the GEMM}."""

    @property
    def cls(self) -> str:
        return "high_res" if self.high_res else "low_res"

    def cycles(self, engine: str) -> int | None:
        if engine == "dune":
            return self.dune.makespan
        c = self.equal_pe.get(engine) if engine in EQUAL_PE else getattr(self, engine)
        return c.total_cycles if c else None


@dataclass(frozen=True)
class Job:
    stream: int
    index: int               # layer index in the workload
    layer: str
    unit: str
    start: int
    end: int
    count: int


@dataclass(frozen=True)
class PipelineSchedule:
    streams: tuple[int, ...]     # batch elements per stream
    jobs: tuple[Job, ...]

    @property
    def makespan(self) -> int:
        return max((j.end for j in self.jobs), default=0)

    def busy(self, unit: str) -> int:
        return sum(j.end - j.start for j in self.jobs if j.unit == unit)


@dataclass
class Plan:
    gemms: list
    hcfg: MMUConfig
    lcfg: MMUConfig
    out_bytes: int
    layers: list = field(default_factory=list)
    pipeline: PipelineSchedule | None = None
    equal_pe_cfgs: dict = field(default_factory=dict)
    """The equal-PE baselines' units (:func:`equal_pe_baselines`); empty when the two
    units' PEs cannot be rearranged into one array."""

    def total(self, engine: str, cls: str = "all") -> int | None:
        """Cycles of ``engine`` (hmmu, lmmu, hmmu2x, lmmu2x, dune = tensor parallel) over
        a class of layers; None when that unit cannot run one of them (or, for an
        equal-PE baseline, is not defined)."""
        if engine in EQUAL_PE and engine not in self.equal_pe_cfgs:
            return None
        sel = [lp for lp in self.layers if cls == "all" or lp.cls == cls]
        vals = [lp.cycles(engine) for lp in sel]
        return None if any(v is None for v in vals) else sum(vals)

    def speedup(self, baseline: str, cls: str = "all") -> float | None:
        b, d = self.total(baseline, cls), self.total("dune", cls)
        return None if b is None or not d else b / d

    @property
    def dune_total(self) -> int:
        """DU-NE's cycles for the whole workload: tensor parallel, or the pipelined
        schedule when there is one and it is shorter."""
        tp = self.total("dune")
        return min(tp, self.pipeline.makespan) if self.pipeline else tp

    @property
    def dune_policy(self) -> str:
        if self.pipeline and self.pipeline.makespan < self.total("dune"):
            return "pipelined"
        return "tensor-parallel"

    def macs(self, cls: str = "all") -> int:
        return sum(lp.gemm.macs for lp in self.layers if cls == "all" or lp.cls == cls)

    def rejected(self) -> list[str]:
        return [lp.gemm.layer for lp in self.layers if lp.hmmu is None]


def _cost_or_none(g: Gemm, cfg: MMUConfig, out_bytes: int) -> Cost | None:
    return (cost(g.M, g.K, g.N, cfg, out_bytes, g.count)
            if fits(g.M, g.K, g.N, cfg, out_bytes) else None)


def layer_costs(g: Gemm, hcfg: MMUConfig, lcfg: MMUConfig, out_bytes: int,
                equal_pe_cfgs: dict | None = None) -> LayerPlan:
    lc = cost(g.M, g.K, g.N, lcfg, out_bytes, g.count)
    eq = {name: _cost_or_none(g, cfg, out_bytes) for name, cfg in (equal_pe_cfgs or {}).items()}
    return LayerPlan(g, is_high_res(g), _cost_or_none(g, hcfg, out_bytes), lc,
                     split_gemm(g.M, g.K, g.N, g.count, hcfg, lcfg, out_bytes), eq)


def plan(gemms, hcfg: MMUConfig = HMMU_DEFAULT, lcfg: MMUConfig = LMMU_DEFAULT,
         out_bytes: int = 1, pipeline: bool | None = None) -> Plan:
    """Cost every GEMM on the baselines (single-unit and equal-PE) and on DU-NE.
    ``pipeline`` (default: when the workload's batch is >= 2) also builds the two-stream
    pipelined schedule."""
    if hcfg.kind != "hmmu" or lcfg.kind != "lmmu":
        raise ValueError(f"dune: needs an hmmu and an lmmu, got {hcfg.kind} and {lcfg.kind}")
    gemms = list(gemms)
    p = Plan(gemms, hcfg, lcfg, out_bytes)
    try:
        p.equal_pe_cfgs = equal_pe_baselines(hcfg, lcfg)
    except ValueError:
        p.equal_pe_cfgs = {}
    p.layers = [layer_costs(g, hcfg, lcfg, out_bytes, p.equal_pe_cfgs) for g in gemms]
    batch = min((g.batch for g in gemms), default=1)
    if pipeline is None:
        pipeline = batch >= 2
    if pipeline:
        p.pipeline = pipeline_schedule(gemms, hcfg, lcfg, out_bytes)
    return p


def stream_sizes(batch: int, streams: int = 2) -> tuple[int, ...]:
    """Batch elements per stream: as equal as possible, larger first, no empty stream."""
    n = min(streams, batch)
    return tuple(batch // n + (1 if i < batch % n else 0) for i in range(n))


def pipeline_schedule(gemms, hcfg: MMUConfig = HMMU_DEFAULT, lcfg: MMUConfig = LMMU_DEFAULT,
                      out_bytes: int = 1, streams: int = 2) -> PipelineSchedule:
    """Multi-batch pipelining: the list schedule of the docstring."""
    gemms = list(gemms)
    if not gemms:
        return PipelineSchedule((), ())
    batch = gemms[0].batch
    if any(g.batch != batch for g in gemms):
        raise ValueError("dune: every GEMM of a pipelined workload must have the same batch")
    if batch < 2:
        raise ValueError(f"dune: pipelining needs batch >= 2, got {batch}")
    sizes = stream_sizes(batch, streams)
    cfgs = {"hmmu": hcfg, "lmmu": lcfg}
    free = {"hmmu": 0, "lmmu": 0}
    done = [0] * len(sizes)
    jobs = []
    for i, g in enumerate(gemms):
        for b, bs in enumerate(sizes):
            count = g.groups * g.heads * bs
            ready = done[b]
            best = None
            for unit in UNITS:
                cfg = cfgs[unit]
                if not fits(g.M, g.K, g.N, cfg, out_bytes):
                    continue
                cyc = cost(g.M, g.K, g.N, cfg, out_bytes, count).total_cycles
                start = max(free[unit], ready)
                key = (start + cyc, cyc, UNITS.index(unit))
                if best is None or key < best[0]:
                    best = (key, unit, start, start + cyc)
            _, unit, start, end = best
            jobs.append(Job(b, i, g.layer, unit, start, end, count))
            free[unit] = end
            done[b] = end
    return PipelineSchedule(sizes, tuple(jobs))


__all__ = ["Assignment", "LayerPlan", "Plan", "Job", "PipelineSchedule", "UNITS", "CLASSES",
           "EQUAL_PE", "BASELINES", "RADACS_REPORTED", "equal_pe_baselines", "candidates", "split_gemm", "layer_costs", "plan",
           "pipeline_schedule", "stream_sizes"]
