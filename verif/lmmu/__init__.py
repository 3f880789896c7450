"""Verification of the LMMU top (``ip/lmmu``): pyuvm env (env.py), cocotb tests
(lmmu_tests.py), the bring-up smoke test (lmmu_smoke.py, tests/test_lmmu_smoke.py),
minimal reproducers of RTL findings (lmmu_repro.py) and the regression plan below
(tests/test_lmmu_sim.py).  The IP-independent parts of the env are shared with the HMMU
in verif/common/mmu_env.py."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import strategies as st

from ip.lmmu import SUPPORTED
from ip.lmmu.lmmu_core import capacity_ok

TEST_MODULE = "verif.lmmu.lmmu_tests"
TESTS = ("LmmuRandomTest", "LmmuErrorTest", "LmmuCountersTest", "LmmuResetTest",
         "LmmuInjectedBugTest")


def _set(rows, cols):
    return next(s for s in SUPPORTED if (s["ROWS"], s["COLS"]) == (rows, cols))


# Regression plan: every supported set on Icarus; on Verilator the smallest square and
# the tall ROWS != COLS set with short bursts and one outstanding read.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set(4, 4), _set(8, 4)],
}
# The default pytest run (tests/test_lmmu_sim.py) covers this subset; the rest is slow.
DEFAULT = {"icarus": [_set(4, 4)], "verilator": [_set(4, 4)]}
STRESS_CYCLE = ("random", "cycle", "none")

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def limits(p: dict) -> dict:
    """The buffer rules of ``capacity_ok`` as limits: ``O`` = max TILE_M*TILE_N,
    ``W`` = max TILE_M*ceil(TILE_K/B), ``X`` = max TILE_K*TILE_N."""
    B = p["COLS"]
    return {"O": p["OBUF_BYTES"] // 4, "W": p["WBUF_BYTES"] // (2 * B),
            "X": p["XBUF_BYTES"] // 2}


def at_capacity(p: dict, tm: int, tn: int, tk: int) -> set:
    """Which buffers a (TILE_M, TILE_N, TILE_K) fills exactly: subset of {W, X, O}."""
    B = p["COLS"]
    lim = limits(p)
    out = set()
    if tm * tn == lim["O"]:
        out.add("O")
    if tm * -(-tk // B) == lim["W"]:
        out.add("W")
    if tk * tn == lim["X"]:
        out.add("X")
    return out


def _key(p):
    return tuple(sorted(p.items()))


@lru_cache(maxsize=None)
def _tiles(pk) -> tuple:
    """Every legal aligned (TILE_M, TILE_N, TILE_K) with TILE_K a multiple of B (so legal
    for any K), up to 64 units per dimension."""
    p = dict(pk)
    R, C, B = p["ROWS"], p["COLS"], p["COLS"]
    lim = limits(p)
    out = []
    for a in range(1, 65):
        for b in range(1, 65):
            if a * R * b * C > lim["O"]:
                break
            for c in range(1, 65):
                if a * R * c > lim["W"] or c * B * b * C > lim["X"]:
                    break
                out.append((a * R, b * C, c * B))
    assert all(capacity_ok(p, 1, 1 << 15, 1, *t) for t in out)
    return tuple(out)


def tiles(p: dict) -> list:
    return list(_tiles(_key(p)))


def capacity_tiles(p: dict) -> dict:
    """Legal tiles exactly at capacity: {"W": [...], "X": [...], "O": [...], "WXO": [...]}
    (WXO: all three at once, when such a tile exists)."""
    out = {"W": [], "X": [], "O": [], "WXO": []}
    for t in tiles(p):
        caps = at_capacity(p, *t)
        for c in caps:
            out[c].append(t)
        if caps == {"W", "X", "O"}:
            out["WXO"].append(t)
    return out


MAX_DIM = 40         # M, N at most (simulation time)
MAX_K = 80


def command_strategy(params: dict):
    """One legal LMMU command: a legal tile (small ones often, so M, N and K span several
    tiles; sometimes one exactly at a buffer's capacity), M, N from 1 to beyond one tile
    (primes, edge tiles), K from 1 to several chunks or within one chunk with TILE_K = K
    (unaligned); bias / requant on and off, saturating multipliers, extreme data,
    back-to-back starts."""
    R, C, B = params["ROWS"], params["COLS"], params["COLS"]
    all_tiles = tiles(params)
    small = [t for t in all_tiles if t[0] <= 2 * R and t[1] <= 2 * C and t[2] <= 4 * B]
    caps = [t for ts in capacity_tiles(params).values() for t in ts
            if t[0] <= MAX_DIM and t[1] <= MAX_DIM]

    @st.composite
    def build(draw):
        tm, tn, tk = draw(st.one_of(st.sampled_from(small), st.sampled_from(all_tiles),
                                    st.sampled_from(caps)))
        M = draw(st.one_of(st.integers(1, min(MAX_DIM, 2 * tm + 1)), st.sampled_from(PRIMES)))
        N = draw(st.one_of(st.integers(1, min(MAX_DIM, 2 * tn + 1)), st.sampled_from(PRIMES)))
        M, N = min(M, MAX_DIM), min(N, MAX_DIM)
        K = draw(st.one_of(st.integers(1, min(MAX_K, 3 * tk + 1)), st.sampled_from(PRIMES)))
        K = min(K, MAX_K)
        if K <= tk and draw(st.booleans()):
            tk_cmd = K          # one chunk, TILE_K = K (need not be a multiple of B)
            if not capacity_ok(params, M, K, N, tm, tn, tk_cmd):
                tk_cmd = tk
        else:
            tk_cmd = tk
        return {"M": M, "K": K, "N": N, "TILE_M": tm, "TILE_N": tn, "TILE_K": tk_cmd,
                "bias": draw(st.booleans()), "requant": draw(st.booleans()),
                "sat": draw(st.booleans()),
                "data": draw(st.sampled_from(["random", "extreme", "small"])),
                "irq_en": draw(st.booleans()), "gap": draw(st.sampled_from([0, 0, 1, 7, 30])),
                "seed": draw(st.integers(0, 2**31 - 1))}

    return build()


def corpus_strategy(params: dict):
    """The corpus of one simulation: 3..6 commands for LmmuRandomTest."""
    return st.lists(command_strategy(params), min_size=3, max_size=6)
