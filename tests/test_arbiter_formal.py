"""Formal verification of the arbiter (ip/common/formal.py, ip/arbiter/formal/).

* The documented formal set (rr and wrr at N = 2, 3, 4, 8, fp at N = 4) is proved with
  ``abc pdr`` and every cover statement is reached, through the ``radacs formal`` CLI
  (which also writes the JSON and markdown reports).
* The same harness *can* fail: deliberately broken designs (a sed-modified copy of the
  generated Verilog, and the fixed-priority design checked against round-robin's wait
  bound) are reported FAIL with a counterexample on the expected property.
* Bad requests are one-line errors (exit 2) before any tool runs.

The proofs run one after the other in a single test (about a minute on 2 cores; the
wrr N=8 proof is the longest, ~20 s), so a parallel pytest run never has two proofs
of this file competing for the cores, except the short broken-design ones.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip import cli
from ip.common import convert, formal


def _tasks_by_set(data: dict) -> dict:
    return {s["module"]: {t["task"]: t for t in s["tasks"]} for s in data["sets"]}


@pytest.mark.tools
def test_formal_set_proves_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "arbiter", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    expected = {f"radacs_arbiter_{m}" for m in (
        "rr_n2", "rr_n3", "rr_n4", "rr_n8", "wrr_n2_w1_3", "wrr_n3_w2_1_3",
        "wrr_n4_w1_2_3_4", "wrr_n8_w1_2_3_4_1_2_3_4", "fp_n4")}
    tasks = _tasks_by_set(data)
    assert set(tasks) == expected
    for module, ts in tasks.items():
        assert set(ts) == {"prove", "cover"}, module
        assert ts["prove"]["status"] == "PASS", (module, ts["prove"])
        assert ts["prove"]["engine"] == "abc pdr"
        cov = ts["cover"]
        assert cov["status"] == "PASS", (module, cov)
        assert cov["covers_total"] > 0 and cov["covers_reached"] == cov["covers_total"], \
            (module, cov)
    # Cover count: C1 and (with a bound) C2 per requester, plus C3 and C4.
    assert tasks["radacs_arbiter_rr_n8"]["cover"]["covers_total"] == 2 * 8 + 2
    assert tasks["radacs_arbiter_fp_n4"]["cover"]["covers_total"] == 4 + 2
    assert data["ok"] is True
    md = (tmp_path / "RESULTS.md").read_text()
    assert md.count("| PASS |") == 2 * len(expected)
    assert (tmp_path / "build" / "report.md").read_text() == md
    # one result line per task, then the summary
    assert "formal: 9 set(s), 18 task(s): 18 passed, 0 failed" in out


# (name, generated text, broken text, the property that must fail)
BROKEN = [
    # one-hot: the masked and the unmasked winners are both granted
    ("onehot", "pick_s = gm;", "pick_s = gm | ga;", "P1"),
    # hold: an offer that is not accepted is dropped (only bursts are held)
    ("hold", "((!gnt_ready) || ((lock & gnt_s) != 0))",
     "(gnt_ready && ((lock & gnt_s) != 0))", "P5"),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    params = {"FLAVOUR": "rr", "N": 4}
    src = convert.generate("arbiter", params, tmp_path / "gen").read_text()
    assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(src.replace(good, bad))
    r = formal.run_set("arbiter", params, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {prop} " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t


@pytest.mark.tools
def test_fixed_priority_breaks_round_robin_bound(tmp_path):
    """fp satisfies every safety property (proved in the formal set) but starves: with
    round-robin's bound (N-1) the wait-bound property P7 must fail."""
    fp = convert.generate("arbiter", {"FLAVOUR": "fp", "N": 4}, tmp_path / "gen")
    r = formal.run_set("arbiter", {"FLAVOUR": "rr", "N": 4}, tmp_path / "build",
                       tasks=("prove",), dut_file=fp, dut_module="radacs_arbiter_fp_n4",
                       echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL", t
    assert any(" P7 " in f for f in t.failed), t.failed


@pytest.mark.parametrize("argv,msg", [
    (["formal", "arbiter", "-p", "FLAVOUR=xx"], "FLAVOUR must be one of"),
    (["formal", "arbiter", "-p", "FLAVOUR=wrr", "-p", "N=3"], "WEIGHTS is required"),
    (["formal", "arbiter", "--all", "-p", "N=4"], "do not combine"),
    (["formal", "nosuchip"], "unknown IP"),
])
def test_bad_requests_are_usage_errors(argv, msg, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1, err


def test_flavour_without_property_file_is_rejected(monkeypatch, tmp_path, capsys):
    monkeypatch.delitem(formal.ARBITER_HARNESS, "fp")
    with pytest.raises(ValueError, match="no property file for arbiter FLAVOUR=fp"):
        formal.prepare("arbiter", {"FLAVOUR": "fp", "N": 4}, tmp_path / "b")
    assert not (tmp_path / "b").exists()
    assert cli.main(["formal", "arbiter", "-p", "FLAVOUR=fp", "-p", "N=4"]) == 2
    assert "no property file" in capsys.readouterr().err


def test_module_entry_point_reports_errors(capsys):
    assert formal.main(["arbiter", "-p", "N=99"]) == 2
    assert "N must be <= 32" in capsys.readouterr().err


def test_formal_set_is_the_documented_one():
    sets = formal.formal_set("arbiter")
    assert [(s["FLAVOUR"], s["N"]) for s in sets] == (
        [("rr", n) for n in (2, 3, 4, 8)] + [("wrr", n) for n in (2, 3, 4, 8)] + [("fp", 4)])
    assert {s["N"]: s["WEIGHTS"] for s in sets if s["FLAVOUR"] == "wrr"} == {
        2: (1, 3), 3: (2, 1, 3), 4: (1, 2, 3, 4), 8: (1, 2, 3, 4, 1, 2, 3, 4)}
