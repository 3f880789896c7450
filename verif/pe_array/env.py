"""pyuvm environment of the PE array (``ip/pe_array``).

Dataflow::

    PeSequence --PassItem/FlushItem--> PeDriver --> PeArrayBfm (pins: in_*, sh_en)
                                          |            |  schedules passes, flushes
                                          |            |  and the shift-out; samples
                        expected tiles <--+ (issue)    v  every cycle at the falling edge
                                                   PeMonitor --cycle samples--> PeScoreboard
                                                       |                        (model, every cycle)
                                                       +--tiles read out-----> PeScoreboard (in order)
                                                       +--protocol violations> PeScoreboard
                                                       +--cycle samples------> PeCoverage

A *pass* is ``k`` beats (``in_valid``; ``in_first`` on the first).  The BFM plays the
MMU controller's part: it starts a pass (a swap ``LATENCY`` cycles later) only when
the tile then in the shadow bank will have been read out by that swap, and it reads
each tile out with ``ROWS - 1`` shifts (``sh_en``), never at a swap edge.  The
stress knob pauses the shift-out (consumer backpressure) while there is slack before
the next swap, and inserts idle cycles inside passes (source idle).  Each swap the
BFM issues is reported as an expected tile (the product of the pass it ends, or
zeros), which the scoreboard predicts with ``models.pe_array.tile``; the monitor
reassembles each tile from ``out_row`` after ``out_swap`` and after each shift.  The
scoreboard also checks ``out_row``/``out_swap`` against ``models.pe_array`` every
cycle, and fails on any protocol violation the monitor flags (a shift at a swap
edge, ``in_first`` without ``in_valid``, ``in_flush`` with ``in_valid``, a tile cut
short by the next swap).
"""
from __future__ import annotations

import collections
from dataclasses import dataclass

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from models.pe_array import LATENCY, PeArrayModel, operation, tile, wrap32
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase

EXTREMES = (-128, 127)


def pack(values, bits=8):
    word = 0
    for i, v in enumerate(values):
        word |= (int(v) & ((1 << bits) - 1)) << (bits * i)
    return word


def unpack(word, n, bits=32):
    out = []
    mask, sign = (1 << bits) - 1, 1 << (bits - 1)
    for i in range(n):
        v = (word >> (bits * i)) & mask
        out.append(v - (1 << bits) if v & sign else v)
    return out


# ---------------------------------------------------------------------------- items
def _operand(rng, values, which=0):
    if isinstance(values, (list, tuple)):            # ("const", w, x): one value each
        return values[1 + which]
    if values == "extreme":
        return rng.choice(EXTREMES)
    if values == "mixed" and rng.random() < 0.5:
        return rng.choice(EXTREMES)
    if values == "small":
        return rng.randint(-3, 3)
    return rng.randint(-128, 127)


class PassItem(uvm_sequence_item):
    """One pass: ``k`` beats of (w, x) after ``gap`` idle cycles; ``idle_prob`` of an
    idle cycle before each later beat (source idle inside the pass)."""

    kind = "pass"

    def __init__(self, name="pe_pass", ws=None, xs=None, gap=0, idle_prob=0.0):
        super().__init__(name)
        self.ws, self.xs = ws or [], xs or []
        self.gap, self.idle_prob = gap, idle_prob

    @property
    def k(self):
        return len(self.ws)

    def randomize(self, rng, rows, cols, k, values="random", gap=0, idle_prob=0.0):
        self.ws = [[_operand(rng, values, 0) for _ in range(rows)] for _ in range(k)]
        self.xs = [[_operand(rng, values, 1) for _ in range(cols)] for _ in range(k)]
        self.gap, self.idle_prob = gap, idle_prob
        return self

    def __eq__(self, other):
        return isinstance(other, PassItem) and (self.ws, self.xs) == (other.ws, other.xs)

    def __str__(self):
        return f"pass(k={self.k}, gap={self.gap}, idle_prob={self.idle_prob})"

    __repr__ = __str__


class FlushItem(uvm_sequence_item):
    """A flush after ``gap`` idle cycles: ends the last pass (its tile is swapped out)."""

    kind = "flush"

    def __init__(self, name="pe_flush", gap=0):
        super().__init__(name)
        self.gap = gap
        self.ws, self.xs = [], []

    def __eq__(self, other):
        return isinstance(other, FlushItem)

    def __str__(self):
        return f"flush(gap={self.gap})"

    __repr__ = __str__


