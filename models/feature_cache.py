"""Golden model of the feature cache (``ip/feature_cache``): DeepCache in hardware.

This module is the specification.  It is transaction-level: one call per CSR write or
read, per stored feature and per load request, applied in the order the host and the
streams issue them.  The cycle-level rules that make that order well defined are in
the design note of ``ip/feature_cache/feature_cache.py``; the environment only ever
issues CSR operations while both streams are idle, and in a phase of concurrent
stores and loads the loaded slots are disjoint from the stored ones, so the order of
the two streams does not matter.

State
-----
* per slot ``s < SLOTS``: ``tag`` (host-written, 32 bits), ``length`` (beats of the
  last complete store), ``step`` (the timestep current when that store completed),
  ``valid`` (a complete, in-capacity store is held), ``fresh`` (it was stored after the
  last full-compute step was entered) and the stored beats;
* ``policy``: ``mode`` 0 = uniform interval ``interval``, 1 = schedule bitmap; the bitmap
  (``STEPS`` bits, written 16 at a time); the current ``step``, the ``decision`` for it
  (1 = full compute, 0 = retrieve) and ``epoch`` (full steps entered since reset);
* counters ``HIT_CNT``, ``MISS_CNT``, ``STALE_CNT`` (loads answered HIT, MISS, STALE;
  32 bits, wrapping), ``LAST_LOAD`` (code and slot of the last load request),
  ``ERR_FLAGS`` (one sticky bit per error code, write 1 to clear), ``GEN`` (invalidate-all
  count).

Decisions (DeepCache schedules, :mod:`models.deepcache`)
--------------------------------------------------------
Writing ``STEP = t`` (``t < STEPS``) *enters* step ``t``: its decision is full compute
iff ``t == 0`` (nothing can be retrieved before the first full step, and a new run
therefore never hits on the previous run's features), or, in uniform mode,
``t mod interval == 0`` (``interval == 0``: full compute and error BAD_POLICY), or, in
bitmap mode, bit ``t`` of the bitmap.  That is exactly ``t in uniform_schedule(STEPS,
interval)`` resp. ``schedule_bitmap(STEPS, full_steps)[t]`` of
:mod:`models.deepcache`.  Entering a full step increments ``epoch`` and clears every
slot's ``fresh`` bit: features stored before it are *stale* from then on.  ``t >=
STEPS`` is refused (error BAD_STEP; nothing changes).

Stores
------
A feature is the beats of one store stream up to ``tlast``; the slot is ``tid`` of its
first beat.  ``tid >= SLOTS``: BAD_SLOT, every beat drained, nothing written.
Otherwise the slot's ``valid`` is cleared at the first beat; beats ``0 ..
SLOT_WORDS-1`` are written to the slot; a feature longer than ``SLOT_WORDS`` beats is
OVERFLOW (the excess is drained, nothing is written outside the slot, the slot stays
invalid).  A feature of at most ``SLOT_WORDS`` beats is OK: ``valid = fresh = 1``,
``length`` = its beats, ``step`` = the current step.  Every store gets one response
(code, slot) after its last beat.

Loads
-----
A load request names a slot.  ``slot >= SLOTS``: BAD_SLOT; invalid slot: MISS; valid
but not fresh: STALE; otherwise HIT, and the ``length`` stored beats follow on the load
stream (``tdest`` = slot, ``tlast`` on the last).  MISS, STALE and BAD_SLOT deliver no
data.  Every request gets one response (code, slot) before its data.

Errors (``ERR_FLAGS`` bit = code)
---------------------------------
MISS 1, STALE 2, OVERFLOW 3, BAD_SLOT 4, BAD_STEP 5 (``STEP >= STEPS``, or a bitmap word
index ``>= STEPS/16``), BAD_POLICY 6 (entering a step in uniform mode with interval 0).
Code 0 is OK (a HIT for a load).

Reset clears everything but the bitmap (an SRAM: its content after reset is
unspecified, the host rewrites it) and the slot data (idem; unreachable while invalid).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models import deepcache

OK, MISS, STALE, OVERFLOW, BAD_SLOT, BAD_STEP, BAD_POLICY, AXI_ERR = range(8)
CODES = {OK: "OK", MISS: "MISS", STALE: "STALE", OVERFLOW: "OVERFLOW",
         BAD_SLOT: "BAD_SLOT", BAD_STEP: "BAD_STEP", BAD_POLICY: "BAD_POLICY",
         AXI_ERR: "AXI_ERR"}
MODE_UNIFORM, MODE_BITMAP = 0, 1
SLOT_ID_BITS = 4          # tid / tdest / s_ld_slot width: slot ids 0..15 are addressable
STEP_BITS = 16
BMP_BITS = 16             # bitmap bits per BMP_WRITE
REGMAP_VERSION = 1
MASK32 = 0xFFFFFFFF

SLOTS_MAX = 16
DATA_BYTES_CHOICES = (1, 2, 4, 8, 16)
STEPS_MIN, STEPS_MAX = 1024, 32768


def check_config(slots: int, data_bytes: int, slot_words: int, steps: int) -> None:
    """``ValueError`` naming the first bad parameter (the IP's check() words the same)."""
    def bad(name, v, why):
        raise ValueError(f"feature_cache: {name} {why}, got {v}")
    if not 1 <= slots <= SLOTS_MAX:
        bad("SLOTS", slots, f"must be in 1..{SLOTS_MAX}")
    if data_bytes not in DATA_BYTES_CHOICES:
        bad("DATA_BYTES", data_bytes, "must be one of 1, 2, 4, 8, 16")
    if slot_words < 2 or slot_words & (slot_words - 1):
        bad("SLOT_WORDS", slot_words, "must be a power of two >= 2")
    if not STEPS_MIN <= steps <= STEPS_MAX or steps & (steps - 1):
        bad("STEPS", steps, f"must be a power of two in {STEPS_MIN}..{STEPS_MAX}")


@dataclass
class Slot:
    tag: int = 0
    length: int = 0
    step: int = 0
    valid: bool = False
    fresh: bool = False
    data: list = field(default_factory=list)


@dataclass(frozen=True)
class Response:
    """What a store or a load request is answered with."""
    code: int
    slot: int

    def __str__(self):
        return f"{CODES.get(self.code, self.code)}(slot={self.slot})"


class FeatureCacheModel:
    """Transaction-level model; see the module docstring for the contract."""

    def __init__(self, slots: int = 4, data_bytes: int = 8, slot_words: int = 256,
                 steps: int = 1024, backing: str = "onchip", err=None):
        check_config(slots, data_bytes, slot_words, steps)
        if backing not in ("onchip", "dram"):
            raise ValueError(f"feature_cache: BACKING must be onchip or dram, got {backing!r}")
        self.n, self.data_bytes, self.cap, self.steps = slots, data_bytes, slot_words, steps
        # BACKING=dram: slot data in a byte-addressed memory (sparse: {beat address: value})
        # at BASE{s}, capacity CAP{s}; ``err(byte address)`` -> the slave answers SLVERR
        # there (a write is not performed, a read error zero-pads the rest of the load).
        self.dram = backing == "dram"
        self.err = err or (lambda a: False)
        self.mem: dict = {}
        self.cap_bits = 24 - (data_bytes.bit_length() - 1)
        self.bitmap = [0] * steps
        self._uniform_key, self._uniform = None, set()
        self.reset()

    # --- reset / CSR side -----------------------------------------------------------
    def reset(self) -> None:
        self.slots = [Slot() for _ in range(self.n)]
        self.mode = MODE_UNIFORM
        self.interval = 0
        self.step = 0
        self.decision = 0
        self.epoch = 0
        self.gen = 0
        self.hit_cnt = self.miss_cnt = self.stale_cnt = 0
        self.last_code = 0
        self.last_slot = 0
        self.err_flags = 0
        self.base = [i * self.cap * self.data_bytes for i in range(self.n)]
        self.caps = [self.cap] * self.n

    def _error(self, code: int) -> None:
        self.err_flags |= 1 << code

    def set_policy(self, mode: int, interval: int) -> None:
        self.mode, self.interval = mode & 1, interval & 0xFFFF

    def write_bitmap(self, index: int, bits: int) -> None:
        """BMP_WRITE: steps ``16*index .. 16*index+15`` get ``bits`` (bit j = step 16*index+j)."""
        if index >= self.steps // BMP_BITS:
            self._error(BAD_STEP)
            return
        for j in range(BMP_BITS):
            self.bitmap[BMP_BITS * index + j] = (bits >> j) & 1

    def load_schedule(self, full_steps) -> list[tuple[int, int]]:
        """The BMP_WRITE (index, bits) sequence that programs ``full_steps``."""
        bm = deepcache.schedule_bitmap(self.steps, full_steps)
        return [(w, sum(bm[BMP_BITS * w + j] << j for j in range(BMP_BITS)))
                for w in range(self.steps // BMP_BITS)]

    def decide(self, t: int) -> int:
        """1 = full compute at step ``t`` (the rule of the module docstring)."""
        if t == 0:
            return 1
        if self.mode == MODE_UNIFORM:
            if self.interval == 0:
                return 1
            key = (self.steps, self.interval)
            if self._uniform_key != key:
                self._uniform = set(deepcache.uniform_schedule(*key))
                self._uniform_key = key
            return int(t in self._uniform)
        return self.bitmap[t]

    def write_step(self, t: int) -> None:
        if t >= self.steps:
            self._error(BAD_STEP)
            return
        if self.mode == MODE_UNIFORM and self.interval == 0 and t != 0:
            self._error(BAD_POLICY)
        self.step = t
        self.decision = self.decide(t)
        if self.decision:
            self.epoch = (self.epoch + 1) & 0xFFFF
            for s in self.slots:
                s.fresh = False

    def invalidate_all(self) -> None:
        for s in self.slots:
            s.valid = s.fresh = False
        self.gen = (self.gen + 1) & 0xFFFF

    def clear_counters(self) -> None:
        self.hit_cnt = self.miss_cnt = self.stale_cnt = 0

    def set_tag(self, slot: int, tag: int) -> None:
        self.slots[slot].tag = tag & MASK32

    # --- streams --------------------------------------------------------------------
    def store(self, slot: int, beats: list[int]) -> Response:
        """One feature of ``len(beats) >= 1`` beats to ``slot``."""
        if not beats:
            raise ValueError("a feature has at least one beat")
        if slot >= self.n:
            self._error(BAD_SLOT)
            return Response(BAD_SLOT, slot)
        s = self.slots[slot]
        s.valid = s.fresh = False
        if self.dram:
            return self._store_dram(slot, s, beats)
        # The in-capacity beats are written even when the feature overflows (the slot
        # stays invalid, so they are unreachable): only the slot's own words change.
        for i, b in enumerate(beats[:self.cap]):
            if i < len(s.data):
                s.data[i] = b
            else:
                s.data.append(b)
        if len(beats) > self.cap:
            self._error(OVERFLOW)
            return Response(OVERFLOW, slot)
        s.valid = s.fresh = True
        s.length = len(beats)
        s.step = self.step
        return Response(OK, slot)

    def _store_dram(self, slot: int, s: Slot, beats: list[int]) -> Response:
        b, cap = self.data_bytes, self.caps[slot]
        base = self.base[slot] - self.base[slot] % b
        n = min(len(beats), cap)
        bad = False
        for i in range(n):
            a = (base + i * b) & MASK32
            if self.err(a):
                bad = True
            else:
                self.mem[a] = beats[i]
        code = AXI_ERR if bad else OVERFLOW if len(beats) > cap else OK
        if code != OK:
            self._error(code)
            return Response(code, slot)
        s.valid = s.fresh = True
        s.length = n
        s.step = self.step
        return Response(OK, slot)

    def _load_dram(self, slot: int) -> list[int]:
        b, s = self.data_bytes, self.slots[slot]
        base = self.base[slot] - self.base[slot] % b
        out, bad = [], False
        for i in range(s.length):
            a = (base + i * b) & MASK32
            bad = bad or self.err(a)
            out.append(0 if bad else self.mem.get(a, 0))
        if bad:
            self.last_code = AXI_ERR
            self._error(AXI_ERR)
        return out

    def classify(self, slot: int) -> int:
        if slot >= self.n:
            return BAD_SLOT
        s = self.slots[slot]
        if not s.valid:
            return MISS
        return OK if s.fresh else STALE

    def load(self, slot: int) -> tuple[Response, list[int]]:
        """(response, beats delivered); no beats unless the response is a HIT."""
        code = self.classify(slot)
        self.last_code, self.last_slot = code, slot
        if code == OK:
            self.hit_cnt = (self.hit_cnt + 1) & MASK32
            s = self.slots[slot]
            if self.dram:
                return Response(OK, slot), self._load_dram(slot)
            return Response(OK, slot), list(s.data[:s.length])
        if code == MISS:
            self.miss_cnt = (self.miss_cnt + 1) & MASK32
        elif code == STALE:
            self.stale_cnt = (self.stale_cnt + 1) & MASK32
        self._error(code)
        return Response(code, slot), []

    # --- CSR reads (the register map of ip/feature_cache, by register name) ---------
    def read(self, name: str) -> int:
        if name == "STATUS":
            return self.decision << 1          # busy (bit 0) is 0 between transactions
        if name == "POLICY":
            return self.mode | (self.interval << 16)
        if name == "CUR_STEP":
            return self.step
        if name == "EPOCH":
            return self.epoch | (self.gen << 16)
        if name == "HIT_CNT":
            return self.hit_cnt
        if name == "MISS_CNT":
            return self.miss_cnt
        if name == "STALE_CNT":
            return self.stale_cnt
        if name == "LAST_LOAD":
            return self.last_code | (self.last_slot << 8)
        if name == "ERR_FLAGS":
            return self.err_flags
        for prefix, regs in (("BASE", self.base), ("CAP", self.caps)):
            if self.dram and name.startswith(prefix) and name[len(prefix):].isdigit():
                return regs[int(name[len(prefix):])]
        for prefix in ("TAG", "LENGTH", "STEP", "STATE"):
            if name.startswith(prefix) and name[len(prefix):].isdigit():
                s = self.slots[int(name[len(prefix):])]
                return {"TAG": s.tag, "LENGTH": s.length, "STEP": s.step,
                        "STATE": int(s.valid) | (int(s.fresh) << 1)}[prefix]
        raise KeyError(f"feature_cache model: no register {name!r}")

    def clear_errors(self, mask: int) -> None:
        self.err_flags &= ~mask

    def write(self, name: str, value: int) -> None:
        """A CSR write by register name (full 32-bit word, every byte strobed)."""
        value &= MASK32
        if name == "CTRL":
            if value & 1:
                self.invalidate_all()
            if value & 2:
                self.clear_counters()
        elif name == "POLICY":
            self.set_policy(value & 1, value >> 16)
        elif name == "STEP":
            if value >> 31:
                self.write_step(value & 0xFFFF)
        elif name == "BMP_WRITE":
            if value >> 31:
                self.write_bitmap((value >> 16) & 0xFFF, value & 0xFFFF)
        elif name == "ERR_FLAGS":
            self.clear_errors(value & 0xFF)
        elif name.startswith("TAG") and name[3:].isdigit():
            self.set_tag(int(name[3:]), value)
        elif self.dram and name.startswith("BASE") and name[4:].isdigit():
            self.base[int(name[4:])] = value & ~(self.data_bytes - 1)
        elif self.dram and name.startswith("CAP") and name[3:].isdigit():
            self.caps[int(name[3:])] = value & ((1 << self.cap_bits) - 1)
        # every other register is read-only: the write is accepted and ignored


# Cycle timing of the RTL (ip/feature_cache design note), every consumer ready:
ST_RESP_LATENCY = 1      # store response valid in the cycle after the tlast beat
LD_RESP_LATENCY = 1      # load response valid in the cycle after the request is accepted
LD_DATA_LATENCY = 3      # first m_axis beat 3 cycles after the request is accepted


def waveform_rows(beats=(0xA0, 0xA1, 0xA2), slot: int = 1, ld_cycle: int = 5,
                  n: int = 12, slots: int = 2, data_bytes: int = 1, slot_words: int = 4):
    """(rows, store response, load response, loaded beats) of the README waveform: a
    store of ``beats`` to ``slot`` from cycle 0, then a load request of it in cycle
    ``ld_cycle``, every consumer ready; the timing is the constants above."""
    m = FeatureCacheModel(slots, data_bytes, slot_words, 1024)
    beats = list(beats)
    rsp = m.store(slot, beats)
    lrsp, data = m.load(slot)
    L = len(beats)
    d0 = ld_cycle + LD_DATA_LATENCY
    rows = {
        "s_axis_tvalid": [int(c < L) for c in range(n)],
        "s_axis_tlast": [int(c == L - 1) for c in range(n)],
        "st_resp_valid": [int(c == L - 1 + ST_RESP_LATENCY) for c in range(n)],
        "s_ld_valid": [int(c == ld_cycle) for c in range(n)],
        "ld_resp_valid": [int(c == ld_cycle + LD_RESP_LATENCY) for c in range(n)],
        "m_axis_tvalid": [int(d0 <= c < d0 + len(data)) for c in range(n)],
        "m_axis_tlast": [int(c == d0 + len(data) - 1) for c in range(n)],
    }
    return rows, rsp, lrsp, data


def waveform(slots: int = 2, data_bytes: int = 1, slot_words: int = 4) -> str:
    """The README's ASCII waveform (tests/test_feature_cache_property.py checks the
    RTL against these rows cycle by cycle)."""
    beats = [0xA0, 0xA1, 0xA2]
    n = 12
    rows, rsp, lrsp, data = waveform_rows(beats, n=n, slots=slots, data_bytes=data_bytes,
                                          slot_words=slot_words)
    lines = ["cycle          " + "".join(f"{c:<4}" for c in range(n))]
    for k, v in rows.items():
        lines.append(f"{k:<15}" + "".join("‾‾‾‾" if b else "____" for b in v))
    d0 = rows["m_axis_tvalid"].index(1)
    lines.append("s_axis_tdata   " + "".join(f"{b:02X}  " for b in beats) + "(s_axis_tid = 1)")
    lines.append("m_axis_tdata   " + " " * (4 * d0) + "".join(f"{b:02X}  " for b in data)
                 + "(m_axis_tdest = 1)")
    lines.append(f"st_resp: {rsp} in cycle {rows['st_resp_valid'].index(1)}; "
                 f"ld_resp: {lrsp} in cycle {rows['ld_resp_valid'].index(1)}")
    return "\n".join(lines)


__all__ = ["FeatureCacheModel", "Response", "Slot", "CODES", "check_config", "waveform",
           "waveform_rows"]
