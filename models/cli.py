"""``radacs workload | deepcache | asyncdiff``: the U-Net workload and its staleness models.

See docs/models.md.  Every command prints a table by default and JSON with
``--format json`` (to stdout) or ``--json FILE`` (besides the table).
"""
from __future__ import annotations

import json

from models import asyncdiff, deepcache, unet


def add_workload_arguments(p) -> None:
    """``--resolution``, ``--batch``, ``--cfg``: the workload options of every command that
    runs on a U-Net step (workload, deepcache, asyncdiff, plan, plot).  The values are
    checked by ``models.unet.workload`` (ValueError naming the option)."""
    p.add_argument("--resolution", metavar="PX|HxW",
                   help="image size in pixels, a multiple of 8 (default: the model's)")
    p.add_argument("--batch", type=int, default=1, metavar="B",
                   help="images per step (default 1)")
    p.add_argument("--cfg", action="store_true",
                   help="classifier-free guidance: the U-Net runs on twice the batch")


def _common(p, default_model="sd15"):
    p.add_argument("--model", default=default_model,
                   help=f"one of {', '.join(unet.MODELS)} (default {default_model})")
    add_workload_arguments(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--json", metavar="FILE", help="also write the JSON to FILE")


def _emit(args, data, table_lines) -> int:
    text = json.dumps(data, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    if args.format == "json":
        print(text)
    else:
        print("\n".join(table_lines))
    return 0


def _g(macs: int) -> str:
    return f"{macs / 1e9:,.3f}"


def _table(headers, rows, align=None) -> list[str]:
    cols = list(zip(*([headers] + rows))) if rows else [[h] for h in headers]
    widths = [max(len(str(v)) for v in c) for c in cols]
    align = align or ["<"] + [">"] * (len(headers) - 1)
    fmt = "  ".join(f"{{:{a}{w}}}" for a, w in zip(align, widths))
    out = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*map(str, r)) for r in rows]
    return out


# --- workload ---------------------------------------------------------------------------

def cmd_workload(args) -> int:
    batch = args.batch
    gemms = unet.workload(args.model, args.resolution, batch, args.cfg)
    s = unet.summary(gemms)
    c = unet.get_config(args.model)
    res = unet.parse_resolution(c.default_resolution if args.resolution is None
                                else args.resolution)
    # The JSON is the list of GEMM objects (op, layer, M, K, N, groups|heads, batch, macs).
    data = [g.to_dict() for g in gemms]
    lines = [f"{c.description} ({args.model}) at {res[0]}x{res[1]} px, batch {batch}"
             f"{' x2 (CFG)' if args.cfg else ''}: {s['gemms']} GEMMs, "
             f"{s['distinct_shapes']} distinct shapes, {_g(s['macs'])} GMAC per step", ""]
    if args.summary:
        rows = [[k, v["gemms"], _g(v["macs"])] for k, v in s["by_op"].items()]
        lines += _table(["op", "gemms", "GMAC"], rows) + [""]
        rows = [[k, v["gemms"], _g(v["macs"])] for k, v in s["by_block"].items()]
        lines += _table(["block", "gemms", "GMAC"], rows)
    else:
        rows = [[g.layer, g.op, g.M, g.K, g.N, g.groups if g.op == "conv2d" else "",
                 g.heads if g.op.startswith("attn") else "", g.batch, f"{g.macs / 1e6:,.1f}"]
                for g in gemms]
        lines += _table(["layer", "op", "M", "K", "N", "groups", "heads", "batch", "MMAC"],
                        rows, ["<", "<"] + [">"] * 7)
    return _emit(args, data, lines)


# --- deepcache --------------------------------------------------------------------------

