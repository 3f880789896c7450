"""cocotb test of the DRAM datapath's generated Verilog (ip/feature_cache/dram_path.py)
on Icarus / Verilator, with cocotbext-axi: ``AxiRam`` behind the AXI4 master (via
:class:`verif.common.mmu_env.Dram`: random pauses on AW, W, B, AR, R; SLVERR pages),
``AxiStreamSource`` / ``AxiStreamSink`` with random pauses on both streams.  The ops
corpus is drawn in the pytest process (tests/test_feature_cache_dram.py) and handed
over in ``RADACS_DRAM_CORPUS`` (JSON); the scoreboard is models/feature_cache_dram.py:
store codes and lengths, loaded beats, and the whole memory image at the end (so any
write outside a store's region fails).  Error pages are whole 4 KiB pages: a burst
never crosses 4 KiB, so cocotbext-axi's per-burst error equals the model's per-beat
rule.
"""
from __future__ import annotations

import json
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

from models import feature_cache_dram as dm
from verif.common.mmu_env import Dram
from verif.common.pause import pause_generator


@cocotb.test()
async def dram_path_corpus(dut):
    cfg = json.loads(os.environ["RADACS_DRAM_CORPUS"])
    b, size, stress = cfg["data_bytes"], cfg["mem_size"], cfg["stress"]
    err_pages = set(cfg["err_pages"])
    rng = random.Random(cfg["seed"])
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst_n.value = 0
    for name in ("s_axis_tvalid", "ld_cmd_valid", "m_axis_tready", "st_drop"):
        getattr(dut, name).value = 0
    ram = Dram(dut, rng, stress, size)
    for pg in err_pages:
        ram.add_region(pg * 4096, 4096, 2)
    src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst_n,
                          reset_active_level=False)
    sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst_n,
                         reset_active_level=False)
    if stress != "none":
        src.set_pause_generator(pause_generator(stress, rng))
        sink.set_pause_generator(pause_generator(stress, rng))
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.rst_n.value = 1
    await RisingEdge(dut.clk)

    exp = bytearray(ram.mem_init)
    bad = lambda a: (a // 4096) in err_pages  # noqa: E731
    done = {"st": [], "ld": []}

    async def monitor():
        while True:
            await RisingEdge(dut.clk)
            if dut.st_done.value:
                done["st"].append((int(dut.st_done_code.value), int(dut.st_done_len.value)))
            if dut.ld_done.value:
                done["ld"].append(int(dut.ld_done_code.value))
    cocotb.start_soon(monitor())

    async def store(op):
        dut.st_base.value = op["base"] // b
        dut.st_cap.value = op["cap"]
        dut.st_drop.value = op["drop"]
        n0 = len(done["st"])
        data = b"".join(v.to_bytes(b, "little") for v in op["beats"])
        await src.send(AxiStreamFrame(data))
        while len(done["st"]) == n0:
            await RisingEdge(dut.clk)
        got = done["st"][-1]
        cap = op["cap"] + (1 if cfg.get("inject_bug") else 0)   # injected: off-by-one capacity
        want = dm.store(exp, op["base"], cap, op["beats"], b, bad, op["drop"])
        assert got == want, (op["base"], op["cap"], len(op["beats"]), got, want)

    async def load(op):
        dut.ld_base.value = op["base"] // b
        dut.ld_len.value = op["length"]
        dut.ld_cmd_valid.value = 1
        while True:
            await RisingEdge(dut.clk)
            if dut.ld_cmd_ready.value:
                break
        dut.ld_cmd_valid.value = 0
        n0 = len(done["ld"])
        frame = await sink.recv()
        while len(done["ld"]) == n0:
            await RisingEdge(dut.clk)
        code, beats = dm.load(exp, op["base"], op["length"], b, bad)
        data = bytes(frame.tdata)
        got = [int.from_bytes(data[i:i + b], "little") for i in range(0, len(data), b)]
        assert (done["ld"][-1], got) == (code, beats), (op, done["ld"][-1], code)

    for item in cfg["ops"]:
        group = item if isinstance(item, list) else [item]
        tasks = [cocotb.start_soon(store(op) if op["kind"] == "store" else load(op))
                 for op in group]
        for t in tasks:
            await t
    mem = ram.snapshot()
    diff = [a for a in range(size) if mem[a] != exp[a]]
    assert not diff, f"{len(diff)} bytes differ from the model, first at {diff[0]:#x}"
    dut._log.info("dram corpus: %d op groups, memory image equal to the model",
                  len(cfg["ops"]))
