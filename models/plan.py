"""``radacs plan`` and ``radacs plot``: a U-Net workload on the HMMU, the LMMU and DU-NE.

``plan`` prints, per GEMM of one denoising step, the cycles, PE utilisation, DRAM bytes
and bytes / lower bound on the chosen engine (for ``dune`` also the split), then the
totals of the three engines and DU-NE's speedups over HMMU-only and LMMU-only and over
the equal-PE baselines HMMU-2x and LMMU-2x (one unit with the PEs and buffers of both,
``models.dune.equal_pe_baselines``) for the high-res layers (``N >= K``), the low-res
layers and all, next to RADACS's reported 1.17x / 1.47x.  ``--format json`` (or ``--json FILE``) gives the same as JSON.
``plot`` writes PNGs: the per-layer M/K/N, a roofline of each unit with every layer
placed, and DU-NE against the baselines.  The model: ``docs/cost-model.md``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from models import dune, mmu, unet
from models.cli import add_workload_arguments

ENGINES = ("hmmu", "lmmu", "dune")
ENGINE_LABEL = {"hmmu": "HMMU-only", "lmmu": "LMMU-only", "dune": "DU-NE"}
BASELINE_LABEL = {"hmmu": "HMMU-only", "lmmu": "LMMU-only",
                  "hmmu2x": "HMMU-2x (equal PEs)", "lmmu2x": "LMMU-2x (equal PEs)"}
CLASS_LABEL = {"high_res": "high-res", "low_res": "low-res", "all": "all"}


def _positive_int(text: str) -> int:
    import argparse
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {v}")
    return v


def _workload_args(p) -> None:
    p.add_argument("--model", required=True, choices=unet.MODELS,
                   help="U-Net (models.unet)")
    add_workload_arguments(p)
    p.add_argument("--out-bytes", type=int, choices=mmu.OUT_BYTES, default=1,
                   help="output element bytes: 1 = int8 (requantised), 4 = int32 (default 1)")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "plan", help="cycles, utilisation and DRAM bytes of a U-Net on HMMU / LMMU / DU-NE",
        description=__doc__.splitlines()[0])
    _workload_args(p)
    p.add_argument("--engine", choices=ENGINES, default="dune",
                   help="engine of the per-layer table (default dune)")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="stdout format (default table)")
    p.add_argument("--json", metavar="FILE", help="also write the full JSON report to FILE")
    p.add_argument("--top", type=_positive_int, metavar="N",
                   help="table: only the N layers with the most cycles on the engine")
    p.set_defaults(func=cmd_plan)

    p = subparsers.add_parser("plot", help="PNG figures of a U-Net on HMMU / LMMU / DU-NE",
                              description="per-layer M/K/N, roofline, DU-NE vs baselines")
    _workload_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="directory for the PNGs")
    p.set_defaults(func=cmd_plot)


def build(args) -> tuple[list, dune.Plan, tuple[int, int]]:
    """The workload and its plan from parsed arguments (ValueError on bad input)."""
    c = unet.get_config(args.model)
    res = unet.parse_resolution(args.resolution if args.resolution is not None
                                else c.default_resolution)
    gemms = unet.workload(args.model, resolution=f"{res[0]}x{res[1]}", batch=args.batch,
                          cfg=args.cfg)
    return gemms, dune.plan(gemms, out_bytes=args.out_bytes), res


# --- report ----------------------------------------------------------------------------

def _engine_row(lp: dune.LayerPlan, engine: str, p: dune.Plan) -> dict:
    g = lp.gemm
    lb = lp.lmmu.lower_bound_bytes  # the LMMU accepts every GEMM, so its cost always exists
    if engine == "dune":
        a = lp.dune
        cyc, byts = a.makespan, a.dram_bytes
        util = g.macs / ((p.hcfg.pes + p.lcfg.pes) * cyc)
    else:
        c = getattr(lp, engine)
        if c is None:
            return {"cycles": None, "utilisation": None, "dram_bytes": None,
                    "lower_bound_bytes": lb, "bytes_ratio": None}
        cyc, byts, util = c.total_cycles, c.dram_bytes, c.utilisation
    return {"cycles": cyc, "utilisation": util, "dram_bytes": byts, "lower_bound_bytes": lb,
            "bytes_ratio": byts / lb}


def report(args, gemms, p: dune.Plan, res) -> dict:
    layers = []
    for i, lp in enumerate(p.layers):
        g = lp.gemm
        layers.append({
            "index": i, "layer": g.layer, "op": g.op, "M": g.M, "K": g.K, "N": g.N,
            "count": g.count, "class": lp.cls, "macs": g.macs,
            **_engine_row(lp, getattr(args, "engine", "dune"), p),
            "hmmu": lp.hmmu.to_dict() if lp.hmmu else None,
            "lmmu": lp.lmmu.to_dict(),
            "dune": lp.dune.to_dict(),
            "equal_pe": {e: lp.cycles(e) for e in dune.EQUAL_PE},
        })
    cycles = {e: {c: p.total(e, c) for c in dune.CLASSES} for e in (*ENGINES, *dune.EQUAL_PE)}
    speedup = {f"vs_{b}": {c: p.speedup(b, c) for c in dune.CLASSES} for b in dune.BASELINES}
    pipe = None
    if p.pipeline:
        pipe = {"streams": list(p.pipeline.streams), "makespan": p.pipeline.makespan,
                "tensor_parallel": p.total("dune"),
                "busy": {u: p.pipeline.busy(u) for u in dune.UNITS}}
    def over_total(b):
        t = p.total(b)
        return None if t is None else t / p.dune_total
    return {
        "model": args.model, "resolution": list(res), "batch": args.batch, "cfg": args.cfg,
        "unet_batch": gemms[0].batch, "engine": getattr(args, "engine", "dune"),
        "out_bytes": p.out_bytes,
        "units": {"hmmu": p.hcfg.to_dict(), "lmmu": p.lcfg.to_dict()},
        "equal_pe_units": {e: c.to_dict() for e, c in p.equal_pe_cfgs.items()},
        "dram": "every port has its own port_bytes_per_cycle; the units do not share "
                "DRAM bandwidth",
        "baseline": "one unit (HMMU-only or LMMU-only) running every GEMM in turn; "
                    "equal-PE baselines HMMU-2x / LMMU-2x: one unit of that kind with the "
                    "PEs of both units (ROWS summed, COLS kept), the sum of both units' "
                    "buffers and min(2, sum of ports) ports, running every GEMM in turn",
        "high_res_rule": "N >= K",
        "layers": layers,
        "summary": {
            "cycles": cycles, "speedup": speedup,
            "dune_total": p.dune_total, "dune_policy": p.dune_policy,
            "speedup_total": {f"vs_{b}": over_total(b) for b in dune.BASELINES},
            "pipeline": pipe,
            "hmmu_rejected": p.rejected(),
            "radacs_reported": dune.RADACS_REPORTED,
            "macs": {c: p.macs(c) for c in dune.CLASSES},
            "layers": {c: sum(1 for lp in p.layers if c == "all" or lp.cls == c)
                       for c in dune.CLASSES},
        },
    }


def _fmt_int(v) -> str:
    return "n/a" if v is None else f"{v:,}"


def _fmt_x(v) -> str:
    return "n/a" if v is None else f"{v:.2f}x"


def format_table(rep: dict, top: int | None = None) -> str:
    eng = rep["engine"]
    rows = rep["layers"]
    if top is not None:
        rows = sorted(rows, key=lambda r: -(r["cycles"] or 0))[:top]
    out = []
    h, w = rep["resolution"]
    out.append(f"{rep['model']} at {h}x{w} px, U-Net batch {rep['unet_batch']}, "
               f"engine {ENGINE_LABEL[eng]}, output {'int8' if rep['out_bytes'] == 1 else 'int32'}")
    for u in ("hmmu", "lmmu"):
        out.append(f"  {mmu.MMUConfig(**rep['units'][u]).label()}")
    for e, d in rep["equal_pe_units"].items():
        out.append(f"  equal-PE baseline {BASELINE_LABEL[e].split()[0]}: "
                   f"{mmu.MMUConfig(**d).label()}")
    hdr = (f"{'#':>4} {'layer':<58} {'op':<7} {'M':>6} {'K':>6} {'N':>6} {'cnt':>4} "
           f"{'cls':<4} {'cycles':>13} {'util':>6} {'bytes':>13} {'/bound':>7}")
    if eng == "dune":
        hdr += f"  {'split':<16}"
    out.append(hdr)
    for r in rows:
        util = "n/a" if r["utilisation"] is None else f"{100 * r['utilisation']:.1f}%"
        ratio = "n/a" if r["bytes_ratio"] is None else f"{r['bytes_ratio']:.2f}"
        line = (f"{r['index']:>4} {r['layer'][-58:]:<58} {r['op']:<7} {r['M']:>6} {r['K']:>6} "
                f"{r['N']:>6} {r['count']:>4} {'high' if r['class'] == 'high_res' else 'low':<4} "
                f"{_fmt_int(r['cycles']):>13} {util:>6} {_fmt_int(r['dram_bytes']):>13} "
                f"{ratio:>7}")
        if eng == "dune":
            line += f"  {r['dune']['split']:<16}"
        out.append(line)
    if top is not None and top < len(rep["layers"]):
        out.append(f"  ({top} of {len(rep['layers'])} layers, most cycles first)")
    s = rep["summary"]
    out.append("")
    out.append(f"{'cycles':<26} {'high-res':>16} {'low-res':>16} {'all':>16}")
    for e in (*ENGINES, *dune.EQUAL_PE):
        c = s["cycles"][e]
        lab = ENGINE_LABEL.get(e) or BASELINE_LABEL[e]
        out.append(f"{lab:<26} {_fmt_int(c['high_res']):>16} "
                   f"{_fmt_int(c['low_res']):>16} {_fmt_int(c['all']):>16}")
    n = s["layers"]
    out.append(f"{'layers':<26} {n['high_res']:>16} {n['low_res']:>16} {n['all']:>16}")
    out.append("")
    out.append(f"{'DU-NE speedup':<26} {'high-res':>16} {'low-res':>16} {'all':>16}")
    for b in dune.BASELINES:
        v = s["speedup"][f"vs_{b}"]
        out.append(f"{'over ' + BASELINE_LABEL[b]:<26} {_fmt_x(v['high_res']):>16} "
                   f"{_fmt_x(v['low_res']):>16} {_fmt_x(v['all']):>16}")
    rr = s["radacs_reported"]
    out.append(f"{'RADACS reported':<26} {_fmt_x(rr['high_res']):>16} "
               f"{_fmt_x(rr['low_res']):>16} {'-':>16}")
    out.append("DU-NE = tensor parallelism per layer (N split at COLS tiles, or whole "
               "instances); baseline = one unit running every GEMM; high-res = N >= K.")
    out.append("Equal-PE baselines: one unit with the PEs (ROWS summed, COLS kept) and the "
               "buffers of both DU-NE units, at most 2 ports (DU-NE has 3).")
    out.append("RADACS's baseline is not stated in its slides; its figures come from Vitis HLS "
               "on a Zynq-7000, these from the cost model (docs/cost-model.md).")
    if s["pipeline"]:
        pp = s["pipeline"]
        out.append(f"multi-batch pipelining, streams of {pp['streams']} batch elements: "
                   f"{pp['makespan']:,} cycles vs tensor parallel {pp['tensor_parallel']:,}; "
                   f"DU-NE uses {s['dune_policy']}: {s['dune_total']:,} cycles, "
                   f"{_fmt_x(s['speedup_total']['vs_hmmu'])} over HMMU-only, "
                   f"{_fmt_x(s['speedup_total']['vs_lmmu'])} over LMMU-only, "
                   f"{_fmt_x(s['speedup_total']['vs_hmmu2x'])} over HMMU-2x, "
                   f"{_fmt_x(s['speedup_total']['vs_lmmu2x'])} over LMMU-2x")
    if s["hmmu_rejected"]:
        out.append(f"the HMMU rejects {len(s['hmmu_rejected'])} GEMM(s) (K > "
                   f"{mmu.hmmu_max_k(mmu.MMUConfig(**rep['units']['hmmu']))}): HMMU-only is "
                   f"infeasible; DU-NE runs them on the LMMU")
    return "\n".join(out)


def cmd_plan(args) -> int:
    gemms, p, res = build(args)
    rep = report(args, gemms, p, res)
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=1) + "\n")
    if args.format == "json":
        json.dump(rep, sys.stdout, indent=1)
        print()
    else:
        print(format_table(rep, args.top))
    return 0


# --- plots -----------------------------------------------------------------------------

def cmd_plot(args) -> int:
    gemms, p, res = build(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    for path in plot_all(p, args.model, res, out):
        print(path)
    return 0


def plot_all(p: dune.Plan, model: str, res, out: Path) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    title = f"{model} at {res[0]}x{res[1]} px"
    idx = list(range(len(p.layers)))
    high = [lp.high_res for lp in p.layers]
    paths = []

    def shade(ax):
        for i, h in enumerate(high):
            if h:
                ax.axvspan(i - 0.5, i + 0.5, color="#fde2c4", lw=0)

    # 1. per-layer M, K, N
    fig, ax = plt.subplots(figsize=(12, 4.5))
    shade(ax)
    for dim, mk in (("M", "o"), ("K", "s"), ("N", "^")):
        ax.plot(idx, [getattr(lp.gemm, dim) for lp in p.layers], mk, ms=3, label=dim)
    ax.set_yscale("log")
    ax.set_xlabel("GEMM (execution order); shaded: high-res (N >= K)")
    ax.set_ylabel("size")
    ax.set_title(f"{title}: GEMM dimensions per layer")
    ax.legend(loc="upper right")
    fig.tight_layout()
    paths.append(out / f"{model}_mkn.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # 2. roofline of each unit
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for ax, unit, cfg in ((axes[0], "hmmu", p.hcfg), (axes[1], "lmmu", p.lcfg)):
        pts = [(getattr(lp, unit), lp.high_res) for lp in p.layers if getattr(lp, unit)]
        ai = [c.macs / c.dram_bytes for c, _ in pts]
        perf = [c.macs / c.total_cycles for c, _ in pts]
        bw = cfg.ports * cfg.port_bytes_per_cycle
        lo, hi = min(ai + [0.1]) / 2, max(ai + [10.0]) * 2
        xs = [lo, cfg.pes / bw, hi]
        ax.plot(xs, [min(cfg.pes, x * bw) for x in xs], "k-", lw=1.5,
                label=f"roof: {cfg.pes} MAC/cycle, {bw} B/cycle")
        for h, col, lab in ((True, "tab:orange", "high-res"), (False, "tab:blue", "low-res")):
            sel = [(a, q) for (a, q), (_, hh) in zip(zip(ai, perf), pts) if hh == h]
            if sel:
                ax.scatter([a for a, _ in sel], [q for _, q in sel], s=12, c=col, label=lab,
                           alpha=0.7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("arithmetic intensity (MAC / DRAM byte moved by the unit)")
        ax.set_title(f"{unit.upper()} {cfg.rows}x{cfg.cols}")
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("attained MAC / cycle")
    fig.suptitle(f"{title}: roofline, every layer placed")
    fig.tight_layout()
    paths.append(out / f"{model}_roofline.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    # 3. DU-NE vs baselines
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5), gridspec_kw={"width_ratios": [5, 2]})
    shade(ax1)
    for e, st in (("hmmu", "-"), ("lmmu", "--"), ("dune", "-")):
        ys = [lp.cycles(e) for lp in p.layers]
        ax1.plot([i for i, y in zip(idx, ys) if y], [y for y in ys if y], st, lw=1,
                 label=ENGINE_LABEL[e])
    ax1.set_yscale("log")
    ax1.set_xlabel("GEMM (execution order); shaded: high-res")
    ax1.set_ylabel("cycles")
    ax1.set_title(f"{title}: cycles per layer")
    ax1.legend()
    series = [("over " + BASELINE_LABEL[b], [p.speedup(b, c) or 0 for c in dune.CLASSES])
              for b in dune.BASELINES]
    series.append(("RADACS reported", [dune.RADACS_REPORTED.get(c, 0) for c in dune.CLASSES]))
    width = 0.8 / len(series)
    for k, (lab, vals) in enumerate(series):
        ax2.bar([i + (k - (len(series) - 1) / 2) * width for i in range(3)], vals, width,
                label=lab)
    ax2.set_xticks(range(3), [CLASS_LABEL[c] for c in dune.CLASSES])
    ax2.axhline(1, color="k", lw=0.8)
    ax2.set_ylabel("DU-NE speedup")
    ax2.set_title("DU-NE speedup")
    ax2.set_ylim(0, 1.4 * max(max(v) for _, v in series))     # room for the legend
    ax2.legend(fontsize=7, loc="upper center", ncol=2)
    fig.tight_layout()
    paths.append(out / f"{model}_dune.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths
