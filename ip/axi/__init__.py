"""AXI4 read and write masters for 2-D strided commands (HMMU/LMMU data movers)."""
from ip.axi.axi import (IP, KINDS, PARAMS, build, check, module_name)  # noqa: F401

# Documented supported parameter sets: Verilog for each is committed in generated/.
# Both kinds at every data width, the degenerate MAX_BURST = 1 and OUTSTANDING = 1,
# a non-power-of-two MAX_BURST / OUTSTANDING, the AXI maximum MAX_BURST = 256 with
# OUTSTANDING = 16, and the HMMU/LMMU default (B = 16, MAX_BURST = 16, 4 outstanding).
SUPPORTED = [
    {"KIND": k, "DATA_BYTES": b, "MAX_BURST": mb, "OUTSTANDING": o}
    for k in ("rd", "wr")
    for (b, mb, o) in ((4, 1, 1), (4, 16, 4), (8, 16, 8), (8, 5, 3), (16, 16, 4),
                       (16, 256, 16), (32, 64, 2))
]

# Synthesis benchmark (`radacs bench synth axi`): both kinds, B in {4, 8, 16},
# the default burst/outstanding shape.
SYNTH_BENCH = [
    {"KIND": k, "DATA_BYTES": b, "MAX_BURST": 16, "OUTSTANDING": o}
    for k in ("rd", "wr")
    for (b, o) in ((4, 4), (8, 8), (16, 4))
]
