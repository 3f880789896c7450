"""Staleness models: DeepCache (models/deepcache.py) and AsyncDiff (models/asyncdiff.py)."""
from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from ip.cli import main
from models import asyncdiff, deepcache, unet

MODELS = st.sampled_from(unet.MODELS)


@st.composite
def model_branch(draw):
    m = draw(MODELS)
    return m, draw(st.sampled_from(deepcache.branches(m)))


# --- DeepCache --------------------------------------------------------------------------

def test_sd15_default_branch_runs_the_shallow_skip_branch_only():
    layers = [g.layer for g in deepcache.retrieve_gemms("sd15", "0.0")]
    tops = {".".join(l.split(".")[:5]) for l in layers}
    assert tops == {"time_embedding.linear_1", "time_embedding.linear_2", "conv_in",
                    "conv_out", "down_blocks.0.resnets.0.conv1",
                    "down_blocks.0.resnets.0.time_emb_proj", "down_blocks.0.resnets.0.conv2",
                    "down_blocks.0.attentions.0.proj_in", "down_blocks.0.attentions.0.proj_out",
                    "down_blocks.0.attentions.0.transformer_blocks",
                    "up_blocks.3.resnets.2.conv1", "up_blocks.3.resnets.2.time_emb_proj",
                    "up_blocks.3.resnets.2.conv2", "up_blocks.3.resnets.2.conv_shortcut",
                    "up_blocks.3.attentions.2.proj_in", "up_blocks.3.attentions.2.proj_out",
                    "up_blocks.3.attentions.2.transformer_blocks"}
    # The figure for the SD1.5 feature cache: 320 x 64 x 64 bytes in int8.
    assert deepcache.cached_feature("sd15", "0.0") == (320, 64, 64)
    assert deepcache.cache_bytes("sd15") == 320 * 64 * 64
    assert deepcache.cache_bytes("sd15", cfg=True, dtype="fp16") == 4 * 320 * 64 * 64


@settings(max_examples=40, deadline=None)
@given(mb=model_branch(), batch=st.integers(1, 3), cfg=st.booleans(),
       res=st.sampled_from([None, "256", "200x136", "576x768"]))
def test_retrieve_step_is_an_ordered_subset_and_the_cache_fits_the_gap(mb, batch, cfg, res):
    model, br = mb
    full = unet.workload(model, res, batch, cfg)
    retr = deepcache.retrieve_gemms(model, br, res, batch, cfg)
    it = iter(full)
    assert all(any(g == f for f in it) for g in retr)  # subsequence, same order
    assert 0 < unet.total_macs(retr) < unet.total_macs(full)
    # Nothing deeper than the branch runs: no mid block, no downsampler of block L.
    assert not any(g.block == "mid_block" for g in retr)
    assert not any(g.layer.startswith(f"down_blocks.{br.layer_id}.downsamplers") for g in retr)
    # The first up-path resnet that runs takes [cached feature ++ skip]: its conv1 has
    # K = (C_cache + C_skip) * 9 and N = h_L * w_L of the cached feature.
    ch, h, w = deepcache.cached_feature(model, br, res)
    first_up = next(g for g in retr if g.layer.startswith("up_blocks") and
                    g.layer.endswith("conv1"))
    c = unet.get_config(model)
    assert first_up.N == h * w
    assert first_up.K // 9 - ch in c.block_out_channels
    assert deepcache.cache_bytes(model, br, res, batch, cfg) == \
        ch * h * w * batch * (2 if cfg else 1)


@pytest.mark.parametrize("model", unet.MODELS)
def test_deeper_branches_recompute_more(model):
    rows = deepcache.branch_table(model)
    macs = [r["retrieve_macs"] for r in rows]
    assert macs == sorted(macs) and len(set(macs)) == len(macs)
    assert [r["branch"] for r in rows] == [str(b) for b in deepcache.branches(model)]


