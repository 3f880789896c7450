"""The U-Net workload (models/unet.py) and ``radacs workload``.

Layer-by-layer agreement with diffusers itself is tests/test_unet_vs_diffusers.py; here:
the acceptance total, structural invariants of every list (Hypothesis over model,
resolution, batch, CFG), batch/CFG scaling and the CLI.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from ip.cli import main
from models import unet

MODELS = st.sampled_from(unet.MODELS)
# Multiples of 8 px, including ones whose latent is odd or not a multiple of the overall
# down factor (diffusers' forward_upsample_size path).
RES = st.tuples(st.integers(1, 40), st.integers(1, 40)).map(lambda t: f"{8 * t[0]}x{8 * t[1]}")


def test_sd15_total_is_401_64_gmac():
    total = unet.total_macs(unet.workload("sd15", 512, batch=1))
    assert round(total / 1e9, 2) == 401.64
    assert total == 401_636_720_640


def test_default_resolutions_and_counts():
    for model, px in (("sd15", 512), ("sdxl", 1024), ("tiny-sdxl", 256)):
        assert unet.get_config(model).default_resolution == px
        assert unet.workload(model) == unet.workload(model, px)
    # Per op: every Conv2d / Linear / attention call of the configs (counted by hand from
    # the block structure: sd15 has 16 transformer blocks, each 2 attentions).
    g = unet.workload("sd15")
    assert sum(x.op == "attn_qk" for x in g) == 32
    assert sum(x.op == "attn_av" for x in g) == 32
    sdxl = unet.workload("sdxl")
    # SDXL: 2x1 + 2x10 down, 10 mid, 3x10 + 3x2 up = 70 transformer blocks.
    assert sum(x.op == "attn_qk" for x in sdxl) == 2 * 70


@settings(max_examples=40, deadline=None)
@given(model=MODELS, res=RES)
def test_structure_invariants(model, res):
    c = unet.get_config(model)
    gemms = unet.workload(model, res)
    h, w = (int(v) // 8 for v in res.split("x"))
    assert all(g.op in unet.OPS and min(g.M, g.K, g.N, g.count) >= 1 for g in gemms)
    # (layer, op) identifies a GEMM; attention pairs share their layer.
    keys = [(g.layer, g.op) for g in gemms]
    assert len(keys) == len(set(keys))
    assert gemms[0].layer == "time_embedding.linear_1"
    conv_in = next(g for g in gemms if g.layer == "conv_in")
    assert (conv_in.M, conv_in.K, conv_in.N) == (c.block_out_channels[0], 4 * 9, h * w)
    conv_out = gemms[-1]
    assert (conv_out.layer, conv_out.M, conv_out.N) == ("conv_out", 4, h * w)
    by = {(g.layer, g.op): g for g in gemms}
    for g in gemms:
        if g.op == "attn_qk":
            av = by[(g.layer, "attn_av")]
            q = by[(g.layer + ".to_q", "linear")]
            k = by[(g.layer + ".to_k", "linear")]
            assert av.K == g.M == k.N          # seq_len(k)
            assert av.M == g.K                 # d_head
            assert av.N == g.N == q.N          # seq_len(q)
            assert g.K * g.heads == q.M        # heads x d_head = inner dim
            if g.layer.endswith("attn2"):
                assert g.M == unet.TEXT_TOKENS and k.K == c.cross_attention_dim
            else:
                assert g.M == g.N
        if g.layer.endswith("time_emb_proj") or g.layer.startswith(("time_emb", "add_emb")):
            assert g.N == 1
    # Channels and resolution do not depend on each other: weights are the same shapes.
    base = unet.workload(model)
    assert [(g.layer, g.op) for g in gemms] == [(g.layer, g.op) for g in base]
    for a, b in zip(gemms, base):
        if a.op in ("conv2d", "linear"):
            assert (a.M, a.K) == (b.M, b.K)


@settings(max_examples=30, deadline=None)
@given(model=MODELS, batch=st.integers(1, 9), cfg=st.booleans())
def test_batch_and_cfg_scale(model, batch, cfg):
    one = unet.workload(model)
    many = unet.workload(model, batch=batch, cfg=cfg)
    factor = batch * (2 if cfg else 1)
    assert [(g.layer, g.op, g.shape) for g in many] == [(g.layer, g.op, g.shape) for g in one]
    assert all(g.batch == factor for g in many)
    assert unet.total_macs(many) == factor * unet.total_macs(one)


@settings(max_examples=20, deadline=None)
@given(model=MODELS, res=RES)
def test_transposed_resolution_same_macs(model, res):
    h, w = res.split("x")
    assert unet.total_macs(unet.workload(model, res)) == \
        unet.total_macs(unet.workload(model, f"{w}x{h}"))


@pytest.mark.parametrize("kwargs, match", [
    (dict(model="sd3"), "model: unknown model 'sd3'"),
    (dict(model="sd15", resolution=500), "resolution: .*multiple of 8.*got 500"),
    (dict(model="sd15", resolution="0"), "resolution: .*got 0"),
    (dict(model="sd15", resolution="512xabc"), "resolution: expected PX or HxW"),
    (dict(model="sd15", batch=0), "batch: must be an integer >= 1, got 0"),
    (dict(model="sd15", batch=-2), "batch: .*got -2"),
    (dict(model="sd15", batch=1.5), "batch: .*got 1.5"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        unet.workload(**kwargs)


def test_high_res_split():
    g = unet.workload("sd15")
    conv_in = next(x for x in g if x.layer == "conv_in")
    deep = next(x for x in g if x.layer == "down_blocks.3.resnets.0.conv1")
    assert unet.is_high_res(conv_in) and not unet.is_high_res(deep)


# --- CLI --------------------------------------------------------------------------------

def test_cli_json_is_the_gemm_list(tmp_path, capsys):
    out = tmp_path / "w.json"
    assert main(["workload", "--model", "tiny-sdxl", "--batch", "2", "--cfg",
                 "--format", "json", "--json", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text())
    ref = unet.workload("tiny-sdxl", batch=2, cfg=True)
    assert len(printed) == len(ref)
    for obj, g in zip(printed, ref):
        assert obj["batch"] == 4
        assert {"op", "layer", "M", "K", "N", "batch", "macs"} <= set(obj)
        assert ("groups" in obj) == (g.op == "conv2d")
        assert ("heads" in obj) == g.op.startswith("attn")
        assert (obj["M"], obj["K"], obj["N"], obj["macs"]) == (g.M, g.K, g.N, g.macs)


def test_cli_table(capsys):
    assert main(["workload", "--model", "sd15", "--summary"]) == 0
    out = capsys.readouterr().out
    assert "401.637 GMAC per step" in out and "attn_qk" in out and "up_blocks.3" in out
    assert main(["workload", "--model", "sd15", "--resolution", "768"]) == 0
    out = capsys.readouterr().out
    assert "768x768 px" in out and "down_blocks.0.attentions.0.transformer_blocks.0.attn1" in out


@pytest.mark.parametrize("argv", [
    ["workload", "--model", "sd3"],
    ["workload", "--resolution", "500"],
    ["workload", "--resolution", "-64"],
    ["workload", "--batch", "-1"],
    ["workload", "--batch", "two"],
    ["workload", "--format", "xml"],
    ["deepcache", "--model", "nope"],
    ["deepcache", "--branch", "4.0"],
    ["deepcache", "--interval", "0"],
    ["asyncdiff", "-k", "5"],
    ["plan", "--model", "nope"],
])
def test_cli_bad_arguments_one_line_exit_2(argv):
    r = subprocess.run([sys.executable, "-m", "ip.cli", *argv], capture_output=True,
                       text=True)
    assert r.returncode == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0], r.stderr
    assert r.stdout == ""
