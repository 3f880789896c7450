"""IP-independent pieces of the matrix units' pyuvm environments (``verif/hmmu``,
``verif/lmmu``).

* :class:`Dram` - one memory behind one cocotbext-axi ``AxiRam`` (read and write) and
  any number of extra ``AxiRamRead`` ports on the same bytes, random pauses on every
  channel (the stress knob), SLVERR / DECERR error regions.
* :func:`make_csr` - the AXI4-Lite register master (cocotbext-axi ``AxiLiteMaster``)
  with pauses on its five channels.
* :class:`PinBfm` - samples a list of DUT pins at every falling edge (the only
  reader of DUT pins besides the cocotbext-axi models).
* :func:`count_beats` - AXI4 handshake counting per port from those samples.
* :func:`operands` / :func:`write_operands` - a command's W, X, bias and requant
  records from its seed and data recipe, and their placement in memory (W rows, X
  rows, 16-byte P records ``bias, mult, shift, 0``).
* :func:`saturates` - does requantisation clip for this command (coverage).
* :func:`image_errors` - the memory-image scoreboard check: the whole image after a
  command equals the baseline with the Y rows replaced by the golden model's.
"""
from __future__ import annotations

import logging

import numpy as np
from cocotb.triggers import FallingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam, AxiReadBus
from cocotbext.axi.axi_ram import AxiRamRead

from models.gemm import gemm
from models.quant import quantize_multiplier
from verif.common.pause import pause_generator

ERR_GRAN = 256


