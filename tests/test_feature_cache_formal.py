"""Formal verification of the feature cache (ip/common/formal.py, ip/feature_cache/formal/).

* The formal set (SLOTS=2, DATA_BYTES=1, SLOT_WORDS=4) passes its prove task (a bounded
  model check, see the legend) and reaches every cover, through the ``radacs formal``
  CLI.  About 4 minutes on one core, so it is marked slow.
* The same harness *can* fail: deliberately broken copies of the generated Verilog are
  reported FAIL on the property they break.
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
    (s,) = data["sets"]
    tasks = {t["task"]: t for t in s["tasks"]}
    assert tasks["prove"]["status"] == "PASS", tasks["prove"]
    assert tasks["cover"]["covers_reached"] == tasks["cover"]["covers_total"] == 6


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
