"""``radacs``: the command line of the RADACS IP library.

Exit status: 0 success, 1 a check failed (stale files, lint warnings, failing tests,
failed proofs), 2 bad usage or bad parameters (one line on stderr).

Sub-commands live next to the code they drive; each such module has a
``register(subparsers)`` that adds its parser and sets ``func``.
"""
from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

import ip as iplib
from ip.common import convert, tools
from ip.common.params import parse_assignments

# Modules that contribute sub-commands (synthesis, formal, regression, benchmarks).
COMMAND_MODULES = (
    "ip.common.synth",
    "ip.common.formal",
    "verif.common.regress",
    "verif.common.mmu_bench",  # bench mmu (HMMU/LMMU RTL vs cycle model on a workload)
    "verif.shared_buffer.bench",  # bench shared_buffer (accesses per cycle vs min(P, B))
    "verif.feature_cache.bench",  # bench feature_cache (stream throughput)
    "models.cli",    # workload, deepcache, asyncdiff
    "models.plan",   # plan, plot (DU-NE scheduler over the cost model)
)


class UsageError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse reports bad usage (unknown choice, bad type, missing argument) as one
    line on stderr and exit status 2, like every other error of ``radacs``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _params(args) -> dict:
    return parse_assignments(args.param or [])


def cmd_list(args) -> int:
    for name in iplib.IPS:
        mod = iplib.get(name)
        print(f"{name}:")
        for p in mod.PARAMS:
            rng = ""
            if p.choices:
                rng = "|".join(p.choices)
            elif p.lo is not None or p.hi is not None:
                rng = f"{'' if p.lo is None else p.lo}..{'' if p.hi is None else p.hi}"
            print(f"  {p.name:10s} {p.kind:8s} {rng:12s} default={p.default!s:6s} {p.description}")
        print("  supported sets:")
        for s in mod.SUPPORTED:
            print(f"    {mod.module_name(s)}")
    return 0


def cmd_generate(args) -> int:
    path = convert.generate(args.ip, _params(args), args.output)
    print(path)
    return 0


def cmd_generate_all(args) -> int:
    """Regenerate every supported set and the manifest (ip/generated.manifest.json); with
    --check compare instead of writing; with --check --manifest-only compare the committed
    files with the manifest alone (no conversion: seconds instead of minutes)."""
    from ip.common import manifest

    names = args.ip or list(iplib.IPS)
    if args.manifest_only:
        if not args.check:
            raise UsageError("--manifest-only needs --check")
        problems = manifest.check(ips=names)
        if problems:
            print("stale generated Verilog (run `radacs generate-all`):", file=sys.stderr)
            for s in problems:
                print(f"  {s}", file=sys.stderr)
            return 1
        return 0
    stale = []
    recorded = manifest.load()
    entries = {}
    for name in names:
        mod = iplib.get(name)
        gen_dir = Path(mod.__file__).parent / "generated"
        with tempfile.TemporaryDirectory() as tmp:
            fresh, sources = manifest.generate_tracked(name, Path(tmp))
            entries[name] = manifest.entry(sources, fresh)
            fresh_names = {p.name for p in fresh}
            for f in fresh:
                committed = gen_dir / f.name
                if not committed.exists() or committed.read_text() != f.read_text():
                    stale.append(str(committed))
                    if not args.check:
                        gen_dir.mkdir(exist_ok=True)
                        committed.write_text(f.read_text())
            for old in sorted(gen_dir.glob("*.v")):
                if old.name not in fresh_names:
                    stale.append(f"{old} (not a supported set)")
                    if not args.check:
                        old.unlink()
        if recorded.get(name) != entries[name]:
            stale.append(f"{manifest.MANIFEST}: entry of {name}")
    if args.check and stale:
        print("stale generated Verilog (run `radacs generate-all`):", file=sys.stderr)
        for s in stale:
            print(f"  {s}", file=sys.stderr)
        return 1
    if not args.check:
        manifest.save({k: v for k, v in {**recorded, **entries}.items() if k in iplib.IPS})
        print(f"regenerated; {len(stale)} file(s) changed")
    return 0


def lint_files(files, vlt=None) -> list[str]:
    """Run ``verilator --lint-only -Wall`` on each file; return the warning lines."""
    problems = []
    for f in files:
        cmd = [tools.verilator(), "--lint-only", "-Wall"]
        if vlt:
            cmd.append(str(vlt))
        cmd.append(str(f))
        r = subprocess.run(cmd, capture_output=True, text=True, env=tools.tool_env())
        # Verilator prints a statistics report even when clean; only %-lines are findings.
        out = "\n".join(l for l in (r.stdout + r.stderr).splitlines() if l.startswith("%"))
        if r.returncode != 0 or out:
            problems.append(f"{f}:\n{out}")
    return problems


def cmd_lint(args) -> int:
    mod = iplib.get(args.ip)
    ip_dir = Path(mod.__file__).parent
    vlt = ip_dir / "lint.vlt"
    if args.param:
        tmp = tempfile.mkdtemp()
        files = [convert.generate(args.ip, _params(args), tmp)]
    else:
        files = sorted((ip_dir / "generated").glob("*.v"))
    problems = lint_files(files, vlt if vlt.exists() else None)
    for p in problems:
        print(p)
    print(f"lint: {len(files)} file(s), {len(problems)} with warnings")
    return 1 if problems else 0


def module_main(prog: str, description: str, add_arguments, func, argv=None) -> int:
    """Entry point of a ``python -m ip.common.<tool>`` module (used by FuseSoC hooks):
    the sub-command's own arguments, and a ValueError as one line + exit 2, as radacs."""
    ap = OneLineParser(prog=prog, description=description)
    add_arguments(ap)
    args = ap.parse_args(argv)
    try:
        return int(func(args) or 0)
    except ValueError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    ap = OneLineParser(prog="radacs", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list the IPs, their parameters and supported sets")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("generate", help="convert one parameter set of an IP to Verilog")
    p.add_argument("ip", help="IP name (radacs list)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("generate-all",
                       help="regenerate the committed Verilog of every supported set")
    p.add_argument("ip", nargs="*", help="IPs (default: all)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 when a committed file is stale")
    p.add_argument("--manifest-only", action="store_true",
                   help="with --check: compare the committed files with "
                        "ip/generated.manifest.json instead of reconverting (seconds)")
    p.set_defaults(func=cmd_generate_all)

    p = sub.add_parser("lint", help="verilator --lint-only -Wall on an IP's generated Verilog")
    p.add_argument("ip")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="lint this parameter set instead of the committed supported sets")
    p.set_defaults(func=cmd_lint)

    for modname in COMMAND_MODULES:
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as e:  # a sub-command module not written yet
            if e.name != modname:
                raise
            continue
        mod.register(sub)
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, UsageError) as e:
        print(f"radacs: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `radacs workload | head`: the reader left, not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