def cdiv(a, b):
    return -(-a // b)


# ---------------------------------------------------------------------------- DRAM
class Dram:
    """cocotbext-axi ``AxiRam`` on ``prefix`` (read and write) plus an ``AxiRamRead`` on
    each of ``read_prefixes``, all on one bytearray, with error regions: cocotbext-axi
    answers SLVERR when its memory access raises; a DECERR region rewrites that response
    on the way out (the R beat / the burst's B)."""

    def __init__(self, dut, rng, stress, size, prefix="m_axi", read_prefixes=()):
        self.size = size
        self.mem_init = rng.randbytes(size)
        for pfx in (prefix, *read_prefixes):
            logging.getLogger(f"cocotb.{dut._name}.{pfx}").setLevel(logging.ERROR)
        self.ram = AxiRam(AxiBus.from_prefix(dut, prefix), dut.clk, dut.rst_n,
                          reset_active_level=False, size=size)
        self.ram.write(0, self.mem_init)
        self.readers = {pfx: AxiRamRead(AxiReadBus.from_prefix(dut, pfx), dut.clk, dut.rst_n,
                                        reset_active_level=False, mem=self.ram.mem)
                        for pfx in read_prefixes}
        self.regions = {}
        rd, wr = self.ram.read_if, self.ram.write_if
        self.channels = [wr.aw_channel, wr.w_channel, wr.b_channel, rd.ar_channel,
                         rd.r_channel]
        self._wrap(wr, "_write", wr.b_channel, "bresp")
        for port in (rd, *self.readers.values()):
            self.channels += [port.ar_channel, port.r_channel]
            self._wrap(port, "_read", port.r_channel, "rresp")
        self.set_stress(stress, rng)

    def read_port(self, prefix):
        """The read side (``AxiRamRead``-like) of the port ``prefix``."""
        return self.readers.get(prefix, self.ram.read_if)

    def _wrap(self, port, meth, ch, fname):
        inner = getattr(port, meth)
        code = [0]      # per port: a response code waiting for its R beat / B

        async def access(address, arg):
            c = self.error_at(address)
            if c:
                if not code[0]:
                    code[0] = c
                raise OSError(f"error region at {address:#x}")
            return await inner(address, arg)
        setattr(port, meth, access)
        send = ch.send

        async def send_with_code(obj):
            if code[0]:
                setattr(obj, fname, code[0])
                code[0] = 0
            await send(obj)
        ch.send = send_with_code

    def error_at(self, address) -> int:
        return self.regions.get(address // ERR_GRAN * ERR_GRAN, 0)

    def add_region(self, base, size, code):
        for a in range(base, base + size, ERR_GRAN):
            self.regions[a] = code

    def set_stress(self, mode, rng):
        for ch in self.channels:
            release(ch, mode, rng)

    def write(self, address, data: bytes):
        self.ram.write(address, data)

    def snapshot(self) -> bytes:
        return bytes(self.ram.read(0, self.size))


# ---------------------------------------------------------------------------- CSR
def make_csr(dut, rng, stress, prefix="s_axil") -> AxiLiteMaster:
    """The AXI4-Lite master on ``prefix`` with ``stress`` pauses on its channels."""
    logging.getLogger(f"cocotb.{dut._name}.{prefix}").setLevel(logging.ERROR)
    csr = AxiLiteMaster(AxiLiteBus.from_prefix(dut, prefix), dut.clk, dut.rst_n,
                        reset_active_level=False)
    set_csr_stress(csr, stress, rng)
    return csr


def release(ch, mode, rng):
    """Give a channel held with ``set_pause_generator(itertools.repeat(1))`` its stress
    pauses back (also how every channel gets its pauses, so a switch to ``none`` after
    random pauses cannot leave one paused either).  cocotbext-axi keeps the last pause
    value when its generator is removed (``set_pause_generator(None)``), so for ``none``
    the pause is cleared explicitly: a held channel would otherwise stay paused forever.
    Draws from ``rng`` as ``pause_generator`` does, so seeds reproduce as before."""
    ch.set_pause_generator(pause_generator(mode, rng) if mode != "none" else None)
    if mode == "none":
        ch.pause = False


def set_csr_stress(csr, mode, rng):
    w, r = csr.write_if, csr.read_if
    for ch in (w.aw_channel, w.w_channel, w.b_channel, r.ar_channel, r.r_channel):
        release(ch, mode, rng)


# ---------------------------------------------------------------------------- pins
AXI_HANDSHAKE_PINS = ("arvalid", "arready", "rvalid", "rready", "awvalid", "awready",
                      "wvalid", "wready", "bvalid", "bready", "rlast", "wlast")


def axi_pins(prefix: str) -> tuple:
    return tuple(f"{prefix}_{n}" for n in AXI_HANDSHAKE_PINS)


class PinBfm:
    """Samples ``pins`` at every falling edge and hands a dict to ``callback``
    (``cycle``, ``rst_n`` and, out of reset, every pin as an int)."""

    def __init__(self, dut, pins, callback):
        self.dut, self.callback = dut, callback
        self.handles = [(n, getattr(dut, n)) for n in pins]
        self.cycle = 0
        self.last_sample: dict = {}

    async def run(self):
        d = self.dut
        while True:
            await FallingEdge(d.clk)
            self.cycle += 1
            rst = d.rst_n.value
            s = {"cycle": self.cycle, "rst_n": int(rst) if rst.is_resolvable else 0}
            if s["rst_n"]:
                for n, h in self.handles:
                    v = h.value
                    s[n] = int(v) if v.is_resolvable else 0
            self.last_sample = s
            self.callback(s)


def new_beats() -> dict:
    return {"ar": 0, "r": 0, "aw": 0, "w": 0, "b": 0, "rl": 0, "wl": 0}


def count_beats(bus: dict, s: dict, prefix: str) -> bool:
    """Add the handshakes of sample ``s`` on port ``prefix`` to ``bus`` (ar, r, aw, w, b,
    rl = R beats with rlast, wl = W beats with wlast); True if there was any."""
    any_ = False
    for key in ("ar", "r", "aw", "w", "b"):
        if s[f"{prefix}_{key}valid"] and s[f"{prefix}_{key}ready"]:
            bus[key] += 1
            any_ = True
            if key in "rw" and s[f"{prefix}_{key}last"]:
                bus[key + "l"] += 1
    return any_


# ---------------------------------------------------------------------------- data
def operands(M, K, N, seed, data="random", sat=False, bias_on=False):
    """W (M x K), X (K x N), bias (M), requant mult / shift (M) of one command: int8
    data drawn from ``seed`` (``random`` with the extremes -128 / 127 present,
    ``extreme`` values only, ``small``), a 21-bit bias, and multipliers that map the
    largest |acc| of each row to 0.6 x 127 (``sat``: 6 x 127, so requant clips)."""
    g = np.random.default_rng(seed)
    if data == "extreme":
        W = g.choice(np.array([-128, 127, -1, 0, 1]), (M, K))
        X = g.choice(np.array([-128, 127, -128, 127, 5]), (K, N))
    elif data == "small":
        W = g.integers(-3, 4, (M, K))
        X = g.integers(-3, 4, (K, N))
    else:
        W = g.integers(-128, 128, (M, K))
        X = g.integers(-128, 128, (K, N))
        W.flat[0] = -128
        X.flat[-1] = 127
    W, X = W.astype(np.int64), X.astype(np.int64)
    bias = g.integers(-(1 << 20), 1 << 20, M, dtype=np.int64)
    acc = gemm(W, X, bias if bias_on else None)
    scale = 6.0 if sat else 0.6
    ms = [quantize_multiplier(min(1000.0, scale * 127.0 / max(1, int(np.abs(acc[m]).max()))))
          for m in range(M)]
    mult = np.array([a for a, _ in ms], dtype=np.int64)
    shift = np.array([b for _, b in ms], dtype=np.int64)
    return W, X, bias, mult, shift


def write_operands(dram, regs, W, X, bias, mult, shift):
    """W rows at W_ADDR + m*W_STRIDE, X rows at X_ADDR + k*X_STRIDE, P records of 16
    bytes (bias, mult, shift as little-endian int32, then 4 zero bytes) at P_ADDR."""
    M, K = W.shape
    for m in range(M):
        dram.write(regs["W_ADDR"] + m * regs["W_STRIDE"], W[m].astype(np.int8).tobytes())
        dram.write(regs["P_ADDR"] + 16 * m,
                   (int(bias[m]) & 0xFFFFFFFF).to_bytes(4, "little")
                   + int(mult[m]).to_bytes(4, "little")
                   + int(shift[m]).to_bytes(4, "little") + bytes(4))
    for k in range(K):
        dram.write(regs["X_ADDR"] + k * regs["X_STRIDE"], X[k].astype(np.int8).tobytes())


def saturates(W, X, bias, mult, shift) -> bool:
    """True if requantising ``W @ X + bias`` clips some value to int8."""
    acc = gemm(W, X, bias)
    s = shift.reshape(-1, 1)
    r = np.where(s > 0, np.left_shift(np.int64(1), np.maximum(s - 1, 0)), 0)
    y = np.right_shift(acc * mult.reshape(-1, 1) + r, s)
    return bool((y > 127).any() or (y < -128).any())


# ---------------------------------------------------------------------------- scoreboard
def y_mask(rows, size) -> np.ndarray:
    """Boolean mask of the bytes of ``rows`` ((address, length) pairs)."""
    inside = np.zeros(size, dtype=bool)
    for a, n in rows:
        inside[a % size:a % size + n] = True
    return inside


def stray_writes(baseline: bytes, mem: bytes, rows) -> np.ndarray:
    """Addresses outside ``rows`` where ``mem`` differs from ``baseline``."""
    base = np.frombuffer(baseline, dtype=np.uint8)
    got = np.frombuffer(mem, dtype=np.uint8)
    return np.nonzero((base != got) & ~y_mask(rows, len(base)))[0]


def image_errors(baseline: bytes, mem: bytes, rows, y: np.ndarray, out_bytes: int) -> str | None:
    """The whole-memory check of a clean command: ``mem`` must equal ``baseline`` with
    Y row m (at ``rows[m]``) = ``y[m]`` as int8 (``out_bytes`` 1) or little-endian int32
    (4); None when it does, else a message naming the first differing byte."""
    dt = np.int8 if out_bytes == 1 else np.dtype("<i4")
    exp = bytearray(baseline)
    for m, (a, n) in enumerate(rows):
        exp[a:a + n] = y[m].astype(dt).tobytes()
    e = np.frombuffer(bytes(exp), dtype=np.uint8)
    got = np.frombuffer(mem, dtype=np.uint8)
    diff = np.nonzero(e != got)[0]
    if not len(diff):
        return None
    a = int(diff[0])
    where = "outside Y"
    for m, (ya, n) in enumerate(rows):
        if ya <= a < ya + n:
            col = (a - ya) // out_bytes
            got_row = np.frombuffer(mem[ya:ya + n], dtype=dt)
            where = (f"Y[{m}][{col}] = {int(got_row[col])}, expected {int(y[m][col])}"
                     f" (row got {got_row.tolist()[:8]}, expected {y[m].tolist()[:8]})")
            break
    return (f"{len(diff)} byte(s) differ, first at {a:#x}: {where}\n"
            f"  Expected: memory image with Y = models.gemm/quant\n"
            f"  Actual:   byte {a:#x} = {int(got[a])}, expected {int(e[a])}")
