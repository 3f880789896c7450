"""models/hmmu_rtl.py, the HMMU's exact cycle model: its checks, and its agreement with
CYCLES measured on the RTL (tests/data/hmmu_4x4_cycles.json; the live comparison runs in
tests/test_hmmu_smoke.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import hmmu_rtl

DATA = Path(__file__).parent / "data" / "hmmu_4x4_cycles.json"


def test_model_matches_every_measured_command():
    rows = json.loads(DATA.read_text())["measurements"]
    assert len(rows) >= 60
    bad = [(r, m) for r in rows
           if (m := hmmu_rtl.cycles(r["M"], r["K"], r["N"], r["TILE_M"], 4, 4,
                                    1 if r["requant_en"] else 4,
                                    bool(r["bias_en"] or r["requant_en"]))) != r["CYCLES"]]
    assert not bad, bad[:5]


@pytest.mark.parametrize("name,kw", [("M", dict(M=0)), ("K", dict(K=-1)), ("N", dict(N=1.5)),
                                     ("TILE_M", dict(tile_m=6))])
def test_bad_arguments_name_the_parameter(name, kw):
    args = dict(M=4, K=4, N=4, tile_m=4, rows=4, cols=4, out_bytes=1, params_on=False)
    args.update(kw)
    with pytest.raises(ValueError, match=rf"hmmu: {name} must"):
        hmmu_rtl.cycles(**args)


def test_compute_bound_stages_cost_the_passes():
    """Long K, many tiles: each stage is the passes (np*PL + 2), so adding one column
    tile adds exactly that."""
    base = dict(M=8, K=200, tile_m=8, rows=4, cols=4, out_bytes=1, params_on=True)
    t5 = hmmu_rtl.cycles(N=20, **base)
    t6 = hmmu_rtl.cycles(N=24, **base)
    assert t6 - t5 == 2 * 200 + 2


def test_readme_example_command():
    """The worked example of ip/hmmu/README.md ("Timing of one command")."""
    assert hmmu_rtl.counters(8, 16, 8, 8, 4, 4, 1, True) == {
        "CYCLES": 197, "ACTIVE": 64, "STALL_MEM": 107, "STALL_OUT": 19,
        "RD_BYTES0": 384, "WR_BYTES0": 64}


def test_cycle_exact_domain_covers_the_measured_sets():
    import ip.hmmu as hmmu

    exact = {hmmu.module_name(s): hmmu_rtl.cycle_exact(s["MAX_BURST"], s["OUTSTANDING"])
             for s in hmmu.SUPPORTED}
    assert exact == {"radacs_hmmu_r4_c4_wb4k_xb4k_ob512_mb16_o8": True,
                     "radacs_hmmu_r8_c8_wb128k_xb32k_ob16k_mb16_o8": True,
                     "radacs_hmmu_r16_c16_wb64k_xb64k_ob8k_mb16_o8": True,
                     "radacs_hmmu_r8_c4_wb4k_xb2k_ob1k_mb4_o1": False}
