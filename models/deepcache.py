"""DeepCache staleness model: what a retrieve step computes and what the feature cache holds.

DeepCache (Ma, Fang, Wang, CVPR 2024) observes that the high-level (deep) features of the
U-Net change little between adjacent denoising steps.  A *full* step runs the whole
U-Net and stores one deep feature in the feature cache; the following *retrieve* steps
recompute only the shallow skip branch and read the deep feature from the cache.

Cache branch
------------
A branch is DeepCache's ``(cache_layer_id, cache_block_id) = (L, B)``: ``L`` indexes the
down block, ``B`` the layer (resnet [+ transformer]) inside it, ``0 <= B <
layers_per_block``.  A retrieve step runs, in order:

* the time embedding (and SDXL's add-embedding): every resnet that runs needs it;
* ``conv_in``;
* down blocks ``0 .. L-1`` whole (with their downsamplers);
* down block ``L``: layers ``0 .. B`` only (no downsampler);
* up block ``u = n_blocks - 1 - L``: layers ``layers_per_block - B .. layers_per_block``
  (the last ``B + 1`` of its ``layers_per_block + 1`` layers) and its upsampler;
* every later up block whole, and ``conv_out``.

Everything else (the deeper down blocks, the mid block, the earlier up blocks) is served
by the cached feature: the hidden state that enters up block ``u`` at layer
``layers_per_block - B``, of shape ``block_out_channels[L] x h_L x w_L`` per U-Net batch
element (``h_L, w_L``: the latent size at down level ``L``).  For SD1.5 at 512 px the
default branch ``(0, 0)`` caches ``320 x 64 x 64`` values: 1.31 MB in int8 per image.

Schedules
---------
* ``uniform`` interval ``N``: full steps at ``0, N, 2N, ...``; all others retrieve.
* ``quad`` (DeepCache's non-uniform schedule): ``ceil(steps / N)`` full steps packed
  densely around a centre step ``c`` and sparsely far from it.  With ``n`` full steps,
  ``x_i = a + (b - a) * i / n`` for ``i = 0..n`` where ``a = (-c) ** (1/p)`` and ``b =
  (steps - c) ** (1/p)`` are principal complex powers (DeepCache evaluates ``(-c) **
  (1/p)`` on a negative number, so its schedule is defined by the complex branch; it is
  reproduced here so that schedules match its pipeline step for step); the full steps
  are ``0`` and ``c + t`` for the distinct truncated real parts ``t`` of ``x_i ** p``,
  first and last dropped.  If that does not give exactly ``n`` distinct steps, ``p`` is
  lowered by 0.02 and the construction repeated (``p > 1`` required).  DeepCache's
  defaults are ``c = 15``, ``p = 1.4``.
* ``bitmap``: an explicit list of full steps (what the feature-cache IP's schedule
  bitmap holds).  Step 0 must be a full step: there is nothing to retrieve before it.

MACs of a schedule = ``full_steps * full_macs + retrieve_steps * retrieve_macs``; the MAC
reduction is ``steps * full_macs`` divided by that.
"""
from __future__ import annotations

from dataclasses import dataclass

from models import unet

DEFAULT_STEPS = 50
QUAD_CENTER = 15
QUAD_POW = 1.4
BYTES = {"int8": 1, "fp16": 2}


@dataclass(frozen=True)
class Branch:
    layer_id: int
    block_id: int

    def __str__(self) -> str:
        return f"{self.layer_id}.{self.block_id}"


def parse_branch(text) -> Branch:
    """``"L.B"`` (DeepCache's cache_layer_id.cache_block_id) -> Branch."""
    if isinstance(text, Branch):
        return text
    try:
        ls, bs = str(text).split(".")
        return Branch(int(ls), int(bs))
    except ValueError:
        raise ValueError(f"branch: expected LAYER.BLOCK (e.g. 0.0), got {text!r}") from None


def branches(model: str) -> list[Branch]:
    c = unet.get_config(model)
    return [Branch(l, b) for l in range(len(c.block_out_channels))
            for b in range(c.layers_per_block)]