@dataclass(eq=False)
class TileItem:
    """A ROWS x COLS tile (signed int32 words).  Expected: the beats of the pass that
    the swap ended (``ws``/``xs``, predicted by the scoreboard); actual: the rows read
    out of ``out_row``."""
    rows: list
    epoch: int
    ws: list | None = None
    xs: list | None = None
    swap_cycle: int = -1

    key = "tile"

    def __eq__(self, other):
        return self.rows == other.rows

    def __str__(self):
        return f"tile(swap cycle {self.swap_cycle}, epoch {self.epoch}): {self.rows}"


@dataclass
class CycleSample:
    cycle: int
    rst_n: int
    valid: int
    first: int
    flush: int
    w: list
    x: list
    sh_en: int
    out_row: list
    out_swap: int
    epoch: int


# ------------------------------------------------------------------------------ BFM
class PeArrayBfm:
    """Owns the input pins; schedules passes, flushes and the shift-out; samples the
    whole interface every cycle (drive after the rising edge, sample at the falling
    edge, see verif.common.bfm).

    Edge bookkeeping: inputs driven in cycle ``n`` are sampled at edge ``n + 1``; a
    first/flush driven in cycle ``n`` swaps at edge ``n + LATENCY``.  ``need`` is the
    number of shifts still needed to read the tile in the shadow bank.  A first or
    flush is started only when every tile then in flight gets its ``ROWS - 1`` shift
    edges strictly between its swap and the next one; a shift is forced (whatever the
    stress knob says) when there is no slack left before the next swap.
    """

    def __init__(self, dut, rows, cols, reset_bfm, rng, stress):
        self.dut, self.rows, self.cols, self.reset_bfm = dut, rows, cols, reset_bfm
        self.rng = rng
        self.shift_pause = pause_generator(stress, rng)   # consumer backpressure
        self.idle_pause = pause_generator(stress, rng)    # source idle inside passes
        self.queue = collections.deque()
        self.cur = None
        self.beat = 0
        self.wait = 0
        self.acc_beats = ([], [])    # beats accumulated since the last first (expected tile)
        self.swaps = collections.deque()   # edges of issued, not yet applied swaps
        self.need = 0
        self.extra_shift_prob = 0.3
        self.listeners = []          # callables(CycleSample)
        self.issue_listeners = []    # callables(TileItem): a swap was issued
        self.last_sample: CycleSample | None = None
        self.last_rst_n = 0
        self.cycle = 0
        self.pending = 0             # items enqueued, not yet fully issued or discarded
        self.issued_swaps = 0
        for name in ("in_valid", "in_first", "in_flush", "sh_en", "in_w", "in_x"):
            getattr(dut, name).value = 0

    def enqueue(self, item):
        self.queue.append(item)
        self.pending += 1

    def idle(self) -> bool:
        """Nothing left to issue and every swapped tile read out."""
        return self.pending == 0 and not self.swaps and self.need == 0

    def set_stress(self, mode):
        self.shift_pause = pause_generator(mode, self.rng)
        self.idle_pause = pause_generator(mode, self.rng)

    def _flush(self):
        self.pending -= len(self.queue) + (1 if self.cur is not None else 0)
        self.queue.clear()
        self.cur = None
        self.swaps.clear()
        self.need = 0
        self.acc_beats = ([], [])

    def _can_swap(self, n) -> bool:
        """Whether a first/flush driven in cycle n (swap at edge n + LATENCY) leaves
        every tile its shifts.  Called after this cycle's shift was decided, so the
        current tile's remaining shifts must fit in edges n + 2 .. swap - 1."""
        e = n + LATENCY
        if self.swaps:
            return e - self.swaps[-1] >= self.rows
        return e - 2 - n >= self.need

    def _shift(self, n) -> int:
        """sh_en for cycle n (it acts at edge n + 1)."""
        e = n + 1
        if e in self.swaps:
            return 0
        if self.need > 0:
            if self.swaps and self.swaps[0] - 1 - n <= self.need:
                return 1                                # no slack: forced
            return 0 if next(self.shift_pause) else 1
        if self.rng.random() < self.extra_shift_prob:
            return 1                                    # zero-fill / shift an empty bank
        return 0

    def _drive(self, n):
        """Choose this cycle's inputs: returns (valid, first, flush, w, x)."""
        rnd_w = [self.rng.randint(-128, 127) for _ in range(self.rows)]
        rnd_x = [self.rng.randint(-128, 127) for _ in range(self.cols)]
        idle = (0, 0, 0, rnd_w, rnd_x)   # garbage on the data buses: must be ignored
        if self.reset_bfm.in_reset or not self.last_rst_n:
            return idle
        if self.cur is None:
            if not self.queue:
                return idle
            self.cur = self.queue.popleft()
            self.beat = 0
            self.wait = self.cur.gap
        item = self.cur
        if self.wait > 0:
            self.wait -= 1
            return idle
        if self.beat == 0 or item.kind == "flush":
            if not self._can_swap(n):
                return idle                               # controller stall
            exp = TileItem(None, self.reset_bfm.count, *self.acc_beats,
                           swap_cycle=n + LATENCY)
            self.swaps.append(n + LATENCY)
            self.issued_swaps += 1
            for cb in self.issue_listeners:
                cb(exp)
            if item.kind == "flush":
                self.acc_beats = ([], [])
                self._done()
                return (0, 0, 1, rnd_w, rnd_x)
            self.acc_beats = ([item.ws[0]], [item.xs[0]])
            self._next_beat()
            return (1, 1, 0, item.ws[0], item.xs[0])
        if item.idle_prob and self.rng.random() < item.idle_prob:
            return idle
        if next(self.idle_pause) and self.rng.random() < 0.5:
            return idle
        w, x = item.ws[self.beat], item.xs[self.beat]
        self.acc_beats[0].append(w)
        self.acc_beats[1].append(x)
        self._next_beat()
        return (1, 0, 0, w, x)

    def _next_beat(self):
        self.beat += 1
        if self.beat >= self.cur.k:
            self._done()

    def _done(self):
        self.cur = None
        self.pending -= 1

    async def run(self):
        dut, rows, cols = self.dut, self.rows, self.cols
        while True:
            await RisingEdge(dut.clk)
            n = self.cycle
            # Swaps at edge n have happened: a fresh tile needs ROWS - 1 shifts.
            while self.swaps and self.swaps[0] <= n:
                self.swaps.popleft()
                self.need = rows - 1
            sh = self._shift(n)
            if sh:
                self.need = max(0, self.need - 1)
            valid, first, flush, w, x = self._drive(n)
            dut.in_valid.value = valid
            dut.in_first.value = first
            dut.in_flush.value = flush
            dut.in_w.value = pack(w)
            dut.in_x.value = pack(x)
            dut.sh_en.value = sh
            await FallingEdge(dut.clk)
            # Before the first reset edge Icarus' registers are X: such a sample is
            # None, an error outside reset (PeScoreboard).
            row, swp = dut.out_row.value, dut.out_swap.value
            s = CycleSample(n, int(dut.rst_n.value), int(dut.in_valid.value),
                            int(dut.in_first.value), int(dut.in_flush.value), list(w), list(x),
                            int(dut.sh_en.value),
                            unpack(int(row), cols) if row.is_resolvable else None,
                            int(swp) if swp.is_resolvable else None, self.reset_bfm.count)
            self.cycle += 1
            self.last_rst_n = s.rst_n
            self.last_sample = s
            if not s.rst_n:
                self._flush()
            for cb in self.listeners:
                cb(s)


