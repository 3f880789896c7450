"""Formal verification of the PE array (ip/common/formal.py, ip/pe_array/formal/).

* The documented formal set (1 x 1, 2 x 2, 2 x 3) is proved with ``abc pdr`` and every
  cover is reached, through the ``radacs formal`` CLI (about 25 s on 2 cores).
* The harness can fail: modified copies of the committed 2 x 3 Verilog (swap on a first
  only, a non-zero refill of the last row, a flush that keeps the accumulator, a row
  that does not shift) fail the property they break (about 5 s each; two of them
  are marked slow).
* Bad requests are one-line errors (exit 2) before any tool runs.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip import cli
from ip.common import formal

GENERATED = Path(__file__).resolve().parent.parent / "ip" / "pe_array" / "generated"


@pytest.mark.tools
def test_formal_set_proves_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "pe_array", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    tasks = {s["module"]: {t["task"]: t for t in s["tasks"]} for s in data["sets"]}
    assert set(tasks) == {"radacs_pe_array_r1_c1", "radacs_pe_array_r2_c2",
                          "radacs_pe_array_r2_c3"}
    for module, ts in tasks.items():
        assert set(ts) == {"prove", "cover"}, module
        assert ts["prove"]["status"] == "PASS" and ts["prove"]["engine"] == "abc pdr", \
            (module, ts["prove"])
        cov = ts["cover"]
        assert cov["status"] == "PASS" and cov["covers_reached"] == cov["covers_total"], cov
        # C1, C3, C4, C5, and C2 (the last row read with ROWS-1 shifts) when ROWS > 1
        assert cov["covers_total"] == (4 if module.endswith("_r1_c1") else 5), module
    assert data["ok"] is True
    assert (tmp_path / "RESULTS.md").read_text().count("| PASS |") == 6
    assert "formal: 3 set(s), 6 task(s): 6 passed, 0 failed" in out


I = "\n            "   # the indentation of a statement inside `else if (...) begin`
# (name, generated text, broken text, the property that must fail); two run by default,
# the other two are marked slow (keeps the default run of this file under a minute).
BROKEN = [
    pytest.param("swap_on_first_only", "swap_q <= (op_first || op_flush);",
                 "swap_q <= op_first;", "P1", id="swap_on_first_only"),
    pytest.param("refill_not_zero", f"else if (sh_en) begin{I}_pe0_0_sh_in <= 0;",
     f"else if (sh_en) begin{I}_pe0_0_sh_in <= _pe3_acc_q;", "P4", marks=pytest.mark.slow,
                 id="refill_not_zero"),
    pytest.param("flush_keeps_acc", f"else if (op_flush) begin{I}_pe0_0_acc_q <= 0;",
                 f"else if (op_flush) begin{I}_pe0_0_acc_q <= _pe0_0_acc_q;", "P4",
                 id="flush_keeps_acc"),
    pytest.param("no_shift", "_pe1_0_sh_q <= _pe1_0_sh_in;", "_pe1_0_sh_q <= _pe1_0_sh_q;",
                 "P5", marks=pytest.mark.slow, id="no_shift"),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN)
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    params = {"ROWS": 2, "COLS": 3}
    # The committed Verilog (kept fresh by tests/test_staleness.py): stable names.
    src = (GENERATED / "radacs_pe_array_r2_c3.v").read_text()
    assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(src.replace(good, bad))
    r = formal.run_set("pe_array", params, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, dut_module="radacs_pe_array_r2_c3", echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {prop} " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t


@pytest.mark.parametrize("argv,msg", [
    (["formal", "pe_array", "-p", "ROWS=0"], "pe_array: ROWS must be >= 1, got 0"),
    (["formal", "pe_array", "-p", "COLS=33"], "pe_array: COLS must be <= 32, got 33"),
    (["formal", "pe_array", "--all", "-p", "ROWS=2"], "do not combine"),
])
def test_bad_requests_are_usage_errors(argv, msg, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1, err


def test_formal_set_is_the_documented_one():
    sets = formal.formal_set("pe_array")
    assert [(s["ROWS"], s["COLS"]) for s in sets] == [(1, 1), (2, 2), (2, 3)]
    h = formal.SPECS["pe_array"].harness(sets[2], "radacs_pe_array_r2_c3")
    assert ".ROWS(2)" in h.top_text and ".COLS(3)" in h.top_text
    assert "[95:0] out_row" in h.top_text
