"""``radacs bench shared_buffer``: delivered accesses per cycle against the ideal
min(P, B), measured on the RTL (MyHDL's simulator, the converted design's source)
with the model's figure alongside.

Every port is saturated (a new request offered in every cycle, held until accepted),
responses are always accepted, half the requests are writes.  Traffic:

* ``random``: uniform word addresses over the whole buffer;
* ``stride 1``: port p reads/writes p*K, p*K+1, ... (K = 7919, a prime offset);
* ``stride B``: port p's k-th address is (p*K + k)*B: every port on bank 0, the
  worst case (one access per cycle whatever P and B);
* ``conflict-free``: port p only on bank p mod B (conflict-free when P <= B).

Throughput does not depend on DEPTH or DATA_W (one access per bank per cycle), so
the sets use DEPTH = 64, DATA_W = 8 to keep the simulation short.  Writes
``ip/shared_buffer/bench.json`` and ``bench.md`` and, with ``--readme``, the table
between the bench-table markers of ``ip/shared_buffer/README.md``.  Exit 1 when the
RTL and the model disagree on any cycle.
"""
from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from models.shared_buffer import Req, ideal_rate

REPO = Path(__file__).resolve().parents[2]
SETS = [(2, 4), (4, 4), (4, 8), (4, 2), (8, 8), (8, 4)]
ARBS = ("rr",)
TRAFFIC = ("random", "stride 1", "stride B", "conflict-free")
K = 7919


def source(traffic: str, P: int, B: int, words: int, seed: int = 1):
    rngs = [random.Random(seed * 1000 + p) for p in range(P)]
    cache: dict = {}

    def src(p, k):
        key = (p, k)
        if key in cache:
            return cache[key]
        r = rngs[p]
        if traffic == "random":
            a = r.randrange(words)
        elif traffic == "stride 1":
            a = (p * K + k) % words
        elif traffic == "stride B":
            a = (p * K * B + k * B) % words
        else:
            a = (r.randrange(words // B) * B + p % B) % words
        req = Req(True, r.random() < 0.5, a, r.getrandbits(8), 1)
        cache[key] = req
        return req

    return src


def measure(P: int, B: int, traffic: str, cycles: int = 300, arb: str = "rr",
            depth: int = 64, data_w: int = 8) -> dict:
    from verif.shared_buffer import myhdl_bench

    params = {"P": P, "B": B, "DEPTH": depth, "DATA_W": data_w, "ARB": arb}
    r = myhdl_bench.run_traffic(params, source(traffic, P, B, B * depth), cycles)
    ideal = ideal_rate(P, B)
    return {"P": P, "B": B, "ARB": arb, "traffic": traffic, "cycles": cycles,
            "rtl_per_cycle": round(r["rtl"] / cycles, 3),
            "model_per_cycle": round(r["model"] / cycles, 3),
            "ideal": ideal, "efficiency": round(r["rtl"] / cycles / ideal, 3),
            "mismatches": len(r["errors"])}


def table(rows: list[dict]) -> str:
    out = ["| P | B | ARB | traffic | RTL accesses/cycle | model | ideal min(P,B) | RTL/ideal |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['P']} | {r['B']} | {r['ARB']} | {r['traffic']} | "
                   f"{r['rtl_per_cycle']:.3f} | {r['model_per_cycle']:.3f} | {r['ideal']} | "
                   f"{100 * r['efficiency']:.1f} % |")
    return "\n".join(out) + "\n"


def update_readme(readme: Path, md: str) -> None:
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    text = readme.read_text()
    b, e = text.find(begin), text.find(end)
    if b < 0 or e < b:
        raise ValueError(f"{readme} has no {begin} ... {end} markers")
    readme.write_text(text[:b] + f"{begin}\n{md.rstrip()}\n{end}" + text[e + len(end):])


def bench(cycles: int = 300, json_path=None, readme: bool = False) -> dict:
    t0 = time.time()
    rows = []
    for P, B in SETS:
        for arb in ARBS:
            for tr in TRAFFIC:
                rows.append(measure(P, B, tr, cycles, arb))
                print(f"radacs bench shared_buffer: P={P} B={B} {tr}: "
                      f"{rows[-1]['rtl_per_cycle']} / {rows[-1]['ideal']}", file=sys.stderr)
    doc = {"ip": "shared_buffer", "method": "MyHDL simulation of the RTL, saturated ports, "
           "m_rsp_ready high, 50 % writes, DEPTH=64, DATA_W=8, after 16 warm-up cycles",
           "rows": rows, "seconds": round(time.time() - t0, 1),
           "date": time.strftime("%Y-%m-%d")}
    jp = Path(json_path) if json_path else REPO / "ip" / "shared_buffer" / "bench.json"
    jp.write_text(json.dumps(doc, indent=1) + "\n")
    md = table(rows)
    jp.with_suffix(".md").write_text("# shared_buffer: delivered accesses per cycle\n\n"
                                     + doc["method"] + ".\n\n" + md)
    if readme:
        update_readme(REPO / "ip" / "shared_buffer" / "README.md", md)
    print(md)
    return doc


def cmd_bench(args) -> int:
    if args.cycles < 1:
        print(f"radacs: error: bench shared_buffer: --cycles must be >= 1, got {args.cycles}",
              file=sys.stderr)
        return 2
    doc = bench(args.cycles, args.json, args.readme)
    bad = [r for r in doc["rows"] if r["mismatches"] or r["rtl_per_cycle"] != r["model_per_cycle"]]
    if bad:
        print(f"radacs bench shared_buffer: RTL and model differ on {len(bad)} row(s)",
              file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    from ip.common.synth import bench_subparsers

    b = bench_subparsers(subparsers).add_parser(
        "shared_buffer", help="shared buffer: delivered accesses per cycle vs min(P, B)",
        description=__doc__.splitlines()[0])
    b.add_argument("--cycles", type=int, default=300, help="measured cycles per row")
    b.add_argument("--json", metavar="FILE",
                   help="results file (default ip/shared_buffer/bench.json)")
    b.add_argument("--readme", action="store_true",
                   help="also replace the table between the bench-table markers of the README")
    b.set_defaults(func=cmd_bench)