# ----------------------------------------------------------------------- components
class PeSequence(uvm_sequence):
    """Passes from traffic profiles (dicts: passes, k (list of choices: "lt", "eq",
    "gt", "huge" or ints), values ("random", "extreme", "mixed", "small" or
    ["const", w, x]), max_gap, idle_prob, flush_prob) or "directed":
    [(k, values, gap[, idle_prob]) | ("flush", gap), ...]."""

    def __init__(self, name="pe_seq", profiles=None):
        super().__init__(name)
        self.profiles = profiles or [{}]

    @staticmethod
    def pick_k(rng, rows, choice):
        if isinstance(choice, int):
            return choice
        if choice == "lt":
            return rng.randint(1, rows - 1) if rows > 1 else 1
        if choice == "eq":
            return rows
        if choice == "gt":
            return rng.randint(rows + 1, 2 * rows + 1)
        return rng.randint(4 * rows, 4 * rows + 8)       # "huge": k >> ROWS

    async def body(self):
        rng = ConfigDB().get(None, "", "test_rng")
        rows, cols = ConfigDB().get(None, "", "pe_dims")
        for prof in self.profiles:
            for d in prof.get("directed", ()):
                if d[0] == "flush":
                    item = FlushItem(gap=d[1])
                else:
                    k, values, gap = d[:3]
                    item = PassItem().randomize(rng, rows, cols, self.pick_k(rng, rows, k),
                                                values, gap, d[3] if len(d) > 3 else 0.0)
                await self.start_item(item)
                await self.finish_item(item)
            if "directed" in prof:
                continue
            ks = prof.get("k", ["lt", "eq", "gt", "huge"])
            for _ in range(prof.get("passes", 8)):
                k = self.pick_k(rng, rows, rng.choice(ks))
                gap = rng.randint(0, prof.get("max_gap", 2))
                item = PassItem().randomize(rng, rows, cols, k, prof.get("values", "random"),
                                            gap if rng.random() < 0.5 else 0,
                                            prof.get("idle_prob", 0.0))
                await self.start_item(item)
                await self.finish_item(item)
                if rng.random() < prof.get("flush_prob", 0.2):
                    fl = FlushItem(gap=rng.randint(0, prof.get("max_gap", 2)))
                    await self.start_item(fl)
                    await self.finish_item(fl)
            if prof.get("end_flush", True):
                fl = FlushItem()
                await self.start_item(fl)
                await self.finish_item(fl)


