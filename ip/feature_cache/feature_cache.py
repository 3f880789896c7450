"""RADACS feature cache: DeepCache's cached U-Net features, in hardware.

Design note
-----------
DeepCache (see :mod:`models.deepcache`) runs the whole U-Net at *full-compute* steps and
stores one deep feature; the *retrieve* steps in between read it back instead of
recomputing the deep part.  This block holds those features in ``SLOTS`` slots of an
on-chip two-port memory and tells the host, for every timestep, which kind of step it
is.  The transaction-level contract is :mod:`models.feature_cache` (the golden model);
this note gives the structure and the cycle timing.

Dataflow::

    s_axis (tid = slot, tlast) --> store FSM --> memory write port
                                      \\--> st_resp (code, slot) after tlast
    s_ld (slot) --> classify (valid, fresh) --> ld_resp (code, slot)
                      \\--> read issuer --> memory read port (registered)
                                          --> 2-entry FIFO --> m_axis (tdest, tlast)
    AXI4-Lite --> register block (ip.axi.axil_regs of FC_REGMAP): policy, bitmap,
                  STEP --> decision engine --> decision, epoch, fresh bits cleared

Memory.  One simple-dual-port RAM of ``SLOTS * SLOT_WORDS`` words of ``8*DATA_BYTES``
bits; slot ``s`` owns words ``[s*SLOT_WORDS, (s+1)*SLOT_WORDS)`` (a static, equal
partition, address = ``{slot, beat}``), so a store can never write into another slot:
the beat counter saturates at ``SLOT_WORDS`` and writes are disabled from there on.
A ``tid >= SLOTS`` disables every write of its feature.

Store timing.  The first beat of a feature latches ``tid`` (later beats' ``tid`` is
ignored) and clears the slot's VALID (a concurrent load of that slot misses rather
than reading half-written data).  Each accepted beat is written in the cycle it is
accepted.  The store response (``st_resp_valid``, code, slot) rises in the cycle after
the ``tlast`` beat; a complete, in-capacity feature sets VALID and FRESH, LENGTH and
STEP of its slot at that same edge.  ``s_axis_tready`` is low only (a) on a first beat
while the decision engine is busy or while a load is still reading the same slot, and
(b) on a ``tlast`` beat while the previous response is held and not being accepted
(``st_resp_ready`` low).  So a store runs at one beat per cycle with zero stall cycles,
and back-to-back features too, when the response consumer is ready.

Load timing.  A request is accepted (``s_ld_ready``) when no load is issuing reads
(or its last read is issued in this cycle), no load response is held (or it is being
accepted), the decision engine is idle, and no store of the same slot presents its
first beat in that cycle (a store and a load of one slot never overlap: the store
waits for the load's reads, the load waits one cycle for the store and then misses).  At the accepting edge the
slot is classified from the VALID and FRESH bits (BAD_SLOT / MISS / STALE / HIT), the
counters and LAST_LOAD update, and the response rises in the next cycle.  A HIT starts
the read issuer: one read per cycle while the FIFO has room, counting the read in
flight and the beat leaving in the same cycle (``count + inflight - pop <= 1``), so
the 2-entry FIFO never overflows and, with ``m_axis_tready`` high, the stream is one
beat per cycle with zero stall cycles: the first beat is on ``m_axis`` 3 cycles after
the request is accepted, the last ``length + 2`` cycles after it.  Under backpressure
the beat in the output register holds (``tvalid`` never depends on ``tready``) and
the issuer waits: no beat is lost or repeated, and no bubble follows the release.  The
next request is accepted in the cycle the last read of the current one is issued
(``s_ld_ready`` then depends on ``m_axis_tready`` through the FIFO room: a ready
depending on a ready, never a valid), so back-to-back loaded features follow each
other with no idle cycle (measured by the benchmark).
An error response delivers no data at all: the issuer only starts on a HIT.

Decision engine.  A STEP write (``step_we``) of ``t < STEPS`` sets CUR_STEP and makes
the engine busy for ``DEC_CYCLES`` = 17 cycles (``STATUS.busy``): a 16-bit restoring
divider computes ``t mod interval`` (one quotient bit per cycle; a modulo by a
variable on every STEP write would be a combinational divider, hundreds of LUTs), and
the bitmap RAM (``STEPS/16`` words of 16 bits, written by BMP_WRITE) is read at ``t >>
4``.  At the end, ``decision`` (pin ``decision_full`` and STATUS.decision) becomes
``t == 0 | (uniform ? interval == 0 | rem == 0 : bitmap[t])``; a full step increments
EPOCH and clears every FRESH bit (a store completing at that same edge keeps its
FRESH bit: the set wins).  While busy, new store features and load requests wait;
features already streaming continue.  ``t >= STEPS``: BAD_STEP, nothing changes.

Staleness.  Instead of comparing a per-slot epoch with the current one (which wraps),
each slot has one FRESH bit: set by its store, cleared for all slots when a full step
is entered.  Load classification: ``!VALID`` MISS, ``VALID & !FRESH`` STALE, else HIT.
Step 0 is always full (nothing can be retrieved before it), so a new run never hits on
a previous run's features even without INVALIDATE_ALL.

CSRs.  ``FC_REGMAP(SLOTS)`` (:func:`regmap`) elaborated by :func:`ip.axi.axil_regs.axil_regs`;
W1P fields carry the STEP value and the bitmap word, so each is one write with no
read-modify-write.  ERR_FLAGS has one sticky bit per error code (write 1 to clear).
Pins: ``decision_full`` (level), ``step_busy`` (level), ``hit``, ``miss``, ``stale``
(one-cycle pulses, with the load response's first cycle).

Reset: synchronous, active low (``rst_n``), as the register block's; every control
register, VALID/FRESH bit and counter to 0.  The data and bitmap RAMs are not reset
(they are unreachable while invalid; the host reprograms the bitmap).

DRAM backing (``BACKING=dram``).  The slot bookkeeping above (first-beat decode, VALID/
FRESH, decision engine, responses, counters, LENGTH/STEP, error flags) is the same code;
only the data path differs: instead of the on-chip RAM and 2-entry FIFO the beats go
through :mod:`ip.feature_cache.dram_path` (staging FIFO, two ``axi_wr`` in ping-pong, one
``axi_rd``; one AXI4 master ``m_axi_*``).  Per slot, BASE{s} (byte address) and CAP{s}
(beats) CSRs at ``0x140 + 8*s`` (reset: ``s*SLOT_WORDS*DATA_BYTES`` and ``SLOT_WORDS``):
a store's first beat samples its slot's BASE/CAP (a bad slot drains, writes nothing);
beats beyond CAP are discarded (OVERFLOW).  The store ends -- response, VALID/FRESH/
LENGTH/STEP -- at the datapath's ``st_done``, after the last B response of the
feature, not after ``tlast``; a SLVERR/DECERR B gives store code AXI_ERR (7) and the
slot stays invalid.  A HIT load latches BASE and LENGTH of its slot and issues one read
command; the load response (HIT) still rises the cycle after the request, the data
follows (first beat about 6 cycles after the request) and the backing is released at
``ld_done`` (after the last beat; the next request is accepted in that cycle).  A read
SLVERR/DECERR cannot change the response already given: the datapath pads the feature
with zero beats up to LENGTH (exactly LENGTH beats, one tlast), and LAST_LOAD.code and
ERR_FLAGS bit 7 become AXI_ERR.  Overlapping BASE/CAP regions are the host's error.
"""
from __future__ import annotations

