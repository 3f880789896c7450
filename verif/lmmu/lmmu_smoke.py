"""cocotb smoke test of the LMMU top: real AXI on all sides.

DRAM is one memory behind two cocotbext-axi slaves: an ``AxiRamRead`` on port 0
(``m0_axi``: W and P reads) and an ``AxiRam`` on port 1 (``m1_axi``: X reads, Y
writes), with random pauses on every channel when ``RADACS_SMOKE_PAUSE=1``; the
registers are programmed with cocotbext-axi's ``AxiLiteMaster``.  Each command's Y
region must equal models.gemm / models.quant and every other byte of memory must be
unchanged; port 0 must never raise AWVALID/WVALID; a bad command must set its error
code and write nothing on either port; CTRL.soft_reset aborts a running command with
error 7 and the next command is correct.  The shapes come from RADACS_SMOKE_CASES
(JSON list of [M, K, N, TILE_M, TILE_N, TILE_K, bias_en, requant_en, seed]).
CYCLES/ACTIVE/STALL_* are logged per shape; ACTIVE (pass cycles with data) and the
write byte count do not depend on timing and are checked exactly.
"""
from __future__ import annotations

import json
import os
import random

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from ip.lmmu.lmmu_core import capacity_ok
from ip.mmu import regmap as rm
from models.gemm import gemm
from models.quant import quantize_multiplier, requantize

MEM = 1 << 18
OFF = {r.name: r.offset for r in rm.MMU_REGMAP}
ERR_ABORTED = rm.ERR_ABORTED


def _pauses(rng):
    while True:
        yield rng.random() < 0.3


class Watch:
    """Counts write activity on both ports (port 0 must never write)."""

    def __init__(self, dut):
        self.dut = dut
        self.m0_writes = 0
        self.m1_aw = 0
        cocotb.start_soon(self.run())

    async def run(self):
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            if d.m0_axi_awvalid.value == 1 or d.m0_axi_wvalid.value == 1:
                self.m0_writes += 1
            if d.m0_axi_bready.value != 1:
                self.m0_writes += 1
            if d.m1_axi_awvalid.value == 1 or d.m1_axi_wvalid.value == 1:
                self.m1_aw += 1


async def setup(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    ram = AxiRam(AxiBus.from_prefix(dut, "m1_axi"), dut.clk, dut.rst_n,
                 reset_active_level=False, size=MEM)
    ram0 = AxiRamRead(AxiReadBus.from_prefix(dut, "m0_axi"), dut.clk, dut.rst_n,
                      reset_active_level=False, mem=ram.mem)
    csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst_n,
                        reset_active_level=False)
    if os.environ.get("RADACS_SMOKE_PAUSE") == "1":
        rng = random.Random(1)
        for ch in (ram.write_if.aw_channel, ram.write_if.w_channel, ram.write_if.b_channel,
                   ram.read_if.ar_channel, ram.read_if.r_channel, ram0.ar_channel,
                   ram0.r_channel):
            ch.set_pause_generator(_pauses(rng))
    dut.rst_n.value = 0
    await ClockCycles(dut.clk, 4)
    dut.rst_n.value = 1
    await ClockCycles(dut.clk, 2)
    return ram, csr, Watch(dut)


async def wreg(csr, name, value):
    await csr.write_dword(OFF[name], value)


async def rreg(csr, name):
    return await csr.read_dword(OFF[name])