class PeDriver(uvm_driver):
    def build_phase(self):
        self.exp_ap = uvm_analysis_port("exp_ap", self)

    def connect_phase(self):
        self.bfm: PeArrayBfm = ConfigDB().get(self, "", "pe_bfm")
        self.bfm.issue_listeners.append(self.exp_ap.write)

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            self.bfm.enqueue(item)
            self.seq_item_port.item_done()


class PeMonitor(uvm_component):
    """Publishes every cycle sample, every tile read out, and protocol violations."""

    def build_phase(self):
        self.cycle_ap = uvm_analysis_port("cycle_ap", self)
        self.tile_ap = uvm_analysis_port("tile_ap", self)
        self.proto_ap = uvm_analysis_port("proto_ap", self)
        self.rows = ConfigDB().get(self, "", "pe_dims")[0]
        self.hist = collections.deque([None, None], maxlen=2)   # ops of cycles n-2, n-1
        self.tile = None
        self.swap_cycle = -1
        self.take_next = False

    def connect_phase(self):
        bfm: PeArrayBfm = ConfigDB().get(self, "", "pe_bfm")
        bfm.listeners.append(self.sample)

    def sample(self, s: CycleSample):
        self.cycle_ap.write(s)
        if not s.rst_n:
            self.hist.extend([None, None])
            self.tile, self.take_next = None, False
            return
        if s.out_row is None or s.out_swap is None:
            return                         # unknown outputs: PeScoreboard reports them
        if s.valid and s.flush:
            self.proto_ap.write(f"cycle {s.cycle}: in_flush with in_valid")
        if s.first and not s.valid:
            self.proto_ap.write(f"cycle {s.cycle}: in_first without in_valid")
        # The edge that ends this cycle applies the operation of cycle n - 2.
        swap_edge = self.hist[0] in ("first", "flush")
        if s.sh_en and swap_edge:
            self.proto_ap.write(f"cycle {s.cycle}: sh_en at a swap edge (swap/shift collision)")
        self.hist.append(operation(s.valid, s.first, s.flush))
        # Tile reassembly: row 0 in the out_swap cycle, row i after the i-th shift.
        if s.out_swap:
            if self.tile is not None:
                self.proto_ap.write(f"cycle {s.cycle}: tile swapped at cycle {self.swap_cycle} "
                                    f"cut short after {len(self.tile)} of {self.rows} rows")
            self.tile, self.swap_cycle = [list(s.out_row)], s.cycle
        elif self.take_next and self.tile is not None:
            self.tile.append(list(s.out_row))
        self.take_next = bool(s.sh_en)
        if self.tile is not None and len(self.tile) == self.rows:
            self.tile_ap.write(TileItem(self.tile, s.epoch, swap_cycle=self.swap_cycle))
            self.tile = None


