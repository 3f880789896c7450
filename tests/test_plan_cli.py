"""``radacs plan`` and ``radacs plot`` (models/plan.py): output, JSON schema, PNGs, errors.

In-process through ``ip.cli.main`` for the content, through a subprocess for the exit
status and the one-line error contract.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ip.cli import main
from models import dune, mmu, unet

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def radacs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ip.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def run_json(capsys, *args) -> dict:
    assert main(["plan", *args, "--format", "json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


LAYER_KEYS = {"index", "layer", "op", "M", "K", "N", "count", "class", "macs", "cycles",
              "utilisation", "dram_bytes", "lower_bound_bytes", "bytes_ratio", "hmmu", "lmmu",
              "dune", "equal_pe"}
COST_KEYS = {"unit", "M", "K", "N", "count", "out_bytes", "tiling", "segments", "steps",
             "cycles", "macs", "utilisation", "steady_utilisation", "bound", "dram_bytes",
             "lower_bound_bytes", "plain_bound_bytes", "bytes_ratio"}


@pytest.mark.parametrize("engine", ["hmmu", "lmmu", "dune"])
def test_json_schema_and_consistency(capsys, engine):
    rep = run_json(capsys, "--model", "tiny-sdxl", "--engine", engine)
    gemms = unet.workload("tiny-sdxl")
    assert rep["model"] == "tiny-sdxl" and rep["engine"] == engine
    assert rep["resolution"] == [256, 256] and rep["batch"] == 1 and rep["unet_batch"] == 1
    assert rep["high_res_rule"] == "N >= K" and "baseline" in rep and "dram" in rep
    assert rep["units"]["hmmu"] == mmu.HMMU_DEFAULT.to_dict()
    assert rep["units"]["lmmu"] == mmu.LMMU_DEFAULT.to_dict()
    assert len(rep["layers"]) == len(gemms)
    for r, g in zip(rep["layers"], gemms):
        assert set(r) == LAYER_KEYS
        assert (r["layer"], r["M"], r["K"], r["N"], r["count"]) == \
            (g.layer, g.M, g.K, g.N, g.count)
        assert r["class"] == ("high_res" if g.N >= g.K else "low_res")
        assert set(r["hmmu"]) == COST_KEYS and set(r["lmmu"]) == COST_KEYS
        assert r["lower_bound_bytes"] == (g.M * g.K + g.K * g.N + g.M * g.N) * g.count
        assert r["bytes_ratio"] >= 1 and 0 < r["utilisation"] <= 1
        want = r["dune"]["makespan"] if engine == "dune" else r[engine]["cycles"]["total"]
        assert r["cycles"] == want
    s = rep["summary"]
    for e in ("hmmu", "lmmu", "dune"):
        per = [r[e]["cycles"]["total"] if e != "dune" else r["dune"]["makespan"]
               for r in rep["layers"]]
        assert s["cycles"][e]["all"] == sum(per)
        assert s["cycles"][e]["all"] == s["cycles"][e]["high_res"] + s["cycles"][e]["low_res"]
    for b in ("hmmu", "lmmu"):
        for c in dune.CLASSES:
            assert s["speedup"][f"vs_{b}"][c] == pytest.approx(
                s["cycles"][b][c] / s["cycles"]["dune"][c])
            assert s["speedup"][f"vs_{b}"][c] >= 1
    assert s["radacs_reported"] == {"high_res": 1.17, "low_res": 1.47}
    # the equal-PE baselines: units, cycles (per layer and per class), speedups
    want_units = dune.equal_pe_baselines(mmu.HMMU_DEFAULT, mmu.LMMU_DEFAULT)
    assert rep["equal_pe_units"] == {e: c.to_dict() for e, c in want_units.items()}
    for e in dune.EQUAL_PE:
        assert s["cycles"][e]["all"] == sum(r["equal_pe"][e] for r in rep["layers"])
        assert s["cycles"][e]["all"] == s["cycles"][e]["high_res"] + s["cycles"][e]["low_res"]
        for c in dune.CLASSES:
            assert s["speedup"][f"vs_{e}"][c] == pytest.approx(
                s["cycles"][e][c] / s["cycles"]["dune"][c], rel=1e-12)
        assert s["speedup_total"][f"vs_{e}"] == pytest.approx(
            s["cycles"][e]["all"] / s["dune_total"], rel=1e-12)
    assert set(s["speedup"]) == {f"vs_{b}" for b in dune.BASELINES}
    assert s["pipeline"] is None and s["dune_policy"] == "tensor-parallel"
    assert s["hmmu_rejected"] == []
    assert s["layers"]["all"] == len(gemms)


def test_table_output(capsys):
    assert main(["plan", "--model", "tiny-sdxl"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("tiny-sdxl at 256x256 px, U-Net batch 1, engine DU-NE")
    assert any(l.split()[:3] == ["#", "layer", "op"] and l.rstrip().endswith("split")
               for l in lines)
    rows = [l for l in lines if l[:5].strip().isdigit()]
    assert len(rows) == len(unet.workload("tiny-sdxl"))
    assert "down_blocks.0.resnets.0.conv1" in out
    for label in ("HMMU-only", "LMMU-only", "DU-NE", "over HMMU-only", "over LMMU-only"):
        assert label in out
    radacs_line = next(l for l in lines if l.startswith("RADACS reported"))
    assert radacs_line.split()[2:4] == ["1.17x", "1.47x"]
    # the equal-PE rows sit next to the RADACS row and match the plan's cycles
    i = lines.index(radacs_line)
    assert lines[i - 2].startswith("over HMMU-2x (equal PEs)")
    assert lines[i - 1].startswith("over LMMU-2x (equal PEs)")
    p = dune.plan(unet.workload("tiny-sdxl"))
    for line, e in zip(lines[i - 2:i], dune.EQUAL_PE):
        want = [f"{p.total(e, c) / p.total('dune', c):.2f}x" for c in dune.CLASSES]
        assert line.split()[-3:] == want
    assert "equal-PE baseline HMMU-2x: hmmu 32x16" in out


def test_top_and_json_file(capsys, tmp_path):
    f = tmp_path / "plan.json"
    assert main(["plan", "--model", "tiny-sdxl", "--engine", "hmmu", "--top", "5",
                 "--json", str(f)]) == 0
    out = capsys.readouterr().out
    rows = [l for l in out.splitlines() if l[:5].strip().isdigit()]
    assert len(rows) == 5
    cycles = [int(r.split()[8].replace(",", "")) for r in rows]
    assert cycles == sorted(cycles, reverse=True)
    rep = json.loads(f.read_text())
    assert len(rep["layers"]) == len(unet.workload("tiny-sdxl"))      # the file is whole
    assert max(r["cycles"] for r in rep["layers"]) == cycles[0]
    assert "(5 of 231 layers, most cycles first)" in out


def test_cfg_batch_reports_the_pipelined_schedule(capsys):
    rep = run_json(capsys, "--model", "tiny-sdxl", "--cfg", "--batch", "2")
    assert rep["unet_batch"] == 4 and rep["cfg"] is True
    pipe = rep["summary"]["pipeline"]
    assert pipe["streams"] == [2, 2]
    assert rep["summary"]["dune_total"] == min(pipe["makespan"], pipe["tensor_parallel"])
    assert all(r["count"] % 4 == 0 for r in rep["layers"])
    assert main(["plan", "--model", "tiny-sdxl", "--cfg", "--top", "1"]) == 0
    assert "multi-batch pipelining" in capsys.readouterr().out


def test_resolution_and_out_bytes(capsys):
    rep = run_json(capsys, "--model", "sd15", "--resolution", "256", "--out-bytes", "4")
    assert rep["resolution"] == [256, 256] and rep["out_bytes"] == 4
    r = next(r for r in rep["layers"] if r["layer"] == "conv_in")
    assert r["N"] == 32 * 32                                  # the 32x32 latent
    assert r["lower_bound_bytes"] == r["M"] * r["K"] + r["K"] * r["N"] + 4 * r["M"] * r["N"]
    rep = run_json(capsys, "--model", "tiny-sdxl", "--resolution", "128x64")
    assert rep["resolution"] == [128, 64]


def test_plot_writes_pngs(capsys, tmp_path):
    out = tmp_path / "figs"
    assert main(["plot", "--model", "tiny-sdxl", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    names = sorted(p.name for p in out.iterdir())
    assert names == ["tiny-sdxl_dune.png", "tiny-sdxl_mkn.png", "tiny-sdxl_roofline.png"]
    assert sorted(Path(p).name for p in printed) == names
    for p in out.iterdir():
        data = p.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 20_000


def test_plan_subprocess_exit_0():
    r = radacs("plan", "--model", "tiny-sdxl", "--engine", "lmmu", "--top", "3")
    assert r.returncode == 0, r.stderr
    assert r.stderr == "" and "LMMU-only" in r.stdout


@pytest.mark.parametrize("args, needle", [
    (["plan", "--model", "sd3"], "invalid choice: 'sd3'"),
    (["plan"], "--model"),
    (["plan", "--model", "sd15", "--resolution", "100"], "resolution"),
    (["plan", "--model", "sd15", "--resolution", "big"], "resolution"),
    (["plan", "--model", "sd15", "--batch", "0"], "batch: must be an integer >= 1, got 0"),
    (["plan", "--model", "sd15", "--batch", "two"], "--batch"),
    (["plan", "--model", "sd15", "--engine", "tpu"], "invalid choice: 'tpu'"),
    (["plan", "--model", "sd15", "--top", "0"], "--top"),
    (["plan", "--model", "sd15", "--out-bytes", "2"], "--out-bytes"),
    (["plot", "--model", "tiny-sdxl"], "--out"),
    (["plot", "--model", "tiny-sdxl", "--batch", "-1", "--out", "x"], "batch"),
])
def test_bad_arguments_exit_2_with_one_line(args, needle):
    r = radacs(*args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert needle in lines[0], lines[0]
    assert r.stdout == ""


def test_plot_out_is_a_file_exit_2(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = radacs("plot", "--model", "tiny-sdxl", "--out", str(f))
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"radacs: error: out: {f} exists and is not a directory"]
