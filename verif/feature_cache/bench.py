"""``radacs bench feature_cache``: stream throughput of the feature cache, measured.

Runs the cocotb module :mod:`verif.feature_cache.feature_cache_bench` (no pauses
anywhere) on each benchmark set and writes ``ip/feature_cache/bench.json``,
``ip/feature_cache/bench.md`` and, with ``--readme``, the table between the
``<!-- bench-table:begin -->`` / ``<!-- bench-table:end -->`` markers of the README.
"""
from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

IP_DIR = Path(__file__).resolve().parents[2] / "ip" / "feature_cache"
BENCH_SETS = [
    {"SLOTS": 4, "DATA_BYTES": 8, "SLOT_WORDS": 256, "STEPS": 1024},
    {"SLOTS": 16, "DATA_BYTES": 1, "SLOT_WORDS": 8, "STEPS": 2048},
    {"SLOTS": 2, "DATA_BYTES": 16, "SLOT_WORDS": 64, "STEPS": 32768},
    {"SLOTS": 1, "DATA_BYTES": 4, "SLOT_WORDS": 16, "STEPS": 1024},
]
# SD1.5 at 512 px, DeepCache branch 0.0: a 320 x 64 x 64 int8 feature (models.deepcache),
# through one on-chip slot of 16-byte beats (SLOT_WORDS: the next power of two).
SD15_BYTES = 320 * 64 * 64
SD15_SET = {"SLOTS": 1, "DATA_BYTES": 16, "SLOT_WORDS": 131072, "STEPS": 1024}
BEGIN, END = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"


def run_one(params: dict, simulator: str, corpus=None) -> dict:
    from ip.feature_cache import check, module_name
    from verif.common import runner

    p = check(params)
    res = runner.run("feature_cache", p, simulator, "verif.feature_cache.feature_cache_bench",
                     testcase="feature_cache_bench", stress="none", tag="bench",
                     corpus=corpus)
    out = Path(res.results_xml).parent / "bench.json"
    if not res.passed or not out.exists():
        raise RuntimeError(f"bench of {module_name(p)} failed: {res.summary()}")
    data = json.loads(out.read_text())
    data["module"] = module_name(p)
    return data


def table(runs: list[dict]) -> str:
    lines = ["| set | scenario | beats (store / load) | cycles (store / load) | stall cycles "
             "(store / load) | idle cycles between loaded features |",
             "|---|---|---|---|---|---|"]
    for r in runs:
        p = r["params"]
        name = f"S={p['SLOTS']} B={p['DATA_BYTES']} W={p['SLOT_WORDS']}"
        for x in r["results"]:
            lines.append(
                f"| {name} | {x['scenario']} | {x['store_beats']} / {x['load_beats']} | "
                f"{x.get('store_cycles', '-')} / {x.get('load_cycles', '-')} | "
                f"{x.get('store_stall_cycles', '-')} / {x.get('load_stall_cycles', '-')} | "
                f"{x.get('load_gap_cycles_between_features', '-')} |")
    return "\n".join(lines) + "\n"


def cmd_bench(args) -> int:
    from models import deepcache

    if args.dram:
        return cmd_bench_dram(args)

    runs = [run_one(p, args.sim) for p in BENCH_SETS]
    if args.sd15:
        nbytes = deepcache.cache_bytes("sd15", "0.0")
        assert nbytes == SD15_BYTES
        runs.append(run_one(SD15_SET, args.sim,
                            {"feature_beats": nbytes // SD15_SET["DATA_BYTES"]}))
    doc = {"command": "radacs bench feature_cache" + (" --sd15" if args.sd15 else "")
           + (" --readme" if args.readme else ""),
           "simulator": args.sim,
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "runs": runs}
    (IP_DIR / "bench.json").write_text(json.dumps(doc, indent=1) + "\n")
    md = (f"Measured by `{doc['command']}` on {args.sim}, {doc['date']}; no pauses on any "
          "stream.\n\n" + table(runs))
    (IP_DIR / "bench.md").write_text(md)
    if args.readme:
        readme = IP_DIR / "README.md"
        text = readme.read_text()
        if BEGIN not in text or END not in text:
            print(f"radacs: error: {readme} has no bench-table markers", file=sys.stderr)
            return 2
        a, rest = text.split(BEGIN, 1)
        _, b = rest.split(END, 1)
        readme.write_text(a + BEGIN + "\n" + md + END + b)
    sys.stdout.write(md)
    bad = [e for r in runs for e in r["errors"]]
    return 1 if bad else 0


def cmd_bench_dram(args) -> int:
    """``--dram``: the datapath standalone (MyHDL, bench_dram.*) and, with ``--sd15``,
    SD1.5's branch-0 feature through the integrated IP (``DRAM_SD15`` set, cocotb on
    ``--sim`` with cocotbext-axi AxiRam, no pauses): bench_dram_ip.json / .md."""
    from ip.feature_cache import DRAM_SD15
    from models import deepcache
    from verif.feature_cache import dram_perf

    if args.readme:
        print("radacs: error: --readme is not supported with --dram (the DRAM tables are "
              "bench_dram.md / bench_dram_ip.md)", file=sys.stderr)
        return 2
    cmd = ("radacs bench feature_cache --dram" + (" --sd15" if args.sd15 else "")
           + (f" --sim {args.sim}" if args.sd15 else ""))
    rc, md = dram_perf.cmd_bench_dram(args.sd15, cmd)
    sys.stdout.write(md)
    if not args.sd15:
        return rc
    nbytes = deepcache.cache_bytes("sd15", "0.0")
    run = run_one(DRAM_SD15, args.sim, {"feature_beats": nbytes // DRAM_SD15["DATA_BYTES"]})
    doc = {"command": cmd, "simulator": args.sim,
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "runs": [run]}
    (IP_DIR / "bench_dram_ip.json").write_text(json.dumps(doc, indent=1) + "\n")
    md2 = (f"Measured by `{cmd}` (integrated IP, BACKING=dram, on {args.sim} with "
           f"cocotbext-axi AxiRam, {doc['date']}); no pauses on any stream or AXI channel.  "
           "Store cycles: first to last s_axis beat (the store response follows the last B "
           "response).\n\n" + table([run]))
    (IP_DIR / "bench_dram_ip.md").write_text(md2)
    sys.stdout.write(md2)
    return rc or (1 if run["errors"] else 0)


def register(subparsers) -> None:
    from ip.common.synth import bench_subparsers

    b = bench_subparsers(subparsers).add_parser(
        "feature_cache", help="feature cache stream throughput (beats, cycles, stalls)",
        description=__doc__.splitlines()[0])
    b.add_argument("--sim", default="icarus", choices=("icarus", "verilator"))
    b.add_argument("--sd15", action="store_true",
                   help="also run SD1.5's branch-0 feature (1,310,720 bytes) through one "
                   "on-chip slot of 131072 16-byte beats")
    b.add_argument("--dram", action="store_true",
                   help="BACKING=dram: the DRAM datapath in MyHDL's simulator (bench_dram.json "
                   "/ .md); with --sd15 also SD1.5's branch-0 feature through the integrated "
                   "IP's SD1.5 dram set on --sim (bench_dram_ip.json / .md)")
    b.add_argument("--readme", action="store_true",
                   help="also replace the table between the bench-table markers of the README")
    b.set_defaults(func=cmd_bench)
