"""Verification of the feature cache: test programs (program.py), pyuvm env (env.py),
cocotb tests (feature_cache_tests.py), the MyHDL in-process bench for shrinking
property tests (myhdl_bench.py), and the regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.feature_cache import DRAM_SD15, DRAM_SMALL, SUPPORTED
from verif.feature_cache.program import SIZE_KINDS

TEST_MODULE = "verif.feature_cache.feature_cache_tests"
TESTS = ("FcRandomTest", "FcDirectedTest", "FcResetTest", "FcInjectedBugTest")


def _set(slots, data_bytes):
    return next(s for s in SUPPORTED if s["SLOTS"] == slots and s["DATA_BYTES"] == data_bytes
                and s.get("BACKING", "onchip") == "onchip")


# Regression plan: every supported set on Icarus but the SD1.5 DRAM set (its capacity of
# 131,072 beats makes the programs' capacity-boundary features 131,072 beats long; it
# runs in `radacs bench feature_cache --dram --sd15` instead); on Verilator (one C++
# build per set) a cross-section: SLOTS = 1, the non-power-of-two SLOTS = 3, 16 slots of
# 1 byte, the 16-byte stream with the largest schedule, and the small DRAM set.
REGRESSION = {
    "icarus": [p for p in SUPPORTED if p is not DRAM_SD15],
    "verilator": [_set(1, 4), _set(3, 2), _set(16, 1), _set(2, 16), DRAM_SMALL],
}
STRESS_CYCLE = ("random", "cycle", "none")


def schedule_strategy():
    """One DeepCache run: policy, number of steps, feature sizes, extras."""
    return st.fixed_dictionaries({
        "mode": st.sampled_from(["uniform", "bitmap"]),
        "interval": st.integers(1, 5),
        "full_steps": st.lists(st.integers(1, 40), max_size=6, unique=True).map(sorted),
        "n_steps": st.integers(3, 9),
        "sizes": st.lists(st.sampled_from(SIZE_KINDS), min_size=1, max_size=4),
        "invalidate_at": st.integers(-1, 8),
        "refresh": st.booleans(),
        "errors": st.booleans(),
    })


def corpus_strategy(params: dict):
    """The corpus of one simulation: 1..2 DeepCache runs (each a schedule) for this set."""
    return st.lists(schedule_strategy(), min_size=1, max_size=2)
