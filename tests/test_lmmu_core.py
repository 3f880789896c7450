"""LMMU core (ip/lmmu/lmmu_core.py) in MyHDL's simulator against models.gemm / models.quant.

Work in progress of issue 4: the core is driven through its read/write master
*contracts* (docs/mmu-architecture.md, "ip/axi") by behavioural stand-ins of the three
masters (port 0 read: W and P; port 1 read: X; port 1 write: Y) over one byte-array
memory, so the controller and datapath are checked bit for bit before the AXI masters
and the register block are wrapped around them:

* Y equals the golden model (int32, bias, int8 requantisation) for Hypothesis-drawn
  shapes and tilings: M, K, N from 1 past several tiles, edge tiles in M, N and K,
  K < ROWS, M and N smaller than one sub-tile, a tile exactly at the output buffer's
  capacity; random stalls on the read streams and the write stream;
* every byte outside the Y region is unchanged;
* a read-master error ends the command with error code 5 and no write command after
  it; a write error gives 6;
* the core converts to Verilog and passes ``verilator --lint-only -Wall``.

Every simulation runs a *batch* of commands back to back (one elaboration, and a
check that a command, also one ended by an error, leaves no state behind).  Configs:
4x4 (``CFG44``), ROWS = 3 (not a power of two) with COLS = 8, and COLS = 32 (two P
records a beat).  Default run: 3 x 3 random GEMMs on 4x4, 3 on 3x8, 9 directed, 1 on
2x32, 6 error/recovery commands, lint of the 4x4 preset; ``-m slow``: 25 x 4 random
GEMMs on 4x4, 8 x 3 on 3x8, lint of the 8x8 and 16x16 presets.
"""
from __future__ import annotations

import random
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, seed, settings, strategies as st
from myhdl import ResetSignal, Signal, Simulation, StopSimulation, always, delay, instance, intbv

from ip.lmmu.lmmu_core import ADDR_W, DIM_W, capacity_ok, check_params, lmmu_core
from models.gemm import gemm
from models.quant import quantize_multiplier, requantize

MEM = 1 << 17
# A simulation takes seconds: shrinking a failure could take many minutes, so the
# failing example is reported as drawn (it is reproducible from the fixed seed).
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
LINT_VLT = Path(__file__).resolve().parents[1] / "ip" / "lmmu" / "lint.vlt"


def cfg_for(R, C, wd, xh, od):
    """Build parameters: W halves of ``wd`` words per bank, X halves of ``xh`` words,
    ``od`` output-buffer entries."""
    return dict(ROWS=R, COLS=C, WBUF_BYTES=2 * R * C * wd, XBUF_BYTES=2 * C * xh,
                OBUF_BYTES=4 * C * od)


CFG44 = cfg_for(4, 4, 16, 64, 64)    # 512, 512, 1024 bytes


def sig(bits, val=0):
    return Signal(intbv(val)[bits:])


class Job:
    """One command of a simulation: its memory image, register values and the masters'
    behaviour; the harness fills in the results."""

    def __init__(self, mem: bytearray, cmd: dict, rd_err_at=None, wr_err_at=None,
                 stall=None):
        self.mem = mem
        self.cmd = cmd
        self.rd_err_at = rd_err_at          # (port, n): fail port's n-th read command
        self.wr_err_at = wr_err_at          # fail the n-th write command
        self.stall = stall                  # None: ideal; else probability of a bubble
        self.writes_after_error = 0
        self.n_writes = 0
        self.n_rd = [0, 0]
        self.cycles = 0
        self.counts = dict(active=0, stall_mem=0, stall_out=0)
        self.probes = {}
        self.err = None


