"""``python -m verif.axil_regs --sim SIM --seed N [--stress M] [--test T] [--items K]
[--inject-bug]``: one run of the register block's tests, summary on stdout, exit 1 on a
failure (the command every test logs to reproduce itself)."""
from __future__ import annotations

import argparse
import sys

from verif.axil_regs import TESTS, run
from verif.common.knobs import STRESS_MODES
from verif.common.runner import SIMULATORS


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verif.axil_regs", description=__doc__)
    ap.add_argument("--sim", choices=SIMULATORS, default="icarus")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--stress", choices=STRESS_MODES, default="random")
    ap.add_argument("--test", choices=TESTS)
    ap.add_argument("--items", type=int)
    ap.add_argument("--inject-bug", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.sim, a.seed, a.stress, testcase=a.test, items=a.items, inject_bug=a.inject_bug,
              tag="cli")
    print(res.summary())
    for name, rep in res.coverage.items():
        print(f"  coverage {name}: {rep['percent']:.1f} % holes={rep['holes']}")
    return 0 if res.passed else 1


if __name__ == "__main__":
    sys.exit(main())
