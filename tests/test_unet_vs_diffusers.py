"""``models/unet.py`` against a trace of diffusers itself, GEMM by GEMM.

The fixtures ``tests/data/diffusers_trace_*.json`` record, in execution order, every
Conv2d / Linear call and both matmuls of every attention that diffusers'
``UNet2DConditionModel`` ran in one forward (made by ``tests/tools/trace_diffusers.py`` with
torch and diffusers in a scratch venv; this test needs neither).  The pure-Python
workload must reproduce each list exactly: same layers, same order, same shapes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.unet import total_macs, workload

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("diffusers_trace_*.json"))
EXPECTED = {"sd15", "sdxl", "tiny-sdxl", "sd15_576x768", "tiny-sdxl_200x136"}


def _case(path: Path) -> str:
    return path.stem.removeprefix("diffusers_trace_")


def _macs(e: dict) -> int:
    return e["M"] * e["K"] * e["N"] * e.get("groups", 1) * e.get("heads", 1) * e["batch"]


def test_all_fixtures_present():
    assert {_case(p) for p in FIXTURES} >= EXPECTED


@pytest.mark.parametrize("path", FIXTURES, ids=_case)
def test_workload_matches_diffusers(path):
    fx = json.loads(path.read_text())
    assert fx["batch"] == 1
    gemms = workload(fx["model"], resolution=fx["resolution"], batch=1)
    ours = [{k: v for k, v in g.to_dict().items() if k != "macs"} for g in gemms]
    ref = fx["gemms"]
    where = (f"{fx['model']} at {fx['resolution']} px (diffusers {fx['diffusers']}, "
             f"torch {fx['torch']})")

    for i, (a, b) in enumerate(zip(ours, ref)):
        if a != b:
            keys = [k for k in dict.fromkeys([*b, *a]) if a.get(k) != b.get(k)]
            ctx = "\n".join(f"    [{j}] {ref[j]['op']} {ref[j]['layer']}"
                            for j in range(max(0, i - 3), i))
            pytest.fail(f"{where}: GEMM #{i} differs ({', '.join(keys)})\n"
                        f"  preceding (agree):\n{ctx}\n"
                        f"  models.unet: {a}\n"
                        f"  diffusers:   {b}", pytrace=False)
    if len(ours) != len(ref):
        n = min(len(ours), len(ref))
        extra = ours[n] if len(ours) > n else ref[n]
        who = "models.unet" if len(ours) > n else "diffusers"
        pytest.fail(f"{where}: models.unet has {len(ours)} GEMMs, diffusers {len(ref)}; "
                    f"first extra one ({who}) at #{n}: {extra}", pytrace=False)

    assert total_macs(gemms) == sum(_macs(e) for e in ref)
    assert [g.macs for g in gemms] == [_macs(e) for e in ref]


def test_sd15_512_total():
    """The headline figure: SD 1.5, 512 px, batch 1 = 401.64 GMAC, as diffusers runs it."""
    fx = json.loads((DATA / "diffusers_trace_sd15.json").read_text())
    assert fx["resolution"] == 512
    ref = sum(_macs(e) for e in fx["gemms"])
    assert ref == total_macs(workload("sd15", resolution=512, batch=1)) == 401_636_720_640
