"""Feature cache: DeepCache's cached U-Net features in on-chip slots, with the schedule
decision (full compute vs retrieve) and hit / miss / stale accounting."""
from ip.feature_cache.feature_cache import (IP, PARAMS, build, check, module_name,  # noqa: F401
                                            ports, regmap)

# Documented supported parameter sets: Verilog for each is committed in generated/.
# The degenerate SLOTS = 1, a non-power-of-two SLOTS = 3, the default, the narrowest
# and the widest stream (DATA_BYTES 1 and 16), a small-capacity set (the formal set)
# and the largest schedule (STEPS = 32768).
SUPPORTED = [
    {"SLOTS": 1, "DATA_BYTES": 4, "SLOT_WORDS": 16, "STEPS": 1024},
    {"SLOTS": 3, "DATA_BYTES": 2, "SLOT_WORDS": 32, "STEPS": 1024},
    {"SLOTS": 4, "DATA_BYTES": 8, "SLOT_WORDS": 256, "STEPS": 1024},
    {"SLOTS": 16, "DATA_BYTES": 1, "SLOT_WORDS": 8, "STEPS": 2048},
    {"SLOTS": 2, "DATA_BYTES": 16, "SLOT_WORDS": 64, "STEPS": 32768},
    {"SLOTS": 2, "DATA_BYTES": 1, "SLOT_WORDS": 4, "STEPS": 1024},
]

# Synthesis benchmark (`radacs bench synth feature_cache`).
SYNTH_BENCH = [
    {"SLOTS": 4, "DATA_BYTES": 8, "SLOT_WORDS": 256, "STEPS": 1024},
    {"SLOTS": 16, "DATA_BYTES": 16, "SLOT_WORDS": 1024, "STEPS": 1024},
]
