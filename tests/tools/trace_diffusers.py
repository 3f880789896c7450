#!/usr/bin/env python3
"""Trace every GEMM that diffusers' ``UNet2DConditionModel`` runs in one denoising step.

This makes the reference fixtures ``tests/data/diffusers_trace_<case>.json`` that
``tests/test_unet_vs_diffusers.py`` checks ``models/unet.py`` against, layer by layer.
It is the only part of the repository that needs torch and diffusers, and only when the
fixtures are to be made again; the repository itself never imports either.

Usage (with a scratch venv that has torch and diffusers; they are not project
dependencies)::

    python3.11 -m venv /work/scratch/diffusers-venv
    /work/scratch/diffusers-venv/bin/pip install torch diffusers==0.42.1
    /work/scratch/diffusers-venv/bin/python tests/tools/trace_diffusers.py --out tests/data

How it traces
-------------
* Each U-Net is built from its published ``unet/config.json`` (copied below, so no hub
  access is needed) on the ``meta`` device: parameters and activations have shapes but
  no storage, so even SDXL (2.6 G parameters) traces in a few hundred MB of RAM and a
  few seconds.  One forward runs at batch 1, at the model's default resolution
  (latent = ``sample_size``) or at the one asked for, with 77 text tokens and, for
  SDXL-type models, ``added_cond_kwargs`` ``text_embeds`` / ``time_ids``.
* Forward hooks on every ``nn.Conv2d`` and ``nn.Linear`` record one GEMM per call, in
  execution order, named by ``named_modules()``:
  conv2d: ``M = out_channels/groups``, ``K = in_channels/groups*kh*kw``,
  ``N = out_h*out_w``; linear: ``M = out_features``, ``K = in_features``, ``N`` = the
  product of the input's dims between batch and features (1 for a ``[B, F]`` input).
* Every ``Attention`` module gets a tracing subclass of diffusers' default
  ``AttnProcessor2_0``; while it runs, ``F.scaled_dot_product_attention`` is wrapped to
  record the two attention matmuls from the actual q/k/v shapes
  (``[B, heads, seq, d_head]``): ``attn_qk`` (``M = seq_k, K = d_head, N = seq_q``) and
  ``attn_av`` (``M = d_head, K = seq_k, N = seq_q``).  They land between ``to_v`` and
  ``to_out.0``, where the processor runs them.
* Checks, so that the hooks cannot silently miss work: (1) a ``TorchDispatchMode``
  adds up the MACs of every matmul/convolution/SDPA aten op that actually runs and must
  equal the sum over the hook records; (2) every Attention call runs exactly one SDPA,
  and no SDPA runs outside an Attention; (3) for tiny-sdxl the same forward is also
  run on CPU with real (random) weights and must give the identical record list.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

import diffusers
from diffusers import UNet2DConditionModel
from diffusers.models.attention_processor import Attention, AttnProcessor2_0

VAE_FACTOR = 8
TEXT_TOKENS = 77

# Published unet/config.json of each model (private "_" keys dropped).
CONFIGS = {
    # runwayml/stable-diffusion-v1-5, unet/config.json
    "sd15": {
        "act_fn": "silu",
        "attention_head_dim": 8,
        "block_out_channels": [320, 640, 1280, 1280],
        "center_input_sample": False,
        "cross_attention_dim": 768,
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                             "CrossAttnDownBlock2D", "DownBlock2D"],
        "downsample_padding": 1,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": 4,
        "layers_per_block": 2,
        "mid_block_scale_factor": 1,
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "out_channels": 4,
        "sample_size": 64,
        "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                           "CrossAttnUpBlock2D"],
    },
    # stabilityai/stable-diffusion-xl-base-1.0, unet/config.json
    "sdxl": {
        "act_fn": "silu",
        "addition_embed_type": "text_time",
        "addition_embed_type_num_heads": 64,
        "addition_time_embed_dim": 256,
        "attention_head_dim": [5, 10, 20],
        "block_out_channels": [320, 640, 1280],
        "center_input_sample": False,
        "class_embed_type": None,
        "class_embeddings_concat": False,
        "conv_in_kernel": 3,
        "conv_out_kernel": 3,
        "cross_attention_dim": 2048,
        "cross_attention_norm": None,
        "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
        "downsample_padding": 1,
        "dual_cross_attention": False,
        "encoder_hid_dim": None,
        "encoder_hid_dim_type": None,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": 4,
        "layers_per_block": 2,
        "mid_block_only_cross_attention": None,
        "mid_block_scale_factor": 1,
        "mid_block_type": "UNetMidBlock2DCrossAttn",
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "num_attention_heads": None,
        "num_class_embeds": None,
        "only_cross_attention": False,
        "out_channels": 4,
        "projection_class_embeddings_input_dim": 2816,
        "resnet_out_scale_factor": 1.0,
        "resnet_skip_time_act": False,
        "resnet_time_scale_shift": "default",
        "sample_size": 128,
        "time_cond_proj_dim": None,
        "time_embedding_act_fn": None,
        "time_embedding_dim": None,
        "time_embedding_type": "positional",
        "timestep_post_act": None,
        "transformer_layers_per_block": [1, 2, 10],
        "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
        "upcast_attention": None,
        "use_linear_projection": True,
    },
    # hf-internal-testing/tiny-stable-diffusion-xl-pipe, unet/config.json
    "tiny-sdxl": {
        "act_fn": "silu",
        "addition_embed_type": "text_time",
        "addition_embed_type_num_heads": 64,
        "addition_time_embed_dim": 8,
        "attention_head_dim": [2, 4],
        "block_out_channels": [32, 64],
        "center_input_sample": False,
        "class_embed_type": None,
        "class_embeddings_concat": False,
        "conv_in_kernel": 3,
        "conv_out_kernel": 3,
        "cross_attention_dim": 64,
        "cross_attention_norm": None,
        "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
        "downsample_padding": 1,
        "dual_cross_attention": False,
        "encoder_hid_dim": None,
        "encoder_hid_dim_type": None,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "in_channels": 4,
        "layers_per_block": 2,
        "mid_block_only_cross_attention": None,
        "mid_block_scale_factor": 1,
        "mid_block_type": "UNetMidBlock2DCrossAttn",
        "norm_eps": 1e-05,
        "norm_num_groups": 32,
        "num_attention_heads": None,
        "num_class_embeds": None,
        "only_cross_attention": False,
        "out_channels": 4,
        "projection_class_embeddings_input_dim": 80,
        "resnet_out_scale_factor": 1.0,
        "resnet_skip_time_act": False,
        "resnet_time_scale_shift": "default",
        "sample_size": 32,
        "time_cond_proj_dim": None,
        "time_embedding_act_fn": None,
        "time_embedding_dim": None,
        "time_embedding_type": "positional",
        "timestep_post_act": None,
        "transformer_layers_per_block": [1, 2],
        "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
        "upcast_attention": False,
        "use_linear_projection": True,
    },
}

# (model, (height_px, width_px) or None for the default resolution)
CASES = [
    ("sd15", None),
    ("sdxl", None),
    ("tiny-sdxl", None),
    ("sd15", (576, 768)),       # latent 72x96: non-square
    ("tiny-sdxl", (200, 136)),  # latent 25x17: odd sizes, diffusers' upsample_size path
]


# --------------------------------------------------------------------------- tracing

class _Tracer:
    """Collects the GEMM records of one forward."""

    def __init__(self):
        self.records: list[dict] = []
        self.attn: str | None = None  # name of the Attention whose processor is running
        self.sdpa_calls = 0

    def sdpa(self, orig):
        def wrapped(query, key, value, *args, **kwargs):
            if self.attn is None:
                raise RuntimeError("scaled_dot_product_attention called outside an Attention")
            B, H, Lq, D = query.shape
            Bk, Hk, Lk, Dk = key.shape
            Bv, Hv, Lv, Dv = value.shape
            assert (Bk, Hk, Dk) == (B, H, D) and (Bv, Hv, Lv) == (B, H, Lk), \
                (query.shape, key.shape, value.shape)
            self.records.append({"op": "attn_qk", "layer": self.attn, "M": Lk, "K": D,
                                 "N": Lq, "heads": H, "batch": B})
            self.records.append({"op": "attn_av", "layer": self.attn, "M": Dv, "K": Lk,
                                 "N": Lq, "heads": H, "batch": B})
            self.sdpa_calls += 1
            return orig(query, key, value, *args, **kwargs)
        return wrapped


class TracingAttnProcessor(AttnProcessor2_0):
    """diffusers' default processor, marking which Attention module is running."""

    def __init__(self, name: str, tracer: _Tracer):
        super().__init__()
        self.name = name
        self.tracer = tracer

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None,
                 temb=None, *args, **kwargs):
        t = self.tracer
        before = t.sdpa_calls
        t.attn = self.name
        try:
            out = super().__call__(attn, hidden_states, encoder_hidden_states,
                                   attention_mask, temb, *args, **kwargs)
        finally:
            t.attn = None
        if t.sdpa_calls - before != 1:
            raise RuntimeError(f"{self.name}: {t.sdpa_calls - before} SDPA calls, expected 1")
        return out


