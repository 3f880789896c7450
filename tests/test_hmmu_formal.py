"""Formal verification of the HMMU top (ip/common/formal.py, ip/hmmu/formal/).

* The documented formal set (the smallest HMMU that converts: ROWS=2, COLS=4,
  WBUF_BYTES=16, XBUF_BYTES=16, OBUF_BYTES=128, MAX_BURST=2, OUTSTANDING=1) passes its
  bounded check (BMC, smtbmc yices) and reaches every cover, through the
  ``radacs formal`` CLI (about 18 min on 2 shared cores: BMC 290 s, cover 810 s;
  marked slow).  The prove task is
  bounded, not a proof for all depths: abc pdr does not converge on the whole HMMU.
* The harness can fail: modified copies of the generated Verilog (irq not gated by
  CTRL.irq_en; ARVALID dropped before ARREADY) fail the property they break.
* Bad requests are one-line errors (exit 2) before any tool runs.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip import cli
from ip.common import convert, formal

SET = {"ROWS": 2, "COLS": 4, "WBUF_BYTES": 16, "XBUF_BYTES": 16, "OBUF_BYTES": 128,
       "MAX_BURST": 2, "OUTSTANDING": 1}
MODULE = "radacs_hmmu_r2_c4_wb16_xb16_ob128_mb2_o1"


@pytest.mark.tools
@pytest.mark.slow
def test_formal_set_passes_bmc_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "hmmu", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    (s,) = data["sets"]
    assert s["module"] == MODULE
    ts = {t["task"]: t for t in s["tasks"]}
    assert ts["prove"]["status"] == "PASS" and ts["prove"]["engine"] == formal.BMC_ENGINE
    assert ts["prove"]["depth"] == formal.HMMU_PROVE_DEPTH
    cov = ts["cover"]
    assert cov["status"] == "PASS" and cov["covers_reached"] == cov["covers_total"] == 5, cov
    assert "bounded" in (tmp_path / "RESULTS.md").read_text()


# (name, generated text, broken text, the property that must fail); the irq mutant
# fails within a few cycles, the AR mutant only at the first AR (step ~22: slow).
BROKEN = [
    pytest.param("irq_not_gated", "assign irq = (r_ctrl_irq_en && r_status_done);",
                 "assign irq = r_status_done;", "P6", id="irq_not_gated"),
    pytest.param("arvalid_drops",
                 "        else if (m_axi_arready) begin\n            axi_rd0_arvalid_q <= 0;",
                 "        else begin\n            axi_rd0_arvalid_q <= 0;", "P1",
                 marks=pytest.mark.slow, id="arvalid_drops"),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN)
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    src = convert.generate("hmmu", SET, tmp_path / "gen").read_text()
    assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(src.replace(good, bad))
    r = formal.run_set("hmmu", SET, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, dut_module=MODULE, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {prop} " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t


@pytest.mark.parametrize("argv,msg", [
    (["formal", "hmmu", "-p", "ROWS=3"], "hmmu: ROWS must be a power of two in 2..32, got 3"),
    (["formal", "hmmu", "--all", "-p", "ROWS=2"], "do not combine"),
])
def test_bad_requests_are_usage_errors(argv, msg, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1, err


def test_formal_set_is_the_documented_one():
    sets = formal.formal_set("hmmu")
    assert sets == [formal.iplib.get("hmmu").check(SET)]
    h = formal.SPECS["hmmu"].harness(sets[0], MODULE)
    assert h.prove_depth == formal.HMMU_PROVE_DEPTH and h.prove_engine == formal.BMC_ENGINE
    assert ".B(4), .LB(2)" in h.top_text and ".MAX_BURST(2), .OUTSTANDING(1)" in h.top_text
    assert "[31:0] m_axi_rdata" in h.top_text and f"{MODULE} dut" in h.top_text
    # the other IPs keep their unbounded pdr proof
    assert formal.SPECS["axi"].harness(formal.formal_set("axi")[0], "x").prove_depth is None
