"""Formal verification of the shared buffer (ip/common/formal.py,
ip/shared_buffer/formal/).

* The documented formal set (P=3, B=2, DEPTH=4, DATA_W=8 rr; P=2 wrr 1,2) is proved
  with ``abc pdr`` and every cover is reached (about 20 s; the recorded result is
  ip/shared_buffer/formal/results.json).
* The harness *can* fail: broken designs (sed-modified copies of the generated
  Verilog) fail the property they break, with a counterexample.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ip import cli
from ip.common import convert, formal

SET = {"P": 3, "B": 2, "DEPTH": 4, "DATA_W": 8, "ARB": "rr"}


@pytest.mark.tools
def test_formal_set_proves_and_covers(tmp_path, capsys):
    js = tmp_path / "results.json"
    rc = cli.main(["formal", "shared_buffer", "--all", "--out", str(tmp_path / "build"),
                   "--json", str(js)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(js.read_text())
    tasks = {s["module"]: {t["task"]: t for t in s["tasks"]} for s in data["sets"]}
    assert set(tasks) == {"radacs_shared_buffer_p3_b2_d4_w8_rr",
                          "radacs_shared_buffer_p2_b2_d4_w8_wrr_1_2"}
    for module, ts in tasks.items():
        assert ts["prove"]["status"] == "PASS" and ts["prove"]["engine"] == "abc pdr"
        cov = ts["cover"]
        assert cov["status"] == "PASS" and cov["covers_reached"] == cov["covers_total"] > 0
    # C1, C3, C4, C5, C6 per port, plus C2.
    assert tasks["radacs_shared_buffer_p3_b2_d4_w8_rr"]["cover"]["covers_total"] == 5 * 3 + 1


# (name, regex of the generated text, replacement, the properties one of which must
# fail: the solver reports the first it breaks).  The
# instance prefixes (``_req_col0``, ``_port1``...) may carry MyHDL's uniquifying
# suffixes, hence the regexes.
BROKEN = [
    # bank 0's arbiter sees every eligible port, whatever bank it addresses
    ("bank", r"assign (_req_col0\w*_req) = \(elig & _req_col0\w*_bcol\);",
     r"assign \1 = elig;", ("P1", "P3")),
    # one credit too many: a fourth read is accepted with three outstanding
    ("credit", r"(_port0\w*_credit) = \((_port0\w*_cred_q) < 3\);", r"\1 = (\2 < 4);",
     ("P2",)),
    # the response is shown only from the second queue entry: late
    ("latency", r"(_port1\w*_rsp_valid) = \((_port1\w*_cnt_q) != 0\);", r"\1 = (\2 > 1);",
     ("P7",)),
]


@pytest.mark.tools
@pytest.mark.parametrize("name,good,bad,prop", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_design_fails(tmp_path, name, good, bad, prop):
    src = convert.generate("shared_buffer", SET, tmp_path / "gen").read_text()
    mutated, n = re.subn(good, bad, src)
    assert n == 1, "the generated Verilog changed: update the mutation"
    broken = tmp_path / f"broken_{name}.v"
    broken.write_text(mutated)
    r = formal.run_set("shared_buffer", SET, tmp_path / "build", tasks=("prove",),
                       dut_file=broken, echo=None)
    (t,) = r.tasks
    assert t.status == "FAIL" and not r.ok, t
    assert any(f" {p} " in f for f in t.failed for p in prop), t.failed
    assert t.trace and Path(t.trace).is_file(), t


def test_formal_set_is_the_documented_one():
    sets = formal.formal_set("shared_buffer")
    assert [(s["P"], s["B"], s["DEPTH"], s["DATA_W"], s["ARB"]) for s in sets] == [
        (3, 2, 4, 8, "rr"), (2, 2, 4, 8, "wrr")]