class _Imp(uvm_subscriber):
    def __init__(self, name, parent, fn):
        super().__init__(name, parent)
        self.fn = fn

    def write(self, s):
        self.fn(s)


class BuggyPeArrayModel(PeArrayModel):
    """Deliberately wrong model for the injected-bug tests: ``first`` does not restart
    the accumulator (it adds the product to the previous pass), so every tile after
    the first pass carries its predecessor."""

    def _apply(self, kind, prods):
        if kind == "first":
            self.shadow = [row[:] for row in self.acc]
            self.acc = [[wrap32(a + p) for a, p in zip(ra, rp)]
                        for ra, rp in zip(self.acc, prods)]
            return True
        return super()._apply(kind, prods)


class PeScoreboard(ScoreboardBase):
    """Every cycle against the model; tiles in order against the matrix product;
    protocol violations."""

    def build_phase(self):
        super().build_phase()
        p = self.knobs.params
        self.rows, self.cols = p["ROWS"], p["COLS"]
        cls = BuggyPeArrayModel if self.knobs.inject_bug else PeArrayModel
        self.model = cls(self.rows, self.cols)
        self.logger.info(f"golden model: {cls.__name__}")
        self.cycle_export = _Imp("cycle_imp", self, self.on_cycle).analysis_export
        self.proto_export = _Imp("proto_imp", self, self.on_violation).analysis_export
        self.cycles = 0
        self.swaps = 0

    def predict(self, item: TileItem) -> TileItem:
        item.rows = tile(item.ws, item.xs, self.rows, self.cols)
        return item

    def on_violation(self, msg):
        self.error(f"protocol violation: {msg}")

    def on_cycle(self, s: CycleSample):
        self.cycles += 1
        if not s.rst_n:
            self.model.reset()
            return
        exp = self.model.outputs()
        if s.out_row is None or s.out_swap is None:
            self.error(f"cycle {s.cycle}: out_row/out_swap unknown (X) out of reset")
            self.model.clock(s.valid, s.first, s.flush, s.w, s.x, s.sh_en)
            return
        if (s.out_row, bool(s.out_swap)) != (list(exp.out_row), exp.out_swap):
            self.error(f"cycle {s.cycle}: valid={s.valid} first={s.first} flush={s.flush} "
                       f"sh_en={s.sh_en}\n"
                       f"  Expected: out_row={list(exp.out_row)} out_swap={int(exp.out_swap)}\n"
                       f"  Actual:   out_row={s.out_row} out_swap={s.out_swap}")
        rep = self.model.clock(s.valid, s.first, s.flush, s.w, s.x, s.sh_en)
        self.swaps += rep.swapped

    def check_extra(self):
        self.logger.info(f"scoreboard: {self.cycles} cycles checked against the model, "
                         f"{self.swaps} swaps")


