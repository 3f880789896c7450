"""Feature cache: DeepCache's cached U-Net features in on-chip slots or in DRAM behind
one AXI4 master (``BACKING=dram``), with the schedule decision (full compute vs retrieve) and hit / miss / stale accounting."""
from ip.feature_cache.feature_cache import (IP, PARAMS, build, check, module_name,  # noqa: F401
                                            ports, regmap)

DRAM_SMALL = {"SLOTS": 3, "DATA_BYTES": 4, "SLOT_WORDS": 32, "STEPS": 1024, "BACKING": "dram",
              "MAX_BURST": 4, "OUTSTANDING": 2, "CHUNK": 8, "STAGE": 16}
DRAM_SD15 = {"SLOTS": 2, "DATA_BYTES": 16, "SLOT_WORDS": 131072, "STEPS": 1024,
             "BACKING": "dram", "MAX_BURST": 16, "OUTSTANDING": 4, "CHUNK": 256, "STAGE": 512}

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
    # BACKING=dram: a small set for the regressions (3 slots, 4-byte beats, bursts of 4,
    # 2 in flight, 8-beat write chunks) and the SD1.5 set (one 320x64x64 int8 branch-0
    # feature = 81,920 16-byte beats per slot; default CAP 131,072 beats, slot 1 at 2 MiB).
    DRAM_SMALL,
    DRAM_SD15,
]

# Synthesis benchmark (`radacs bench synth feature_cache`).
SYNTH_BENCH = [
    {"SLOTS": 4, "DATA_BYTES": 8, "SLOT_WORDS": 256, "STEPS": 1024},
    {"SLOTS": 16, "DATA_BYTES": 16, "SLOT_WORDS": 1024, "STEPS": 1024},
    # BACKING=dram: the regression set and the SD1.5 set (512-beat staging FIFO)
    DRAM_SMALL,
    DRAM_SD15,
]