def _conv_hook(tracer, name):
    def hook(mod: nn.Conv2d, inputs, output):
        x = inputs[0]
        g = mod.groups
        kh, kw = mod.kernel_size
        tracer.records.append({
            "op": "conv2d", "layer": name, "M": mod.out_channels // g,
            "K": mod.in_channels // g * kh * kw, "N": output.shape[-2] * output.shape[-1],
            "groups": g, "batch": x.shape[0]})
    return hook


def _linear_hook(tracer, name):
    def hook(mod: nn.Linear, inputs, output):
        x = inputs[0]
        assert x.shape[-1] == mod.in_features
        tracer.records.append({
            "op": "linear", "layer": name, "M": mod.out_features, "K": mod.in_features,
            "N": math.prod(x.shape[1:-1]), "batch": x.shape[0]})
    return hook


class _AtenMacs(TorchDispatchMode):
    """Independent count: MACs of every matmul / convolution / SDPA aten op that runs."""

    def __init__(self):
        super().__init__()
        self.macs = 0
        self.ops: dict[str, int] = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = func.overloadpacket.__name__
        m = 0
        if name == "mm":
            a, b = args[0], args[1]
            m = a.shape[0] * a.shape[1] * b.shape[1]
        elif name == "addmm":
            a, b = args[1], args[2]
            m = a.shape[0] * a.shape[1] * b.shape[1]
        elif name == "bmm":
            a, b = args[0], args[1]
            m = a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
        elif name == "baddbmm":
            a, b = args[1], args[2]
            m = a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
        elif name == "convolution":
            x, w = args[0], args[1]
            out = func(*args, **kwargs)
            m = out.numel() * math.prod(w.shape[1:])
            self._add(name, m)
            return out
        elif name.startswith("_scaled_dot_product") or name == "scaled_dot_product_attention":
            q, k, v = args[0], args[1], args[2]
            m = (q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2] * q.shape[3]
                 + q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2] * v.shape[3])
        elif name in ("matmul", "linear", "conv2d", "einsum", "dot", "mv"):
            raise RuntimeError(f"unexpected undecomposed op {name}")
        if m:
            self._add(name, m)
        return func(*args, **kwargs)

    def _add(self, name, m):
        self.macs += m
        self.ops[name] = self.ops.get(name, 0) + 1


