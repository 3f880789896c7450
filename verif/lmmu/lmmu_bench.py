"""cocotb module of ``radacs bench mmu --ip lmmu`` and of the cycle-model test: one GEMM
command per corpus entry.

DRAM is one memory behind two cocotbext-axi slaves with no pauses (the cycle model's
memory, ``L = Lb = 2``): an ``AxiRamRead`` on port 0 (W, P) and an ``AxiRam`` on port 1
(X, Y); the registers are programmed with ``AxiLiteMaster``.  For every case ``{"M",
"K", "N", "TILE_M", "TILE_N", "TILE_K", "bias_en", "requant_en", "seed"}`` of the
corpus (knobs, verif/common/knobs.py) the Y region must equal models.gemm /
models.quant; the performance counters and the wall time of the command go to
``bench.json`` next to the run's coverage directory, where the caller
(``verif/common/mmu_bench.py``, tests/test_lmmu_rtl_model.py) reads them.

A case with ``"trace": true`` also records the core's events (cycle from the first
busy cycle: loader issues, read/write ``done``, pass starts, flushes, store launch,
fetches, pops, ``done``): a development aid for locating a difference from
models/lmmu_rtl.py.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from ip.mmu import regmap as rm
from models.gemm import gemm
from models.quant import quantize_multiplier, requantize
from verif.common import knobs as knobs_mod

OFF = {r.name: r.offset for r in rm.MMU_REGMAP}
COUNTERS = ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT", "RD_BYTES0", "RD_BYTES1",
            "WR_BYTES0", "WR_BYTES1")
TRACE = ("p0_go", "rd0_done", "rd1_done", "is_first", "is_flush", "st_go", "s_fetch",
         "s_pop", "wr1_done", "rd0_cmd_valid", "rd1_cmd_valid", "wr1_cmd_valid",
         "wr1_tready", "wr1_tvalid", "wait_mem", "wait_out")


def _pad(b: int, B: int) -> int:
    return -(-b // B) * B


def layout(M: int, K: int, N: int, B: int) -> dict:
    """Operand addresses and strides (rows padded to a beat plus one spare beat)."""
    ws, xs, ys = _pad(K, B) + B, _pad(N, B) + B, _pad(4 * N, B) + B
    lay = dict(W_ADDR=0x1000, W_STRIDE=ws)
    lay["X_ADDR"] = _pad(lay["W_ADDR"] + M * ws + 64, B)
    lay["X_STRIDE"] = xs
    lay["P_ADDR"] = _pad(lay["X_ADDR"] + K * xs + 64, B)
    lay["Y_ADDR"] = _pad(lay["P_ADDR"] + 16 * M + 64, B)
    lay["Y_STRIDE"] = ys
    return lay


def memory_bytes(cases, B) -> int:
    """The smallest power of two holding the largest case's layout."""
    need = 1 << 16
    for c in cases:
        lay = layout(c["M"], c["K"], c["N"], B)
        need = max(need, lay["Y_ADDR"] + c["M"] * lay["Y_STRIDE"] + 4096)
    return 1 << (need - 1).bit_length()


def prepare(M, K, N, bias_en, requant_en, seed, B):
    rng = np.random.default_rng(seed)
    W = rng.integers(-128, 128, (M, K), dtype=np.int64)
    X = rng.integers(-128, 128, (K, N), dtype=np.int64)
    bias = rng.integers(-4096, 4096, M, dtype=np.int64)
    acc = gemm(W, X, bias if bias_en else None)
    ms = [quantize_multiplier(130.0 / max(1, int(np.abs(acc[m]).max()))) for m in range(M)]
    mult = np.array([a for a, _ in ms], dtype=np.int64)
    shift = np.array([b for _, b in ms], dtype=np.int64)
    want = requantize(acc, mult, shift) if requant_en else acc
    return W, X, bias, mult, shift, want


def load(ram, lay, W, X, bias, mult, shift):
    M, K = W.shape
    for m in range(M):
        ram.write(lay["W_ADDR"] + m * lay["W_STRIDE"], W[m].astype(np.int8).tobytes())
        ram.write(lay["P_ADDR"] + 16 * m,
                  (int(bias[m]) & 0xFFFFFFFF).to_bytes(4, "little")
                  + int(mult[m]).to_bytes(4, "little") + int(shift[m]).to_bytes(4, "little")
                  + bytes(4))
    for k in range(K):
        ram.write(lay["X_ADDR"] + k * lay["X_STRIDE"], X[k].astype(np.int8).tobytes())