from myhdl import (ResetSignal, Signal, always, always_comb, always_seq, block, concat,
                   instances, intbv, modbv)

from ip.axi.axi import ADDR_W
from ip.axi.axil_regs import AxilSignals, axil_regs, regmap_signals
from ip.feature_cache import dram_path as dpm
from ip.common.params import Param, check_params, clog2
from ip.mmu.regmap import Field, RegMap, Register
from models import feature_cache as fcm
from models import feature_cache_dram as fdm

IP = "feature_cache"
DATA_BYTES_CHOICES = fcm.DATA_BYTES_CHOICES
AXIL_ADDR_W = 9
SID_W = fcm.SLOT_ID_BITS
STEP_W = fcm.STEP_BITS
BMP_W = fcm.BMP_BITS
BMP_IDX_W = 12
DEC_CYCLES = STEP_W + 1
ERR_W = 8
SLOT_BASE = 0x40
ONEHOT = tuple(1 << i for i in range(16))
SLOT_STRIDE = 0x10
DRAM_BASE = 0x140        # BASE{s} at DRAM_BASE + 8*s, CAP{s} at DRAM_BASE + 8*s + 4
BACKINGS = ("onchip", "dram")
DRAM_PARAMS = ("MAX_BURST", "OUTSTANDING", "CHUNK", "STAGE")

PARAMS = (
    Param("SLOTS", "int", 4, "number of feature slots (slot id on tid / tdest / s_ld_slot)",
          lo=1, hi=fcm.SLOTS_MAX),
    Param("DATA_BYTES", "int", 8, "stream width in bytes: 1, 2, 4, 8 or 16", lo=1, hi=16),
    Param("SLOT_WORDS", "int", 256, "capacity of each slot in beats (power of two >= 2); "
          "on-chip memory = SLOTS * SLOT_WORDS * DATA_BYTES bytes", lo=2, hi=1 << 20),
    Param("STEPS", "int", 1024, "schedule length: timesteps 0..STEPS-1, bitmap of STEPS "
          "bits (power of two, 1024..32768)", lo=fcm.STEPS_MIN, hi=fcm.STEPS_MAX),
    Param("BACKING", "str", "onchip", "where slot data lives: onchip (one on-chip RAM of "
          "SLOTS*SLOT_WORDS words) or dram (DRAM behind one AXI4 master; SLOT_WORDS is then "
          "the reset value of every CAP{s} and BASE{s} = s*SLOT_WORDS*DATA_BYTES)",
          choices=BACKINGS),
    Param("MAX_BURST", "int", 16, "dram only: longest AXI burst in beats (1..256)", lo=1, hi=256),
    Param("OUTSTANDING", "int", 4, "dram only: AXI bursts in flight per direction (1..16)",
          lo=1, hi=16),
    Param("CHUNK", "int", 64, "dram only: beats per store write command (power of two)",
          lo=1, hi=1 << 12),
    Param("STAGE", "int", 128, "dram only: staging FIFO depth in beats (power of two "
          ">= 2*CHUNK)", lo=2, hi=1 << 13),
)


def _pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    if p["DATA_BYTES"] not in DATA_BYTES_CHOICES:
        raise ValueError(f"{IP}: DATA_BYTES must be one of 1, 2, 4, 8, 16, got {p['DATA_BYTES']}")
    if not _pow2(p["SLOT_WORDS"]):
        raise ValueError(f"{IP}: SLOT_WORDS must be a power of two, got {p['SLOT_WORDS']}")
    if not _pow2(p["STEPS"]):
        raise ValueError(f"{IP}: STEPS must be a power of two, got {p['STEPS']}")
    if p["BACKING"] == "onchip":
        defaults = {q.name: q.default for q in PARAMS}
        for name in DRAM_PARAMS:
            if p[name] != defaults[name]:
                raise ValueError(f"{IP}: {name} applies only to BACKING=dram, got {name}="
                                 f"{p[name]} with BACKING=onchip")
    else:
        dpm.check({"DATA_BYTES": p["DATA_BYTES"], **{n: p[n] for n in DRAM_PARAMS}})
        cw = dpm.cap_width(p["DATA_BYTES"])
        if p["SLOT_WORDS"] >= 1 << cw:
            raise ValueError(f"{IP}: SLOT_WORDS must be < {1 << cw} with BACKING=dram and "
                             f"DATA_BYTES={p['DATA_BYTES']} (CAP is {cw} bits), got "
                             f"{p['SLOT_WORDS']}")
    return p


def is_dram(params: dict) -> bool:
    return check(params)["BACKING"] == "dram"


def module_name(params: dict) -> str:
    """``radacs_feature_cache_s<SLOTS>_b<DATA_BYTES>_w<SLOT_WORDS>_t<STEPS>``, with
    ``_dram_m<MAX_BURST>_o<OUTSTANDING>_c<CHUNK>_g<STAGE>`` appended for BACKING=dram."""
    p = check(params)
    name = (f"radacs_feature_cache_s{p['SLOTS']}_b{p['DATA_BYTES']}_w{p['SLOT_WORDS']}"
            f"_t{p['STEPS']}")
    if p["BACKING"] == "dram":
        name += f"_dram_m{p['MAX_BURST']}_o{p['OUTSTANDING']}_c{p['CHUNK']}_g{p['STAGE']}"
    return name


# ----------------------------------------------------------------------- register map

def _reg(name, offset, description, *fields) -> Register:
    return Register(name, offset, description, tuple(fields))


def _word(name, offset, description, width=32, access="RO") -> Register:
    return _reg(name, offset, description, Field(name.lower(), 0, width, access, 0, description))


def len_width(slot_words: int, backing: str = "onchip", data_bytes: int = 8) -> int:
    """Bits of a LENGTH field: 0..SLOT_WORDS on chip, a CAP-sized count in dram mode."""
    if backing == "dram":
        return dpm.cap_width(data_bytes)
    return slot_words.bit_length()


