"""Signed int8 PE array with a wrapping int32 accumulator and a shadow bank per PE
(the MAC core of the HMMU and the LMMU; contract in docs/mmu-architecture.md)."""
from ip.pe_array.pe_array import IP, PARAMS, build, check, module_name  # noqa: F401

# Documented supported parameter sets: Verilog for each is committed in generated/.
# The degenerate 1 x 1, a small non-square non-power of two (2 x 3), square powers of
# two up to the 16 x 16 of the synthesis bench, a tall non-square (8 x 4) and a wide
# one (4 x 16, the widest shadow row of the plan).
SUPPORTED = [
    {"ROWS": 1, "COLS": 1},
    {"ROWS": 2, "COLS": 3},
    {"ROWS": 4, "COLS": 4},
    {"ROWS": 8, "COLS": 4},
    {"ROWS": 4, "COLS": 16},
    {"ROWS": 8, "COLS": 8},
    {"ROWS": 16, "COLS": 16},
]

# Synthesis benchmark (`radacs bench synth pe_array`, results in synth.json / README.md).
# 16 x 16 is left out: its 256 MULT18X18D do not fit the LFE5U-85F (156).
SYNTH_BENCH = [{"ROWS": n, "COLS": n} for n in (4, 8)]
