"""ip/lmmu/README.md's worked example ("Timing of one command") is the RTL's: the
committed 4x4 Verilog runs the command on Icarus without pauses (verif/lmmu/lmmu_trace.py)
and the README's timing block must equal the one rendered from that simulation
(~1 min on 2 shared cores).  Regenerate the block with
``python tests/test_lmmu_timing.py`` (under .venv/radacs-env.sh)."""
from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ip.common import tools  # noqa: E402
from ip.lmmu import SUPPORTED, module_name  # noqa: E402

README = REPO / "ip" / "lmmu" / "README.md"
SET = SUPPORTED[0]           # 4x4: W 512 B, X 512 B, O 4 KiB
# M, K, N, TILE_M, TILE_N, TILE_K, bias_en, requant_en, seed: one output tile, two K
# chunks (double-buffered W and X), two row blocks, two column groups, requantised.
CASE = [8, 16, 8, 8, 8, 8, 0, 1, 1]
MARK = re.compile(r"<!-- timing:begin -->\n(.*?)<!-- timing:end -->", re.S)


def measure(workdir: Path, monkeypatch=None) -> dict:
    """Simulate CASE on the committed Verilog of SET; the trace (verif.lmmu.lmmu_trace)."""
    from cocotb_tools.runner import get_runner

    from verif.common import runner as vrun

    top = module_name(SET)
    src = REPO / "ip" / "lmmu" / "generated" / f"{top}.v"
    out = workdir / "trace.json"
    env = {"RADACS_TRACE_CASE": json.dumps(CASE), "RADACS_TRACE_OUT": str(out),
           "RADACS_SMOKE_PAUSE": "0"}
    if monkeypatch is not None:
        for k, v in env.items():
            monkeypatch.setenv(k, v)
    else:
        import os
        os.environ.update(env)
    tools.apply_tool_env()
    r = get_runner("icarus")
    r.build(sources=[src], hdl_toplevel=top, build_dir=workdir / "build",
            timescale=("1ns", "1ps"))
    vrun.run_cocotb(r, hdl_toplevel=top, test_module="verif.lmmu.lmmu_trace",
                    build_dir=workdir / "build", test_dir=workdir,
                    results_xml=str(workdir / "results.xml"))
    res = vrun.parse_results(workdir / "results.xml")
    assert len(res) == 1 and res[0].passed, res
    return json.loads(out.read_text())


@pytest.mark.sim
def test_readme_timing_is_the_simulated_one(tmp_path, monkeypatch):
    from verif.lmmu.lmmu_trace import render

    trace = measure(tmp_path, monkeypatch)
    m = MARK.search(README.read_text())
    assert m, "ip/lmmu/README.md lacks the timing markers"
    assert m.group(1) == render(trace), \
        "README timing block differs from the simulation: python tests/test_lmmu_timing.py"
    # the command's invariants, independent of timing
    c = trace["counters"]
    M, K, N, tm, tn, tk, *_ = CASE
    R, C = SET["ROWS"], SET["COLS"]
    assert c["ACTIVE"] == K * (M // R) * (N // C)
    assert c["WR_BYTES1"] == M * N and c["RD_BYTES1"] == K * N
    assert c["RD_BYTES0"] == M * K + 16 * M


if __name__ == "__main__":   # rewrite the README's block from a fresh simulation
    from verif.lmmu.lmmu_trace import render

    block = render(measure(Path(tempfile.mkdtemp(prefix="lmmu_trace_"))))
    text = README.read_text()
    new = MARK.sub(lambda _: f"<!-- timing:begin -->\n{block}<!-- timing:end -->", text)
    README.write_text(new)
    print(block)
