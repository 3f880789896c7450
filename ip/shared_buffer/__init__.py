"""Shared buffer: banked SRAM with P valid/ready ports and per-bank arbitration."""
from ip.shared_buffer.shared_buffer import (IP, PARAMS, READ_LATENCY, RSP_DEPTH, build,  # noqa: F401
                                            check, module_name, widths)

# Documented supported parameter sets: Verilog for each is committed in generated/.
# The default (4 ports, 4 banks), the degenerate P = 1 and B = 1, a non-power-of-two P,
# more ports than banks and more banks than ports, every ARB flavour, the formal set
# (P=3, B=2, DEPTH=4, DATA_W=8, rr) and a wide set (8 ports x 16 banks x 128 bits).
SUPPORTED = [
    {"P": 4, "B": 4, "DEPTH": 256, "DATA_W": 64, "ARB": "rr"},
    {"P": 1, "B": 2, "DEPTH": 16, "DATA_W": 32, "ARB": "rr"},
    {"P": 2, "B": 1, "DEPTH": 16, "DATA_W": 16, "ARB": "rr"},
    {"P": 3, "B": 2, "DEPTH": 4, "DATA_W": 8, "ARB": "rr"},
    {"P": 3, "B": 4, "DEPTH": 16, "DATA_W": 32, "ARB": "fp"},
    {"P": 4, "B": 2, "DEPTH": 32, "DATA_W": 32, "ARB": "wrr", "WEIGHTS": (1, 2, 3, 4)},
    {"P": 4, "B": 8, "DEPTH": 16, "DATA_W": 8, "ARB": "rr"},
    {"P": 8, "B": 16, "DEPTH": 64, "DATA_W": 128, "ARB": "rr"},
]

# Synthesis benchmark (`radacs bench synth shared_buffer`, results in synth.json).
SYNTH_BENCH = [
    {"P": 4, "B": 4, "DEPTH": 256, "DATA_W": 64, "ARB": "rr"},
    {"P": 4, "B": 4, "DEPTH": 256, "DATA_W": 64, "ARB": "wrr", "WEIGHTS": (1, 2, 3, 4)},
    {"P": 8, "B": 8, "DEPTH": 512, "DATA_W": 64, "ARB": "rr"},
]
