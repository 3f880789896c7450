"""cocotb smoke test of the HMMU top (work in progress, issue 4): real AXI on both sides.

DRAM is cocotbext-axi ``AxiRam`` on ``m_axi`` (random pauses on every channel when
``RADACS_SMOKE_PAUSE=1``), the registers are programmed with cocotbext-axi's
``AxiLiteMaster``.  Each command's Y region must equal models.gemm / models.quant and
every other byte of memory must be unchanged; a bad command must set its error code
and write nothing.  The shapes come from RADACS_SMOKE_CASES (JSON list of
[M, K, N, TILE_M, bias_en, requant_en, seed]).
"""
from __future__ import annotations

import json
import os
import random

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam

from ip.mmu import regmap as rm
from models import hmmu_rtl
from models.gemm import gemm
from models.quant import quantize_multiplier, requantize

MEM = 1 << 18
OFF = {r.name: r.offset for r in rm.MMU_REGMAP}


def _pauses(rng):
    while True:
        yield rng.random() < 0.3


async def setup(dut, mem=MEM, pause=None):
    """Clock, AxiRam (random pauses when ``pause``, default: RADACS_SMOKE_PAUSE=1),
    AxiLiteMaster and a reset."""
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n, reset_active_level=False,
                 size=mem)
    csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n,
                        reset_active_level=False)
    if pause is None:
        pause = os.environ.get("RADACS_SMOKE_PAUSE") == "1"
    if pause:
        rng = random.Random(1)
        for ch in (ram.write_if.aw_channel, ram.write_if.w_channel, ram.write_if.b_channel,
                   ram.read_if.ar_channel, ram.read_if.r_channel):
            ch.set_pause_generator(_pauses(rng))
    dut.rst_n.value = 0
    await ClockCycles(dut.clk, 4)
    dut.rst_n.value = 1
    await ClockCycles(dut.clk, 2)
    return ram, csr


async def wreg(csr, name, value):
    await csr.write_dword(OFF[name], value)


async def rreg(csr, name):
    return await csr.read_dword(OFF[name])


async def wait_done(dut, csr, limit=400_000):
    for _ in range(limit // 50):
        st = await rreg(csr, "STATUS")
        if st & 2:
            await wreg(csr, "STATUS", 2)   # W1C
            return (st >> 4) & 0xF
        await ClockCycles(dut.clk, 50)
    raise AssertionError("HMMU: no STATUS.done")


def prepare(M, K, N, bias_en, requant_en, seed, B, mem=MEM):
    rng = np.random.default_rng(seed)
    ob = 1 if requant_en else 4
    pad = lambda b: -(-b // B) * B  # noqa: E731
    ws, xs, ys = pad(K) + B, pad(N), pad(N * ob) + B
    lay = dict(W_ADDR=0x1000, W_STRIDE=ws)
    lay["X_ADDR"] = pad(lay["W_ADDR"] + M * ws + 64)
    lay["X_STRIDE"] = xs
    lay["P_ADDR"] = pad(lay["X_ADDR"] + K * xs + 64)
    lay["Y_ADDR"] = pad(lay["P_ADDR"] + 16 * M + 64)
    lay["Y_STRIDE"] = ys
    assert lay["Y_ADDR"] + M * ys < mem, f"{M}x{K}x{N} does not fit {mem} bytes of memory"
    W = rng.integers(-128, 128, (M, K), dtype=np.int64)
    X = rng.integers(-128, 128, (K, N), dtype=np.int64)
    bias = rng.integers(-4096, 4096, M, dtype=np.int64)
    acc = gemm(W, X, bias if bias_en else None)
    ms = [quantize_multiplier(130.0 / max(1, int(np.abs(acc[m]).max()))) for m in range(M)]
    mult = np.array([a for a, _ in ms], dtype=np.int64)
    shift = np.array([b for _, b in ms], dtype=np.int64)
    want = requantize(acc, mult, shift) if requant_en else acc
    return lay, W, X, bias, mult, shift, want, ob


def load_operands(ram, lay, W, X, bias, mult, shift):
    """W and X row by row at their strides, one P record per row of W."""
    for m in range(W.shape[0]):
        ram.write(lay["W_ADDR"] + m * lay["W_STRIDE"], W[m].astype(np.int8).tobytes())
        ram.write(lay["P_ADDR"] + 16 * m,
                  (int(bias[m]) & 0xFFFFFFFF).to_bytes(4, "little")
                  + int(mult[m]).to_bytes(4, "little") + int(shift[m]).to_bytes(4, "little")
                  + bytes(4))
    for k in range(X.shape[0]):
        ram.write(lay["X_ADDR"] + k * lay["X_STRIDE"], X[k].astype(np.int8).tobytes())


async def program(csr, lay, M, K, N, tile_m, bias_en, requant_en):
    """Every register of one command but CTRL."""
    for name, v in lay.items():
        await wreg(csr, name, v)
    for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tile_m),
                    ("CFG", bias_en | requant_en << 1)):
        await wreg(csr, name, v)


def y_rows(ram, lay, M, N, ob):
    """The Y region as an M x N array (int8 or int32)."""
    dt = np.int8 if ob == 1 else np.dtype("<i4")
    return np.stack([np.frombuffer(ram.read(lay["Y_ADDR"] + m * lay["Y_STRIDE"], N * ob),
                                   dtype=dt) for m in range(M)]).astype(np.int64)


