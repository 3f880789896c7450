"""Formal verification of the LMMU top (ip/common/formal.py, ip/lmmu/formal/).

* The documented formal set (the smallest LMMU: ROWS=2, COLS=4, WBUF_BYTES=32,
  XBUF_BYTES=16, OBUF_BYTES=32, MAX_BURST=2, OUTSTANDING=1) passes its bounded check
  (BMC, smtbmc yices, depth formal.LMMU_PROVE_DEPTH) and reaches every cover, through
  the ``radacs formal`` CLI (about 7 min unloaded, 25 on 2 shared cores, see
  ip/lmmu/formal/RESULTS.md; marked slow).  The prove
  task is bounded, not a proof for all depths: abc pdr does not converge on the whole
  LMMU.
* The harness can fail: modified copies of the generated Verilog fail the property
  they break (the failures are a few steps deep; ~1 min each on 2 loaded cores): irq
  not gated by CTRL.irq_en (P6), port 0 driving WVALID (P7), a zero-dimension start
  reporting the wrong error code (P8).  A master mutant (ARVALID dropped before
  ARREADY, HMMU's second mutant) is not here: the first AR comes after the BMC depth
  (formal.LMMU_PROVE_DEPTH), so the bounded check could not catch it; the masters'
  protocol is proved on its own in tests/test_axi_formal.py.
* Bad requests are one-line errors (exit 2) before any tool runs.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ip import cli
from ip.common import convert, formal

SET = {"ROWS": 2, "COLS": 4, "WBUF_BYTES": 32, "XBUF_BYTES": 16, "OBUF_BYTES": 32,
       "MAX_BURST": 2, "OUTSTANDING": 1}
MODULE = "radacs_lmmu_r2_c4_wb32_xb16_ob32_mb2_o1"


@pytest.mark.tools
@pytest.mark.slow
def test_formal_set_passes_bmc_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "lmmu", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    (s,) = data["sets"]
    assert s["module"] == MODULE
    ts = {t["task"]: t for t in s["tasks"]}
    assert ts["prove"]["status"] == "PASS" and ts["prove"]["engine"] == formal.BMC_ENGINE
    assert ts["prove"]["depth"] == formal.LMMU_PROVE_DEPTH
    cov = ts["cover"]
    assert cov["status"] == "PASS" and cov["covers_reached"] == cov["covers_total"] == 7, cov
    assert "bounded" in (tmp_path / "RESULTS.md").read_text()


# (name, generated text, broken text, the property that must fail)
BROKEN = [
    pytest.param("irq_not_gated", "assign irq = (r_ctrl_irq_en && r_status_done);",
                 "assign irq = r_status_done;", "P6", id="irq_not_gated"),
    pytest.param("port0_writes", "assign m0_axi_wvalid = 0;", "assign m0_axi_wvalid = 1;",
                 "P7", id="port0_writes"),
    pytest.param("zero_dim_wrong_code",
                 "            else if (zero) begin\n                err_q <= 1;",
                 "            else if (zero) begin\n                err_q <= 2;", "P8",
                 id="zero_dim_wrong_code"),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN)
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    src = convert.generate("lmmu", SET, tmp_path / "gen").read_text()
    assert src.count(good) == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(src.replace(good, bad))
    r = formal.run_set("lmmu", SET, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, dut_module=MODULE, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {prop} " in f for f in t.failed), t.failed
    assert t.trace and Path(t.trace).is_file(), t


@pytest.mark.parametrize("argv,msg", [
    (["formal", "lmmu", "-p", "ROWS=33"], "lmmu: ROWS must be <= 32, got 33"),
    (["formal", "lmmu", "--all", "-p", "ROWS=2"], "do not combine"),
    (["formal", "lmmu", "-p", "OUTSTANDING=8"], "at most 4 bursts in flight"),
])
def test_bad_requests_are_usage_errors(argv, msg, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1, err


def test_formal_set_is_the_documented_one():
    sets = formal.formal_set("lmmu")
    assert sets == [formal.iplib.get("lmmu").check(SET)]
    h = formal.SPECS["lmmu"].harness(sets[0], MODULE)
    assert h.prove_depth == formal.LMMU_PROVE_DEPTH and h.prove_engine == formal.BMC_ENGINE
    assert h.cover_defines == ("RADACS_LMMU_COVER_GUIDE",)
    assert ".B(4), .LB(2)" in h.top_text and ".MAX_BURST(2), .OUTSTANDING(1)" in h.top_text
    assert ".NO_SOFT(0)" in h.top_text   # the abort is free: the bus must survive it
    for port in ("[31:0] m0_axi_rdata", "[31:0] m1_axi_rdata", "[31:0] m1_axi_wdata"):
        assert port in h.top_text, port
    assert f"{MODULE} dut" in h.top_text and "m_axi_" not in h.top_text.replace("m0_axi_", "") \
        .replace("m1_axi_", "")
    # every port of the generated top is connected, and nothing else
    ports = [n for (n, _, _) in formal.LMMU_PORTS]
    from ip.lmmu import lmmu as top
    assert sorted(ports) == sorted(top.ports(sets[0]))


def test_cover_task_alone_starts_from_zeroed_memories():
    """The cover task (only) maps the buffer memories to flip-flops and zero-initialises
    them; the prove task keeps free initial contents (no restriction on what it checks),
    and the HMMU's harness does not use it."""
    (p,) = formal.formal_set("lmmu")
    h = formal.SPECS["lmmu"].harness(p, MODULE)
    assert h.cover_zero_init
    lines = formal._sby_text("lmmu", p, MODULE, MODULE + ".v", h, None).splitlines()
    for cmd in ("memory_map", "setundef -zero -init"):
        assert f"cover: {cmd}" in lines
        assert not any(ln.startswith(cmd) or ln.startswith(f"prove: {cmd}") for ln in lines)
    assert lines.index("cover: setundef -zero -init") > lines.index("async2sync")
    (hp,) = formal.formal_set("hmmu")
    hh = formal.SPECS["hmmu"].harness(hp, "m")
    assert not hh.cover_zero_init
    assert "setundef" not in formal._sby_text("hmmu", hp, "m", "m.v", hh, None)