def test_quad_schedule_matches_deepcache():
    # DeepCache's pipelines with their defaults (center 15, pow 1.4) on 50 steps; the
    # expected lists were produced by DeepCache's own sampling function.
    assert deepcache.quad_schedule(50, 5) == ([0, 5, 9, 13, 17, 21, 26, 31, 37, 43], 1.4)
    assert deepcache.quad_schedule(50, 2)[0] == [
        0, 2, 4, 6, 7, 9, 11, 12, 14, 15, 17, 18, 20, 22, 24, 26, 28, 30, 32, 35, 37, 39,
        42, 44, 47]
    assert deepcache.quad_schedule(100, 5, center=30)[0] == [
        0, 5, 9, 14, 18, 22, 26, 30, 34, 38, 43, 47, 52, 58, 63, 69, 75, 81, 87, 93]


@settings(max_examples=60, deadline=None)
@given(steps=st.integers(1, 1024), interval=st.integers(1, 12), data=st.data())
def test_schedules_are_well_formed(steps, interval, data):
    u = deepcache.uniform_schedule(steps, interval)
    assert u[0] == 0 and len(u) == math.ceil(steps / interval)
    assert all(b - a == interval for a, b in zip(u, u[1:]))
    center = data.draw(st.integers(0, steps - 1))
    try:
        q, p = deepcache.quad_schedule(steps, interval, center)
    except ValueError as e:  # possible only when the steps cannot be spread around center
        assert "no quad schedule" in str(e)
        return
    assert q == sorted(set(q)) and q[0] == 0 and q[-1] < steps
    assert len(q) == math.ceil(steps / interval) and 1 < p <= deepcache.QUAD_POW
    bits = deepcache.schedule_bitmap(steps, q)
    assert len(bits) == steps and sum(bits) == len(q) and bits[0] == 1


@settings(max_examples=30, deadline=None)
@given(model=MODELS, interval=st.integers(1, 10), steps=st.integers(1, 100))
def test_mac_reduction(model, interval, steps):
    r = deepcache.report(model, steps=steps, interval=interval)
    full, retr = r["full_step"]["macs"], r["retrieve_step"]["macs"]
    n_full = math.ceil(steps / interval)
    assert r["schedule"]["n_full"] == n_full
    assert r["macs"]["deepcache"] == n_full * full + (steps - n_full) * retr
    assert r["macs"]["reduction"] == pytest.approx(steps * full / r["macs"]["deepcache"])
    assert 1 <= r["macs"]["reduction"] <= full / retr
    if interval == 1:
        assert r["macs"]["reduction"] == 1