def y_rows(ram, lay, M, N, ob):
    dt = np.int8 if ob == 1 else np.dtype("<i4")
    return np.stack([np.frombuffer(ram.read(lay["Y_ADDR"] + m * lay["Y_STRIDE"], N * ob),
                                   dtype=dt) for m in range(M)]).astype(np.int64)


async def wreg(csr, name, value):
    await csr.write_dword(OFF[name], value)


async def rreg(csr, name):
    return await csr.read_dword(OFF[name])


async def _trace(dut, out: list):
    """Events of the core, cycle 0 = the first busy cycle; stops at ``done``."""
    core = {n: getattr(dut, f"lmmu_core0_{n}") for n in TRACE}
    core["done"] = dut.core_done
    state = dut.lmmu_core0_state
    c = None
    while True:
        await RisingEdge(dut.clk)
        if c is None:
            if int(state.value) != 0:
                c = 0
            else:
                continue
        ev = [n for n, s in core.items() if int(s.value)]
        if ev:
            out.append([c, ev])
        if "done" in ev:
            return
        c += 1


@cocotb.test()
async def lmmu_bench(dut):
    k = knobs_mod.load()
    cases = k.corpus or []
    assert cases, "lmmu_bench: empty corpus"
    B = len(dut.m1_axi_wstrb)
    mem = memory_bytes(cases, B)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ram = AxiRam(AxiBus.from_prefix(dut, "m1_axi"), dut.clk, dut.rst_n,
                 reset_active_level=False, size=mem)
    AxiRamRead(AxiReadBus.from_prefix(dut, "m0_axi"), dut.clk, dut.rst_n,
               reset_active_level=False, mem=ram.mem)
    csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n,
                        reset_active_level=False)
    dut.rst_n.value = 0
    await ClockCycles(dut.clk, 4)
    dut.rst_n.value = 1
    await ClockCycles(dut.clk, 2)
    out, bad = [], []
    for c in cases:
        M, K, N = c["M"], c["K"], c["N"]
        tm, tn, tk = c["TILE_M"], c["TILE_N"], c["TILE_K"]
        ob = 1 if c["requant_en"] else 4
        lay = layout(M, K, N, B)
        W, X, bias, mult, shift, want = prepare(M, K, N, c["bias_en"], c["requant_en"],
                                                c["seed"], B)
        load(ram, lay, W, X, bias, mult, shift)
        for name, v in lay.items():
            await wreg(csr, name, v)
        for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tm), ("TILE_N", tn),
                        ("TILE_K", tk), ("CFG", c["bias_en"] | c["requant_en"] << 1)):
            await wreg(csr, name, v)
        events: list = []
        task = cocotb.start_soon(_trace(dut, events)) if c.get("trace") else None
        t0 = time.perf_counter()
        await wreg(csr, "CTRL", 0b101)        # start, irq_en: wait for irq, no polling
        await RisingEdge(dut.irq)
        wall = time.perf_counter() - t0
        if task is not None:
            await ClockCycles(dut.clk, 2)
            task.cancel()
        st = await rreg(csr, "STATUS")
        err = (st >> 4) & 0xF
        await wreg(csr, "STATUS", 2)            # W1C done
        got = y_rows(ram, lay, M, N, ob)
        counters = {n: await rreg(csr, n) for n in COUNTERS}
        ok = err == rm.ERR_NONE and np.array_equal(got, want)
        if not ok:
            bad.append(f"{M}x{K}x{N} tiles {tm}x{tn}x{tk}: error {err}, Y "
                       f"{'equal' if np.array_equal(got, want) else 'differs'}")
        row = {**c, "error": err, "y_exact": bool(np.array_equal(got, want)),
               "counters": counters, "wall_seconds": wall}
        if task is not None:
            row["events"] = events
        out.append(row)
        dut._log.info(f"{M}x{K}x{N} tiles {tm}x{tn}x{tk}: {counters}, {wall:.2f} s")
    base = Path(k.coverage_dir).parent if k.coverage_dir else Path(".")
    (base / "bench.json").write_text(json.dumps(out) + "\n")
    assert not bad, "; ".join(bad)