def build(model: str, device: str) -> UNet2DConditionModel:
    with torch.device(device):
        unet = UNet2DConditionModel(**CONFIGS[model])
    return unet.eval()


def trace(model: str, hw_px: tuple[int, int] | None = None, device: str = "meta",
          batch: int = 1) -> tuple[list[dict], int]:
    """Run one forward; return (records in execution order, aten-counted MACs)."""
    cfg = CONFIGS[model]
    unet = build(model, device)
    if hw_px is None:
        h = w = cfg["sample_size"]
    else:
        assert hw_px[0] % VAE_FACTOR == 0 and hw_px[1] % VAE_FACTOR == 0, hw_px
        h, w = hw_px[0] // VAE_FACTOR, hw_px[1] // VAE_FACTOR

    tracer = _Tracer()
    handles = []
    for name, mod in unet.named_modules():
        if isinstance(mod, nn.Conv2d):
            handles.append(mod.register_forward_hook(_conv_hook(tracer, name)))
        elif isinstance(mod, nn.Linear):
            handles.append(mod.register_forward_hook(_linear_hook(tracer, name)))
        elif isinstance(mod, Attention):
            mod.set_processor(TracingAttnProcessor(name, tracer))
        elif isinstance(mod, (nn.Conv1d, nn.Conv3d, nn.ConvTranspose2d, nn.Bilinear)):
            raise RuntimeError(f"{name}: {type(mod).__name__} is not traced")

    g = torch.Generator().manual_seed(0)

    def rand(*shape):
        t = torch.randn(*shape, generator=g)
        return t.to(device)

    sample = rand(batch, cfg["in_channels"], h, w)
    ehs = rand(batch, TEXT_TOKENS, cfg["cross_attention_dim"])
    kwargs = {}
    if cfg.get("addition_embed_type") == "text_time":
        tdim = cfg["addition_time_embed_dim"]
        text_dim = cfg["projection_class_embeddings_input_dim"] - 6 * tdim
        kwargs["added_cond_kwargs"] = {
            "text_embeds": rand(batch, text_dim),
            "time_ids": torch.tensor([[h * 8.0, w * 8.0, 0.0, 0.0, h * 8.0, w * 8.0]]
                                     * batch).to(device)}
    timestep = torch.tensor([999] * batch).to(device)

    orig_sdpa = F.scaled_dot_product_attention
    F.scaled_dot_product_attention = tracer.sdpa(orig_sdpa)
    aten = _AtenMacs()
    try:
        with torch.no_grad(), aten:
            out = unet(sample, timestep, encoder_hidden_states=ehs, **kwargs).sample
    finally:
        F.scaled_dot_product_attention = orig_sdpa
        for hd in handles:
            hd.remove()
    assert tuple(out.shape) == tuple(sample.shape), (out.shape, sample.shape)
    return tracer.records, aten.macs


