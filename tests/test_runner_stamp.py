"""verif.common.runner.build converts a parameter set again only when a Python file
under ip/ or models/ (or MyHDL, or the parameters) changed: the stamp it keys the cache on."""
from __future__ import annotations

import types

from verif.common import runner


def test_stamp_follows_every_ip_source_and_the_parameters(tmp_path, monkeypatch):
    pkg = tmp_path / "ip"
    (pkg / "blk").mkdir(parents=True)
    (pkg / "__init__.py").write_text("IPS = ()\n")
    (pkg / "blk" / "core.py").write_text("X = 1\n")
    monkeypatch.setattr(runner, "iplib", types.SimpleNamespace(__file__=str(pkg / "__init__.py")))
    a = runner.source_stamp("blk", {"N": 4})
    assert runner.source_stamp("blk", {"N": 4}) == a              # stable
    assert runner.source_stamp("blk", {"N": 8}) != a              # parameters
    assert runner.source_stamp("other", {"N": 4}) != a            # IP
    (pkg / "blk" / "core.py").write_text("X = 2\n")               # a source edit
    b = runner.source_stamp("blk", {"N": 4})
    assert b != a
    (pkg / "shared.py").write_text("Y = 0\n")                     # a new shared file
    c = runner.source_stamp("blk", {"N": 4})
    assert c != b
    (pkg / "blk" / "notes.txt").write_text("not a source\n")      # not Python: ignored
    assert runner.source_stamp("blk", {"N": 4}) == c
    (tmp_path / "models").mkdir()                                  # a model the IP imports
    (tmp_path / "models" / "blk.py").write_text("CODE = 3\n")
    d = runner.source_stamp("blk", {"N": 4})
    assert d != c
    (tmp_path / "models" / "blk.py").write_text("CODE = 7\n")
    assert runner.source_stamp("blk", {"N": 4}) != d


def test_build_reuses_the_conversion_until_a_source_changes(monkeypatch):
    """A cached build does not convert again; a changed stamp does."""
    calls = []
    real = runner.generate

    def counting(ip_name, params, outdir):
        calls.append(ip_name)
        return real(ip_name, params, outdir)

    monkeypatch.setattr(runner, "generate", counting)
    p = {"FLAVOUR": "rr", "N": 4}
    bdir, top = runner.build("arbiter", p, "icarus")
    n = len(calls)
    assert (bdir / "src" / f"{top}.v").exists() and (bdir / "gen.stamp").exists()
    runner.build("arbiter", p, "icarus")
    assert len(calls) == n, "a cached build converted again"
    monkeypatch.setattr(runner, "source_stamp", lambda ip, params: "changed")
    runner.build("arbiter", p, "icarus")
    assert len(calls) == n + 1
    # the next real stamp differs from "changed": converts once, then cached again
    monkeypatch.undo()
    monkeypatch.setattr(runner, "generate", counting)
    runner.build("arbiter", p, "icarus")
    runner.build("arbiter", p, "icarus")
    assert len(calls) == n + 2