def regmap(slots: int, slot_words: int = 256, backing: str = "onchip",
           data_bytes: int = 8) -> RegMap:
    """The register table of a feature cache with ``slots`` slots."""
    lw = len_width(slot_words, backing, data_bytes)
    dram = backing == "dram"
    lb = data_bytes.bit_length() - 1
    codes = "0 HIT, 1 MISS, 2 STALE, 4 BAD_SLOT" + (", 7 AXI_ERR (set when the data "
                                                    "of a HIT load met SLVERR/DECERR)"
                                                    if dram else "")
    regs = [
        _reg("CTRL", 0x00, "control",
             Field("invalidate_all", 0, 1, "W1P", 0, "clear VALID and FRESH of every slot "
                   "(new generation); GEN increments"),
             Field("clr_counters", 1, 1, "W1P", 0, "zero HIT_CNT, MISS_CNT, STALE_CNT")),
        _reg("STATUS", 0x04, "status",
             Field("busy", 0, 1, "RO", 0, "the decision for the last STEP write is being "
                   "computed (17 cycles); new loads and stores wait"),
             Field("decision", 1, 1, "RO", 0, "1: the current step is a full-compute step "
                   "(refresh the cache), 0: retrieve")),
        _reg("POLICY", 0x08, "schedule policy",
             Field("mode", 0, 1, "RW", 0, "0: uniform interval, 1: schedule bitmap"),
             Field("interval", 16, 16, "RW", 0, "uniform interval N: full steps 0, N, 2N, ...")),
        _reg("STEP", 0x0C, "enter a timestep (one write)",
             Field("value", 0, STEP_W, "W1P", 0, "the timestep t (< STEPS, else BAD_STEP)"),
             Field("we", 31, 1, "W1P", 0, "must be 1: the write enters step `value`")),
        _word("CUR_STEP", 0x10, "the current timestep", STEP_W),
        _reg("BMP_WRITE", 0x14, "write 16 bits of the schedule bitmap (one write)",
             Field("bits", 0, BMP_W, "W1P", 0, "bit j: step 16*index+j is a full step"),
             Field("index", 16, BMP_IDX_W, "W1P", 0, "bitmap word (< STEPS/16, else BAD_STEP)"),
             Field("we", 31, 1, "W1P", 0, "must be 1: the write updates the bitmap")),
        _reg("EPOCH", 0x18, "generation counters",
             Field("epoch", 0, 16, "RO", 0, "full steps entered since reset"),
             Field("gen", 16, 16, "RO", 0, "INVALIDATE_ALL writes since reset")),
        _word("HIT_CNT", 0x1C, "loads answered HIT"),
        _word("MISS_CNT", 0x20, "loads answered MISS"),
        _word("STALE_CNT", 0x24, "loads answered STALE"),
        _reg("LAST_LOAD", 0x28, "result of the last load request",
             Field("code", 0, 3, "RO", 0, f"response code ({codes})"),
             Field("slot", 8, SID_W, "RO", 0, "requested slot")),
        _word("ERR_FLAGS", 0x2C, "sticky error flags, bit = code (1 MISS, 2 STALE, "
              "3 OVERFLOW, 4 BAD_SLOT, 5 BAD_STEP, 6 BAD_POLICY"
              + (", 7 AXI_ERR" if dram else "") + "); write 1 to clear", ERR_W, "W1C"),
        _reg("HWCFG", 0x30, "build-time configuration",
             Field("slots", 0, 5, "RO", 0, "SLOTS"),
             Field("data_bytes_log2", 8, 3, "RO", 0, "log2 DATA_BYTES"),
             Field("slot_words_log2", 16, 5, "RO", 0, "log2 SLOT_WORDS"),
             Field("steps_log2", 24, 5, "RO", 0, "log2 STEPS"),
             Field("version", 29, 3, "RO", 0, "register map version"),
             *((Field("dram", 7, 1, "RO", 0, "1: BACKING=dram (BASE/CAP CSRs, AXI4 "
                      "master)"),) if dram else ())),
    ]
    for s in range(slots):
        o = SLOT_BASE + SLOT_STRIDE * s
        regs += [
            _word(f"TAG{s}", o, f"slot {s}: host tag (free for the host's use)", 32, "RW"),
            _word(f"LENGTH{s}", o + 4, f"slot {s}: beats of the last complete store", lw),
            _word(f"STEP{s}", o + 8, f"slot {s}: the timestep its last store completed in",
                  STEP_W),
            _reg(f"STATE{s}", o + 12, f"slot {s}: state",
                 Field("valid", 0, 1, "RO", 0, "a complete, in-capacity feature is held"),
                 Field("fresh", 1, 1, "RO", 0, "stored since the last full step was entered")),
        ]
    if dram:
        for s in range(slots):
            o = DRAM_BASE + 8 * s
            regs += [
                _reg(f"BASE{s}", o, f"slot {s}: DRAM byte address of beat 0 "
                     "(DATA_BYTES-aligned)",
                     Field(f"base{s}", lb, 32 - lb, "RW", s * slot_words,
                           "beat address = byte address >> log2 DATA_BYTES (the low bits "
                           "read 0); sampled by a store's first beat and by a load "
                           "request")),
                _reg(f"CAP{s}", o + 4, f"slot {s}: capacity in beats (a store writes at "
                     "most CAP beats; more: OVERFLOW)",
                     Field(f"cap{s}", 0, lw, "RW", slot_words, "capacity in beats")),
            ]
    return RegMap("feature_cache", regs)


# ----------------------------------------------------------------------------- blocks

@block
def _slot_state(clk, rst_n, set_s, len_in, step_in, len_q, step_q):
    """LENGTH and STEP of one slot: loaded by a completing, in-capacity store."""
    @always_seq(clk.posedge, reset=rst_n)
    def seq():
        if set_s:
            len_q.next = len_in
            step_q.next = step_in
    return instances()


@block
def _bit_out(vec, i, out):
    @always_comb
    def comb():
        out.next = vec[i]
    return instances()


@block
def _len_link(sel, value, acc_in, acc_out):
    """One link of the length OR chain (the requested slot's LENGTH)."""
    if acc_in is None:
        @always_comb
        def first():
            if sel:
                acc_out.next = value
            else:
                acc_out.next = 0
    else:
        @always_comb
        def link():
            if sel:
                acc_out.next = acc_in | value
            else:
                acc_out.next = acc_in
    return instances()


