"""Formal verification of the feature cache (ip/common/formal.py, ip/feature_cache/formal/).

* The formal set (SLOTS=2, DATA_BYTES=1, SLOT_WORDS=4) passes its prove task (a bounded
  model check, see the legend) and reaches every cover, through the ``radacs formal``
  CLI.  About 4 minutes on one core, so it is marked slow.
* The same harness *can* fail: deliberately broken copies of the generated Verilog are
  reported FAIL on the property they break.
* ``feature_cache_dram``: the DRAM datapath (``dram_path``) proved standalone (bounded,
  see its legend); ``radacs formal feature_cache`` runs it after the IP's set.  The
  store-response fix of 0964f96 reverted in its Verilog fails D1.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip import cli
from ip.common import convert, formal

PARAMS = {"SLOTS": 2, "DATA_BYTES": 1, "SLOT_WORDS": 4, "STEPS": 1024}


@pytest.mark.tools
@pytest.mark.slow
def test_formal_set_passes_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "feature_cache", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    # the IP's set, then the standalone DRAM datapath's (SPECS["feature_cache"].also)
    sets = {s["ip"]: s for s in data["sets"]}
    assert list(sets) == ["feature_cache", "feature_cache_dram"], list(sets)
    for ip, ncov in (("feature_cache", 6), ("feature_cache_dram", 6)):
        tasks = {t["task"]: t for t in sets[ip]["tasks"]}
        assert tasks["prove"]["status"] == "PASS", tasks["prove"]
        assert tasks["cover"]["covers_reached"] == tasks["cover"]["covers_total"] == ncov


# (name, generated text, broken text, the property that must fail)
BROKEN = [
    # the output FIFO pops without m_axis_tready: a held beat is lost
    ("pop", "f_pop = ((f_cnt_q != 0) && m_axis_tready);", "f_pop = (f_cnt_q != 0);", "P1"),
    # loads read beat 0 of the slot for every beat
    ("addr", "assign rd_addr = {ld_slot_q[1-1:0], ld_idx_q[2-1:0]};",
     "assign rd_addr = {ld_slot_q[1-1:0], 2'b00};", "P6"),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    src = convert.generate("feature_cache", PARAMS, tmp_path / "gen").read_text()
    assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(src.replace(good, bad))
    r = formal.run_set("feature_cache", PARAMS, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {prop} " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t


# ------------------------------------------------------------------ DRAM datapath
DRAM_PARAMS = {"DATA_BYTES": 4, "MAX_BURST": 2, "OUTSTANDING": 2, "CHUNK": 2, "STAGE": 4}
DRAM_UNIT = "ip.feature_cache.dram_path"


def test_dram_spec_registered():
    (p,) = formal.formal_set("feature_cache_dram")
    assert p == DRAM_PARAMS
    assert "feature_cache_dram" in formal.SPECS["feature_cache"].also
    h = formal.SPECS["feature_cache_dram"].harness(p, "radacs_x")
    assert h.prove_depth == formal.FC_DRAM_PROVE_DEPTH and h.cover_depth >= 12
    assert "radacs_x dut (" in h.top_text and "radacs_fc_dram_props" in h.top_text


# The fix of 0964f96 reverted in the generated Verilog (the design of 0964f96~1): tail_q
# (s_axis_tready low) cleared in the fin cycle, so the next feature's first beat can be
# accepted in the st_done cycle.
DRAM_REVERT = [
    ("fin = (tail_q && (pend == 0) && w_idle && (!st_done));",
     "fin = (tail_q && (pend == 0) && w_idle);"),
    ("        if (st_done) begin\n            tail_q <= 0;\n        end\n", ""),
    ("            st_act_q <= 0;\n            cnt_q <= 0;\n",
     "            st_act_q <= 0;\n            tail_q <= 0;\n            cnt_q <= 0;\n"),
]


@pytest.mark.tools
def test_dram_st_done_bug_fails_d1(tmp_path):
    src = convert.generate("feature_cache", DRAM_PARAMS, tmp_path / "gen",
                           unit=DRAM_UNIT).read_text()
    for good, bad in DRAM_REVERT:
        assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
        src = src.replace(good, bad)
    broken = tmp_path / "broken_st_done.v"
    broken.write_text(src)
    r = formal.run_set("feature_cache_dram", DRAM_PARAMS, tmp_path / "build",
                       tasks=("prove",), dut_file=broken, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(" D1 " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t
