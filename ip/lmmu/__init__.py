"""LMMU: the low-resolution (output-stationary, two-port) int8 matrix unit of RADACS.

``lmmu_core`` (ip/lmmu/lmmu_core.py, design note there) is the controller and datapath
between the AXI masters; ``lmmu`` (ip/lmmu/lmmu.py) is the top: register block, command
check, counters, two AXI4 masters.
"""
from ip.lmmu.lmmu import IP, PARAMS, build, check, module_name  # noqa: F401


def _preset(n: int) -> dict:
    """The RTL presets of models.mmu (``lmmu-<n>x<n>``): an n x n array, B = n, a small
    W and X buffer of 32 n^2 bytes each and an output buffer of 256 n^2 bytes."""
    return {"ROWS": n, "COLS": n, "WBUF_BYTES": 32 * n * n, "XBUF_BYTES": 32 * n * n,
            "OBUF_BYTES": 256 * n * n, "MAX_BURST": 16, "OUTSTANDING": 8}


# The default set: 8x8, a small weight buffer (8 KiB: two halves of 512 words, e.g. a
# 64 x 64 W chunk), an 8 KiB X buffer (two halves of TILE_K*TILE_N <= 4096 bytes, e.g.
# 64 x 64) and a large 64 KiB output buffer (TILE_M*TILE_N <= 16384 int32 partial sums,
# e.g. 256 x 64: X is re-read once per 256 output rows).
DEFAULT = {"ROWS": 8, "COLS": 8, "WBUF_BYTES": 8192, "XBUF_BYTES": 8192,
           "OBUF_BYTES": 65536, "MAX_BURST": 16, "OUTSTANDING": 8}

# Documented supported parameter sets: the small square presets of the cost model (4x4,
# 16x16), the default, and a tall 8x4 array (ROWS != COLS, 32-bit data bus) with short
# bursts and one outstanding read per port.
SUPPORTED = [
    _preset(4),
    DEFAULT,
    _preset(16),
    {"ROWS": 8, "COLS": 4, "WBUF_BYTES": 1024, "XBUF_BYTES": 512, "OBUF_BYTES": 2048,
     "MAX_BURST": 4, "OUTSTANDING": 1},
]

# Synthesis benchmark (`radacs bench synth lmmu`): 4x4 and 8x8 (16x16's 256 multipliers
# exceed the LFE5U-85F's 156 MULT18X18D).
SYNTH_BENCH = [_preset(4), DEFAULT]
