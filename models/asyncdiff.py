"""AsyncDiff staleness model: the U-Net split into k sequential components run in parallel.

AsyncDiff (Chen et al., NeurIPS 2024) cuts the denoising U-Net into ``k`` sequential
components and gives each its own device.  At step ``t`` component ``i`` does not wait
for component ``i-1`` of the same step: it consumes what component ``i-1`` produced at
step ``t-1`` (the features of adjacent steps are similar), so all ``k`` components run
at once.  The first ``warmup`` steps run sequentially to seed the pipeline.

Partition
---------
The split points are the boundaries of *segments*, the smallest pieces AsyncDiff cuts
between (a resnet layer with its transformer, a down/upsampler, a mid-block layer):

* ``stem``: the time embedding, SDXL's add-embedding and ``conv_in``;
* ``down_blocks.i.layers.j`` (resnet ``j`` and transformer ``j``), ``down_blocks.i.
  downsampler``; ``mid_block.resnets.0`` (with the mid transformer), ``mid_block.
  resnets.1``; ``up_blocks.i.layers.j``, ``up_blocks.i.upsampler``;
* ``conv_out`` belongs to the last segment.

Every component also recomputes the time embedding it needs (a few MACs, ignored here:
it is counted once, in the stem).  The split minimises the largest component's MACs over
all contiguous partitions of the segment list (dynamic programming, exact and
deterministic: among optimal partitions the DP keeps the first split point it meets).

Speedup
-------
With ``S`` steps, ``w`` warm-up steps, ``T`` the MACs of a whole step and ``C_max`` those of
the largest component, sequential work is ``S * T`` and AsyncDiff's critical path is
``w * T + (S - w) * C_max``; the ideal parallel speedup is their ratio (compute-bound,
communication free).  ``T / C_max`` is the steady-state bound.
"""
from __future__ import annotations

from models import unet

DEFAULT_STEPS = 50
DEFAULT_WARMUP = 3  # AsyncDiff's examples use a few sequential warm-up steps


def segment_of(g: unet.Gemm) -> str:
    parts = g.layer.split(".")
    top = parts[0]
    if top in ("time_embedding", "add_embedding", "conv_in"):
        return "stem"
    if top == "conv_out":
        return "conv_out"
    if top == "mid_block":
        # resnets.0 + attentions.0 form one segment, resnets.1 the next.
        return "mid_block.resnets.1" if parts[1:3] == ["resnets", "1"] else \
            "mid_block.resnets.0"
    kind = parts[2]
    if kind in ("downsamplers", "upsamplers"):
        return f"{top}.{parts[1]}.{kind[:-1]}"
    return f"{top}.{parts[1]}.layers.{parts[3]}"


def segments(gemms) -> list[tuple[str, int]]:
    """(segment name, MACs) in forward order; ``conv_out`` folded into the last one."""
    out: list[list] = []
    for g in gemms:
        name = segment_of(g)
        if name == "conv_out" and out:
            out[-1][1] += g.macs
            continue
        if not out or out[-1][0] != name:
            out.append([name, 0])
        out[-1][1] += g.macs
    return [(n, m) for n, m in out]


def _check_k(k: int, n_segments: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 4:
        raise ValueError(f"components: must be 2..4, got {k!r}")
    if k > n_segments:
        raise ValueError(f"components: {k} exceeds the {n_segments} segments of the model")


def balanced_split(macs: list[int], k: int) -> list[int]:
    """Start indices of the ``k`` contiguous parts minimising the largest part's sum."""
    n = len(macs)
    pre = [0]
    for m in macs:
        pre.append(pre[-1] + m)
    INF = float("inf")
    # best[j][i]: minimal max-part sum splitting macs[:i] into j parts; arg for recovery.
    best = [[INF] * (n + 1) for _ in range(k + 1)]
    arg = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0
    for j in range(1, k + 1):
        for i in range(j, n + 1):
            for s in range(j - 1, i):
                v = max(best[j - 1][s], pre[i] - pre[s])
                if v < best[j][i]:
                    best[j][i], arg[j][i] = v, s
    starts = []
    i = n
    for j in range(k, 0, -1):
        s = arg[j][i]
        starts.append(s)
        i = s
    return starts[::-1]


def split(model: str, components: int = 2, resolution=None, batch: int = 1,
          cfg: bool = False, steps: int = DEFAULT_STEPS, warmup: int = DEFAULT_WARMUP) -> dict:
    """The k-way AsyncDiff split of ``model`` and its ideal speedup, as a JSON-able dict."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: must be an integer >= 1, got {steps!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or not 0 <= warmup <= steps:
        raise ValueError(f"warmup: must be in 0..steps ({steps}), got {warmup!r}")
    gemms = unet.workload(model, resolution, batch, cfg)
    segs = segments(gemms)
    _check_k(components, len(segs))
    starts = balanced_split([m for _, m in segs], components)
    bounds = starts[1:] + [len(segs)]
    total = sum(m for _, m in segs)
    comps = []
    for i, (s, e) in enumerate(zip(starts, bounds)):
        macs = sum(m for _, m in segs[s:e])
        comps.append({"component": i, "first": segs[s][0], "last": segs[e - 1][0],
                      "segments": e - s, "macs": macs, "fraction": macs / total})
    cmax = max(c["macs"] for c in comps)
    sequential = steps * total
    asynchronous = warmup * total + (steps - warmup) * cmax
    return {"model": model, "components": components, "steps": steps, "warmup": warmup,
            "step_macs": total, "parts": comps,
            "boundaries": [segs[s][0] for s in starts[1:]],
            "steady_state_speedup": total / cmax,
            "speedup": sequential / asynchronous,
            "segments": [{"segment": n, "macs": m} for n, m in segs]}


__all__ = ["segment_of", "segments", "balanced_split", "split"]
