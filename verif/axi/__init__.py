"""Verification of the AXI4 masters: pyuvm env (env.py), cocotb tests (axi_tests.py)
and the regression plan below."""
from __future__ import annotations

from hypothesis import strategies as st

from ip.axi import SUPPORTED

TEST_MODULE = "verif.axi.axi_tests"
TESTS = ("AxiRandomTest", "AxiErrorTest", "AxiLatencyTest", "AxiResetTest",
         "AxiInjectedBugTest")


def _set(kind, b, mb, o):
    return next(s for s in SUPPORTED if (s["KIND"], s["DATA_BYTES"], s["MAX_BURST"],
                                          s["OUTSTANDING"]) == (kind, b, mb, o))


# Regression plan: every supported set on Icarus; on Verilator (one C++ build per set)
# a cross-section: both kinds, the degenerate MAX_BURST = OUTSTANDING = 1, the
# non-power-of-two shape, the widest bus and the AXI maximum burst.
REGRESSION = {
    "icarus": list(SUPPORTED),
    "verilator": [_set("rd", 8, 5, 3), _set("wr", 8, 5, 3), _set("rd", 4, 1, 1),
                  _set("wr", 32, 64, 2), _set("rd", 16, 256, 16), _set("wr", 16, 256, 16)],
}
# The default pytest run (tests/test_axi_sim.py) covers this subset; the rest of
# REGRESSION is marked slow (`pytest -m slow`, `radacs regress axi`).
DEFAULT = {
    "icarus": [_set("rd", 8, 5, 3), _set("wr", 8, 5, 3), _set("rd", 4, 1, 1),
               _set("wr", 32, 64, 2)],
    "verilator": [_set("rd", 8, 5, 3), _set("wr", 8, 5, 3)],
}
STRESS_CYCLE = ("random", "cycle", "none")

MEM_LIMIT = 0x37000  # commands stay below the error regions (verif/axi/env.py)


def _fit(c):
    """Keep a drawn command inside the plain part of the memory."""
    end = c["addr"] + (c["rows"] - 1) * c["stride"] + c["row_bytes"]
    if end > MEM_LIMIT:
        c["addr"] = c["addr"] % 4096
        if c["addr"] + (c["rows"] - 1) * c["stride"] + c["row_bytes"] > MEM_LIMIT:
            c["rows"] = 1
    return c


def command_strategy(params: dict):
    """One command for this parameter set: rows crossing 4 KiB, partial last beats,
    strides beyond the row, single-beat rows and rows longer than MAX_BURST."""
    b, mb = params["DATA_BYTES"], params["MAX_BURST"]
    page_beats = 4096 // b
    long_row = min(b * mb + 2 * b, 6000)
    offset = st.one_of(st.integers(0, page_beats - 1),
                       st.integers(max(0, page_beats - 4), page_beats - 1))
    row_bytes = st.one_of(st.integers(1, b), st.integers(1, 4 * b), st.integers(1, 600),
                          st.integers(max(1, long_row - 3 * b), long_row))

    def build(d):
        rb = d["row_bytes"]
        full = -(-rb // b) * b
        stride = {"tight": full, "gap": full + d["k"] * b, "page": 4096,
                  "overlap": max(0, full - b)}[d["stride_kind"]]
        return _fit({"addr": d["page"] * 4096 + d["offset"] * b, "row_bytes": rb,
                     "rows": d["rows"], "stride": stride, "gap": d["gap"]})

    return st.fixed_dictionaries({
        "page": st.integers(0, 0x30000 // 4096 - 1), "offset": offset,
        "row_bytes": row_bytes, "rows": st.integers(1, 4),
        "stride_kind": st.sampled_from(["tight", "gap", "page", "overlap"]),
        "k": st.integers(1, 40), "gap": st.integers(0, 3),
    }).map(build)


def corpus_strategy(params: dict):
    """The corpus of one simulation: 3..8 commands for AxiRandomTest."""
    return st.lists(command_strategy(params), min_size=3, max_size=8)