def check_branch(model: str, branch: Branch) -> None:
    c = unet.get_config(model)
    n = len(c.block_out_channels)
    if not 0 <= branch.layer_id < n:
        raise ValueError(f"branch: layer id must be in 0..{n - 1} for {model}, "
                         f"got {branch.layer_id}")
    if not 0 <= branch.block_id < c.layers_per_block:
        raise ValueError(f"branch: block id must be in 0..{c.layers_per_block - 1} for "
                         f"{model}, got {branch.block_id}")


def _runs_in_retrieve(g: unet.Gemm, c: unet.UNetConfig, br: Branch) -> bool:
    parts = g.layer.split(".")
    top = parts[0]
    n = len(c.block_out_channels)
    lpb = c.layers_per_block
    if top in ("time_embedding", "add_embedding", "conv_in", "conv_out"):
        return True
    if top == "mid_block":
        return False
    i = int(parts[1])
    kind = parts[2]  # resnets | attentions | downsamplers | upsamplers
    if top == "down_blocks":
        if i < br.layer_id:
            return True
        if i > br.layer_id or kind == "downsamplers":
            return False
        return int(parts[3]) <= br.block_id
    u = n - 1 - br.layer_id  # up_blocks
    if i > u:
        return True
    if i < u:
        return False
    if kind == "upsamplers":
        return True
    return int(parts[3]) >= lpb - br.block_id


def retrieve_gemms(model: str, branch="0.0", resolution=None, batch: int = 1,
                   cfg: bool = False) -> list[unet.Gemm]:
    """The GEMMs a retrieve step runs (a sub-list of the full step's, same order)."""
    br = parse_branch(branch)
    check_branch(model, br)
    c = unet.get_config(model)
    return [g for g in unet.workload(model, resolution, batch, cfg)
            if _runs_in_retrieve(g, c, br)]


