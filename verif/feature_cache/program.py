"""Test programs for the feature cache: one DeepCache run as a list of operations.

A program is what the host and the two stream masters do, in order; the pyuvm
sequence (``env.FcSequence``) and the MyHDL bench (``myhdl_bench``) both execute it,
and the scoreboard predicts every response with :class:`models.feature_cache.FeatureCacheModel`.

Operations (JSON-able tuples):

``("w", REG, value)``     CSR write (register name of ``ip.feature_cache.regmap``)
``("r", REG)``            CSR read, compared with the model
``("step", t)``           write STEP = t, then wait until STATUS.busy is 0
``("phase", stores, loads)``  concurrent traffic: ``stores`` = ``[[slot, [beats...]], ...]``
                          on s_axis, ``loads`` = ``[slot, ...]`` on s_ld; the loaded
                          slots are never the stored ones (so the result does not depend
                          on how the two streams interleave)

:func:`make_program` turns one corpus entry (a DeepCache schedule drawn by Hypothesis,
see ``verif.feature_cache.corpus_strategy``) into a program: the policy and bitmap,
then per timestep the STEP write, the decision read and the DeepCache traffic (a full
step stores every slot's feature, after loading a few of them: stale; a retrieve step
loads them: hit), plus invalidate-all, refresh stores, capacity-boundary sizes and
every error code.
"""
from __future__ import annotations

import random

from models import feature_cache as fcm

SIZE_KINDS = ("one", "small", "cap-1", "cap", "cap+1", "rand")


def slot_regs(n: int) -> list[str]:
    return [f"{k}{s}" for s in range(n) for k in ("TAG", "LENGTH", "STEP", "STATE")]


GLOBAL_REGS = ("STATUS", "POLICY", "CUR_STEP", "EPOCH", "HIT_CNT", "MISS_CNT", "STALE_CNT",
               "LAST_LOAD", "ERR_FLAGS")


def size_of(kind: str, cap: int, rng: random.Random) -> int:
    return {"one": 1, "small": min(cap, rng.randint(1, 4)), "cap-1": cap - 1, "cap": cap,
            "cap+1": cap + 1}.get(kind) or rng.randint(1, cap)


def beats(rng: random.Random, n: int, data_bytes: int) -> list[int]:
    return [rng.getrandbits(8 * data_bytes) for _ in range(n)]


def all_regs(n: int, dram: bool = False) -> list:
    extra = tuple(f"{k}{s}" for s in range(n) for k in ("BASE", "CAP")) if dram else ()
    return [("r", r) for r in GLOBAL_REGS + tuple(slot_regs(n)) + extra]


ERR_SIZE = 256   # BACKING=dram benches: one SLVERR block of 256 bytes ...


def err_base(params: dict) -> int:
    """... at the first 4 KiB page above the default slot regions (BASE{s} reset)."""
    end = params["SLOTS"] * params["SLOT_WORDS"] * params["DATA_BYTES"]
    return (end + 4095) // 4096 * 4096


def err_pred(params: dict):
    """The error predicate of the model for that block (byte address -> SLVERR)."""
    lo = err_base(params)
    return lambda a: lo <= a < lo + ERR_SIZE


def model_for(params: dict, cls=fcm.FeatureCacheModel):
    """The golden model of one parameter set (dram: with the benches' SLVERR block)."""
    p = params
    if p.get("BACKING", "onchip") == "dram":
        return cls(p["SLOTS"], p["DATA_BYTES"], p["SLOT_WORDS"], p["STEPS"], backing="dram",
                   err=err_pred(p))
    return cls(p["SLOTS"], p["DATA_BYTES"], p["SLOT_WORDS"], p["STEPS"])


