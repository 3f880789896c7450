"""HMMU: the high-resolution, weight-stationary int8 matrix unit (one AXI4 master,
AXI4-Lite registers); design note in hmmu_core.py, cycle model in models/hmmu_rtl.py."""
from ip.hmmu.hmmu import IP, PARAMS, build, check, module_name  # noqa: F401


def _preset(n: int) -> dict:
    """The RTL presets of models.mmu (``hmmu-<n>x<n>``): an n x n array, B = n and
    buffers of 256 n^2 (W, X) and 32 n^2 (output) bytes."""
    return {"ROWS": n, "COLS": n, "WBUF_BYTES": 256 * n * n, "XBUF_BYTES": 256 * n * n,
            "OBUF_BYTES": 32 * n * n, "MAX_BURST": 16, "OUTSTANDING": 8}


# The default set: 8x8 with a large weight buffer (128 KiB: a 64 x 2048 block, so the
# weights of every tiny-SDXL layer are read once), X halves of 2048 words (every
# tiny-SDXL K) and 256-row output halves; 88 DP16KD of the LFE5U-85F's 208.
DEFAULT = {"ROWS": 8, "COLS": 8, "WBUF_BYTES": 131072, "XBUF_BYTES": 32768,
           "OBUF_BYTES": 16384, "MAX_BURST": 16, "OUTSTANDING": 8}

# Documented supported parameter sets: Verilog for each is committed in generated/.
# The default, the small square presets of the cost model (4x4, 16x16) and a tall 8x4
# array (ROWS != COLS, 32-bit data bus) with short bursts and one outstanding read.
SUPPORTED = [
    _preset(4),
    DEFAULT,
    _preset(16),
    {"ROWS": 8, "COLS": 4, "WBUF_BYTES": 4096, "XBUF_BYTES": 2048, "OBUF_BYTES": 1024,
     "MAX_BURST": 4, "OUTSTANDING": 1},
]

# Synthesis benchmark (`radacs bench synth hmmu`): 4x4 and 8x8.  16x16 is left out: its
# PE array alone needs 256 MULT18X18D, the LFE5U-85F has 156.
SYNTH_BENCH = [_preset(4), DEFAULT]