@cocotb.test()
async def hmmu_gemms(dut):
    ram, csr = await setup(dut)
    B = len(dut.m_axi_wstrb)
    hw = await rreg(csr, "HWCFG")
    assert hw & 0xF == rm.KIND_HMMU, f"HWCFG {hw:#x}"
    cases = json.loads(os.environ.get("RADACS_SMOKE_CASES", "[[5, 9, 7, 8, 1, 1, 1]]"))
    for M, K, N, tm, bias_en, requant_en, seed in cases:
        lay, W, X, bias, mult, shift, want, ob = prepare(M, K, N, bias_en, requant_en, seed, B)
        noise = np.random.default_rng(seed + 1).integers(0, 256, MEM, dtype=np.uint8).tobytes()
        ram.write(0, noise)
        load_operands(ram, lay, W, X, bias, mult, shift)
        before = bytearray(ram.read(0, MEM))
        await program(csr, lay, M, K, N, tm, bias_en, requant_en)
        await wreg(csr, "CTRL", 1)
        err = await wait_done(dut, csr)
        assert err == rm.ERR_NONE, f"error {err} for {M}x{K}x{N}"
        after = bytearray(ram.read(0, MEM))
        dt = np.int8 if requant_en else np.dtype("<i4")
        for m in range(M):
            a = lay["Y_ADDR"] + m * lay["Y_STRIDE"]
            got = np.frombuffer(bytes(after[a:a + N * ob]), dtype=dt)
            assert np.array_equal(got, want[m]), f"row {m}: {got} != {want[m]}"
            after[a:a + N * ob] = before[a:a + N * ob]
        assert after == before, "bytes outside the Y region changed"
        got = {n: await rreg(csr, n) for n in ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT",
                                                "RD_BYTES0", "WR_BYTES0", "RD_BYTES1",
                                                "WR_BYTES1")}
        R = (hw >> 4) & 0xFF
        model = hmmu_rtl.counters(M, K, N, tm, R, B, ob, bool(bias_en or requant_en))
        model.update(RD_BYTES1=0, WR_BYTES1=0)
        # Bytes and pass cycles do not depend on timing; with no pauses every counter
        # is the RTL cycle model's, exactly.
        names = ("ACTIVE", "RD_BYTES0", "WR_BYTES0", "RD_BYTES1", "WR_BYTES1")
        if os.environ.get("RADACS_SMOKE_PAUSE") != "1":
            names = tuple(model)
        else:
            assert got["ACTIVE"] + got["STALL_MEM"] + got["STALL_OUT"] <= got["CYCLES"], got
        bad = {n: (got[n], model[n]) for n in names if got[n] != model[n]}
        assert not bad, f"{M}x{K}x{N} TILE_M={tm}: counters (RTL, model) differ: {bad}"
        dut._log.info(f"{M}x{K}x{N} TILE_M={tm} bias={bias_en} requant={requant_en}: {got}")


@cocotb.test()
async def hmmu_bad_commands(dut):
    ram, csr = await setup(dut)
    B = len(dut.m_axi_wstrb)
    ram.write(0, bytes(range(256)) * (MEM // 256))
    before = ram.read(0, MEM)
    good = dict(M=4, K=8, N=4, TILE_M=len(dut.m_axi_wstrb), W_ADDR=0x100, W_STRIDE=16 * B,
                X_ADDR=0x2000, X_STRIDE=16 * B, Y_ADDR=0x4000, Y_STRIDE=16 * B, P_ADDR=0x6000,
                CFG=3)
    R = (await rreg(csr, "HWCFG") >> 4) & 0xFF
    good["TILE_M"] = R
    cases = [("M", 0, rm.ERR_ZERO_DIM), ("K", 0, rm.ERR_ZERO_DIM), ("N", 0, rm.ERR_ZERO_DIM),
             ("TILE_M", 0, rm.ERR_ZERO_DIM), ("K", 1 << 20, rm.ERR_CAPACITY),
             ("TILE_M", R + 1, rm.ERR_CAPACITY), ("TILE_M", 1 << 20, rm.ERR_CAPACITY),
             ("W_ADDR", 0x101, rm.ERR_MISALIGNED), ("Y_STRIDE", 16 * B + 1, rm.ERR_MISALIGNED),
             ("P_ADDR", 0x6001, rm.ERR_MISALIGNED)]
    for name, bad, code in cases:
        for n, v in good.items():
            await wreg(csr, n, bad if n == name else v)
        await wreg(csr, "CTRL", 1)
        err = await wait_done(dut, csr)
        assert err == code, f"{name}={bad}: error {err}, expected {code}"
        assert ram.read(0, MEM) == before, f"{name}={bad}: memory written"
    # Start while busy: the running command finishes correctly, the error is 4.
    for n, v in good.items():
        await wreg(csr, n, v)
    await wreg(csr, "CTRL", 1)
    await wreg(csr, "CTRL", 1)
    err = await wait_done(dut, csr)
    assert err == rm.ERR_START_BUSY, f"start while busy: error {err}"