def make_program(params: dict, sched: dict, rng: random.Random) -> list:
    """One DeepCache run of ``sched`` (a corpus entry) as a program."""
    n, cap, db, steps = (params["SLOTS"], params["SLOT_WORDS"], params["DATA_BYTES"],
                         params["STEPS"])
    dram = params.get("BACKING", "onchip") == "dram"
    plan = model_for(params)   # to choose what to do, not to check
    prog: list = []

    def emit(op):
        prog.append(op)
        if op[0] == "w":
            plan.write(op[1], op[2])
        elif op[0] == "step":
            plan.write_step(op[1])
        elif op[0] == "phase":
            for slot, bs in op[1]:
                plan.store(slot, bs)
            for slot in op[2]:
                plan.load(slot)

    sizes = [sched["sizes"][s % len(sched["sizes"])] for s in range(n)]
    n_steps = sched["n_steps"]
    # Tags, policy and (bitmap mode) every bitmap word the run reads.
    for s in range(n):
        emit(("w", f"TAG{s}", rng.getrandbits(32)))
    if sched["mode"] == "bitmap":
        full = sorted({0} | {t for t in sched["full_steps"] if t < n_steps})
        words = plan.load_schedule(full)
        for w, bits in words[: (n_steps - 1) // fcm.BMP_BITS + 1]:
            emit(("w", "BMP_WRITE", (1 << 31) | (w << 16) | bits))
        emit(("w", "POLICY", 1 | (sched["interval"] << 16)))
    else:
        emit(("w", "POLICY", sched["interval"] << 16))
    emit(("r", "POLICY"))
    # Before the first step: everything misses (empty cache).
    emit(("phase", [], list(range(n))))
    for t in range(n_steps):
        emit(("step", t))
        emit(("r", "STATUS"))
        if t == sched["invalidate_at"]:
            emit(("w", "CTRL", 1))
            emit(("phase", [], [rng.randrange(n)]))          # miss after invalidate
        if plan.decision:
            # Full compute: a load before the store sees the previous step's feature
            # (stale), then every slot is (re)stored: refresh when it was valid.
            if t > 0:
                emit(("phase", [], [rng.randrange(n)]))
            kind_slots = list(range(n))
            rng.shuffle(kind_slots)
            emit(("phase", [[s, beats(rng, size_of(sizes[s], cap, rng), db)]
                            for s in kind_slots], []))
        else:
            loads = list(range(n))
            rng.shuffle(loads)
            stores = []
            if sched["refresh"] and n > 1:
                # A refresh store on one slot while the others are loaded.
                s = loads.pop()
                stores = [[s, beats(rng, size_of("rand", cap, rng), db)]]
            emit(("phase", stores, loads))
        for s in rng.sample(range(n), min(n, 2)):
            emit(("r", f"STATE{s}"))
            emit(("r", f"LENGTH{s}"))
    if sched["errors"]:
        # Every error code the host can provoke, and the capacity boundary.
        if n < 16:
            emit(("phase", [[n + rng.randrange(16 - n), beats(rng, 3, db)]], []))  # BAD_SLOT
            emit(("phase", [], [15]))                                             # BAD_SLOT
        s = rng.randrange(n)
        emit(("phase", [[s, beats(rng, cap + 1, db)]], []))                       # OVERFLOW
        emit(("phase", [[s, beats(rng, cap + 2 + rng.randrange(3), db)]], []))    # OVERFLOW
        emit(("phase", [], [s]))                                                  # MISS
        emit(("phase", [[s, beats(rng, cap, db)]], []))                           # full
        emit(("phase", [], [s]))
        emit(("w", "ERR_FLAGS", 0xFF))
        emit(("r", "ERR_FLAGS"))
        emit(("step", steps))                                                     # BAD_STEP
        emit(("w", "BMP_WRITE", (1 << 31) | (0xFFF << 16)))                       # BAD_STEP
        emit(("w", "POLICY", 0))
        emit(("step", 1))                                                         # BAD_POLICY
        emit(("r", "ERR_FLAGS"))
        emit(("w", "CTRL", 2))                                                    # clear counters
    if sched["errors"] and dram:
        # BACKING=dram: a CAP below SLOT_WORDS (capacity boundary from the CSR), a store
        # whose B responses are SLVERR (AXI_ERR, slot invalid), a HIT load whose data
        # is SLVERR (response HIT, zero-padded data, LAST_LOAD / ERR_FLAGS AXI_ERR).
        s = rng.randrange(n)
        c = rng.randint(1, max(1, cap - 1))
        base = plan.base[s]
        emit(("w", f"CAP{s}", c))
        emit(("r", f"CAP{s}"))
        emit(("phase", [[s, beats(rng, c + 1, db)]], []))                         # OVERFLOW
        emit(("phase", [[s, beats(rng, c, db)]], []))                             # full (CAP)
        emit(("phase", [], [s]))
        emit(("w", f"CAP{s}", cap))
        emit(("w", f"BASE{s}", err_base(params)))
        emit(("r", f"BASE{s}"))
        emit(("phase", [[s, beats(rng, 3, db)]], []))                             # AXI_ERR
        emit(("r", "ERR_FLAGS"))
        emit(("w", f"BASE{s}", base))
        emit(("phase", [[s, beats(rng, 3, db)]], []))
        emit(("w", f"BASE{s}", err_base(params)))
        emit(("phase", [], [s]))                                                  # AXI_ERR
        emit(("r", "LAST_LOAD"))
        emit(("r", "ERR_FLAGS"))
        emit(("w", f"BASE{s}", base))
        emit(("w", "ERR_FLAGS", 0xFF))
    prog += all_regs(n, dram)
    return prog


def op_str(op) -> str:
    if op[0] == "phase":
        st = ", ".join(f"{s}:{len(b)}" for s, b in op[1])
        return f"phase(stores=[{st}], loads={op[2]})"
    return repr(op)


def concurrent_program(params: dict, rng: random.Random) -> list:
    """A store and a load streaming at the same time: slot 0 is stored and then
    loaded while a long feature goes to another slot (a bad slot id when there is
    one, so that SLOTS = 1 works too)."""
    n, cap, db = params["SLOTS"], params["SLOT_WORDS"], params["DATA_BYTES"]
    other = n if n < 16 else 1
    length = 3 * cap if n < 16 else cap
    return [("w", "POLICY", 4 << 16), ("step", 0),
            ("phase", [[0, beats(rng, cap, db)]], []),
            ("phase", [[other, beats(rng, length, db)]], [0]),
            ("r", "STATE0"), ("r", "HIT_CNT")]


CLOSURE_SCHEDULES = (
    {"mode": "uniform", "interval": 3, "full_steps": [], "n_steps": 5,
     "sizes": ["cap-1", "cap", "rand", "one"], "invalidate_at": 4, "refresh": True,
     "errors": True},
    {"mode": "bitmap", "interval": 1, "full_steps": [2, 3], "n_steps": 5,
     "sizes": ["small", "cap-1"], "invalidate_at": -1, "refresh": True, "errors": False},
)
