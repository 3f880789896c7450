"""U-Net workloads: every GEMM of one denoising step of diffusers' ``UNet2DConditionModel``.

This is the workload every RADACS benchmark, cost-model figure and schedule is computed
on.  It is pure Python: the module tree of diffusers (``diffusers.models.unets.
unet_2d_condition`` and the blocks it builds) is re-derived here from the published
model configs, so neither torch nor diffusers is needed at run time.  The list is
checked layer by layer against a trace of diffusers itself
(``tests/data/diffusers_trace_*.json``, made by ``tests/tools/trace_diffusers.py``).

GEMM mapping (the RADACS convention, ``Y[M x N] = W[M x K] . X[K x N]``)
-----------------------------------------------------------------------
* ``conv2d``: ``M = out_channels / groups``, ``K = in_channels / groups * kh * kw``,
  ``N = out_h * out_w``; one GEMM per group.
* ``linear``: ``M = out_features``, ``K = in_features``, ``N`` = tokens per batch element
  (``h * w`` inside a transformer, 77 text tokens for cross-attention keys/values, 1 for
  the time / add-embedding MLPs and the resnets' ``time_emb_proj``).
* ``attn_qk`` (scores ``K^T Q``): ``M = seq_len(k)``, ``K = d_head``, ``N = seq_len(q)``;
  ``attn_av`` (``V A``): ``M = d_head``, ``K = seq_len(k)``, ``N = seq_len(q)``; one GEMM
  per head.  Softmax is not a GEMM and stays outside the matrix units.

Every entry stands for ``count = groups * heads * batch`` independent GEMMs of shape
``M x K x N``; ``macs = M * K * N * count``.

Order
-----
Entries are listed in the order diffusers' ``forward`` runs them: time embedding,
add-embedding (SDXL), ``conv_in``, down blocks (resnet, then its transformer, per
layer; then the downsampler), mid block, up blocks (resnet, transformer, ...; the
upsampler), ``conv_out``.  Inside a ResnetBlock2D: ``conv1``, ``time_emb_proj``,
``conv2``, ``conv_shortcut``; inside an attention: ``to_q``, ``to_k``, ``to_v``,
``attn_qk``, ``attn_av``, ``to_out.0``.

Resolution
----------
The latent is ``px / 8`` (the VAE factor); diffusers' pipelines require ``px`` to be a
multiple of 8 and so does this module.  A stride-2 downsampler makes ``ceil(h / 2)``
(3x3, padding 1); an upsampler restores the size of the matching down level (diffusers'
``forward_upsample_size``), so latents that are not a multiple of the overall down
factor give the same shapes as diffusers.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

VAE_FACTOR = 8
TEXT_TOKENS = 77
OPS = ("conv2d", "linear", "attn_qk", "attn_av")


@dataclass(frozen=True)
class Gemm:
    """One GEMM of the workload (``count`` independent ``M x K x N`` products)."""

    op: str
    layer: str
    M: int
    K: int
    N: int
    groups: int = 1
    heads: int = 1
    batch: int = 1

    @property
    def count(self) -> int:
        return self.groups * self.heads * self.batch

    @property
    def macs(self) -> int:
        return self.M * self.K * self.N * self.count

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.M, self.K, self.N)

    @property
    def block(self) -> str:
        """The top-level U-Net part: ``down_blocks.1``, ``mid_block``, ``conv_in``, ..."""
        parts = self.layer.split(".")
        if parts[0] in ("down_blocks", "up_blocks"):
            return ".".join(parts[:2])
        return parts[0]

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        if self.op != "conv2d":
            del d["groups"]
        if not self.op.startswith("attn"):
            del d["heads"]
        d["macs"] = self.macs
        return d


@dataclass(frozen=True)
class UNetConfig:
    """The parts of a diffusers ``UNet2DConditionModel`` config that shape its GEMMs."""

    name: str
    sample_size: int
    block_out_channels: tuple[int, ...]
    down_block_types: tuple[str, ...]
    up_block_types: tuple[str, ...]
    layers_per_block: int
    transformer_layers_per_block: tuple[int, ...]
    heads: tuple[int, ...]  # diffusers' ``attention_head_dim``: a head count here
    cross_attention_dim: int
    use_linear_projection: bool
    in_channels: int = 4
    out_channels: int = 4
    addition_time_embed_dim: int | None = None  # text_time add-embedding (SDXL)
    projection_class_embeddings_input_dim: int | None = None
    description: str = ""
    source: str = ""
    time_embed_dim: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "time_embed_dim", self.block_out_channels[0] * 4)

    @property
    def default_resolution(self) -> int:
        return self.sample_size * VAE_FACTOR

    @property
    def downsamplers(self) -> int:
        return len(self.block_out_channels) - 1


CONFIGS: dict[str, UNetConfig] = {
    "sd15": UNetConfig(
        name="sd15",
        description="Stable Diffusion v1.5",
        source="runwayml/stable-diffusion-v1-5 unet/config.json",
        sample_size=64,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        layers_per_block=2,
        transformer_layers_per_block=(1, 1, 1, 1),
        heads=(8, 8, 8, 8),
        cross_attention_dim=768,
        use_linear_projection=False,
    ),
    "sdxl": UNetConfig(
        name="sdxl",
        description="Stable Diffusion XL base 1.0",
        source="stabilityai/stable-diffusion-xl-base-1.0 unet/config.json",
        sample_size=128,
        block_out_channels=(320, 640, 1280),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        layers_per_block=2,
        transformer_layers_per_block=(1, 2, 10),
        heads=(5, 10, 20),
        cross_attention_dim=2048,
        use_linear_projection=True,
        addition_time_embed_dim=256,
        projection_class_embeddings_input_dim=2816,
    ),
    "tiny-sdxl": UNetConfig(
        name="tiny-sdxl",
        description="tiny-random-stable-diffusion-xl (the RADACS evaluation model)",
        source="hf-internal-testing/tiny-stable-diffusion-xl-pipe unet/config.json",
        sample_size=32,
        block_out_channels=(32, 64),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        layers_per_block=2,
        transformer_layers_per_block=(1, 2),
        heads=(2, 4),
        cross_attention_dim=64,
        use_linear_projection=True,
        addition_time_embed_dim=8,
        projection_class_embeddings_input_dim=80,
    ),
}
MODELS = tuple(CONFIGS)


def get_config(model: str) -> UNetConfig:
    if model not in CONFIGS:
        raise ValueError(f"model: unknown model {model!r} (choose from {', '.join(MODELS)})")
    return CONFIGS[model]


def parse_resolution(text) -> tuple[int, int]:
    """``"512"`` or ``"768x512"`` (height x width) in pixels -> (height, width)."""
    if isinstance(text, int):
        h = w = text
    else:
        s = str(text).lower().strip()
        try:
            if "x" in s:
                hs, ws = s.split("x", 1)
                h, w = int(hs), int(ws)
            else:
                h = w = int(s)
        except ValueError:
            raise ValueError(f"resolution: expected PX or HxW in pixels, got {text!r}") from None
    for v in (h, w):
        if v <= 0 or v % VAE_FACTOR:
            raise ValueError(f"resolution: must be a positive multiple of {VAE_FACTOR} pixels "
                             f"(the VAE factor), got {v}")
    return h, w


class _Builder:
    def __init__(self, cfg: UNetConfig, batch: int):
        self.cfg = cfg
        self.batch = batch
        self.out: list[Gemm] = []

    def conv(self, layer, cin, cout, k, hw, groups=1):
        h, w = hw
        self.out.append(Gemm("conv2d", layer, M=cout // groups, K=cin // groups * k * k,
                             N=h * w, groups=groups, batch=self.batch))

    def linear(self, layer, fin, fout, tokens):
        self.out.append(Gemm("linear", layer, M=fout, K=fin, N=tokens, batch=self.batch))

    def embedding(self, prefix, fin, fout):
        self.linear(f"{prefix}.linear_1", fin, fout, 1)
        self.linear(f"{prefix}.linear_2", fout, fout, 1)

    def resnet(self, layer, cin, cout, hw):
        self.conv(f"{layer}.conv1", cin, cout, 3, hw)
        self.linear(f"{layer}.time_emb_proj", self.cfg.time_embed_dim, cout, 1)
        self.conv(f"{layer}.conv2", cout, cout, 3, hw)
        if cin != cout:
            self.conv(f"{layer}.conv_shortcut", cin, cout, 1, hw)

    def attention(self, layer, dim, heads, tokens_q, kv_dim, tokens_kv):
        d_head = dim // heads
        self.linear(f"{layer}.to_q", dim, dim, tokens_q)
        self.linear(f"{layer}.to_k", kv_dim, dim, tokens_kv)
        self.linear(f"{layer}.to_v", kv_dim, dim, tokens_kv)
        self.out.append(Gemm("attn_qk", layer, M=tokens_kv, K=d_head, N=tokens_q,
                             heads=heads, batch=self.batch))
        self.out.append(Gemm("attn_av", layer, M=d_head, K=tokens_kv, N=tokens_q,
                             heads=heads, batch=self.batch))
        self.linear(f"{layer}.to_out.0", dim, dim, tokens_q)

    def transformer(self, layer, dim, heads, n_layers, hw):
        tokens = hw[0] * hw[1]
        proj = self.linear if self.cfg.use_linear_projection else None
        if proj:
            self.linear(f"{layer}.proj_in", dim, dim, tokens)
        else:
            self.conv(f"{layer}.proj_in", dim, dim, 1, hw)
        for t in range(n_layers):
            tb = f"{layer}.transformer_blocks.{t}"
            self.attention(f"{tb}.attn1", dim, heads, tokens, dim, tokens)
            self.attention(f"{tb}.attn2", dim, heads, tokens,
                           self.cfg.cross_attention_dim, TEXT_TOKENS)
            inner = 4 * dim
            self.linear(f"{tb}.ff.net.0.proj", dim, 2 * inner, tokens)  # GEGLU
            self.linear(f"{tb}.ff.net.2", inner, dim, tokens)
        if proj:
            self.linear(f"{layer}.proj_out", dim, dim, tokens)
        else:
            self.conv(f"{layer}.proj_out", dim, dim, 1, hw)


def _down(hw):
    return (-(-hw[0] // 2), -(-hw[1] // 2))


def workload(model: str = "sd15", resolution=None, batch: int = 1,
             cfg: bool = False) -> list[Gemm]:
    """Every GEMM of one denoising step of ``model`` at ``resolution`` pixels.

    ``batch`` images; ``cfg=True`` (classifier-free guidance) doubles the U-Net batch.
    """
    c = get_config(model)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch: must be an integer >= 1, got {batch!r}")
    ph, pw = parse_resolution(c.default_resolution if resolution is None else resolution)
    b = _Builder(c, batch * (2 if cfg else 1))
    boc = c.block_out_channels
    nblk = len(boc)

    # Time embedding (and SDXL's text_time add-embedding).
    b.embedding("time_embedding", boc[0], c.time_embed_dim)
    if c.addition_time_embed_dim is not None:
        b.embedding("add_embedding", c.projection_class_embeddings_input_dim, c.time_embed_dim)

    hw = (ph // VAE_FACTOR, pw // VAE_FACTOR)
    b.conv("conv_in", c.in_channels, boc[0], 3, hw)

    # Down path; remember the size at every level and the skip channels.
    level_hw = [hw]
    skips = [boc[0]]
    out_ch = boc[0]
    for i, btype in enumerate(c.down_block_types):
        in_ch, out_ch = out_ch, boc[i]
        for j in range(c.layers_per_block):
            b.resnet(f"down_blocks.{i}.resnets.{j}", in_ch if j == 0 else out_ch, out_ch, hw)
            if btype == "CrossAttnDownBlock2D":
                b.transformer(f"down_blocks.{i}.attentions.{j}", out_ch, c.heads[i],
                              c.transformer_layers_per_block[i], hw)
            skips.append(out_ch)
        if i < nblk - 1:
            hw = _down(hw)
            b.conv(f"down_blocks.{i}.downsamplers.0.conv", out_ch, out_ch, 3, hw)
            level_hw.append(hw)
            skips.append(out_ch)

    # Mid block (UNetMidBlock2DCrossAttn).
    mid = boc[-1]
    b.resnet("mid_block.resnets.0", mid, mid, hw)
    b.transformer("mid_block.attentions.0", mid, c.heads[-1],
                  c.transformer_layers_per_block[-1], hw)
    b.resnet("mid_block.resnets.1", mid, mid, hw)

    # Up path.
    rev = boc[::-1]
    rev_heads = c.heads[::-1]
    rev_tl = c.transformer_layers_per_block[::-1]
    prev_out = rev[0]
    for i, btype in enumerate(c.up_block_types):
        out_ch = rev[i]
        in_ch = rev[min(i + 1, nblk - 1)]
        n_layers = c.layers_per_block + 1
        for j in range(n_layers):
            # diffusers sizes the skip input by formula; it equals the popped skip.
            skip = in_ch if j == n_layers - 1 else out_ch
            if skips.pop() != skip:
                raise AssertionError(f"{c.name}: skip channels of up_blocks.{i}.resnets.{j}")
            res_in = prev_out if j == 0 else out_ch
            b.resnet(f"up_blocks.{i}.resnets.{j}", res_in + skip, out_ch, hw)
            if btype == "CrossAttnUpBlock2D":
                b.transformer(f"up_blocks.{i}.attentions.{j}", out_ch, rev_heads[i],
                              rev_tl[i], hw)
        if i < nblk - 1:
            hw = level_hw[nblk - 2 - i]
            b.conv(f"up_blocks.{i}.upsamplers.0.conv", out_ch, out_ch, 3, hw)
        prev_out = out_ch

    b.conv("conv_out", boc[0], c.out_channels, 3, hw)
    return b.out


def total_macs(gemms) -> int:
    return sum(g.macs for g in gemms)


def summary(gemms) -> dict:
    """Totals by op and by top-level block (MACs and GEMM counts)."""
    by_op: dict[str, dict] = {}
    by_block: dict[str, dict] = {}
    for g in gemms:
        for table, key in ((by_op, g.op), (by_block, g.block)):
            e = table.setdefault(key, {"gemms": 0, "macs": 0})
            e["gemms"] += 1
            e["macs"] += g.macs
    return {"gemms": len(gemms), "macs": total_macs(gemms), "by_op": by_op,
            "by_block": by_block,
            "distinct_shapes": len({g.shape for g in gemms})}


def gmac(macs: int) -> float:
    return macs / 1e9


def is_high_res(g: Gemm) -> bool:
    """RADACS's split: a GEMM is *high-resolution* when ``N >= K`` (the spatial/query
    dimension dominates: HMMU's home), *low-resolution* otherwise (LMMU's home)."""
    return g.N >= g.K


__all__ = ["Gemm", "UNetConfig", "CONFIGS", "MODELS", "OPS", "TEXT_TOKENS", "get_config",
           "parse_resolution", "workload", "total_macs", "summary", "gmac", "is_high_res"]
