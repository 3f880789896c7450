"""Verification of the arbiter: pyuvm env (env.py), cocotb tests (arbiter_tests.py),
the MyHDL in-process bench for shrinking property tests (myhdl_bench.py), and the
regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.arbiter import SUPPORTED

TEST_MODULE = "verif.arbiter.arbiter_tests"
TESTS = ("ArbRandomTest", "ArbSaturateTest", "ArbResetTest", "ArbInjectedBugTest")


def _set(flavour, n, weights=None):
    return next(s for s in SUPPORTED if s["FLAVOUR"] == flavour and s["N"] == n
                and (weights is None or s.get("WEIGHTS") == weights))


# Regression plan: every supported set on Icarus; on Verilator (one C++ build per set,
# ~50 s each) a cross-section: N = 1, a prime, a power of two, the largest, every flavour.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set("rr", 1), _set("rr", 5), _set("fp", 4), _set("wrr", 3),
                  _set("wrr", 8), _set("rr", 32)],
}
# The default pytest run (tests/test_arbiter_sim.py) covers this subset: every set on
# Icarus, one set per flavour on Verilator; the other Verilator sets (N = 1, the
# largest, wrr N = 8: each also on Icarus by default) are marked slow.
DEFAULT = {
    "icarus": list(SUPPORTED),
    "verilator": [_set("rr", 5), _set("fp", 4), _set("wrr", 3)],
}
STRESS_CYCLE = ("random", "cycle", "none")


def profile_strategy(n: int):
    """One traffic profile for ArbRandomTest (drawn by Hypothesis in the pytest process)."""
    return st.fixed_dictionaries({
        "items": st.integers(10, 60),
        "burst_prob": st.sampled_from([0.0, 0.1, 0.3, 0.6, 1.0]),
        "max_burst": st.integers(2, 8),
        "max_gap": st.integers(0, 6),
        "requesters": st.lists(st.integers(0, n - 1), min_size=1, max_size=n,
                               unique=True).map(sorted),
    })


def corpus_strategy(params: dict):
    """The corpus of one simulation: 1..3 traffic profiles for this parameter set."""
    return st.lists(profile_strategy(params["N"]), min_size=1, max_size=3)
