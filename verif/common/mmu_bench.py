"""``radacs bench mmu``: every distinct GEMM shape of a U-Net workload in RTL, against
the cycle model.

For each distinct ``(M, K, N)`` of the workload (``models.unet.workload``) that the
unit accepts, one command runs on the generated Verilog (Verilator by default) with
cocotbext-axi ``AxiRam`` as DRAM and no pauses (the memory of the cycle model), bias
and int8 requantisation on (the U-Net's output path).  Reported per shape: RTL
cycles (the ``CYCLES`` register) and model cycles (``models.hmmu_rtl``,
``models.lmmu_rtl``), PE utilisation ``M*K*N / (ROWS*COLS*cycles)`` (and over the
model's steady, pipeline-full cycles), DRAM bytes per port (the byte counters)
against the model's and against the lower bound ``M*K + K*N + M*N*OB`` (and the
issue's plain form ``M*K + K*N + M*N``), and simulation speed (cycles per wall
second of the command, testbench included).  Y is checked bit-exactly on every shape.

Shapes the unit rejects (HMMU: ``K`` above an X buffer half) are listed as not run;
the LMMU runs every shape, tiled by ``models.lmmu_rtl.choose_tiles``.  Home shapes:
high-resolution (``N >= K``, ``models.unet.is_high_res``) for the HMMU, the others
(low-resolution) for the LMMU.
The command exits 1 when a shape fails or its RTL cycles differ from the model.

Writes ``ip/<ip>/bench.json`` and ``bench.md`` (or ``--json FILE``, the table next to
it) and, with ``--readme``, the table between the bench-table markers of the IP's
README.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IPS = ("hmmu", "lmmu")


def _log(msg: str) -> None:
    print(f"radacs bench mmu: {msg}", file=sys.stderr, flush=True)


def shapes(workload: str, high_res_home: bool = True) -> list[dict]:
    """Distinct GEMM shapes of ``workload`` (one denoising step, batch 1), in workload
    order, with the number of GEMMs of that shape (``count``: heads x groups x batch
    summed) and the first layer that has it."""
    from models import unet

    out: dict[tuple, dict] = {}
    for g in unet.workload(workload):
        s = out.setdefault(g.shape, {"M": g.M, "K": g.K, "N": g.N, "count": 0,
                                     "layer": g.layer, "op": g.op,
                                     "home": unet.is_high_res(g) == high_res_home})
        s["count"] += g.count
    return list(out.values())


def hmmu_plan(params: dict, workload: str) -> tuple[list[dict], list[dict]]:
    """(cases to run, shapes not run) for the HMMU with ``params``."""
    from models import hmmu_rtl

    R, C = params["ROWS"], params["COLS"]
    bufs = (params["WBUF_BYTES"], params["XBUF_BYTES"], params["OBUF_BYTES"])
    run, skipped = [], []
    for i, s in enumerate(shapes(workload, high_res_home=True)):
        tm = hmmu_rtl.choose_tile_m(s["M"], s["K"], R, C, *bufs)
        if tm is None:
            cap = hmmu_rtl.capacity(R, C, *bufs)
            skipped.append({**s, "reason": f"K = {s['K']} > {cap['max_k']} (X buffer half)"})
            continue
        run.append({**s, "TILE_M": tm, "bias_en": 1, "requant_en": 1, "seed": 1000 + i})
    return run, skipped


def run_sim(ip: str, params: dict, simulator: str, corpus: list, tag: str = "bench"):
    """Build (cached) and run ``verif.<ip>.<ip>_bench`` on ``corpus`` through
    :func:`verif.common.runner.run`; the :class:`verif.common.runner.SimResult` and the
    list of measured cases (the module's ``bench.json``)."""
    from verif.common import runner

    res = runner.run(ip, params, simulator, f"verif.{ip}.{ip}_bench",
                     testcase=f"{ip}_bench", stress="none", corpus=corpus, tag=tag)
    out = Path(res.results_xml).parent / "bench.json"
    if not out.exists():
        raise RuntimeError(f"the simulation wrote no results ({res.log}): "
                           + "; ".join(f"{t.name}: {t.message}" for t in res.results))
    return res, json.loads(out.read_text())


def hmmu_model(case: dict, params: dict) -> dict:
    from models import hmmu_rtl

    c = hmmu_rtl.counters(case["M"], case["K"], case["N"], case["TILE_M"], params["ROWS"],
                          params["COLS"], 1 if case["requant_en"] else 4,
                          bool(case["bias_en"] or case["requant_en"]))
    c.update(RD_BYTES1=0, WR_BYTES1=0)
    return c


def lmmu_plan(params: dict, workload: str,
              limit: int | None = None) -> tuple[list[dict], list[dict]]:
    """(cases to run, shapes not run) for the LMMU with ``params``: every shape (with
    ``limit``, the ``limit`` smallest by ``M*K*N``), with the tiles of
    ``models.lmmu_rtl.choose_tiles`` (int8 output, bias and requant on)."""
    from models import lmmu_rtl

    run = []
    todo = list(enumerate(shapes(workload, high_res_home=False)))
    if limit is not None:
        todo = sorted(todo, key=lambda e: (e[1]["M"] * e[1]["K"] * e[1]["N"], e[0]))[:limit]
        todo.sort(key=lambda e: e[0])
    for i, s in todo:
        tm, tn, tk = lmmu_rtl.choose_tiles(s["M"], s["K"], s["N"], params, 1, True)
        run.append({**s, "TILE_M": tm, "TILE_N": tn, "TILE_K": tk, "bias_en": 1,
                    "requant_en": 1, "seed": 1000 + i})
    return run, []


def lmmu_model(case: dict, params: dict, steady: bool = False) -> dict:
    from models import lmmu_rtl

    from verif.lmmu.lmmu_bench import layout

    c = lmmu_rtl.counters(case["M"], case["K"], case["N"], case["TILE_M"], case["TILE_N"],
                          case["TILE_K"], params["ROWS"], params["COLS"],
                          1 if case["requant_en"] else 4,
                          bool(case["bias_en"] or case["requant_en"]), steady=steady,
                          max_burst=params.get("MAX_BURST", 16),
                          outstanding=params.get("OUTSTANDING", 8),
                          layout=layout(case["M"], case["K"], case["N"], params["COLS"]))
    c.update(WR_BYTES0=0)
    return c


def plan(ip: str, params: dict, workload: str,
         limit: int | None = None) -> tuple[list[dict], list[dict]]:
    """(cases, not run); with ``limit`` a deterministic sample of ``limit`` cases: the
    shortest by model cycles (HMMU), the smallest by ``M*K*N`` (LMMU, whose tiler runs
    the exact model on several candidates: planning every shape first would be slow)."""
    if ip == "hmmu":
        cases, skipped = hmmu_plan(params, workload)
        if limit is not None:
            cases = sorted(cases, key=lambda c: hmmu_model(c, params)["CYCLES"])[:limit]
        return cases, skipped
    return lmmu_plan(params, workload, limit)


def model(ip: str, case: dict, params: dict) -> dict:
    """The model's counters (and ``STEADY_CYCLES``) of one case."""
    if ip == "hmmu":
        from models import hmmu_rtl

        c = hmmu_model(case, params)
        c["STEADY_CYCLES"] = hmmu_rtl.counters(
            case["M"], case["K"], case["N"], case["TILE_M"], params["ROWS"],
            params["COLS"], 1 if case["requant_en"] else 4,
            bool(case["bias_en"] or case["requant_en"]), steady=True)["STEADY_CYCLES"]
        return c
    return lmmu_model(case, params, steady=True)


def tiles(case: dict) -> str:
    """The tiling column: ``TILE_M`` (HMMU) or ``TILE_M x TILE_N x TILE_K`` (LMMU)."""
    if "TILE_N" in case:
        return f"{case['TILE_M']}×{case['TILE_N']}×{case['TILE_K']}"
    return str(case["TILE_M"])


def evaluate(ip: str, params: dict, case: dict, measured: dict) -> dict:
    """One row of the report from a case and its measured counters."""
    M, K, N = case["M"], case["K"], case["N"]
    ob = 1 if case["requant_en"] else 4
    pred = model(ip, case, params)
    steady = pred.pop("STEADY_CYCLES")
    got = measured["counters"]
    cyc = got["CYCLES"]
    pes = params["ROWS"] * params["COLS"]
    dram = {p: got[f"RD_BYTES{p}"] + got[f"WR_BYTES{p}"] for p in (0, 1)}
    dram_model = {p: pred[f"RD_BYTES{p}"] + pred[f"WR_BYTES{p}"] for p in (0, 1)}
    lower = M * K + K * N + M * N * ob
    plain = M * K + K * N + M * N
    total = dram[0] + dram[1]
    mismatch = sorted(n for n in pred if got.get(n) != pred[n])
    return {
        "M": M, "K": K, "N": N, "count": case["count"], "layer": case["layer"],
        "op": case["op"], "home": case["home"], "TILE_M": case["TILE_M"],
        **{k: case[k] for k in ("TILE_N", "TILE_K") if k in case},
        "rtl_cycles": cyc, "model_cycles": pred["CYCLES"],
        "cycles_equal": cyc == pred["CYCLES"], "counters_mismatch": mismatch,
        "y_exact": measured["y_exact"], "error": measured["error"],
        "utilisation": M * K * N / (pes * cyc) if cyc else 0.0,
        "steady_cycles": steady,
        "steady_utilisation": M * K * N / (pes * steady) if steady else 0.0,
        "dram_bytes": dram, "dram_bytes_model": dram_model,
        "lower_bound_bytes": lower, "bytes_over_bound": total / lower,
        "plain_bound_bytes": plain, "bytes_over_plain_bound": total / plain,
        "active": got["ACTIVE"], "stall_mem": got["STALL_MEM"], "stall_out": got["STALL_OUT"],
        "wall_seconds": measured["wall_seconds"],
        "sim_cycles_per_second": cyc / measured["wall_seconds"] if measured["wall_seconds"] else 0.0,
    }


def summarise(rows: list[dict]) -> dict:
    home = [r for r in rows if r["home"]]
    util = [r["utilisation"] for r in home]
    steady = [r["steady_utilisation"] for r in home]
    return {
        "shapes_run": len(rows),
        "all_cycles_equal": all(r["cycles_equal"] and not r["counters_mismatch"] for r in rows),
        "all_y_exact": all(r["y_exact"] and r["error"] == 0 for r in rows),
        "home_shapes": len(home),
        "home_utilisation_median": statistics.median(util) if util else None,
        "home_utilisation_min": min(util) if util else None,
        "home_utilisation_max": max(util) if util else None,
        "home_shapes_util_ge_95": sum(u >= 0.95 for u in util),
        "home_steady_utilisation_median": statistics.median(steady) if steady else None,
        "home_steady_utilisation_min": min(steady) if steady else None,
        "home_shapes_steady_util_ge_95": sum(u >= 0.95 for u in steady),
        "home_bytes_over_bound_max": max((r["bytes_over_bound"] for r in home), default=None),
        "sim_cycles_per_second_median": statistics.median(
            [r["sim_cycles_per_second"] for r in rows]) if rows else None,
    }


# What the steady utilisation leaves out, per unit: (table header, summary).
STEADY_WHAT = {
    "hmmu": ("stages only (pipeline full)", "stages only, no pre-load/epilogue"),
    "lmmu": ("first to last pass, stalls included (pipeline full)",
             "first to last pass, no first load/final store"),
}


def table(doc: dict) -> str:
    p = doc["params"]
    lines = [
        f"`radacs bench mmu --ip {doc['ip']}` on `{doc['module']}` ({doc['simulator']}), "
        f"workload {doc['workload']}: {doc['summary']['shapes_run']} distinct shapes run, "
        f"{len(doc['not_run'])} not run.  DRAM = AxiRam without pauses; bias and int8 "
        f"requantisation on.  util = M·K·N / ({p['ROWS']}·{p['COLS']}·cycles), steady util the same over the model's {STEADY_WHAT[doc['ip']][0]}; bytes / "
        "bound = (RD + WR bytes) / (M·K + K·N + M·N); sim = simulated cycles per wall "
        "second (Verilator + cocotb testbench).",
        "",
        f"| M | K | N | count | home | {'TILE_M' if doc['ip'] == 'hmmu' else 'tiles M×N×K'} | RTL cycles | model cycles | util | steady util | DRAM bytes | bytes / bound | sim cycles/s |",
        "| ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in doc["rows"]:
        eq = "" if r["cycles_equal"] and not r["counters_mismatch"] else " **≠**"
        lines.append(
            f"| {r['M']} | {r['K']} | {r['N']} | {r['count']} | {'yes' if r['home'] else ''} "
            f"| {tiles(r)} | {r['rtl_cycles']} | {r['model_cycles']}{eq} "
            f"| {100 * r['utilisation']:.1f} % | {100 * r['steady_utilisation']:.1f} % "
            f"| {r['dram_bytes']['0'] + r['dram_bytes']['1']} "
            f"| {r['bytes_over_plain_bound']:.3f} | {r['sim_cycles_per_second']:.0f} |")
    for s in doc["not_run"]:
        lines.append(f"| {s['M']} | {s['K']} | {s['N']} | {s['count']} | "
                     f"{'yes' if s['home'] else ''} | — | not run: {s['reason']} | | | | | | |")
    sm = doc["summary"]
    if sm["home_shapes"]:
        lines += ["", f"Home shapes ({sm['home_shapes']}): PE utilisation median "
                  f"{100 * sm['home_utilisation_median']:.1f} %, min "
                  f"{100 * sm['home_utilisation_min']:.1f} %, max "
                  f"{100 * sm['home_utilisation_max']:.1f} %, "
                  f"{sm['home_shapes_util_ge_95']} of {sm['home_shapes']} at >= 95 %; once the "
                  f"pipeline is full ({STEADY_WHAT[doc['ip']][1]}) median "
                  f"{100 * sm['home_steady_utilisation_median']:.1f} %, min "
                  f"{100 * sm['home_steady_utilisation_min']:.1f} %, "
                  f"{sm['home_shapes_steady_util_ge_95']} at >= 95 %; DRAM bytes "
                  f"<= {sm['home_bytes_over_bound_max']:.3f} x the lower bound (M·K + K·N + M·N·OB). "
                  f"RTL cycles = model cycles on every shape: "
                  f"{'yes' if sm['all_cycles_equal'] else 'NO'}."]
    lines += ["", f"Regenerate: `radacs bench mmu --ip {doc['ip']} "
              + " ".join(f"-p {k}={v}" for k, v in p.items()) + f" --workload {doc['workload']}"
              + " --readme`."]
    return "\n".join(lines) + "\n"


def bench(ip: str, params: dict, workload: str = "tiny-sdxl", simulator: str = "verilator",
          limit: int | None = None, json_path=None, readme: bool = False) -> dict:
    import importlib

    if ip not in IPS:
        raise ValueError(f"bench mmu: --ip must be one of {', '.join(IPS)}, got {ip!r}")
    if limit is not None and limit < 1:
        raise ValueError(f"bench mmu: --limit must be >= 1, got {limit}")
    mod = importlib.import_module(f"ip.{ip}")
    p = mod.check(params)
    cases, skipped = plan(ip, p, workload, limit)
    _log(f"{mod.module_name(p)} on {simulator}: {len(cases)} shapes of {workload} "
         f"({len(skipped)} not run)")
    t0 = time.time()
    res, measured = run_sim(ip, p, simulator, cases, tag="bench")
    rows = [evaluate(ip, p, c, m) for c, m in zip(cases, measured)]
    for r in rows:
        r["dram_bytes"] = {str(k): v for k, v in r["dram_bytes"].items()}
        r["dram_bytes_model"] = {str(k): v for k, v in r["dram_bytes_model"].items()}
    doc = {"ip": ip, "module": mod.module_name(p), "params": p, "simulator": simulator,
           "workload": workload, "rows": rows, "not_run": skipped, "summary": summarise(rows),
           "passed": res.passed, "bench_seconds": round(time.time() - t0, 1),
           "date": time.strftime("%Y-%m-%d")}
    jp = Path(json_path) if json_path else REPO / "ip" / ip / "bench.json"
    jp.parent.mkdir(parents=True, exist_ok=True)
    jp.write_text(json.dumps(doc, indent=1) + "\n")
    md = table(doc)
    jp.with_suffix(".md").write_text(f"# {ip}: RTL benchmark on {workload}\n\n" + md)
    _log(f"wrote {jp} and {jp.with_suffix('.md')} in {doc['bench_seconds']:.0f} s")
    if readme:
        update_readme(REPO / "ip" / ip / "README.md", md)
    print(md)
    return doc


def update_readme(readme: Path, md: str) -> None:
    """Put ``md`` between the bench-table markers of ``readme``."""
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    text = readme.read_text()
    b, e = text.find(begin), text.find(end)
    if b < 0 or e < b:
        raise ValueError(f"{readme} has no {begin} ... {end} markers")
    readme.write_text(text[:b] + f"{begin}\n{md.rstrip()}\n{end}" + text[e + len(end):])


def cmd_bench_mmu(args) -> int:
    from ip.common.params import parse_assignments

    params = parse_assignments(args.param or [])
    try:
        doc = bench(args.ip, params, workload=args.workload, simulator=args.sim,
                    limit=args.limit, json_path=args.json, readme=args.readme)
    except (RuntimeError, OSError) as e:
        print(f"radacs bench mmu: {e}", file=sys.stderr)
        return 1
    ok = doc["passed"] and doc["summary"]["all_cycles_equal"] and doc["summary"]["all_y_exact"]
    if not ok:
        print("radacs bench mmu: FAILED (a shape failed or RTL cycles differ from the model)",
              file=sys.stderr)
    return 0 if ok else 1


def register(subparsers) -> None:
    from ip.common.synth import bench_subparsers
    from models.unet import MODELS

    b = bench_subparsers(subparsers).add_parser(
        "mmu", help="every distinct GEMM shape of a workload in RTL vs the cycle model",
        description=__doc__.splitlines()[0])
    b.add_argument("--ip", required=True, choices=IPS)
    b.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="parameter set (default: the IP's defaults)")
    b.add_argument("--workload", default="tiny-sdxl", choices=sorted(MODELS))
    b.add_argument("--sim", default="verilator", choices=("verilator", "icarus"))
    b.add_argument("--limit", type=int, metavar="N",
                   help="run only N shapes (a deterministic sample: the shortest by model "
                   "cycles, LMMU: the smallest by M*K*N)")
    b.add_argument("--json", metavar="FILE", help="results file (default ip/<ip>/bench.json)")
    b.add_argument("--readme", action="store_true",
                   help="also replace the table between the bench-table markers of the README")
    b.set_defaults(func=cmd_bench_mmu)