def macs(records) -> int:
    return sum(r["M"] * r["K"] * r["N"] * r.get("groups", 1) * r.get("heads", 1) * r["batch"]
               for r in records)


def case_name(model, hw_px):
    return model if hw_px is None else f"{model}_{hw_px[0]}x{hw_px[1]}"


def write_fixture(path: Path, header: dict, records: list[dict]):
    """Compact JSON: the header, then one GEMM object per line."""
    head = json.dumps(header)[:-1]
    lines = ",\n".join("  " + json.dumps(r, separators=(", ", ": ")) for r in records)
    path.write_text(f'{head}, "gemms": [\n{lines}\n]}}\n')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("tests/data"),
                    help="directory for diffusers_trace_<case>.json (default: tests/data)")
    ap.add_argument("--only", nargs="*", metavar="CASE",
                    help="trace only these cases (e.g. sd15 tiny-sdxl_200x136)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"diffusers {diffusers.__version__}, torch {torch.__version__}")
    for model, hw_px in CASES:
        name = case_name(model, hw_px)
        if args.only and name not in args.only:
            continue
        records, aten_macs = trace(model, hw_px)
        total = macs(records)
        if total != aten_macs:
            raise SystemExit(f"{name}: hook records give {total} MACs but aten ops "
                             f"{aten_macs}: some GEMM is not traced")
        if model == "tiny-sdxl":  # meta and a real CPU forward must agree
            real, real_aten = trace(model, hw_px, device="cpu")
            if real != records or real_aten != aten_macs:
                raise SystemExit(f"{name}: meta trace differs from the real CPU trace")
        if hw_px is None:
            res = CONFIGS[model]["sample_size"] * VAE_FACTOR
        else:
            res = f"{hw_px[0]}x{hw_px[1]}"
        header = {"model": model, "diffusers": diffusers.__version__,
                  "torch": torch.__version__, "resolution": res, "batch": 1}
        path = args.out / f"diffusers_trace_{name}.json"
        write_fixture(path, header, records)
        print(f"{name:20s} {len(records):5d} GEMMs {total / 1e9:12.4f} GMAC -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