class Harness:
    """The core plus behavioural read/write masters over the current job's memory.

    Master timing (the "ideal masters" of the cycle counts in the core's docstring):
    ``cmd_ready`` is high while idle; after the command handshake in cycle ``c`` the
    read master's first beat is valid in ``c + 1 + rd_latency``, one beat a cycle
    (``stall``: random bubbles), ``done`` two cycles after the last beat; the write
    master takes a beat a cycle (``stall``: random ``tready`` low) and pulses ``done``
    two cycles after the last one."""

    def __init__(self, cfg: dict, rd_latency=3, seed=0, probes=()):
        self.cfg = cfg
        self.B = cfg["COLS"]
        self.rd_latency = rd_latency
        self.rng = random.Random(seed)
        self.probe_names = probes               # internal signals: cycles high
        self.job = None
        s = self.s = {}
        s["clk"] = Signal(bool(0))
        s["rst_n"] = ResetSignal(0, active=0, isasync=False)
        for n in ("start", "abort", "c_bias_en", "c_requant_en", "busy", "done", "active",
                  "stall_mem", "stall_out"):
            s[n] = Signal(bool(0))
        for n in ("c_m", "c_k", "c_n", "tile_m", "tile_n", "tile_k"):
            s[n] = sig(DIM_W)
        for n in ("c_w_addr", "c_w_stride", "c_x_addr", "c_x_stride", "c_y_addr", "c_y_stride",
                  "c_p_addr"):
            s[n] = sig(ADDR_W)
        s["err"] = sig(4)
        for pfx in ("rd0", "rd1", "wr1"):
            for n in ("cmd_valid", "cmd_ready", "tvalid", "tready", "done"):
                s[f"{pfx}_{n}"] = Signal(bool(0))
            for n in ("cmd_row_bytes", "cmd_rows"):
                s[f"{pfx}_{n}"] = sig(DIM_W)
            for n in ("cmd_addr", "cmd_stride"):
                s[f"{pfx}_{n}"] = sig(ADDR_W)
            s[f"{pfx}_status"] = sig(2)
            s[f"{pfx}_tdata"] = sig(8 * self.B)

    def beats(self, addr, row_bytes, rows, stride):
        B = self.B
        assert addr % B == 0 and stride % B == 0 and rows > 0 and row_bytes > 0, \
            (addr, row_bytes, rows, stride)
        for r in range(rows):
            a = addr + r * stride
            for q in range(-(-row_bytes // B)):
                yield a + q * B, min(B, row_bytes - q * B)

    def bubble(self):
        return self.job.stall is not None and self.rng.random() < self.job.stall

    def run(self, jobs, max_cycles=400_000):
        """Run the jobs back to back in one simulation (one elaboration)."""
        s, h, B = self.s, self, self.B
        dut = lmmu_core(**s, **self.cfg)
        inner = {n: dut.sigdict[n] for n in self.probe_names}

        @always(delay(5))
        def clkgen():
            s["clk"].next = not s["clk"]

        def rd_master(port):
            p = f"rd{port}"

            @instance
            def master():
                while True:
                    s[p + "_cmd_ready"].next = 1
                    yield s["clk"].posedge
                    if not (s[p + "_cmd_valid"] and s[p + "_cmd_ready"]):
                        continue
                    s[p + "_cmd_ready"].next = 0
                    job = h.job
                    c = (int(s[p + "_cmd_addr"]), int(s[p + "_cmd_row_bytes"]),
                         int(s[p + "_cmd_rows"]), int(s[p + "_cmd_stride"]))
                    fail = job.rd_err_at == (port, job.n_rd[port])
                    job.n_rd[port] += 1
                    for _ in range(h.rd_latency):
                        yield s["clk"].posedge
                    beats = list(h.beats(*c))
                    if fail:
                        beats = beats[:len(beats) // 2]
                    for a, _n in beats:
                        while h.bubble():
                            s[p + "_tvalid"].next = 0
                            yield s["clk"].posedge
                        s[p + "_tdata"].next = int.from_bytes(job.mem[a:a + B], "little")
                        s[p + "_tvalid"].next = 1
                        yield s["clk"].posedge
                        while not s[p + "_tready"]:
                            yield s["clk"].posedge
                    s[p + "_tvalid"].next = 0
                    yield s["clk"].posedge
                    s[p + "_done"].next = 1
                    s[p + "_status"].next = 2 if fail else 0
                    yield s["clk"].posedge
                    s[p + "_done"].next = 0
                    s[p + "_status"].next = 0

            return master

        @instance
        def wr_master():
            while True:
                s["wr1_cmd_ready"].next = 1
                yield s["clk"].posedge
                if not (s["wr1_cmd_valid"] and s["wr1_cmd_ready"]):
                    continue
                s["wr1_cmd_ready"].next = 0
                job = h.job
                c = (int(s["wr1_cmd_addr"]), int(s["wr1_cmd_row_bytes"]),
                     int(s["wr1_cmd_rows"]), int(s["wr1_cmd_stride"]))
                if int(s["err"]):
                    job.writes_after_error += 1
                fail = job.wr_err_at == job.n_writes
                job.n_writes += 1
                for a, n in h.beats(*c):
                    while True:
                        rdy = not h.bubble()
                        s["wr1_tready"].next = rdy
                        yield s["clk"].posedge
                        if rdy and s["wr1_tvalid"]:
                            break
                    data = int(s["wr1_tdata"]).to_bytes(B, "little")
                    if not fail:
                        job.mem[a:a + n] = data[:n]
                s["wr1_tready"].next = 0
                yield s["clk"].posedge
                s["wr1_done"].next = 1
                s["wr1_status"].next = 2 if fail else 0
                yield s["clk"].posedge
                s["wr1_done"].next = 0
                s["wr1_status"].next = 0

        @instance
        def stim():
            yield s["clk"].negedge
            yield s["clk"].negedge
            s["rst_n"].next = 1
            for job in jobs:
                h.job = job
                job.probes = {n: 0 for n in inner}
                for k, v in job.cmd.items():
                    s[k].next = v
                yield s["clk"].negedge
                s["start"].next = 1
                yield s["clk"].negedge
                s["start"].next = 0
                for cyc in range(max_cycles):
                    yield s["clk"].posedge
                    for n in job.counts:
                        job.counts[n] += int(s[n])
                    for n, v in inner.items():
                        job.probes[n] += int(v)
                    if s["done"]:
                        job.cycles = cyc + 1
                        job.err = int(s["err"])
                        break
                else:
                    raise AssertionError(f"no done after {max_cycles} cycles")
                # A few idle cycles between commands.
                for _ in range(3):
                    yield s["clk"].negedge
            # MyHDL clears every signal when a simulation ends: results are read above.
            raise StopSimulation

        Simulation(dut, clkgen, rd_master(0), rd_master(1), wr_master, stim).run(quiet=1)
        return jobs


def layout(M, K, N, ob, B, rng):
    """Addresses and strides (multiples of B, strides padded by a random 0..2 beats)."""
    def stride(row_bytes):
        return (-(-row_bytes // B) + rng.randint(0, 2)) * B

    def align(a):
        return -(-a // B) * B
    ws, xs, ys = stride(K), stride(N), stride(N * ob)
    w_addr = 0x100
    x_addr = align(w_addr + M * ws + 0x40)
    p_addr = align(x_addr + K * xs + 0x40)
    y_addr = align(p_addr + 16 * M + 0x40)
    end = y_addr + M * ys
    assert end < MEM, end
    return dict(c_w_addr=w_addr, c_w_stride=ws, c_x_addr=x_addr, c_x_stride=xs,
                c_p_addr=p_addr, c_y_addr=y_addr, c_y_stride=ys)


def gemm_job(cfg, M, K, N, tm, tn, tk, bias_en, requant_en, seed, **jobargs):
    """A job computing one GEMM; ``job.check()`` returns (got, want, untouched)."""
    assert capacity_ok(cfg, M, K, N, tm, tn, tk), (M, K, N, tm, tn, tk)
    B = cfg["COLS"]
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    ob = 1 if requant_en else 4
    lay = layout(M, K, N, ob, B, rng)
    mem = bytearray(nrng.integers(0, 256, MEM, dtype=np.uint8).tobytes())
    W = nrng.integers(-128, 128, (M, K), dtype=np.int64)
    X = nrng.integers(-128, 128, (K, N), dtype=np.int64)
    W[0, 0], X[0, 0] = -128, -128           # extremes present
    W[-1, -1], X[-1, -1] = 127, 127
    # Bias mostly small, once an int32 extreme (wraps); per-row scales mapping the row's
    # largest |acc| to about 130, so results span int8 and some saturate.
    bias = nrng.integers(-2**12, 2**12, M, dtype=np.int64)
    bias[-1] = 2**31 - 1
    acc0 = gemm(W, X, bias if bias_en else None)
    ms = [quantize_multiplier(130.0 / max(1, int(np.abs(acc0[m]).max()))) for m in range(M)]
    mult = np.array([a for a, _ in ms], dtype=np.int64)
    shift = np.array([b for _, b in ms], dtype=np.int64)
    for m in range(M):
        a = lay["c_w_addr"] + m * lay["c_w_stride"]
        mem[a:a + K] = W[m].astype(np.int8).tobytes()
        a = lay["c_p_addr"] + 16 * m
        mem[a:a + 16] = (int(bias[m]) & 0xFFFFFFFF).to_bytes(4, "little") + \
            int(mult[m]).to_bytes(4, "little") + int(shift[m]).to_bytes(4, "little") + bytes(4)
    for k in range(K):
        a = lay["c_x_addr"] + k * lay["c_x_stride"]
        mem[a:a + N] = X[k].astype(np.int8).tobytes()
    before = bytes(mem)
    cmd = dict(c_m=M, c_k=K, c_n=N, tile_m=tm, tile_n=tn, tile_k=tk, c_bias_en=bias_en,
               c_requant_en=requant_en, **lay)
    job = Job(mem, cmd, **jobargs)
    job.shape = (M, K, N, tm, tn, tk, bias_en, requant_en)

    def check():
        acc = gemm(W, X, bias if bias_en else None)
        want = requantize(acc, mult, shift) if requant_en else acc
        dt = np.int8 if requant_en else np.dtype("<i4")
        ys = lay["c_y_stride"]
        got = np.stack([np.frombuffer(bytes(mem[lay["c_y_addr"] + m * ys:
                                               lay["c_y_addr"] + m * ys + N * ob]), dtype=dt)
                        for m in range(M)])
        # Bytes outside Y rows' [0, N*ob) are unchanged.
        outside = bytearray(mem)
        ref = bytearray(before)
        for m in range(M):
            a = lay["c_y_addr"] + m * ys
            outside[a:a + N * ob] = bytes(N * ob)
            ref[a:a + N * ob] = bytes(N * ob)
        return got, want, outside == ref

    job.check = check
    return job


def run_gemm(cfg, M, K, N, tm, tn, tk, bias_en, requant_en, seed, probes=(), **jobargs):
    """One GEMM in its own simulation: (err, got, want, untouched, job)."""
    job = gemm_job(cfg, M, K, N, tm, tn, tk, bias_en, requant_en, seed, **jobargs)
    Harness(cfg, seed=seed, probes=probes).run([job])
    got, want, untouched = job.check()
    return job.err, got, want, untouched, job


def check_cases(cfg, cases, seed=0):
    """Run ``cases`` (shape tuples + seed, stall) back to back in one simulation and
    check every Y bit-exact and the memory outside Y unchanged."""
    jobs = [gemm_job(cfg, *shape, stall=stall) for shape, stall in cases]
    Harness(cfg, seed=seed).run(jobs)
    for job in jobs:
        got, want, untouched = job.check()
        assert job.err == 0, job.shape
        assert np.array_equal(got, want), \
            f"Y mismatch for M, K, N, tiles, bias, requant = {job.shape}:\n{got}\n{want}"
        assert untouched, f"bytes outside the Y region changed: {job.shape}"
    return jobs


@st.composite
def shapes(draw, cfg):
    R, C, B = cfg["ROWS"], cfg["COLS"], cfg["COLS"]
    M = draw(st.integers(1, 5 * R + 3))
    K = draw(st.integers(1, 6 * B + 5))
    N = draw(st.integers(1, 4 * C + 3))
    od = cfg["OBUF_BYTES"] // (4 * C)
    wd = cfg["WBUF_BYTES"] // (2 * R * B)
    xh = cfg["XBUF_BYTES"] // (2 * B)
    u = draw(st.integers(1, max(1, min(4, od // R))))            # tile_n / C
    v = draw(st.integers(1, max(1, min(4, od // (u * R), wd))))   # tile_m / R
    # tile_k: a multiple of B within the W and X halves, or K itself when that fits.
    kw_max = max(1, min(wd // v, xh // (u * B)))
    tm, tn = R * v, C * u
    tk = B * draw(st.integers(1, kw_max))
    if draw(st.booleans()) and K <= tk:
        tk = K
    return (M, K, N, tm, tn, tk, draw(st.booleans()), draw(st.booleans()),
            draw(st.integers(0, 2**16)))


def stall_for(sd):
    """Half of the drawn cases stall the streams at random."""
    return (0.1 + (sd % 4) / 10) if sd % 2 else None


# Each Hypothesis example is a batch of three GEMMs run back to back in one simulation
# (one elaboration; also checks that a command leaves no state behind).
@seed(20261128)
@settings(max_examples=3, deadline=None, phases=NO_SHRINK)
@given(st.lists(shapes(CFG44), min_size=3, max_size=3))
def test_lmmu_core_matches_model_4x4(batch):
    check_cases(CFG44, [(sh, stall_for(sh[-1])) for sh in batch], seed=batch[0][-1])


CFG_ODD = cfg_for(3, 8, 8, 32, 64)   # ROWS not a power of two


@seed(7)
@settings(max_examples=1, deadline=None, phases=NO_SHRINK)
@given(st.lists(shapes(CFG_ODD), min_size=3, max_size=3))
def test_lmmu_core_matches_model_rows3_cols8(batch):
    check_cases(CFG_ODD, [(sh, stall_for(sh[-1])) for sh in batch], seed=batch[0][-1])


DIRECTED = [
    # (M, K, N, tile_m, tile_n, tile_k, bias, requant)
    (1, 1, 1, 4, 4, 4, False, False),           # smaller than one sub-tile
    (2, 3, 3, 4, 4, 4, True, True),             # K < ROWS
    (7, 2, 9, 4, 8, 2, True, False),            # K < ROWS, tile_k = K, edges
    (13, 29, 11, 8, 8, 8, True, True),          # primes, several tiles and chunks
    (64, 9, 4, 64, 4, 4, False, True),          # a 64-row tile: 16 W rows a bank
    (16, 17, 16, 16, 16, 4, True, True),        # tile_m * tile_n * 4 == OBUF_BYTES
    (16, 8, 32, 16, 16, 4, False, False),       # long int32 store: next tile waits
    (17, 8, 20, 8, 16, 4, False, False),        # edge tile's store before a full one
    (13, 3, 20, 8, 8, 3, True, False),          # one chunk per tile: store serialises
]


def test_lmmu_core_directed():
    check_cases(CFG44, [(sh + (3 + i,), 0.4 if i % 2 else None)
                        for i, sh in enumerate(DIRECTED)])


CFG_B32 = cfg_for(2, 32, 4, 64, 8)    # B = 32: two P records per beat


def test_lmmu_core_b32_p_records_in_pairs():
    check_cases(CFG_B32, [((3, 33, 40, 4, 32, 32, True, True, 3), 0.3)])


def test_lmmu_core_errors():
    """A read error (either port, first or a later command) ends the command with 5 and
    no write command after it; a write error gives 6.  A good command follows each."""
    shape = (9, 21, 10, 8, 8, 8, True, True)
    jobs = []
    for port, n in ((0, 0), (1, 0), (0, 3), (1, 2)):
        jobs.append(gemm_job(CFG44, *shape, 1, rd_err_at=(port, n)))
    jobs.append(gemm_job(CFG44, 9, 13, 10, 4, 8, 8, False, False, 2, wr_err_at=0))
    jobs.append(gemm_job(CFG44, *shape, 5))
    Harness(CFG44).run(jobs)
    for job in jobs[:4]:
        assert job.err == 5, job.rd_err_at
        assert job.writes_after_error == 0, job.rd_err_at
        assert job.check()[2], job.rd_err_at
    assert jobs[4].err == 6
    assert jobs[4].writes_after_error == 0
    got, want, untouched = jobs[5].check()
    assert jobs[5].err == 0 and np.array_equal(got, want) and untouched


def test_capacity_rule():
    c = CFG44   # W halves 8 words/bank, X halves 64 words, output 64 entries
    assert capacity_ok(c, 64, 100, 4, 64, 4, 4)
    assert not capacity_ok(c, 64, 100, 4, 64, 8, 4)     # output buffer
    assert not capacity_ok(c, 64, 100, 4, 64, 4, 8)     # W buffer
    assert not capacity_ok(c, 64, 100, 4, 6, 4, 4)      # tile_m % ROWS
    assert not capacity_ok(c, 64, 100, 4, 4, 6, 4)      # tile_n % COLS
    assert not capacity_ok(c, 64, 100, 4, 4, 4, 6)      # tile_k % B with K > tile_k
    assert capacity_ok(c, 4, 6, 4, 4, 4, 6)             # tile_k >= K: no alignment need
    assert not capacity_ok(c, 4, 100, 4, 4, 4, 0)


@pytest.mark.parametrize("bad,msg", [
    (dict(ROWS=1), "ROWS must be in 2..32"),
    (dict(COLS=2), "COLS must be 4, 8, 16 or 32"),
    (dict(WBUF_BYTES=100), "WBUF_BYTES must be"),
    (dict(XBUF_BYTES=96), "XBUF_BYTES must be"),
    (dict(OBUF_BYTES=4 * 4 * 2), "OBUF_BYTES must be"),
])
def test_lmmu_core_parameter_errors(bad, msg):
    p = dict(CFG44, **bad)
    with pytest.raises(ValueError, match="lmmu: " + msg):
        check_params(**p)


@pytest.mark.slow
@seed(99)
@settings(max_examples=25, deadline=None, phases=NO_SHRINK)
@given(st.lists(shapes(CFG44), min_size=4, max_size=4))
def test_lmmu_core_deep_sweep(batch):
    check_cases(CFG44, [(sh, stall_for(sh[-1])) for sh in batch], seed=batch[0][-1])


@pytest.mark.slow
@seed(98)
@settings(max_examples=8, deadline=None, phases=NO_SHRINK)
@given(st.lists(shapes(CFG_ODD), min_size=3, max_size=3))
def test_lmmu_core_deep_sweep_rows3_cols8(batch):
    check_cases(CFG_ODD, [(sh, stall_for(sh[-1])) for sh in batch], seed=batch[0][-1])


def _convert(tmp_path, cfg, name):
    h = Harness(cfg)
    lmmu_core(**h.s, **cfg).convert(hdl="Verilog", path=str(tmp_path), name=name,
                                    testbench=False, timescale="1ns/1ps")
    return tmp_path / f"{name}.v"


@pytest.mark.parametrize("preset", ["lmmu-4x4", pytest.param("lmmu-8x8", marks=pytest.mark.slow),
                                    pytest.param("lmmu-16x16", marks=pytest.mark.slow)])
def test_lmmu_core_is_verilator_wall_clean(tmp_path, preset):
    """The core converts and passes Verilator -Wall (with ip/lmmu/lint.vlt if present,
    whose every waiver says why)."""
    from models.mmu import PRESETS
    c = PRESETS[preset]
    cfg = dict(ROWS=c.rows, COLS=c.cols, WBUF_BYTES=c.wbuf_bytes, XBUF_BYTES=c.xbuf_bytes,
               OBUF_BYTES=c.obuf_bytes)
    name = "radacs_" + preset.replace("-", "_") + "_core"
    v = _convert(tmp_path, cfg, name)
    args = ["verilator", "--lint-only", "-Wall"]
    if LINT_VLT.exists():
        args.append(str(LINT_VLT))
    r = subprocess.run(args + [str(v)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
