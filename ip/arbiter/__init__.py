"""Buffer arbiter family (round-robin, fixed-priority, weighted round-robin)."""
from ip.arbiter.arbiter import IP, PARAMS, build, check, module_name, idx_width  # noqa: F401

# Documented supported parameter sets: Verilog for each is committed in generated/.
# They cover N = 1 (pass-through), powers of two and non-powers of two for every flavour,
# the formal set N in {2,3,4,8} and the synthesis set N in {4,8,16,32}.
SUPPORTED = (
    [{"FLAVOUR": "rr", "N": n} for n in (1, 2, 3, 4, 5, 8, 16, 32)]
    + [{"FLAVOUR": "fp", "N": n} for n in (1, 3, 4, 8, 16, 32)]
    + [
        {"FLAVOUR": "wrr", "N": 2, "WEIGHTS": (1, 3)},
        {"FLAVOUR": "wrr", "N": 3, "WEIGHTS": (2, 1, 3)},
        {"FLAVOUR": "wrr", "N": 4, "WEIGHTS": (1, 2, 3, 4)},
        {"FLAVOUR": "wrr", "N": 5, "WEIGHTS": (4, 1, 1, 2, 3)},
        {"FLAVOUR": "wrr", "N": 8, "WEIGHTS": (1, 2, 3, 4, 1, 2, 3, 4)},
        {"FLAVOUR": "wrr", "N": 16, "WEIGHTS": tuple(1 + i % 4 for i in range(16))},
        {"FLAVOUR": "wrr", "N": 32, "WEIGHTS": tuple(1 + i % 4 for i in range(32))},
    ]
)

# Synthesis benchmark (`radacs bench synth arbiter`, results in synth.json / README.md):
# N in {4, 8, 16, 32} for every flavour; wrr weights 1,2,3,4,1,2,...
SYNTH_BENCH = [
    {"FLAVOUR": f, "N": n, **({"WEIGHTS": tuple(1 + i % 4 for i in range(n))} if f == "wrr" else {})}
    for f in ("rr", "fp", "wrr")
    for n in (4, 8, 16, 32)
]