@block
def feature_cache(clk, rst_n,
                  s_axil_awaddr, s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb,
                  s_axil_wvalid, s_axil_wready, s_axil_bresp, s_axil_bvalid, s_axil_bready,
                  s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
                  s_axil_rvalid, s_axil_rready,
                  s_axis_tdata, s_axis_tvalid, s_axis_tready, s_axis_tlast, s_axis_tid,
                  st_resp_valid, st_resp_ready, st_resp_code, st_resp_slot,
                  s_ld_valid, s_ld_ready, s_ld_slot,
                  ld_resp_valid, ld_resp_ready, ld_resp_code, ld_resp_slot,
                  m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast, m_axis_tdest,
                  decision_full, step_busy, hit, miss, stale,
                  m_axi_awid=None, m_axi_awaddr=None, m_axi_awlen=None, m_axi_awsize=None,
                  m_axi_awburst=None, m_axi_awvalid=None, m_axi_awready=None,
                  m_axi_wdata=None, m_axi_wstrb=None, m_axi_wlast=None, m_axi_wvalid=None,
                  m_axi_wready=None, m_axi_bid=None, m_axi_bresp=None, m_axi_bvalid=None,
                  m_axi_bready=None, m_axi_arid=None, m_axi_araddr=None, m_axi_arlen=None,
                  m_axi_arsize=None, m_axi_arburst=None, m_axi_arvalid=None,
                  m_axi_arready=None, m_axi_rid=None, m_axi_rdata=None, m_axi_rresp=None,
                  m_axi_rlast=None, m_axi_rvalid=None, m_axi_rready=None,
                  *, SLOTS=4, DATA_BYTES=8, SLOT_WORDS=256, STEPS=1024, BACKING="onchip",
                  MAX_BURST=16, OUTSTANDING=4, CHUNK=64, STAGE=128):
    p = check({"SLOTS": SLOTS, "DATA_BYTES": DATA_BYTES, "SLOT_WORDS": SLOT_WORDS,
               "STEPS": STEPS, "BACKING": BACKING, "MAX_BURST": MAX_BURST,
               "OUTSTANDING": OUTSTANDING, "CHUNK": CHUNK, "STAGE": STAGE})
    NS, B, SW, NSTEPS = p["SLOTS"], p["DATA_BYTES"], p["SLOT_WORDS"], p["STEPS"]
    DRAM = p["BACKING"] == "dram"
    DW = 8 * B
    LOGW = clog2(SW)
    LW = len_width(SW, p["BACKING"], B)
    LB = clog2(B)
    SB = (NS - 1).bit_length()      # slot address bits (0 for one slot)
    DEPTH = NS * SW
    AW = max(1, clog2(DEPTH))
    NBW = NSTEPS // BMP_W          # bitmap words
    BAW = clog2(NBW)
    LOGSTEPS = clog2(NSTEPS)
    for sig, name, width in ((s_axis_tdata, "s_axis_tdata", DW), (m_axis_tdata, "m_axis_tdata", DW),
                             (s_axis_tid, "s_axis_tid", SID_W), (m_axis_tdest, "m_axis_tdest", SID_W),
                             (s_ld_slot, "s_ld_slot", SID_W), (st_resp_slot, "st_resp_slot", SID_W),
                             (ld_resp_slot, "ld_resp_slot", SID_W), (st_resp_code, "st_resp_code", 3),
                             (ld_resp_code, "ld_resp_code", 3)):
        if len(sig) != width:
            raise ValueError(f"{IP}: port {name} must be {width} bits, got {len(sig)}")

    OK, MISS, STALE, OVERFLOW, BAD_SLOT = fcm.OK, fcm.MISS, fcm.STALE, fcm.OVERFLOW, fcm.BAD_SLOT
    BAD_STEP, BAD_POLICY = fcm.BAD_STEP, fcm.BAD_POLICY
    NSM1 = NS - 1

    # ---------------------------------------------------------------- register block
    rmap = regmap(NS, SW, p["BACKING"], B)
    axil = AxilSignals(AXIL_ADDR_W, awaddr=s_axil_awaddr, awvalid=s_axil_awvalid,
                       awready=s_axil_awready, wdata=s_axil_wdata, wstrb=s_axil_wstrb,
                       wvalid=s_axil_wvalid, wready=s_axil_wready, bresp=s_axil_bresp,
                       bvalid=s_axil_bvalid, bready=s_axil_bready, araddr=s_axil_araddr,
                       arvalid=s_axil_arvalid, arready=s_axil_arready, rdata=s_axil_rdata,
                       rresp=s_axil_rresp, rvalid=s_axil_rvalid, rready=s_axil_rready)
    hw = regmap_signals(rmap)
    regs = axil_regs(clk, rst_n, axil, hw, rmap)
    r_inv = hw["ctrl_invalidate_all"]
    r_clr = hw["ctrl_clr_counters"]
    r_busy = hw["status_busy"]
    r_decision = hw["status_decision"]
    r_mode = hw["policy_mode"]
    r_interval = hw["policy_interval"]
    r_step_value = hw["step_value"]
    r_step_we = hw["step_we"]
    r_cur_step = hw["cur_step"]
    r_bmp_bits = hw["bmp_write_bits"]
    r_bmp_index = hw["bmp_write_index"]
    r_bmp_we = hw["bmp_write_we"]
    r_epoch = hw["epoch_epoch"]
    r_gen = hw["epoch_gen"]
    r_hit_cnt = hw["hit_cnt"]
    r_miss_cnt = hw["miss_cnt"]
    r_stale_cnt = hw["stale_cnt"]
    r_last_code = hw["last_load_code"]
    r_last_slot = hw["last_load_slot"]
    r_err_set = hw["err_flags_set"]
    r_hw_slots = hw["hwcfg_slots"]
    r_hw_dbl = hw["hwcfg_data_bytes_log2"]
    r_hw_swl = hw["hwcfg_slot_words_log2"]
    r_hw_stl = hw["hwcfg_steps_log2"]
    r_hw_ver = hw["hwcfg_version"]
    LOGB, VERSION = clog2(B), fcm.REGMAP_VERSION

    # ------------------------------------------------------------------- slot state
    valid_q = Signal(intbv(0)[NS:])
    fresh_q = Signal(intbv(0)[NS:])
    valid16 = Signal(intbv(0)[16:])        # zero-extended to every slot id
    fresh16 = Signal(intbv(0)[16:])
    set_vec = Signal(intbv(0)[NS:])        # a store completes OK to slot i (one-hot0)
    clr_vec = Signal(intbv(0)[NS:])        # a store's first beat to slot i (one-hot0)
    lsel_vec = Signal(intbv(0)[NS:])       # the load request's slot (one-hot0)
    st_oh16 = Signal(intbv(0)[16:])
    ld_oh16 = Signal(intbv(0)[16:])
    req_len = Signal(intbv(0)[LW:])        # LENGTH of the requested slot

    # ------------------------------------------------------------- decision engine
    dec_busy_q = Signal(bool(0))
    dec_cnt_q = Signal(intbv(0)[5:])
    dec_val_q = Signal(intbv(0)[STEP_W:])   # dividend, shifted out MSB first
    rem_q = Signal(intbv(0)[STEP_W + 1:])
    cur_step_q = Signal(intbv(0)[STEP_W:])
    decision_q = Signal(bool(0))
    epoch_q = Signal(modbv(0)[16:])
    gen_q = Signal(modbv(0)[16:])
    full_clear = Signal(bool(0))            # entering a full step: clear every FRESH bit
    step_bad = Signal(bool(0))
    policy_bad = Signal(bool(0))
    bmp_bad = Signal(bool(0))
    bmp_mem = [Signal(intbv(0)[BMP_W:]) for _ in range(NBW)]
    bmp_rd_q = Signal(intbv(0)[BMP_W:])
    bmp_wr_en = Signal(bool(0))
    bmp_wr_addr = Signal(intbv(0)[max(1, BAW):])
    bmp_rd_addr = Signal(intbv(0)[max(1, BAW):])
    bmp_bit = Signal(bool(0))
    r2_s = Signal(intbv(0)[STEP_W + 1:])    # (rem << 1) | next dividend bit
    full_s = Signal(bool(0))
    ivl17 = Signal(intbv(0)[STEP_W + 1:])

    @always_comb
    def dec_comb():
        step_bad.next = r_step_we and r_step_value[STEP_W:LOGSTEPS] != 0
        policy_bad.next = (r_step_we and r_step_value[STEP_W:LOGSTEPS] == 0
                           and not r_mode and r_interval == 0 and r_step_value != 0)
        bmp_bad.next = r_bmp_we and r_bmp_index[BMP_IDX_W:BAW] != 0
        bmp_wr_en.next = r_bmp_we and r_bmp_index[BMP_IDX_W:BAW] == 0
        r2_s.next = concat(rem_q[STEP_W:], dec_val_q[STEP_W - 1])
        ivl17.next = concat(False, r_interval)
        if cur_step_q == 0:
            full_s.next = 1
        elif r_mode:
            full_s.next = bmp_bit
        else:
            full_s.next = r_interval == 0 or rem_q == 0
        full_clear.next = dec_busy_q and dec_cnt_q == 0 and full_s

    if BAW > 0:
        @always_comb
        def bmp_addr():
            bmp_wr_addr.next = r_bmp_index[BAW:]
            bmp_rd_addr.next = cur_step_q[BAW + 4:4]
    else:
        @always_comb
        def bmp_addr():
            bmp_wr_addr.next = 0
            bmp_rd_addr.next = 0

    @always(clk.posedge)
    def bmp_ram():
        if bmp_wr_en:
            bmp_mem[int(bmp_wr_addr)].next = r_bmp_bits
        bmp_rd_q.next = bmp_mem[int(bmp_rd_addr)]

    @always_comb
    def bmp_pick():
        bmp_bit.next = bmp_rd_q[cur_step_q[4:0]]

    @always_seq(clk.posedge, reset=rst_n)
    def dec_seq():
        if r_step_we and not step_bad:
            cur_step_q.next = r_step_value
            dec_val_q.next = r_step_value
            rem_q.next = 0
            dec_cnt_q.next = STEP_W
            dec_busy_q.next = 1
        elif dec_busy_q:
            if dec_cnt_q != 0:
                # restoring division, one quotient bit per cycle
                if r2_s >= ivl17:
                    rem_q.next = r2_s - ivl17
                else:
                    rem_q.next = r2_s
                dec_val_q.next = concat(dec_val_q[STEP_W - 1:], False)
                dec_cnt_q.next = dec_cnt_q - 1
            else:
                dec_busy_q.next = 0
                decision_q.next = full_s
                if full_s:
                    epoch_q.next = epoch_q + 1
        if r_inv:
            gen_q.next = gen_q + 1

    # ------------------------------------------------------------------- store path
    # Shared by both backings: the first-beat slot decode, VALID/FRESH, the response,
    # LENGTH/STEP, the error flags.  Backing-specific: where the beats go and when the
    # feature ends (``st_end``: on chip the tlast beat; dram the last B response).
    st_act_q = Signal(bool(0))
    st_slot_q = Signal(intbv(0)[SID_W:])
    st_bad_q = Signal(bool(0))
    st_rv_q = Signal(bool(0))
    st_code_q = Signal(intbv(0)[3:])
    st_rslot_q = Signal(intbv(0)[SID_W:])
    st_fire = Signal(bool(0))
    st_fc_rdy = Signal(bool(0))             # the bookkeeping side accepts this beat
    st_slot_s = Signal(intbv(0)[SID_W:])
    st_bad_s = Signal(bool(0))
    st_end = Signal(bool(0))                # a feature ends: response and slot update
    st_end_code = Signal(intbv(0)[3:])
    st_end_slot = Signal(intbv(0)[SID_W:])
    st_len_s = Signal(intbv(0)[LW:])        # LENGTH of the ending feature
    end_oh16 = Signal(intbv(0)[16:])

    # ------------------------------------------------------------------- load path
    ld_act_q = Signal(bool(0))              # a HIT load is still using the backing
    ld_slot_q = Signal(intbv(0)[SID_W:])
    ld_rv_q = Signal(bool(0))
    ld_code_q = Signal(intbv(0)[3:])
    ld_rslot_q = Signal(intbv(0)[SID_W:])
    ld_fire = Signal(bool(0))
    ld_end = Signal(bool(0))                # the current load releases the backing
    ld_last_rd = Signal(bool(0))            # ... and a new request may be taken now
    ld_axi_err = Signal(bool(0))            # dram: the current load's data met an AXI error
    ld_code_s = Signal(intbv(0)[3:])
    hit_q = Signal(bool(0))
    miss_q = Signal(bool(0))
    stale_q = Signal(bool(0))
    hit_cnt_q = Signal(modbv(0)[32:])
    miss_cnt_q = Signal(modbv(0)[32:])
    stale_cnt_q = Signal(modbv(0)[32:])
    last_code_q = Signal(intbv(0)[3:])
    last_slot_q = Signal(intbv(0)[SID_W:])
    AXI_ERR = fdm.AXI_ERR

    if NS < 16:
        @always_comb
        def slot_ext():
            valid16.next = concat(intbv(0)[16 - NS:], valid_q)
            fresh16.next = concat(intbv(0)[16 - NS:], fresh_q)
    else:
        @always_comb
        def slot_ext():
            valid16.next = valid_q
            fresh16.next = fresh_q

    # --- store (shared) -------------------------------------------------------------
    @always_comb
    def st_comb():
        first = not st_act_q
        ready = True
        if first and (dec_busy_q or (ld_act_q and ld_slot_q == s_axis_tid)):
            ready = False
        if s_axis_tlast and st_rv_q and not st_resp_ready:
            ready = False
        st_fc_rdy.next = ready
        if first:
            st_slot_s.next = s_axis_tid
            st_bad_s.next = s_axis_tid > NSM1
        else:
            st_slot_s.next = st_slot_q
            st_bad_s.next = st_bad_q

    # Slot decoders: a constant table (a case statement), no loop-index compares.
    @always_comb
    def st_onehot():
        st_oh16.next = ONEHOT[int(st_slot_s)]
        ld_oh16.next = ONEHOT[int(s_ld_slot)]
        end_oh16.next = ONEHOT[int(st_end_slot)]

    @always_comb
    def st_vecs():
        if st_end and st_end_code == OK:
            set_vec.next = end_oh16[NS:]
        else:
            set_vec.next = 0
        if st_fire and not st_act_q:
            clr_vec.next = st_oh16[NS:]
        else:
            clr_vec.next = 0
        lsel_vec.next = ld_oh16[NS:]

    @always_seq(clk.posedge, reset=rst_n)
    def st_seq():
        if st_fire:
            st_act_q.next = not s_axis_tlast
            st_slot_q.next = st_slot_s
            st_bad_q.next = st_bad_s
        if st_end:
            st_rv_q.next = 1
            st_rslot_q.next = st_end_slot
            st_code_q.next = st_end_code
        elif st_rv_q and st_resp_ready:
            st_rv_q.next = 0

    # --- valid / fresh bits ---------------------------------------------------------
    @always_seq(clk.posedge, reset=rst_n)
    def slot_bits():
        v = intbv(0)[NS:]
        f = intbv(0)[NS:]
        v[:] = valid_q & ~clr_vec
        f[:] = fresh_q & ~clr_vec
        if r_inv:
            v[:] = 0
            f[:] = 0
        if full_clear:
            f[:] = 0
        valid_q.next = v | set_vec
        fresh_q.next = f | set_vec

    # --- load (shared) --------------------------------------------------------------
    @always_comb
    def ld_comb():
        # The next request is taken in the cycle the current one releases the backing
        # (on chip: its last read is issued), so back-to-back loaded features leave no
        # idle cycle on m_axis on chip.
        # A request for the slot whose store starts in this very cycle waits one cycle
        # (and then misses: the first beat clears VALID), so a load never reads a slot
        # that is being rewritten.
        rdy = ((not ld_act_q or ld_last_rd) and not dec_busy_q
               and (not ld_rv_q or ld_resp_ready)
               and not (s_axis_tvalid and not st_act_q and s_axis_tid == s_ld_slot))
        s_ld_ready.next = rdy
        ld_fire.next = s_ld_valid and rdy
        if s_ld_slot > NSM1:
            ld_code_s.next = BAD_SLOT
        elif not valid16[s_ld_slot]:
            ld_code_s.next = MISS
        elif not fresh16[s_ld_slot]:
            ld_code_s.next = STALE
        else:
            ld_code_s.next = OK

    @always_seq(clk.posedge, reset=rst_n)
    def ld_seq():
        hit_q.next = 0
        miss_q.next = 0
        stale_q.next = 0
        if ld_end:
            ld_act_q.next = 0
        if ld_axi_err:
            last_code_q.next = AXI_ERR
        if ld_fire:
            ld_rv_q.next = 1
            ld_code_q.next = ld_code_s
            ld_rslot_q.next = s_ld_slot
            last_code_q.next = ld_code_s
            last_slot_q.next = s_ld_slot
            if ld_code_s == OK:
                ld_act_q.next = 1
                ld_slot_q.next = s_ld_slot
                hit_q.next = 1
            elif ld_code_s == MISS:
                miss_q.next = 1
            elif ld_code_s == STALE:
                stale_q.next = 1
        elif ld_rv_q and ld_resp_ready:
            ld_rv_q.next = 0
        if r_clr:
            hit_cnt_q.next = 0
            miss_cnt_q.next = 0
            stale_cnt_q.next = 0
        elif ld_fire:
            if ld_code_s == OK:
                hit_cnt_q.next = hit_cnt_q + 1
            elif ld_code_s == MISS:
                miss_cnt_q.next = miss_cnt_q + 1
            elif ld_code_s == STALE:
                stale_cnt_q.next = stale_cnt_q + 1

    if not DRAM:
        # ============================================================ on-chip backing
        st_cnt_q = Signal(intbv(0)[LW:])        # beats written so far, saturates at SW
        st_cnt_s = Signal(intbv(0)[LW:])
        st_we = Signal(bool(0))
        st_waddr = Signal(intbv(0)[AW:])
        ld_idx_q = Signal(modbv(0)[max(1, LOGW):])
        ld_left_q = Signal(intbv(0)[LW:])
        rd_en = Signal(bool(0))
        rd_addr = Signal(intbv(0)[AW:])
        rd_data_q = Signal(intbv(0)[DW:])
        rd_v_q = Signal(bool(0))                # rd_data_q holds a beat this cycle
        rd_last_q = Signal(bool(0))
        rd_dest_q = Signal(intbv(0)[SID_W:])
        # 2-entry output FIFO
        f_last = Signal(intbv(0)[2:])
        f_dest0 = Signal(intbv(0)[SID_W:])
        f_dest1 = Signal(intbv(0)[SID_W:])
        f_cnt_q = Signal(intbv(0)[2:])
        f_rd_q = Signal(bool(0))
        f_wr_q = Signal(bool(0))
        f_pop = Signal(bool(0))
        f_out0 = Signal(intbv(0)[DW:])
        f_out1 = Signal(intbv(0)[DW:])

        mem = [Signal(intbv(0)[DW:]) for _ in range(DEPTH)]

        @always_comb
        def oc_st_comb():
            s_axis_tready.next = st_fc_rdy
            st_fire.next = s_axis_tvalid and st_fc_rdy
            if st_act_q:
                st_cnt_s.next = st_cnt_q
            else:
                st_cnt_s.next = 0

        @always_comb
        def oc_st_end():
            st_we.next = st_fire and not st_bad_s and not st_cnt_s[LOGW]
            st_end.next = st_fire and s_axis_tlast
            st_end_slot.next = st_slot_s
            if st_bad_s:
                st_end_code.next = BAD_SLOT
            elif st_cnt_s[LOGW]:
                st_end_code.next = OVERFLOW
            else:
                st_end_code.next = OK
            st_len_s.next = st_cnt_s + 1

        if SB > 0:
            @always_comb
            def st_addr():
                st_waddr.next = concat(st_slot_s[SB:], st_cnt_s[LOGW:])
        else:
            @always_comb
            def st_addr():
                st_waddr.next = st_cnt_s[LOGW:]

        @always(clk.posedge)
        def mem_wr():
            if st_we:
                mem[int(st_waddr)].next = s_axis_tdata

        @always_seq(clk.posedge, reset=rst_n)
        def oc_st_seq():
            if st_fire:
                if not st_cnt_s[LOGW]:
                    st_cnt_q.next = st_cnt_s + 1
                else:
                    st_cnt_q.next = st_cnt_s

        @always_comb
        def fifo_comb():
            f_pop.next = f_cnt_q != 0 and m_axis_tready
            # issue a read while the FIFO has room for it and the read in flight
            room = (f_cnt_q + rd_v_q) <= 1 or (f_cnt_q + rd_v_q == 2 and m_axis_tready)
            rd_en.next = ld_act_q and room
            ld_last_rd.next = ld_act_q and room and ld_left_q == 1
            ld_end.next = ld_act_q and room and ld_left_q == 1
            ld_axi_err.next = False

        if SB > 0:
            @always_comb
            def ld_addr():
                rd_addr.next = concat(ld_slot_q[SB:], ld_idx_q[LOGW:])
        else:
            @always_comb
            def ld_addr():
                rd_addr.next = ld_idx_q[LOGW:]

        @always(clk.posedge)
        def mem_rd():
            if rd_en:
                rd_data_q.next = mem[int(rd_addr)]

        @always_seq(clk.posedge, reset=rst_n)
        def oc_ld_seq():
            if rd_en:
                ld_idx_q.next = ld_idx_q + 1
                ld_left_q.next = ld_left_q - 1
            if ld_fire and ld_code_s == OK:
                ld_idx_q.next = 0
                ld_left_q.next = req_len
            rd_v_q.next = rd_en
            rd_last_q.next = rd_en and ld_left_q == 1
            rd_dest_q.next = ld_slot_q

        @always_seq(clk.posedge, reset=rst_n)
        def fifo_ctl():
            if rd_v_q:
                f_wr_q.next = not f_wr_q
            if f_pop:
                f_rd_q.next = not f_rd_q
            if rd_v_q and not f_pop:
                f_cnt_q.next = f_cnt_q + 1
            elif f_pop and not rd_v_q:
                f_cnt_q.next = f_cnt_q - 1

        @always(clk.posedge)
        def fifo_data():
            if rd_v_q:
                if f_wr_q:
                    f_out1.next = rd_data_q
                else:
                    f_out0.next = rd_data_q

        @always_seq(clk.posedge, reset=rst_n)
        def fifo_side():
            if rd_v_q:
                if f_wr_q:
                    f_last.next[1] = rd_last_q
                    f_dest1.next = rd_dest_q
                else:
                    f_last.next[0] = rd_last_q
                    f_dest0.next = rd_dest_q

        @always_comb
        def m_outputs():
            m_axis_tvalid.next = f_cnt_q != 0
            if f_rd_q:
                m_axis_tdata.next = f_out1
                m_axis_tlast.next = f_last[1]
                m_axis_tdest.next = f_dest1
            else:
                m_axis_tdata.next = f_out0
                m_axis_tlast.next = f_last[0]
                m_axis_tdest.next = f_dest0
    else:
        # =============================================================== dram backing
        # The data path is ip.feature_cache.dram_path (staging FIFO + two axi_wr in
        # ping-pong + one axi_rd on one AXI4 master); this only feeds it the slot's
        # BASE / CAP (store: first-beat slot; load: requested slot, latched) and turns
        # its st_done / ld_done into the shared st_end / ld_end.
        CW = dpm.cap_width(B)
        BW = ADDR_W - LB
        dp_s_tvalid = Signal(bool(0))
        dp_s_tready = Signal(bool(0))
        st_base_s = Signal(intbv(0)[BW:])       # BASE / CAP of the first-beat slot
        st_cap_s = Signal(intbv(0)[CW:])
        dp_st_done = Signal(bool(0))
        dp_st_code = Signal(intbv(0)[3:])
        dp_st_len = Signal(intbv(0)[CW:])
        req_base = Signal(intbv(0)[BW:])        # BASE of the requested slot
        ld_base_q = Signal(intbv(0)[BW:])
        ld_len_q = Signal(intbv(0)[CW:])
        ld_cmd_q = Signal(bool(0))              # a HIT's read command not yet taken
        dp_ld_ready = Signal(bool(0))
        dp_ld_done = Signal(bool(0))
        dp_ld_code = Signal(intbv(0)[3:])
        dp_ld_err = Signal(bool(0))

        dp = dpm.dram_path(
            clk, rst_n, s_axis_tdata, dp_s_tvalid, dp_s_tready, s_axis_tlast,
            st_base_s, st_cap_s, st_bad_s, dp_st_done, dp_st_code, dp_st_len,
            ld_cmd_q, dp_ld_ready, ld_base_q, ld_len_q, dp_ld_done, dp_ld_code, dp_ld_err,
            m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast,
            m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
            m_axi_awvalid, m_axi_awready,
            m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
            m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
            m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
            m_axi_arvalid, m_axi_arready,
            m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid, m_axi_rready,
            DATA_BYTES=B, MAX_BURST=p["MAX_BURST"], OUTSTANDING=p["OUTSTANDING"],
            CHUNK=p["CHUNK"], STAGE=p["STAGE"])

        @always_comb
        def dr_st_comb():
            s_axis_tready.next = st_fc_rdy and dp_s_tready
            st_fire.next = s_axis_tvalid and st_fc_rdy and dp_s_tready
            dp_s_tvalid.next = s_axis_tvalid and st_fc_rdy

        @always_comb
        def dr_st_end():
            # dram_path holds s_axis_tready low from tlast to st_done, so st_slot_q
            # still names the ending feature's slot here
            st_end.next = dp_st_done
            st_end_code.next = dp_st_code
            st_end_slot.next = st_slot_q
            st_len_s.next = dp_st_len

        @always_comb
        def dr_ld_comb():
            ld_end.next = dp_ld_done
            ld_last_rd.next = dp_ld_done
            ld_axi_err.next = dp_ld_err

        @always_seq(clk.posedge, reset=rst_n)
        def dr_ld_seq():
            if ld_fire and ld_code_s == OK:
                ld_cmd_q.next = 1
                ld_base_q.next = req_base
                ld_len_q.next = req_len
            elif ld_cmd_q and dp_ld_ready:
                ld_cmd_q.next = 0

        r_hw_dram = hw["hwcfg_dram"]

        @always_comb
        def dr_tdest():
            m_axis_tdest.next = ld_slot_q
            r_hw_dram.next = 1

        dr_insts = []
        acc_b = acc_c = acc_r = None
        for i in range(NS):
            bq, cq = hw[f"base{i}"], hw[f"cap{i}"]
            ob = st_base_s if i == NS - 1 else Signal(intbv(0)[BW:])
            oc = st_cap_s if i == NS - 1 else Signal(intbv(0)[CW:])
            orr = req_base if i == NS - 1 else Signal(intbv(0)[BW:])
            dr_insts.append(_len_link(st_oh16(i), bq, acc_b, ob))
            dr_insts.append(_len_link(st_oh16(i), cq, acc_c, oc))
            dr_insts.append(_len_link(lsel_vec(i), bq, acc_r, orr))
            acc_b, acc_c, acc_r = ob, oc, orr

    @always_comb
    def outputs():
        st_resp_valid.next = st_rv_q
        st_resp_code.next = st_code_q
        st_resp_slot.next = st_rslot_q
        ld_resp_valid.next = ld_rv_q
        ld_resp_code.next = ld_code_q
        ld_resp_slot.next = ld_rslot_q
        decision_full.next = decision_q
        step_busy.next = dec_busy_q
        hit.next = hit_q
        miss.next = miss_q
        stale.next = stale_q

    @always_comb
    def csr_in():
        r_busy.next = dec_busy_q
        r_decision.next = decision_q
        r_cur_step.next = cur_step_q
        r_epoch.next = epoch_q
        r_gen.next = gen_q
        r_hit_cnt.next = hit_cnt_q
        r_miss_cnt.next = miss_cnt_q
        r_stale_cnt.next = stale_cnt_q
        r_last_code.next = last_code_q
        r_last_slot.next = last_slot_q
        r_hw_slots.next = NS
        r_hw_dbl.next = LOGB
        r_hw_swl.next = LOGW
        r_hw_stl.next = LOGSTEPS
        r_hw_ver.next = VERSION

    @always_comb
    def err_pulses():
        e = intbv(0)[ERR_W:]
        if ld_fire and ld_code_s != OK:
            e[int(ld_code_s)] = 1
        if ld_axi_err:
            e[AXI_ERR] = 1
        if st_end and st_end_code != OK:
            e[int(st_end_code)] = 1
        if step_bad or bmp_bad:
            e[BAD_STEP] = 1
        if policy_bad:
            e[BAD_POLICY] = 1
        r_err_set.next = e

    # --- per slot: LENGTH / STEP registers, STATE bits, the requested slot's LENGTH --
    slot_insts = []
    acc = None
    for i in range(NS):
        lq, sq = hw[f"length{i}"], hw[f"step{i}"]
        slot_insts.append(_slot_state(clk, rst_n, set_vec(i), st_len_s, cur_step_q, lq, sq))
        slot_insts.append(_bit_out(valid_q, i, hw[f"state{i}_valid"]))
        slot_insts.append(_bit_out(fresh_q, i, hw[f"state{i}_fresh"]))
        out = req_len if i == NS - 1 else Signal(intbv(0)[LW:])
        slot_insts.append(_len_link(lsel_vec(i), lq, acc, out))
        acc = out

    return instances()


