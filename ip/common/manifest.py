"""The generated-Verilog manifest: a cheap staleness check of ``ip/<ip>/generated/``.

Reconverting every supported set (``radacs generate-all --check``) takes minutes of CPU;
the default test run instead compares the committed tree with ``ip/generated.manifest.json``,
which ``radacs generate-all`` writes next to the Verilog.  For each IP it records

* ``sources``: the sha256 of every file of the repository that the conversion of the
  IP's supported sets read (the modules it imported, from ``ip/`` and ``models/``, and
  any file it opened), recorded in the conversion's own child process;
* ``tools``: the Python (major.minor) and MyHDL versions the conversion ran with;
* ``outputs``: the sha256 of every generated file.

:func:`check` (``radacs generate-all --check --manifest-only``) fails when a recorded
source changed (the Verilog may be stale: regenerate), when a generated file is missing,
extra or not the recorded one (edited by hand), when the supported sets and the files
disagree, or when the tools differ.  A source change that does not change the Verilog
(a comment) also fails it: ``radacs generate-all`` then only rewrites the manifest.
An edit can change what a conversion reads only by changing a file it read already
(the importing module), so the recorded list stays complete.  The full reconversion
stays in ``make check`` and in the slow tier (``tests/test_setup.py``).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import ip as iplib
from ip.common import tools

MANIFEST = "ip/generated.manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tool_versions() -> dict:
    import myhdl

    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}", "myhdl": myhdl.__version__}


def manifest_path(root: Path = tools.REPO) -> Path:
    return Path(root) / MANIFEST


def load(root: Path = tools.REPO) -> dict:
    path = manifest_path(root)
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def save(data: dict, root: Path = tools.REPO) -> None:
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    manifest_path(root).write_text(text)


def entry(sources: list[str], outputs: list[Path], root: Path = tools.REPO) -> dict:
    """The manifest entry of one IP: ``sources`` relative to ``root``, ``outputs`` the
    freshly generated files (named as they are committed)."""
    root = Path(root)
    return {"tools": tool_versions(),
            "sources": {s: sha256(root / s) for s in sorted(sources)},
            "outputs": {p.name: sha256(p) for p in sorted(outputs)}}


def generate_tracked(ip_name: str, outdir: Path) -> tuple[list[Path], list[str]]:
    """Convert every supported set of ``ip_name`` into ``outdir`` in a fresh child process
    (``PYTHONHASHSEED=0``, as :func:`ip.common.convert.generate_many`); return the files
    and the repository files the conversion read (relative paths)."""
    job = json.dumps({"ip": ip_name, "outdir": str(outdir)})
    r = subprocess.run([sys.executable, "-m", "ip.common.manifest"], input=job, text=True,
                       capture_output=True, env=dict(os.environ, PYTHONHASHSEED="0"),
                       cwd=str(tools.REPO))
    if r.returncode != 0:
        raise RuntimeError(f"conversion of {ip_name} failed:\n{r.stderr}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return [Path(p) for p in out["paths"]], out["sources"]


def _child(job: dict) -> dict:
    """Child side of :func:`generate_tracked`: convert, recording what was read."""
    repo = tools.REPO.resolve()
    outdir = Path(job["outdir"]).resolve()
    opened: set[Path] = set()

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            try:
                opened.add(Path(os.fsdecode(args[0])).resolve())
            except (OSError, ValueError):
                pass

    sys.addaudithook(hook)
    from ip.common import convert

    paths = convert.generate_supported(job["ip"], outdir)
    files = set(opened)
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if f:
            files.add(Path(f).resolve())
    sources = set()
    for f in files:
        if f.suffix == ".pyc" or not f.is_file():
            continue
        if outdir in f.parents or repo not in f.parents:
            continue
        rel = f.relative_to(repo)
        if rel.parts[0] in (".venv", "build", ".git") or "__pycache__" in rel.parts:
            continue
        if rel.as_posix() == "ip/common/manifest.py":   # the recorder, not the design
            continue
        sources.add(rel.as_posix())
    return {"paths": [str(p) for p in paths], "sources": sorted(sources)}


def check(root: Path = tools.REPO, ips=None) -> list[str]:
    """What is stale or hand-edited in ``root``'s generated Verilog, by the manifest
    alone (no conversion); empty when everything matches."""
    root = Path(root)
    data = load(root)
    problems = []
    if not data:
        return [f"{MANIFEST} is missing (run `radacs generate-all`)"]
    have_tools = tool_versions()
    for name in ips or iplib.IPS:
        mod = iplib.get(name)
        gen = root / "ip" / name / "generated"
        e = data.get(name)
        if e is None:
            problems.append(f"{name}: no entry in {MANIFEST}")
            continue
        if e["tools"] != have_tools:
            problems.append(f"{name}: generated with {e['tools']}, the tools are {have_tools}")
        for rel, digest in e["sources"].items():
            f = root / rel
            if not f.is_file():
                problems.append(f"{name}: source {rel} is gone since the Verilog was generated")
            elif sha256(f) != digest:
                problems.append(f"{name}: source {rel} changed since the Verilog was generated")
        want = {mod.module_name(mod.check(p)) + ".v" for p in mod.SUPPORTED}
        if set(e["outputs"]) != want:
            problems.append(f"{name}: the manifest lists {sorted(set(e['outputs']) ^ want)} "
                            f"unlike the supported sets")
        files = {p.name for p in gen.glob("*.v")} if gen.is_dir() else set()
        for f in sorted(files - set(e["outputs"])):
            problems.append(f"{gen / f} is not in the manifest (not a supported set?)")
        for f, digest in sorted(e["outputs"].items()):
            if f not in files:
                problems.append(f"{gen / f} is missing")
            elif sha256(gen / f) != digest:
                problems.append(f"{gen / f} differs from what was generated (edited by hand?)")
    return problems


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.stdin.read()))))