def cmd_deepcache(args) -> int:
    batch = args.batch
    full_steps = None
    schedule = args.schedule
    if args.full_steps is not None:
        if schedule not in (None, "bitmap"):
            raise ValueError("full-steps: only with --schedule bitmap")
        schedule = "bitmap"
        try:
            full_steps = [int(s) for s in args.full_steps.split(",") if s.strip()]
        except ValueError:
            raise ValueError(f"full-steps: expected comma-separated step numbers, got "
                             f"{args.full_steps!r}") from None
    schedule = schedule or "uniform"
    if schedule == "bitmap" and full_steps is None:
        raise ValueError("schedule: bitmap needs --full-steps S0,S1,...")
    r = deepcache.report(args.model, args.branch, args.resolution, batch, args.cfg,
                         args.steps, args.interval, schedule, args.center, args.power,
                         full_steps)
    table = deepcache.branch_table(args.model, args.resolution, batch, args.cfg)
    data = dict(r, branches=table)
    sch = r["schedule"]
    fb = r["cached_feature"]["bytes"]
    ch, h, w = (r["cached_feature"][k] for k in ("channels", "height", "width"))
    lines = [
        f"DeepCache on {args.model} at {r['resolution'][0]}x{r['resolution'][1]} px, "
        f"batch {batch}{' x2 (CFG)' if args.cfg else ''}, branch {r['branch']} "
        f"(cache_layer_id.cache_block_id)",
        f"  full step     : {r['full_step']['gemms']:4d} GEMMs  {_g(r['full_step']['macs'])} GMAC",
        f"  retrieve step : {r['retrieve_step']['gemms']:4d} GEMMs  "
        f"{_g(r['retrieve_step']['macs'])} GMAC "
        f"({100 * r['retrieve_step']['fraction_of_full']:.2f} % of full)",
        f"  schedule      : {sch['kind']}"
        + (f" interval {sch['interval']}" if sch["kind"] != "bitmap" else "")
        + (f" center {sch['center']} power {sch['power']:.2f}" if sch["kind"] == "quad" else "")
        + f", {sch['steps']} steps: {sch['n_full']} full, {sch['n_retrieve']} retrieve",
        f"  full steps    : {' '.join(map(str, sch['full_steps']))}",
        f"  MACs          : {_g(r['macs']['no_cache'])} -> {_g(r['macs']['deepcache'])} GMAC, "
        f"reduction {r['macs']['reduction']:.3f}x",
        f"  cached feature: {ch} x {h} x {w} per U-Net batch element; "
        f"int8 {fb['int8']:,} B ({fb['int8_cfg']:,} B with CFG), "
        f"fp16 {fb['fp16']:,} B ({fb['fp16_cfg']:,} B with CFG)",
        "",
        "every branch:",
    ]
    lines += _table(["branch", "retrieve GMAC", "% of full", "feature C x H x W",
                     "cache bytes int8"],
                    [[t["branch"], _g(t["retrieve_macs"]), f"{100 * t['fraction_of_full']:.2f}",
                      "x".join(map(str, t["feature"])), f"{t['cache_bytes_int8']:,}"]
                     for t in table])
    if args.gemms:
        lines += ["", f"GEMMs of a retrieve step (branch {r['branch']}):"]
        lines += _table(["layer", "op", "M", "K", "N", "count"],
                        [[g["layer"], g["op"], g["M"], g["K"], g["N"],
                          g.get("groups", 1) * g.get("heads", 1) * g["batch"]]
                         for g in r["retrieve_gemms"]], ["<", "<", ">", ">", ">", ">"])
    return _emit(args, data, lines)


# --- asyncdiff --------------------------------------------------------------------------

def cmd_asyncdiff(args) -> int:
    batch = args.batch
    ks = [args.components] if args.components else [2, 3, 4]
    results = [asyncdiff.split(args.model, k, args.resolution, batch, args.cfg, args.steps,
                               args.warmup) for k in ks]
    lines = [f"AsyncDiff on {args.model}: {results[0]['step_macs'] / 1e9:,.3f} GMAC per step, "
             f"{len(results[0]['segments'])} segments, {args.steps} steps with "
             f"{args.warmup} sequential warm-up steps", ""]
    for r in results:
        lines.append(f"k = {r['components']}: boundaries before "
                     f"{', '.join(r['boundaries'])}; ideal speedup {r['speedup']:.3f}x "
                     f"(steady state {r['steady_state_speedup']:.3f}x)")
        lines += ["  " + l for l in _table(
            ["component", "first segment", "last segment", "GMAC", "% of step"],
            [[p["component"], p["first"], p["last"], _g(p["macs"]),
              f"{100 * p['fraction']:.1f}"] for p in r["parts"]],
            [">", "<", "<", ">", ">"])]
        lines.append("")
    data = results[0] if len(results) == 1 else {"model": args.model, "splits": results}
    return _emit(args, data, lines)


def register(sub) -> None:
    p = sub.add_parser("workload", help="every GEMM of one U-Net step (M, K, N per layer)",
                       description="List every GEMM diffusers' UNet2DConditionModel runs in "
                                   "one denoising step (docs/models.md).")
    _common(p)
    p.add_argument("--summary", action="store_true",
                   help="totals by op and by block instead of the per-layer table")
    p.set_defaults(func=cmd_workload)

    p = sub.add_parser("deepcache", help="DeepCache: retrieve-step GEMMs, MACs, cache size",
                       description="DeepCache staleness model (docs/models.md).")
    _common(p)
    p.add_argument("--branch", default="0.0", metavar="L.B",
                   help="cache_layer_id.cache_block_id (default 0.0)")
    p.add_argument("--steps", type=int, default=deepcache.DEFAULT_STEPS)
    p.add_argument("--interval", type=int, default=3, metavar="N",
                   help="cache interval N (default 3)")
    p.add_argument("--schedule", choices=("uniform", "quad", "bitmap"),
                   help="uniform (default), DeepCache's non-uniform quad, or bitmap")
    p.add_argument("--center", type=int, default=deepcache.QUAD_CENTER,
                   help="quad schedule centre step (default 15)")
    p.add_argument("--power", type=float, default=deepcache.QUAD_POW,
                   help="quad schedule power (default 1.4)")
    p.add_argument("--full-steps", metavar="S0,S1,...",
                   help="explicit full steps (implies --schedule bitmap)")
    p.add_argument("--gemms", action="store_true", help="list the retrieve step's GEMMs")
    p.set_defaults(func=cmd_deepcache)

    p = sub.add_parser("asyncdiff", help="AsyncDiff: k balanced components and their speedup",
                       description="AsyncDiff staleness model (docs/models.md).")
    _common(p)
    p.add_argument("-k", "--components", type=int, choices=(2, 3, 4),
                   help="number of components (default: 2, 3 and 4)")
    p.add_argument("--steps", type=int, default=asyncdiff.DEFAULT_STEPS)
    p.add_argument("--warmup", type=int, default=asyncdiff.DEFAULT_WARMUP)
    p.set_defaults(func=cmd_asyncdiff)

