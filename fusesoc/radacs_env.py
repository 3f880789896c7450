"""Find a Python that can run the RADACS library for FuseSoC's generator and runner.

FuseSoC starts the generator with ``interpreter: python3`` and the target hooks with
``python3``: both resolve through ``PATH``.  When FuseSoC is invoked as
``/path/to/repo/.venv/bin/fusesoc`` from a shell whose venv is not activated, that
``python3`` is the system one, which has neither MyHDL nor cocotb.  So both scripts
start with stdlib-only code that

1. puts the repository root first on ``sys.path`` (so ``ip``, ``models`` and ``verif``
   are imported from *this* checkout, also when a venv has another one installed);
2. when a required module is still missing, re-executes the script with the first of
   ``$RADACS_FUSESOC_PYTHON`` and ``<repo>/.venv/bin/python`` that exists (each at most
   once: a marker in the environment stops loops), and otherwise exits with a message
   naming both.

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
    tried = [p for p in os.environ.get(REEXEC_MARK, "").split(os.pathsep) if p]
    env_python = os.environ.get("RADACS_FUSESOC_PYTHON")
    venv_python = str(repo / ".venv" / "bin" / "python")
    for cand in (env_python, venv_python):
        if not cand or cand in tried or not Path(cand).exists():
            continue
        env = dict(os.environ)
        env[REEXEC_MARK] = os.pathsep.join(tried + [cand])
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(cand, [cand, script] + list(argv), env)

    def state(p):
        return "tried" if p in tried else ("missing" if not Path(p).exists() else "?")

    shown_env = f"{env_python}: {state(env_python)}" if env_python else "unset"
    looked = [f"$RADACS_FUSESOC_PYTHON ({shown_env})", f"{venv_python} ({state(venv_python)})"]
    sys.exit(
        f"radacs: {sys.executable} cannot import {', '.join(missing)}, and neither can "
        f"{' nor '.join(looked)}; create the venv (make setup) or set RADACS_FUSESOC_PYTHON "
        "to a Python with the RADACS requirements")
