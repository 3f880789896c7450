"""Verification of the shared buffer: pyuvm env (env.py), cocotb tests
(shared_buffer_tests.py), the MyHDL in-process bench for shrinking property tests
(myhdl_bench.py), and the regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.shared_buffer import SUPPORTED

TEST_MODULE = "verif.shared_buffer.shared_buffer_tests"
TESTS = ("SbufRandomTest", "SbufHotBankTest", "SbufResetTest", "SbufInjectedBugTest")


def _set(**kw):
    return next(s for s in SUPPORTED if all(s.get(k) == v for k, v in kw.items()))


# Every supported set on Icarus; on Verilator (one C++ build per set) a cross-section:
# P = 1, B = 1, the formal set (P = 3), fp, wrr and the default.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set(P=1), _set(B=1), _set(P=3, B=2), _set(ARB="fp"), _set(ARB="wrr"),
                  _set(P=4, B=4)],
}
# The default pytest run (budget): a few sets per simulator; the rest under -m slow
# and `radacs regress`.
QUICK = {
    "icarus": [_set(P=3, B=2), _set(ARB="wrr"), _set(B=1)],
    "verilator": [_set(P=1)],
}
STRESS_CYCLE = ("random", "cycle", "none")

KINDS = ("random", "stride_1", "stride_b", "stride_odd", "conflict_free", "hot_bank", "raw")


def profile_strategy(params: dict):
    """One traffic profile for SbufRandomTest (drawn by Hypothesis in the pytest process)."""
    P = params["P"]
    words = params["B"] * params["DEPTH"]
    return st.fixed_dictionaries({
        "kind": st.sampled_from(KINDS),
        "items": st.integers(4, 20),
        "write_prob": st.sampled_from([0.0, 0.2, 0.5, 0.9]),
        "max_gap": st.integers(0, 4),
        "window": st.sampled_from(sorted({min(words, w) for w in (4, 16, 64)})),
        "stride": st.integers(1, 31).map(lambda x: x | 1),
        "bank": st.integers(0, 15),
        "base": st.integers(0, 63),
        "ports": st.lists(st.integers(0, P - 1), min_size=1, max_size=P,
                          unique=True).map(sorted),
    })


def corpus_strategy(params: dict):
    """The corpus of one simulation: 1..3 traffic profiles for this parameter set."""
    return st.lists(profile_strategy(params), min_size=1, max_size=3)
