"""``radacs regress``: the pyuvm regression of every IP on Icarus and Verilator.

For each IP with a verification plan (``verif/<ip>/__init__.py``: ``REGRESSION``,
``TEST_MODULE``, ``TESTS``, ``corpus_strategy``) and each seed, every planned
parameter set runs on every selected simulator; a corpus of traffic profiles is drawn
by Hypothesis from the seed.  The run ends with a summary table (and JSON with
``--json``); exit status 1 when any test fails or any coverage goal has a hole.

Reproduce one run: ``radacs regress arbiter -p FLAVOUR=rr -p N=4 --sim icarus
--seed 123 --stress random`` (every failing line prints its own command).
"""
from __future__ import annotations

import importlib
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import ip as iplib
from ip.common.params import parse_assignments
from verif.common import corpus as corpus_mod
from verif.common import runner
from verif.common.knobs import reproduce_command


def plan_for(ip_name: str):
    """The IP's verification plan (``verif/<ip>/__init__.py``), None when it has none;
    an import error *inside* a plan is an error, not "no plan"."""
    iplib.get(ip_name)  # ValueError for an unknown IP
    try:
        mod = importlib.import_module(f"verif.{ip_name}")
    except ModuleNotFoundError as e:
        if e.name == f"verif.{ip_name}":
            return None
        raise
    return mod if hasattr(mod, "REGRESSION") else None


def run_one(ip_name, vplan, params, sim, seed, stress, testcase=None, items=None):
    mod = iplib.get(ip_name)
    p = mod.check(params)
    # --items asks for seeded traffic of that size instead of a Hypothesis corpus.
    corpus = None if items else corpus_mod.draw(vplan.corpus_strategy(p), 1, seed)[0]
    t0 = time.time()
    res = runner.run(ip_name, p, sim, vplan.TEST_MODULE, seed=seed, stress=stress,
                     corpus=corpus, testcase=testcase, items=items)
    res.wall_s = time.time() - t0
    res.corpus = corpus
    res.stress = stress
    res.cmd = reproduce_command(ip_name, p, sim, seed, stress, testcase)
    return res


def coverage_ok(res) -> tuple[bool, float]:
    pcts = [c["percent"] for c in res.coverage.values()]
    return all(not c["holes"] for c in res.coverage.values()), (min(pcts) if pcts else 0.0)


def regress(ip_names, sims, seeds, *, params=None, seed=None, stress=None, testcase=None,
            items=None, jobs=1, out=sys.stdout):
    jobs_list = []
    base_seed = seed if seed is not None else corpus_mod.session_seed()
    print(f"radacs regress: master seed {base_seed} ({seeds} seed(s) per set)", file=out)
    for ip_name in ip_names:
        vplan = plan_for(ip_name)
        if vplan is None:
            continue
        for sim in sims:
            sets = [params] if params is not None else vplan.REGRESSION[sim]
            for k, p in enumerate(sets):
                for s in range(seeds):
                    sd = (base_seed + 7919 * s) & 0x7FFFFFFF
                    st = stress or vplan.STRESS_CYCLE[(k + s) % len(vplan.STRESS_CYCLE)]
                    jobs_list.append((ip_name, vplan, p, sim, sd, st))
    # Builds are cached per (simulator, set) and locked, so runs can share a pool.
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = list(ex.map(lambda j: run_one(*j, testcase=testcase, items=items),
                              jobs_list))
    rows = []
    ok_all = True
    for (ip_name, _, p, sim, sd, st), r in zip(jobs_list, results):
        cov_ok, cov = coverage_ok(r)
        ok = r.passed and cov_ok
        ok_all &= ok
        rows.append({"ip": ip_name, "module": r.module, "sim": sim, "seed": sd, "stress": st,
                     "tests": len(r.results), "passed": sum(t.passed for t in r.results),
                     "coverage_min_pct": round(cov, 1),
                     "cycles": sum(c.get("samples", 0) for c in r.coverage.values()),
                     "wall_s": round(r.wall_s, 1), "ok": ok, "reproduce": r.cmd})
        if not ok:
            print(r.summary(), file=out)
            print(f"  reproduce: {r.cmd}", file=out)
    _table(rows, out)
    n_ok = sum(r["ok"] for r in rows)
    print(f"{n_ok} passed, {len(rows) - n_ok} failed", file=out)
    return ok_all, rows