@pytest.mark.parametrize("call, match", [
    (lambda: deepcache.retrieve_gemms("sd15", "4.0"), "branch: layer id must be in 0..3"),
    (lambda: deepcache.retrieve_gemms("sd15", "0.2"), "branch: block id must be in 0..1"),
    (lambda: deepcache.retrieve_gemms("sd15", "x"), "branch: expected LAYER.BLOCK"),
    (lambda: deepcache.uniform_schedule(50, 0), "interval: .*got 0"),
    (lambda: deepcache.uniform_schedule(0, 3), "steps: .*got 0"),
    (lambda: deepcache.quad_schedule(50, 3, center=50), "center: must be in 0..49"),
    (lambda: deepcache.quad_schedule(50, 3, power=1.0), "power: must be > 1"),
    (lambda: deepcache.bitmap_schedule(10, [1, 3]), "schedule: step 0 must be a full step"),
    (lambda: deepcache.bitmap_schedule(10, [0, 10]), "schedule: full step 10 is outside"),
    (lambda: deepcache.cache_bytes("sd15", dtype="fp32"), "dtype: must be one of"),
])
def test_deepcache_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_deepcache_cli(tmp_path, capsys):
    out = tmp_path / "dc.json"
    assert main(["deepcache", "--model", "sd15", "--schedule", "quad", "--interval", "5",
                 "--gemms", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "0 5 9 13 17 21 26 31 37 43" in text and "reduction" in text
    assert "up_blocks.3.resnets.2.conv1" in text
    data = json.loads(out.read_text())
    assert data["schedule"]["full_steps"][:3] == [0, 5, 9]
    assert data["cached_feature"]["bytes"]["int8"] == 320 * 64 * 64
    assert len(data["branches"]) == 8
    assert main(["deepcache", "--model", "tiny-sdxl", "--full-steps", "0,4,9",
                 "--steps", "12", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schedule"]["n_full"] == 3 and data["schedule"]["kind"] == "bitmap"


# --- AsyncDiff --------------------------------------------------------------------------

def _brute_force(macs, k):
    n = len(macs)
    best = None
    for cuts in itertools.combinations(range(1, n), k - 1):
        starts = [0, *cuts]
        ends = [*cuts, n]
        v = max(sum(macs[s:e]) for s, e in zip(starts, ends))
        best = v if best is None else min(best, v)
    return best


@settings(max_examples=150, deadline=None)
@given(macs=st.lists(st.integers(0, 1000), min_size=4, max_size=11), k=st.integers(2, 4))
def test_balanced_split_is_optimal(macs, k):
    starts = asyncdiff.balanced_split(macs, k)
    assert starts[0] == 0 and starts == sorted(set(starts)) and len(starts) == k
    ends = starts[1:] + [len(macs)]
    got = max(sum(macs[s:e]) for s, e in zip(starts, ends))
    assert got == _brute_force(macs, k)


@settings(max_examples=30, deadline=None)
@given(model=MODELS, k=st.integers(2, 4), steps=st.integers(1, 60), data=st.data())
def test_asyncdiff_split(model, k, steps, data):
    warmup = data.draw(st.integers(0, steps))
    r = asyncdiff.split(model, k, steps=steps, warmup=warmup)
    segs = [s["segment"] for s in r["segments"]]
    assert sum(p["macs"] for p in r["parts"]) == r["step_macs"] == \
        unet.total_macs(unet.workload(model))
    assert sum(p["segments"] for p in r["parts"]) == len(segs)
    assert [p["first"] for p in r["parts"]][1:] == r["boundaries"]
    assert segs[0] == "stem"
    assert 1 <= r["speedup"] <= r["steady_state_speedup"] <= k
    if warmup == steps:
        assert r["speedup"] == 1


def test_asyncdiff_cli_and_errors(capsys):
    assert main(["asyncdiff", "--model", "sd15"]) == 0
    out = capsys.readouterr().out
    assert out.count("ideal speedup") == 3
    assert main(["asyncdiff", "--model", "sdxl", "-k", "4", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["components"] == 4
    with pytest.raises(ValueError, match="components: must be 2..4, got 5"):
        asyncdiff.split("sd15", 5)
    with pytest.raises(ValueError, match=r"warmup: must be in 0..steps \(10\), got 11"):
        asyncdiff.split("sd15", 2, steps=10, warmup=11)


def test_docs_figures_are_current():
    """docs/models.md quotes these figures; they must be what the models compute."""
    from pathlib import Path

    text = Path(__file__).resolve().parents[1].joinpath("docs", "models.md").read_text()
    want = []
    for m in unet.MODELS:
        s = unet.summary(unet.workload(m))
        want.append(f"**{s['macs'] / 1e9:.3f}**".replace(",", ""))
        want.append(f"| {s['gemms']} | {s['distinct_shapes']} |")
        rows = [deepcache.report(m, interval=n)["macs"]["reduction"] for n in (3, 5)]
        quad = deepcache.report(m, interval=5, schedule="quad")["macs"]["reduction"]
        want.append(f"| {rows[0]:.3f}× | {rows[1]:.3f}× | {quad:.3f}× |")
        want += [f"{asyncdiff.split(m, k)['speedup']:.3f}×" for k in (2, 3, 4)]
    missing = [w for w in want if w not in text]
    assert not missing, f"docs/models.md is stale; missing {missing}"
