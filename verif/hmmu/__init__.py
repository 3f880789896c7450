"""Verification of the HMMU top (``ip/hmmu``): pyuvm env (env.py), cocotb tests
(hmmu_tests.py), the smoke test of bring-up (hmmu_smoke.py, tests/test_hmmu_smoke.py),
minimal reproducers of findings (hmmu_repro.py) and the regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.hmmu import SUPPORTED

TEST_MODULE = "verif.hmmu.hmmu_tests"
TESTS = ("HmmuRandomTest", "HmmuErrorTest", "HmmuCountersTest", "HmmuResetTest",
         "HmmuInjectedBugTest")


def _set(rows, cols):
    return next(s for s in SUPPORTED if (s["ROWS"], s["COLS"]) == (rows, cols))


# Regression plan: every supported set on Icarus; on Verilator (one C++ build per set)
# the smallest square and the tall ROWS != COLS set with one outstanding read.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set(4, 4), _set(8, 4)],
}
# The default pytest run (tests/test_hmmu_sim.py) covers this subset; the rest is slow.
DEFAULT = {"icarus": [_set(4, 4)], "verilator": [_set(4, 4)]}
STRESS_CYCLE = ("random", "cycle", "none")

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def capacities(p: dict) -> dict:
    """The command limits of a parameter set (ip/hmmu/hmmu.py, command check):
    ``XD`` = max K, ``OD`` = max TILE_M, ``WD`` = W bank words (TILE_M/ROWS * ceil(K/B)
    must not exceed it)."""
    R, C = p["ROWS"], p["COLS"]
    return {"XD": p["XBUF_BYTES"] // (2 * C), "OD": p["OBUF_BYTES"] // (8 * C),
            "WD": p["WBUF_BYTES"] // (R * C)}


def max_tile_m(p: dict, K: int) -> int:
    """The largest legal TILE_M for this K (a multiple of ROWS)."""
    R, B = p["ROWS"], p["COLS"]
    cap = capacities(p)
    kw = -(-K // B)
    return R * min(cap["OD"] // R, cap["WD"] // kw)


def command_strategy(params: dict):
    """One legal GEMM command: M, K, N from 1 to beyond one tile (primes, non-multiples
    of ROWS/COLS), K sometimes exactly at the X capacity, TILE_M a multiple of ROWS up to
    the output buffer capacity (within the W banks); bias / requant on and off,
    saturating requant multipliers, extreme int8 data, back-to-back starts."""
    R, C = params["ROWS"], params["COLS"]
    XD = capacities(params)["XD"]
    small = st.one_of(st.integers(1, 3 * max(R, C) + 3), st.sampled_from(PRIMES))
    k = st.one_of(st.integers(1, 3 * C + 3), st.sampled_from(PRIMES), st.just(XD),
                  st.integers(max(1, XD - 3), XD))

    @st.composite
    def build(draw):
        K = draw(k)
        big_k = K > 64
        M = draw(st.integers(1, 2 * R + 1) if big_k else small)
        N = draw(st.integers(1, C + 3) if big_k else small)
        top = max_tile_m(params, K)
        tm = draw(st.one_of(st.just(top), st.integers(1, top // R).map(lambda t: t * R)))
        return {"M": M, "K": K, "N": N, "TILE_M": tm,
                "bias": draw(st.booleans()), "requant": draw(st.booleans()),
                "sat": draw(st.booleans()),
                "data": draw(st.sampled_from(["random", "extreme", "small"])),
                "irq_en": draw(st.booleans()), "gap": draw(st.sampled_from([0, 0, 1, 7, 30])),
                "seed": draw(st.integers(0, 2**31 - 1))}

    return build()


def corpus_strategy(params: dict):
    """The corpus of one simulation: 3..6 commands for HmmuRandomTest."""
    return st.lists(command_strategy(params), min_size=3, max_size=6)