async def wait_done(dut, csr, limit=2_000_000, irq=False):
    for _ in range(limit // 50):
        st = await rreg(csr, "STATUS")
        if st & 2:
            if irq:
                assert dut.irq.value == 1, "irq low while done and irq_en"
            await wreg(csr, "STATUS", 2)   # W1C
            await ClockCycles(dut.clk, 2)
            assert dut.irq.value == 0, "irq high after done cleared"
            return (st >> 4) & 0xF
        await ClockCycles(dut.clk, 50)
    raise AssertionError("LMMU: no STATUS.done")


def hw_params(hw):
    return (hw >> 4) & 0xFF, (hw >> 12) & 0xFF


def prepare(M, K, N, bias_en, requant_en, seed, B):
    rng = np.random.default_rng(seed)
    ob = 1 if requant_en else 4
    pad = lambda b: -(-b // B) * B  # noqa: E731
    ws, xs, ys = pad(K) + B, pad(N) + B, pad(N * ob) + B
    lay = dict(W_ADDR=0x1000, W_STRIDE=ws)
    lay["X_ADDR"] = pad(lay["W_ADDR"] + M * ws + 64)
    lay["X_STRIDE"] = xs
    lay["P_ADDR"] = pad(lay["X_ADDR"] + K * xs + 64)
    lay["Y_ADDR"] = pad(lay["P_ADDR"] + 16 * M + 64)
    lay["Y_STRIDE"] = ys
    assert lay["Y_ADDR"] + M * ys < MEM
    W = rng.integers(-128, 128, (M, K), dtype=np.int64)
    X = rng.integers(-128, 128, (K, N), dtype=np.int64)
    bias = rng.integers(-4096, 4096, M, dtype=np.int64)
    acc = gemm(W, X, bias if bias_en else None)
    ms = [quantize_multiplier(130.0 / max(1, int(np.abs(acc[m]).max()))) for m in range(M)]
    mult = np.array([a for a, _ in ms], dtype=np.int64)
    shift = np.array([b for _, b in ms], dtype=np.int64)
    want = requantize(acc, mult, shift) if requant_en else acc
    return lay, W, X, bias, mult, shift, want, ob


def load(ram, lay, W, X, bias, mult, shift, seed):
    noise = np.random.default_rng(seed + 1).integers(0, 256, MEM, dtype=np.uint8).tobytes()
    ram.write(0, noise)
    M, K = W.shape
    for m in range(M):
        ram.write(lay["W_ADDR"] + m * lay["W_STRIDE"], W[m].astype(np.int8).tobytes())
        ram.write(lay["P_ADDR"] + 16 * m,
                  (int(bias[m]) & 0xFFFFFFFF).to_bytes(4, "little")
                  + int(mult[m]).to_bytes(4, "little") + int(shift[m]).to_bytes(4, "little")
                  + bytes(4))
    for k in range(K):
        ram.write(lay["X_ADDR"] + k * lay["X_STRIDE"], X[k].astype(np.int8).tobytes())


async def program(csr, lay, M, K, N, tm, tn, tk, bias_en, requant_en):
    for name, v in lay.items():
        await wreg(csr, name, v)
    for name, v in (("M", M), ("K", K), ("N", N), ("TILE_M", tm), ("TILE_N", tn),
                    ("TILE_K", tk), ("CFG", bias_en | requant_en << 1)):
        await wreg(csr, name, v)


def check_y(ram, before, lay, want, M, N, ob, requant_en, what):
    after = bytearray(ram.read(0, MEM))
    dt = np.int8 if requant_en else np.dtype("<i4")
    for m in range(M):
        a = lay["Y_ADDR"] + m * lay["Y_STRIDE"]
        got = np.frombuffer(bytes(after[a:a + N * ob]), dtype=dt)
        assert np.array_equal(got, want[m]), f"{what} row {m}: {got} != {want[m]}"
        after[a:a + N * ob] = before[a:a + N * ob]
    assert after == before, f"{what}: bytes outside the Y region changed"


def active_cycles(M, K, N, tm, tn, R, C):
    """Pass cycles with data: every chunk of every tile issues ceil(rows/R)*ceil(cols/C)
    passes of k data cycles, so K * sum_mt ceil(rows/R) * sum_nt ceil(cols/C)."""
    pm = sum(-(-min(tm, M - m0) // R) for m0 in range(0, M, tm))
    pn = sum(-(-min(tn, N - n0) // C) for n0 in range(0, N, tn))
    return K * pm * pn


@cocotb.test()
async def lmmu_gemms(dut):
    ram, csr, watch = await setup(dut)
    B = len(dut.m1_axi_wstrb)
    hw = await rreg(csr, "HWCFG")
    assert hw & 0xF == rm.KIND_LMMU, f"HWCFG {hw:#x}"
    R, C = hw_params(hw)
    cfg = json.loads(os.environ["RADACS_SMOKE_CFG"])
    cases = json.loads(os.environ.get("RADACS_SMOKE_CASES", "[[5, 9, 7, 4, 4, 9, 1, 1, 1]]"))
    for i, (M, K, N, tm, tn, tk, bias_en, requant_en, seed) in enumerate(cases):
        assert capacity_ok(cfg, M, K, N, tm, tn, tk), (M, K, N, tm, tn, tk)
        lay, W, X, bias, mult, shift, want, ob = prepare(M, K, N, bias_en, requant_en, seed, B)
        load(ram, lay, W, X, bias, mult, shift, seed)
        before = bytearray(ram.read(0, MEM))
        await program(csr, lay, M, K, N, tm, tn, tk, bias_en, requant_en)
        irq = i % 2 == 1
        await wreg(csr, "CTRL", 1 | (4 if irq else 0))
        err = await wait_done(dut, csr, irq=irq)
        what = f"{M}x{K}x{N} tiles {tm}x{tn}x{tk}"
        assert err == rm.ERR_NONE, f"error {err} for {what}"
        check_y(ram, before, lay, want, M, N, ob, requant_en, what)
        got = {n: await rreg(csr, n) for n in ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT",
                                                "RD_BYTES0", "WR_BYTES0", "RD_BYTES1",
                                                "WR_BYTES1")}
        assert got["ACTIVE"] + got["STALL_MEM"] + got["STALL_OUT"] <= got["CYCLES"], got
        assert got["ACTIVE"] == active_cycles(M, K, N, tm, tn, R, C), \
            (what, got["ACTIVE"], active_cycles(M, K, N, tm, tn, R, C))
        assert got["WR_BYTES0"] == 0 and got["RD_BYTES0"] > 0 and got["RD_BYTES1"] > 0, got
        assert got["WR_BYTES1"] >= M * N * ob, got
        assert watch.m0_writes == 0, "port 0 raised a write valid"
        util = 100.0 * got["ACTIVE"] / got["CYCLES"]
        ideal = 100.0 * M * K * N / (R * C) / got["CYCLES"]
        dut._log.info(f"SHAPE {what} bias={bias_en} requant={requant_en}: "
                      f"CYCLES={got['CYCLES']} ACTIVE={got['ACTIVE']} "
                      f"STALL_MEM={got['STALL_MEM']} STALL_OUT={got['STALL_OUT']} "
                      f"util(ACTIVE/CYCLES)={util:.1f}% MAC-util={ideal:.1f}% "
                      f"RD0={got['RD_BYTES0']} RD1={got['RD_BYTES1']} WR1={got['WR_BYTES1']}")


def _only_rule(cfg, R, C, B, K, rule):
    """(TILE_M, TILE_N, TILE_K), multiples of (ROWS, COLS, B), breaking only ``rule`` of
    the core's sizing rule (obuf: TM*TN*4, wbuf: 2*TM*ceil(TK/B)*B, xbuf: 2*TK*TN)."""
    for a in range(1, 65):
        for b in range(1, 65):
            for c in range(1, 65):
                tm, tn, tk = a * R, b * C, c * B
                ok = dict(obuf=tm * tn * 4 <= cfg["OBUF_BYTES"],
                          wbuf=2 * tm * c * B <= cfg["WBUF_BYTES"],
                          xbuf=2 * tk * tn <= cfg["XBUF_BYTES"])
                if not ok[rule] and all(v for r, v in ok.items() if r != rule):
                    return tm, tn, tk
    raise AssertionError(f"no tile breaks only {rule}")


@cocotb.test()
async def lmmu_bad_commands(dut):
    ram, csr, watch = await setup(dut)
    cfg = json.loads(os.environ["RADACS_SMOKE_CFG"])
    B = len(dut.m1_axi_wstrb)
    R, C = hw_params(await rreg(csr, "HWCFG"))
    ram.write(0, bytes(range(256)) * (MEM // 256))
    before = ram.read(0, MEM)
    good = dict(M=8, K=8 * B, N=8, TILE_M=R, TILE_N=C, TILE_K=2 * B, W_ADDR=0x100,
                W_STRIDE=16 * B, X_ADDR=0x2000, X_STRIDE=16 * B, Y_ADDR=0x4000,
                Y_STRIDE=16 * B, P_ADDR=0x6000, CFG=3)
    cases = [("M", 0, rm.ERR_ZERO_DIM), ("K", 0, rm.ERR_ZERO_DIM), ("N", 0, rm.ERR_ZERO_DIM),
             ("TILE_M", 0, rm.ERR_ZERO_DIM), ("TILE_N", 0, rm.ERR_ZERO_DIM),
             ("TILE_K", 0, rm.ERR_ZERO_DIM),
             ("TILE_M", R + 1, rm.ERR_CAPACITY), ("TILE_N", C + 1, rm.ERR_CAPACITY),
             ("TILE_K", B + 2, rm.ERR_CAPACITY),            # not a multiple of B, < K
             ("TILE_M", 1 << 20, rm.ERR_CAPACITY), ("TILE_N", 1 << 20, rm.ERR_CAPACITY),
             ("TILE_K", 1 << 20, rm.ERR_CAPACITY),
             ("W_ADDR", 0x101, rm.ERR_MISALIGNED), ("W_STRIDE", 16 * B + 1, rm.ERR_MISALIGNED),
             ("X_ADDR", 0x2001, rm.ERR_MISALIGNED), ("X_STRIDE", 16 * B + 2, rm.ERR_MISALIGNED),
             ("Y_ADDR", 0x4003, rm.ERR_MISALIGNED), ("Y_STRIDE", 16 * B + 1, rm.ERR_MISALIGNED),
             ("P_ADDR", 0x6001, rm.ERR_MISALIGNED)]
    # Each buffer rule alone (every other rule holds): the first tile (TILE_M, TILE_N,
    # TILE_K) in multiples of (ROWS, COLS, B) over-filling only that buffer.
    K = good["K"]
    for rule in ("obuf", "wbuf", "xbuf"):
        tile = _only_rule(cfg, R, C, B, K, rule)
        cases.append((("TILE_M", "TILE_N", "TILE_K"), tile, rm.ERR_CAPACITY))
    for name, bad, code in cases:
        if isinstance(name, tuple):
            cmd = dict(good, **dict(zip(name, bad)))
        else:
            cmd = {n: (bad if n == name else v) for n, v in good.items()}
        model_cap = capacity_ok(cfg, cmd["M"], cmd["K"], cmd["N"], cmd["TILE_M"],
                                cmd["TILE_N"], cmd["TILE_K"])
        if code == rm.ERR_CAPACITY:
            assert not model_cap, f"{name}={bad}: capacity_ok accepts it"
        elif code == rm.ERR_MISALIGNED:
            assert model_cap, f"{name}={bad}"
        for n, v in cmd.items():
            await wreg(csr, n, v)
        n_aw = watch.m1_aw
        await wreg(csr, "CTRL", 1)
        err = await wait_done(dut, csr)
        assert err == code, f"{name}={bad}: error {err}, expected {code}"
        assert ram.read(0, MEM) == before, f"{name}={bad}: memory written"
        assert watch.m1_aw == n_aw and watch.m0_writes == 0, f"{name}={bad}: write on a port"
        dut._log.info(f"bad command {name}={bad}: error {err}")
    # P_ADDR is free when bias and requant are off: that command is accepted.
    # Start while busy: the running command finishes correctly, the error is 4.
    for n, v in good.items():
        await wreg(csr, n, v)
    await wreg(csr, "CTRL", 1)
    await wreg(csr, "CTRL", 1)
    err = await wait_done(dut, csr)
    assert err == rm.ERR_START_BUSY, f"start while busy: error {err}"


@cocotb.test()
async def lmmu_abort(dut):
    """CTRL.soft_reset while a command runs: done with error 7 once the transfers in
    flight are complete; the next command is bit-exact."""
    ram, csr, watch = await setup(dut)
    cfg = json.loads(os.environ["RADACS_SMOKE_CFG"])
    B = len(dut.m1_axi_wstrb)
    R, C = hw_params(await rreg(csr, "HWCFG"))
    M, K, N, tm, tn, tk = 4 * R, 8 * B, 2 * C, 2 * R, C, 2 * B
    assert capacity_ok(cfg, M, K, N, tm, tn, tk)
    codes = []
    for delay in (30, 150, 400):
        lay, W, X, bias, mult, shift, want, ob = prepare(M, K, N, 1, 1, delay, B)
        load(ram, lay, W, X, bias, mult, shift, delay)
        before = bytearray(ram.read(0, MEM))
        await program(csr, lay, M, K, N, tm, tn, tk, 1, 1)
        await wreg(csr, "CTRL", 1)
        await ClockCycles(dut.clk, delay)
        await wreg(csr, "CTRL", 2)
        err = await wait_done(dut, csr)
        assert err in (ERR_ABORTED, rm.ERR_NONE), f"abort after {delay}: error {err}"
        codes.append(err)
        dut._log.info(f"abort after {delay} cycles: error {err}")
        await wreg(csr, "CTRL", 1)
        err = await wait_done(dut, csr)
        assert err == rm.ERR_NONE, f"after abort: error {err}"
        check_y(ram, before, lay, want, M, N, ob, 1, f"after abort at {delay}")
    assert watch.m0_writes == 0
    assert codes[0] == ERR_ABORTED, f"abort early in the command: error {codes[0]}"