def _table(rows, out):
    hdr = ["module", "sim", "seed", "stress", "tests", "cov%", "cycles", "wall s", "result"]
    data = [[r["module"], r["sim"], str(r["seed"]), r["stress"], f"{r['passed']}/{r['tests']}",
             f"{r['coverage_min_pct']:.1f}", str(r["cycles"]), f"{r['wall_s']:.1f}",
             "PASS" if r["ok"] else "FAIL"] for r in rows]
    w = [max(len(h), *(len(d[i]) for d in data)) if data else len(h) for i, h in enumerate(hdr)]
    line = "+".join("-" * (x + 2) for x in w)
    print(line, file=out)
    print("|".join(f" {h:<{w[i]}} " for i, h in enumerate(hdr)), file=out)
    print(line, file=out)
    for d in data:
        print("|".join(f" {c:<{w[i]}} " for i, c in enumerate(d)), file=out)
    print(line, file=out)


def write_readme_status(ip_name: str, rows: list, command: str) -> None:
    """Replace the text between the regress-status markers of ip/<ip>/README.md."""
    import datetime
    from pathlib import Path

    readme = Path(iplib.get(ip_name).__file__).parent / "README.md"
    begin, end = "<!-- regress-status:begin -->", "<!-- regress-status:end -->"
    text = readme.read_text()
    if begin not in text or end not in text:
        raise ValueError(f"{readme} has no {begin} ... {end} markers")
    mine = [r for r in rows if r["ip"] == ip_name]
    lines = [begin, "",
             f"Last full regression: `{command}` on {datetime.date.today().isoformat()} "
             f"(written by `radacs regress --readme`).", "",
             "| simulator | parameter sets | seeds per set | runs passed | tests passed | "
             "min. coverage of goal bins | cycles checked |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for sim in sorted({r["sim"] for r in mine}):
        rs = [r for r in mine if r["sim"] == sim]
        sets = len({r["module"] for r in rs})
        lines.append(f"| {sim} | {sets} | {len(rs) // max(1, sets)} | "
                     f"{sum(r['ok'] for r in rs)}/{len(rs)} | "
                     f"{sum(r['passed'] for r in rs)}/{sum(r['tests'] for r in rs)} | "
                     f"{min(r['coverage_min_pct'] for r in rs):.1f} % | "
                     f"{sum(r['cycles'] for r in rs)} |")
    lines += ["", end]
    head, rest = text.split(begin, 1)
    readme.write_text(head + "\n".join(lines) + rest.split(end, 1)[1])


def cmd_regress(args) -> int:
    sims = [s.strip() for s in args.sim.split(",") if s.strip()]
    for s in sims:
        if s not in runner.SIMULATORS:
            raise ValueError(f"--sim must be among {', '.join(runner.SIMULATORS)}, got {s!r}")
    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    if args.readme and (args.param or args.test or args.items):
        raise ValueError("--readme records full regressions only (no -p/--test/--items)")
    ips = args.ip or [i for i in iplib.IPS if plan_for(i) is not None]
    for i in ips:
        if plan_for(i) is None:
            raise ValueError(f"IP {i!r} has no verification plan (verif/{i}/__init__.py)")
    params = None
    if args.param:
        if len(ips) != 1:
            raise ValueError("-p/--param needs exactly one IP")
        params = iplib.get(ips[0]).check(parse_assignments(args.param))
    ok, rows = regress(ips, sims, args.seeds, params=params, seed=args.seed, stress=args.stress,
                       testcase=args.test, items=args.items, jobs=args.jobs)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    if args.readme:
        cmd = "radacs regress " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "radacs regress"
        for i in ips:
            write_readme_status(i, rows, cmd.replace(" --readme", ""))
    return 0 if ok else 1


def register(sub):
    p = sub.add_parser("regress", help="run the pyuvm regression on Icarus and Verilator")
    p.add_argument("ip", nargs="*", help="IPs (default: every IP with a verification plan)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="run this one parameter set instead of the plan")
    p.add_argument("--sim", default="icarus,verilator", help="simulators, comma-separated")
    p.add_argument("--seeds", type=int, default=1, help="seeds per parameter set")
    p.add_argument("--seed", type=lambda x: int(x, 0), help="master seed (reproduce a run)")
    p.add_argument("--stress", choices=("none", "cycle", "random"),
                   help="idle/backpressure mode (default: rotate through all three)")
    p.add_argument("--test", help="run only this test (e.g. ArbRandomTest)")
    p.add_argument("--items", type=int,
                   help="seeded traffic of this many items per test instead of a Hypothesis corpus")
    p.add_argument("--jobs", "-j", type=int, default=2, help="simulations in parallel")
    p.add_argument("--json", help="write the result rows to this JSON file")
    p.add_argument("--readme", action="store_true",
                   help="record the summary in each IP's README (regress-status markers)")
    p.set_defaults(func=cmd_regress)