def ports(params: dict) -> dict:
    """Fresh top-level signals for one parameter set, in port order."""
    p = check(params)
    DW = 8 * p["DATA_BYTES"]

    def v(w):
        return Signal(intbv(0)[w:])

    def bit():
        return Signal(bool(0))

    s = dict(clk=bit(), rst_n=ResetSignal(0, active=0, isasync=False))
    for n in ("awaddr", "araddr"):
        s[f"s_axil_{n}"] = v(AXIL_ADDR_W)
    s.update(s_axil_awvalid=bit(), s_axil_awready=bit())
    s.update(s_axil_wdata=v(32), s_axil_wstrb=v(4), s_axil_wvalid=bit(), s_axil_wready=bit(),
             s_axil_bresp=v(2), s_axil_bvalid=bit(), s_axil_bready=bit())
    s.update(s_axil_arvalid=bit(), s_axil_arready=bit(), s_axil_rdata=v(32),
             s_axil_rresp=v(2), s_axil_rvalid=bit(), s_axil_rready=bit())
    s.update(s_axis_tdata=v(DW), s_axis_tvalid=bit(), s_axis_tready=bit(),
             s_axis_tlast=bit(), s_axis_tid=v(SID_W),
             st_resp_valid=bit(), st_resp_ready=bit(), st_resp_code=v(3), st_resp_slot=v(SID_W),
             s_ld_valid=bit(), s_ld_ready=bit(), s_ld_slot=v(SID_W),
             ld_resp_valid=bit(), ld_resp_ready=bit(), ld_resp_code=v(3), ld_resp_slot=v(SID_W),
             m_axis_tdata=v(DW), m_axis_tvalid=bit(), m_axis_tready=bit(),
             m_axis_tlast=bit(), m_axis_tdest=v(SID_W),
             decision_full=bit(), step_busy=bit(), hit=bit(), miss=bit(), stale=bit())
    order = ["clk", "rst_n", "s_axil_awaddr", "s_axil_awvalid", "s_axil_awready", "s_axil_wdata",
             "s_axil_wstrb", "s_axil_wvalid", "s_axil_wready", "s_axil_bresp", "s_axil_bvalid",
             "s_axil_bready", "s_axil_araddr", "s_axil_arvalid", "s_axil_arready",
             "s_axil_rdata", "s_axil_rresp", "s_axil_rvalid", "s_axil_rready"]
    if p["BACKING"] == "dram":
        B = p["DATA_BYTES"]
        s.update(m_axi_awid=v(1), m_axi_awaddr=v(ADDR_W), m_axi_awlen=v(8), m_axi_awsize=v(3),
                 m_axi_awburst=v(2), m_axi_awvalid=bit(), m_axi_awready=bit(),
                 m_axi_wdata=v(DW), m_axi_wstrb=v(B), m_axi_wlast=bit(), m_axi_wvalid=bit(),
                 m_axi_wready=bit(),
                 m_axi_bid=v(1), m_axi_bresp=v(2), m_axi_bvalid=bit(), m_axi_bready=bit(),
                 m_axi_arid=v(1), m_axi_araddr=v(ADDR_W), m_axi_arlen=v(8), m_axi_arsize=v(3),
                 m_axi_arburst=v(2), m_axi_arvalid=bit(), m_axi_arready=bit(),
                 m_axi_rid=v(1), m_axi_rdata=v(DW), m_axi_rresp=v(2), m_axi_rlast=bit(),
                 m_axi_rvalid=bit(), m_axi_rready=bit())
    rest = [k for k in s if k not in order]
    return {k: s[k] for k in order + rest}


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    return feature_cache(**sigs, **p), sigs
