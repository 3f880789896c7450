"""Verification of the PE array: pyuvm env (env.py), cocotb tests (pe_array_tests.py),
the MyHDL in-process bench for shrinking property tests (myhdl_bench.py), and the
regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.pe_array import SUPPORTED

TEST_MODULE = "verif.pe_array.pe_array_tests"
TESTS = ("PeRandomTest", "PeBackToBackTest", "PeExtremesTest", "PeResetTest",
         "PeInjectedBugTest")


def _set(rows, cols):
    return next(s for s in SUPPORTED if (s["ROWS"], s["COLS"]) == (rows, cols))


# Regression plan: every supported set on Icarus; on Verilator (one C++ build per set,
# the 16 x 16 the longest) a cross-section: the degenerate 1 x 1, a non-square
# non-power of two and a tall non-square.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set(1, 1), _set(2, 3), _set(8, 4)],
}
STRESS_CYCLE = ("random", "cycle", "none")


def profile_strategy(rows: int):
    """One pass profile for PeRandomTest (drawn by Hypothesis in the pytest process)."""
    ks = ["eq", "gt", "huge"] + (["lt"] if rows > 1 else [])
    return st.fixed_dictionaries({
        "passes": st.integers(2, 8),
        "k": st.lists(st.sampled_from(ks), min_size=1, max_size=len(ks), unique=True),
        "values": st.sampled_from(["random", "mixed", "extreme", "small"]),
        "max_gap": st.integers(0, 6),
        "idle_prob": st.sampled_from([0.0, 0.1, 0.3, 0.6]),
        "flush_prob": st.sampled_from([0.0, 0.2, 0.5, 1.0]),
    })


def corpus_strategy(params: dict):
    """The corpus of one simulation: 1..3 pass profiles for this parameter set."""
    return st.lists(profile_strategy(params["ROWS"]), min_size=1, max_size=3)
