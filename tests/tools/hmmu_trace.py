"""Trace the HMMU 4x4's phases for a list of shapes (development aid of models/hmmu_rtl.py).

Usage: tests/tools/hmmu_trace.py '[[M, K, N, TILE_M, bias_en, requant_en, seed], ...]' out.json
(under .venv/radacs-env.sh).  Prints the cases whose CYCLES differ from the model.
"""
import json, os, sys, tempfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from cocotb_tools.runner import get_runner
from ip.common import tools
from ip.hmmu.hmmu import hmmu, ports
from verif.common import runner as vrun
CFG = dict(ROWS=4, COLS=4, WBUF_BYTES=4096, XBUF_BYTES=4096, OBUF_BYTES=512)
cases = json.loads(sys.argv[1])
out = sys.argv[2]
tmp = Path(tempfile.mkdtemp(prefix="hmmu_trace_"))
tools.apply_tool_env()
hmmu(**ports(CFG), **CFG).convert(hdl="Verilog", path=str(tmp), name="radacs_hmmu_smoke", testbench=False, timescale="1ns/1ps")
r = get_runner("icarus")
r.build(sources=[tmp / "radacs_hmmu_smoke.v"], hdl_toplevel="radacs_hmmu_smoke", build_dir=tmp / "build", timescale=("1ns", "1ps"))
os.environ["RADACS_SMOKE_CASES"] = json.dumps(cases)
os.environ["RADACS_SMOKE_TRACE"] = out
vrun.run_cocotb(r, hdl_toplevel="radacs_hmmu_smoke", test_module="verif.hmmu.hmmu_trace", build_dir=tmp / "build", test_dir=tmp, results_xml=str(tmp / "results.xml"))

from models.hmmu_rtl import cycles  # noqa: E402
for d in json.load(open(out)):
    M, K, N, TM, be, rq = d["case"]
    m = cycles(M, K, N, TM, 4, 4, 1 if rq else 4, bool(be or rq))
    print(d["case"], "CYCLES", d["cycles"], "model", m, "" if m == d["cycles"] else "MISMATCH")
