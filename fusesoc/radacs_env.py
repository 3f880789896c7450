"""Find a Python that can run the RADACS library for FuseSoC's generator and runner.

FuseSoC starts the generator with ``interpreter: python3`` and the target hooks with
``python3``: both resolve through ``PATH``.  When FuseSoC is invoked as
``/path/to/repo/.venv/bin/fusesoc`` from a shell whose venv is not activated, that
``python3`` is the system one, which has neither MyHDL nor cocotb.  So both scripts
start with stdlib-only code that

1. puts the repository root first on ``sys.path`` (so ``ip``, ``models`` and ``verif``
   are imported from *this* checkout, also when a venv has another one installed);
2. when a required module is still missing, re-executes the script with the first of
   ``$RADACS_PYTHON`` and ``<repo>/.venv/bin/python`` that exists (once: a marker in
   the environment stops loops), and otherwise exits with a message naming both.

Nothing here may import a third-party module.  This folder must stay without an
``__init__.py``: FuseSoC's own ``fusesoc`` is a namespace package, and a package of
the same name at the repository root would shadow it whenever the root is on
``sys.path``.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

REEXEC_MARK = "RADACS_FUSESOC_REEXEC"


def is_repo(path: Path) -> bool:
    return (path / "ip" / "common" / "convert.py").is_file() and (path / "fusesoc").is_dir()


def ensure_python(repo: Path, script: str, argv: list[str], modules=("myhdl",)) -> None:
    """Return when ``modules`` import in this interpreter; re-exec or exit otherwise."""
    repo_s = str(repo)
    if repo_s in sys.path:
        sys.path.remove(repo_s)
    sys.path.insert(0, repo_s)
    # Child processes (cocotb's simulator, ``python -m ip.common.synth``) need it too.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [repo_s] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                    if p and p != repo_s])
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    tried = []
    for cand in (os.environ.get("RADACS_PYTHON"), str(repo / ".venv" / "bin" / "python")):
        if not cand:
            continue
        tried.append(cand)
        if not Path(cand).exists() or os.environ.get(REEXEC_MARK) == cand:
            continue
        env = dict(os.environ)
        env[REEXEC_MARK] = cand
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(cand, [cand, script] + list(argv), env)
    sys.exit(
        f"radacs: {sys.executable} cannot import {', '.join(missing)} and no usable "
        f"interpreter was found (tried: {', '.join(tried) or 'none'}); create "
        f"{repo}/.venv (make setup) or set RADACS_PYTHON to a Python with the RADACS "
        "requirements")