def cached_feature(model: str, branch="0.0", resolution=None) -> tuple[int, int, int]:
    """(channels, height, width) of the cached feature per U-Net batch element."""
    br = parse_branch(branch)
    check_branch(model, br)
    c = unet.get_config(model)
    h, w = unet.parse_resolution(c.default_resolution if resolution is None else resolution)
    h, w = h // unet.VAE_FACTOR, w // unet.VAE_FACTOR
    for _ in range(br.layer_id):
        h, w = -(-h // 2), -(-w // 2)
    return c.block_out_channels[br.layer_id], h, w


def cache_bytes(model: str, branch="0.0", resolution=None, batch: int = 1,
                cfg: bool = False, dtype: str = "int8") -> int:
    """Bytes the feature cache must hold: one feature per U-Net batch element."""
    if dtype not in BYTES:
        raise ValueError(f"dtype: must be one of {', '.join(BYTES)}, got {dtype!r}")
    ch, h, w = cached_feature(model, branch, resolution)
    return ch * h * w * BYTES[dtype] * batch * (2 if cfg else 1)


# --- schedules --------------------------------------------------------------------------

def _check_steps(steps: int) -> None:
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: must be an integer >= 1, got {steps!r}")


def _check_interval(interval: int) -> None:
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise ValueError(f"interval: must be an integer >= 1, got {interval!r}")


def uniform_schedule(steps: int = DEFAULT_STEPS, interval: int = 3) -> list[int]:
    """Full steps of a uniform interval: ``0, N, 2N, ...``."""
    _check_steps(steps)
    _check_interval(interval)
    return list(range(0, steps, interval))


def quad_schedule(steps: int = DEFAULT_STEPS, interval: int = 3, center: int = QUAD_CENTER,
                  power: float = QUAD_POW) -> tuple[list[int], float]:
    """DeepCache's non-uniform schedule: (full steps, the power finally used)."""
    _check_steps(steps)
    _check_interval(interval)
    if not 0 <= center < steps:
        raise ValueError(f"center: must be in 0..{steps - 1}, got {center}")
    if not power > 1:
        raise ValueError(f"power: must be > 1, got {power}")
    n = -(-steps // interval)
    if n == 1:
        return [0], power
    p = power
    while p > 1:
        a = complex(-center) ** (1 / p)
        b = complex(steps - center) ** (1 / p)
        ts = sorted({int(((a + (b - a) * i / n) ** p).real) for i in range(n + 1)})
        full = [0] + [center + t for t in ts[1:-1]]
        if len(full) == n and len(set(full)) == n and all(0 <= s < steps for s in full):
            return sorted(full), p
        p -= 0.02
    raise ValueError(f"interval: no quad schedule of {n} full steps in {steps} steps "
                     f"around center {center}; lower the interval or move the center")


def bitmap_schedule(steps: int, full_steps) -> list[int]:
    _check_steps(steps)
    full = sorted(set(int(s) for s in full_steps))
    if not full or full[0] != 0:
        raise ValueError("schedule: step 0 must be a full step (nothing is cached before it)")
    if full[-1] >= steps:
        raise ValueError(f"schedule: full step {full[-1]} is outside 0..{steps - 1}")
    return full


def schedule_bitmap(steps: int, full_steps) -> list[int]:
    """1 = full compute (refresh the cache), 0 = retrieve, one entry per step."""
    s = set(full_steps)
    return [1 if i in s else 0 for i in range(steps)]


def report(model: str, branch="0.0", resolution=None, batch: int = 1, cfg: bool = False,
           steps: int = DEFAULT_STEPS, interval: int = 3, schedule: str = "uniform",
           center: int = QUAD_CENTER, power: float = QUAD_POW, full_steps=None) -> dict:
    """Everything ``radacs deepcache`` prints, as a JSON-able dict."""
    br = parse_branch(branch)
    check_branch(model, br)
    full = unet.workload(model, resolution, batch, cfg)
    retr = retrieve_gemms(model, br, resolution, batch, cfg)
    used_power = None
    if schedule == "uniform":
        fsteps = uniform_schedule(steps, interval)
    elif schedule == "quad":
        fsteps, used_power = quad_schedule(steps, interval, center, power)
    elif schedule == "bitmap":
        fsteps = bitmap_schedule(steps, full_steps or [])
    else:
        raise ValueError(f"schedule: must be uniform, quad or bitmap, got {schedule!r}")
    full_macs = unet.total_macs(full)
    retr_macs = unet.total_macs(retr)
    n_full = len(fsteps)
    sched_macs = n_full * full_macs + (steps - n_full) * retr_macs
    ch, h, w = cached_feature(model, br, resolution)
    return {
        "model": model, "branch": str(br), "batch": batch, "cfg": cfg,
        "unet_batch": batch * (2 if cfg else 1),
        "resolution": list(unet.parse_resolution(
            unet.get_config(model).default_resolution if resolution is None else resolution)),
        "full_step": {"gemms": len(full), "macs": full_macs},
        "retrieve_step": {"gemms": len(retr), "macs": retr_macs,
                          "fraction_of_full": retr_macs / full_macs},
        "schedule": {"kind": schedule, "steps": steps, "interval": interval,
                     "center": center if schedule == "quad" else None,
                     "power": used_power, "full_steps": fsteps,
                     "n_full": n_full, "n_retrieve": steps - n_full},
        "macs": {"no_cache": steps * full_macs, "deepcache": sched_macs,
                 "reduction": steps * full_macs / sched_macs},
        "cached_feature": {"channels": ch, "height": h, "width": w,
                           "bytes": {f"{dt}{'_cfg' if c else ''}":
                                     cache_bytes(model, br, resolution, batch, c, dt)
                                     for dt in BYTES for c in (False, True)}},
        "retrieve_gemms": [g.to_dict() for g in retr],
    }


def branch_table(model: str, resolution=None, batch: int = 1, cfg: bool = False) -> list[dict]:
    """Retrieve MACs and cache size for every branch of ``model``."""
    full = unet.total_macs(unet.workload(model, resolution, batch, cfg))
    rows = []
    for br in branches(model):
        r = unet.total_macs(retrieve_gemms(model, br, resolution, batch, cfg))
        ch, h, w = cached_feature(model, br, resolution)
        rows.append({"branch": str(br), "retrieve_macs": r, "fraction_of_full": r / full,
                     "feature": [ch, h, w],
                     "cache_bytes_int8": cache_bytes(model, br, resolution, batch, cfg)})
    return rows


__all__ = ["Branch", "parse_branch", "branches", "retrieve_gemms", "cached_feature",
           "cache_bytes", "uniform_schedule", "quad_schedule", "bitmap_schedule",
           "schedule_bitmap", "report", "branch_table"]