class PeCoverage(CoverageBase):
    """Bins named after the testplan's testpoints (ip/pe_array/README.md)."""

    def build_phase(self):
        self.rows, self.cols = ConfigDB().get(self, "", "pe_dims")
        super().build_phase()
        self.k = None            # beats of the pass in progress (None: no pass)
        self.prev = None
        self.in_pass_idle = False
        self.hist = collections.deque([None, None], maxlen=2)
        self.need = 0

    def bins(self):
        ks = (["k_lt_rows"] if self.rows > 1 else []) + ["k_eq_rows", "k_gt_rows", "k_huge"]
        # With ROWS = 1 a tile is read with no shift: no backpressure, no readout to reset.
        readout = ["shift_backpressure", "reset_mid_readout"] if self.rows > 1 else []
        return {"pass_k": ks,
                "scenario": ["back_to_back", "gap_between_passes", "idle_in_pass",
                             "flush_after_pass", "flush_empty", "readout_ends_at_swap",
                             "zero_fill", "reset_mid_pass"] + readout,
                "extremes": ["product_max", "product_min", "acc_large_pos", "acc_large_neg"]}

    def _end_pass(self, ev):
        k = self.k
        if k is None:
            return
        if k < self.rows:
            ev.append("k_lt_rows")
        elif k == self.rows:
            ev.append("k_eq_rows")
        elif k >= 4 * self.rows:
            ev.append("k_huge")
        if k > self.rows:
            ev.append("k_gt_rows")

    def events(self, s: CycleSample):
        ev = []
        prev, self.prev = self.prev, s
        if not s.rst_n:
            if prev is not None and prev.rst_n:
                if self.k is not None:
                    ev.append("reset_mid_pass")
                if self.need > 0:
                    ev.append("reset_mid_readout")
            self.k, self.need = None, 0
            self.hist.extend([None, None])
            return ev
        if s.out_row is None or s.out_swap is None:
            return ev
        op = operation(s.valid, s.first, s.flush)
        swap_edge = self.hist[0] in ("first", "flush")
        self.hist.append(op)
        if s.out_swap:
            self.need = self.rows - 1
        if op == "first":
            if self.k is not None:
                self._end_pass(ev)
                ev.append("back_to_back" if prev is not None and prev.valid
                          else "gap_between_passes")
            self.k = 1
        elif op == "acc":
            if self.k is not None:
                if prev is not None and not prev.valid:
                    ev.append("idle_in_pass")
                self.k += 1
        elif op == "flush":
            if self.k is not None:
                self._end_pass(ev)
                ev.append("flush_after_pass")
            else:
                ev.append("flush_empty")
            self.k = None
        if self.need > 0:
            if s.sh_en:
                self.need -= 1
                # The last shift of a readout at the edge just before a swap edge: the
                # tile left with no bubble before the next one arrives.
                if self.need == 0 and self.hist[0] in ("first", "flush"):
                    ev.append("readout_ends_at_swap")
            else:
                ev.append("shift_backpressure")
        elif s.sh_en and not swap_edge and any(s.out_row):
            ev.append("zero_fill")
        if self.rows == 1 and s.out_swap and prev is not None and prev.out_swap:
            ev.append("readout_ends_at_swap")
        if s.valid:
            if any(w == -128 for w in s.w) and any(x == -128 for x in s.x):
                ev.append("product_max")
            if (any(w == -128 for w in s.w) and any(x == 127 for x in s.x)) or \
                    (any(w == 127 for w in s.w) and any(x == -128 for x in s.x)):
                ev.append("product_min")
        if any(v >= 1 << 17 for v in s.out_row):
            ev.append("acc_large_pos")
        if any(v <= -(1 << 17) for v in s.out_row):
            ev.append("acc_large_neg")
        return ev


class PeEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        rows, cols = self.knobs.params["ROWS"], self.knobs.params["COLS"]
        ConfigDB().set(None, "*", "pe_dims", (rows, cols))
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        rng = ConfigDB().get(self, "", "test_rng")
        self.bfm = PeArrayBfm(self.dut, rows, cols, self.reset_bfm, rng, self.knobs.stress)
        ConfigDB().set(None, "*", "pe_bfm", self.bfm)
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = PeDriver("driver", self)
        self.monitor = PeMonitor("monitor", self)
        self.scoreboard = PeScoreboard("scoreboard", self)
        self.coverage = PeCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.exp_ap.connect(self.scoreboard.exp_export)
        self.monitor.tile_ap.connect(self.scoreboard.act_export)
        self.monitor.cycle_ap.connect(self.scoreboard.cycle_export)
        self.monitor.proto_ap.connect(self.scoreboard.proto_export)
        self.monitor.cycle_ap.connect(self.coverage.analysis_export)

    def start_of_simulation_phase(self):
        cocotb.start_soon(self.bfm.run())

    async def drain(self, timeout_cycles: int = 100_000):
        """Wait until every item was issued and every swapped tile read out (or a
        reset discarded them)."""
        for _ in range(timeout_cycles):
            if self.bfm.idle():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError(f"pe_array env: {self.bfm.pending} item(s), "
                                 f"{len(self.bfm.swaps)} swap(s) still pending after "
                                 f"{timeout_cycles} cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.reset_bfm.count
