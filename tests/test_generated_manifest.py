"""The committed generated Verilog is fresh, by the manifest (ip/generated.manifest.json).

The default run checks the committed tree against the manifest that ``radacs
generate-all`` writes (sha256 of every source the conversion read, of the tools, of every
generated file): seconds instead of the minutes of a full reconversion, which stays in
``make check`` and in the slow tier (``tests/test_setup.py::
test_generate_all_check_on_committed_tree``).  The tests on a temporary copy of the
tree prove the check fails when a source changed and the Verilog was not regenerated,
and when a generated file was edited by hand, removed or added.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ip as iplib
from ip.common import manifest

REPO = Path(__file__).resolve().parents[1]


def radacs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ip.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_committed_generated_verilog_matches_the_manifest():
    r = radacs("generate-all", "--check", "--manifest-only")
    assert r.returncode == 0, r.stderr


def test_manifest_only_needs_check():
    r = radacs("generate-all", "--manifest-only")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr


def test_manifest_covers_every_ip_and_what_its_conversion_reads():
    data = manifest.load()
    assert set(data) == set(iplib.IPS)
    for name, e in data.items():
        src = set(e["sources"])
        for must in ("ip/__init__.py", "ip/common/convert.py", f"ip/{name}/__init__.py"):
            assert must in src, (name, must)
        assert e["outputs"], name
    # the conversion of the feature cache reads its golden model's constants: recorded
    assert any(s.startswith("models/") for s in data["feature_cache"]["sources"])


@pytest.fixture
def tree(tmp_path):
    """A copy of what the check reads: ip/ (sources, generated/, the manifest), models/."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for d in ("ip", "models"):
        shutil.copytree(REPO / d, tmp_path / d, ignore=ignore)
    return tmp_path


def _flagged(problems, ip_name):
    return [p for p in problems if p.startswith(f"{ip_name}:") or f"/ip/{ip_name}/" in p]


def test_copy_of_the_committed_tree_passes(tree):
    assert manifest.check(tree) == []


@pytest.mark.parametrize("source, ips", [
    ("ip/arbiter/arbiter.py", ["arbiter"]),
    ("ip/pe_array/pe_array.py", ["pe_array"]),
    ("ip/common/convert.py", list(iplib.IPS)),
])
def test_source_changed_without_regenerating_fails(tree, source, ips):
    f = tree / source
    assert f.is_file(), source
    f.write_text(f.read_text() + "\n# changed after the Verilog was generated\n")
    problems = manifest.check(tree)
    for name in ips:
        assert any(f"source {source} changed" in p for p in _flagged(problems, name)), \
            (name, problems)


def test_models_source_changed_fails_the_ip_that_reads_it(tree):
    srcs = [s for s in manifest.load()["feature_cache"]["sources"] if s.startswith("models/")]
    f = tree / srcs[0]
    f.write_text(f.read_text() + "\n# changed\n")
    assert _flagged(manifest.check(tree), "feature_cache")


def test_hand_edited_generated_file_fails(tree):
    v = sorted((tree / "ip" / "pe_array" / "generated").glob("*.v"))[0]
    v.write_text(v.read_text() + "// edited by hand\n")
    problems = manifest.check(tree)
    assert any(v.name in p and "edited by hand" in p for p in problems), problems


def test_missing_and_extra_generated_files_fail(tree):
    gen = tree / "ip" / "arbiter" / "generated"
    victim = sorted(gen.glob("*.v"))[0]
    victim.unlink()
    (gen / "radacs_arbiter_rr_n99.v").write_text("module radacs_arbiter_rr_n99; endmodule\n")
    problems = manifest.check(tree)
    assert any(victim.name in p and "missing" in p for p in problems), problems
    assert any("radacs_arbiter_rr_n99.v is not in the manifest" in p for p in problems), problems


def test_other_tool_versions_fail(tree, monkeypatch):
    monkeypatch.setattr(manifest, "tool_versions", lambda: {"python": "3.11", "myhdl": "0.0"})
    problems = manifest.check(tree)
    assert len([p for p in problems if "generated with" in p]) == len(iplib.IPS), problems


def test_missing_manifest_fails(tree):
    (tree / manifest.MANIFEST).unlink()
    assert manifest.check(tree)
