"""The AXI masters' MyHDL source against models/axi.py in MyHDL's own simulator.

For property mode (tests/test_axi_property.py): Hypothesis draws the commands and the
stall patterns, this bench runs them in-process (no HDL simulator), and a failure
shrinks to a minimal command.  The slave here is a small in-order AXI memory written
for the bench: it accepts requests with random ``*READY`` stalls, answers R beats /
takes W beats with random gaps, and answers SLVERR for addresses in ``err``.
"""
from __future__ import annotations

import random

from myhdl import Simulation, StopSimulation, always, delay, instance

from ip.axi import build, check
from models import axi as model


def run(params: dict, cmds: list[model.Command], mem: bytearray, *, seed: int = 0,
        stall: float = 0.3, err: frozenset = frozenset(), max_cycles: int = 20000):
    """Run ``cmds`` one after another; return ``[(status, beats or None)]`` per command
    (read: the m_axis beats ``[(tdata, tlast)]``; write: None, ``mem`` is updated) and
    the data sent for each write command (``datas``)."""
    p = check(params)
    kind, b = p["KIND"], p["DATA_BYTES"]
    inst, s = build(p)
    rng = random.Random(seed)
    results: list = []
    datas: list = []
    aq: list = []      # accepted requests: [addr, beats left, beat index]
    wresp: list = []   # write responses pending: response code
    state = {"cycle": 0}

    @always(delay(5))
    def clock():
        s["clk"].next = not s["clk"]

    def stalled():
        return rng.random() < stall

    @instance
    def slave():
        a = "ar" if kind == "rd" else "aw"
        cur_err = 0
        while True:
            yield s["clk"].posedge
            state["cycle"] += 1
            if state["cycle"] > max_cycles:
                raise StopSimulation("timeout")
            if not s["rst_n"]:
                continue
            # Address channel.
            if s[f"m_axi_{a}valid"] and s[f"m_axi_{a}ready"]:
                aq.append([int(s[f"m_axi_{a}addr"]), int(s[f"m_axi_{a}len"]) + 1])
            s[f"m_axi_{a}ready"].next = not stalled()
            if kind == "rd":
                if s["m_axi_rvalid"] and s["m_axi_rready"]:
                    aq[0][0] += b
                    aq[0][1] -= 1
                    if aq[0][1] == 0:
                        aq.pop(0)
                    s["m_axi_rvalid"].next = 0
                if aq and (not s["m_axi_rvalid"] or s["m_axi_rready"]) and not stalled():
                    ad = aq[0][0]
                    bad = (ad // 256) in err
                    s["m_axi_rvalid"].next = 1
                    s["m_axi_rdata"].next = 0 if bad else int.from_bytes(
                        mem[ad:ad + b], "little")
                    s["m_axi_rresp"].next = model.ST_SLVERR if bad else 0
                    s["m_axi_rlast"].next = aq[0][1] == 1
                elif s["m_axi_rvalid"] and not s["m_axi_rready"]:
                    pass  # hold the beat
            else:
                if s["m_axi_wvalid"] and s["m_axi_wready"]:
                    ad = aq[0][0]
                    if (ad // 256) in err:
                        cur_err = cur_err or model.ST_SLVERR
                    else:
                        data = int(s["m_axi_wdata"]).to_bytes(b, "little")
                        strb = int(s["m_axi_wstrb"])
                        for k in range(b):
                            if strb >> k & 1:
                                mem[ad + k] = data[k]
                    aq[0][0] += b
                    aq[0][1] -= 1
                    if aq[0][1] == 0:
                        aq.pop(0)
                        wresp.append(cur_err)
                        cur_err = 0
                s["m_axi_wready"].next = bool(aq) and not stalled()
                if s["m_axi_bvalid"] and s["m_axi_bready"]:
                    s["m_axi_bvalid"].next = 0
                elif not s["m_axi_bvalid"] and wresp and not stalled():
                    s["m_axi_bvalid"].next = 1
                    s["m_axi_bresp"].next = wresp.pop(0)

    @instance
    def stimulus():
        s["rst_n"].next = 0
        for _ in range(3):
            yield s["clk"].posedge
        s["rst_n"].next = 1
        for c in cmds:
            beats: list = []
            s["cmd_addr"].next = c.addr
            s["cmd_row_bytes"].next = c.row_bytes
            s["cmd_rows"].next = c.rows
            s["cmd_stride"].next = c.stride
            s["cmd_valid"].next = 1
            data = [rng.getrandbits(8 * b) for _ in range(model.stream_beats(c, b))]
            datas.append(data)
            k = 0
            while True:
                yield s["clk"].posedge
                if s["cmd_valid"] and s["cmd_ready"]:
                    s["cmd_valid"].next = 0
                if kind == "rd":
                    if s["m_axis_tvalid"] and s["m_axis_tready"]:
                        beats.append((int(s["m_axis_tdata"]), bool(s["m_axis_tlast"])))
                    s["m_axis_tready"].next = not stalled()
                else:
                    if s["s_axis_tvalid"] and s["s_axis_tready"]:
                        k += 1
                    if k < len(data) and (not s["s_axis_tvalid"] or s["s_axis_tready"]):
                        go = not stalled()
                        s["s_axis_tvalid"].next = go
                        s["s_axis_tdata"].next = data[k]
                    elif k >= len(data):
                        s["s_axis_tvalid"].next = 0
                if s["done"]:
                    results.append((int(s["status"]), beats if kind == "rd" else None))
                    break
        raise StopSimulation("done")

    Simulation(inst, clock, slave, stimulus).run(quiet=True)
    return results, datas
