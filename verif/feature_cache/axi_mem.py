"""The in-order AXI4 memory slave of the feature cache's MyHDL benches (the datapath's
``dram_bench`` and the IP's ``myhdl_bench``): one MyHDL process on the ``m_axi_*``
signals of a signal dict."""
from __future__ import annotations

from myhdl import instance


def axi_mem_slave(s, *, data_bytes: int, max_burst: int, rng, stall: float,
                  err_blocks, read, write, violation, on_cycle=None, on_aw=None):
    """An in-order AXI4 memory slave on ``s["m_axi_*"]`` (``s["clk"]``, ``s["rst_n"]``).

    ``read(addr) -> int`` / ``write(addr, value)`` access the beat at a byte address;
    256-byte blocks in ``err_blocks`` answer SLVERR (writes there are not performed,
    reads return 0).  Every READY/VALID of the slave idles with probability ``stall``
    (draws from ``rng``).  AXI rule violations go to ``violation(tuple)``: ``("burst too
    long", addr, beats)``, ``("4 KiB crossing", addr, beats)``, ``("wlast", addr)``.  A
    reset forgets the queued bursts (the memory keeps what was written).
    ``on_cycle()``: called at every rising edge first; ``on_aw(addr, beats)``: each
    accepted AW."""
    b = data_bytes
    awq, arq, wresp = [], [], []     # accepted bursts [addr, beats left]; B codes due
    st = {"cur_err": 0}

    def stalled():
        return stall > 0 and rng.random() < stall

    def burst_ok(addr, n):
        if n > max_burst:
            violation(("burst too long", addr, n))
        if addr // 4096 != (addr + n * b - 1) // 4096:
            violation(("4 KiB crossing", addr, n))

    @instance
    def slave():
        while True:
            yield s["clk"].posedge
            if on_cycle is not None:
                on_cycle()
            if not s["rst_n"]:
                awq.clear(), arq.clear(), wresp.clear()
                st["cur_err"] = 0
                s["m_axi_rvalid"].next = 0
                s["m_axi_bvalid"].next = 0
                continue
            if s["m_axi_awvalid"] and s["m_axi_awready"]:
                a, n = int(s["m_axi_awaddr"]), int(s["m_axi_awlen"]) + 1
                burst_ok(a, n)
                awq.append([a, n])
                if on_aw is not None:
                    on_aw(a, n)
            s["m_axi_awready"].next = not stalled()
            if s["m_axi_wvalid"] and s["m_axi_wready"]:
                a = awq[0][0]
                if (a // 256) in err_blocks:
                    st["cur_err"] = 2
                else:
                    write(a, int(s["m_axi_wdata"]))
                awq[0][0] += b
                awq[0][1] -= 1
                if bool(s["m_axi_wlast"]) != (awq[0][1] == 0):
                    violation(("wlast", a))
                if awq[0][1] == 0:
                    awq.pop(0)
                    wresp.append(st["cur_err"])
                    st["cur_err"] = 0
            s["m_axi_wready"].next = bool(awq) and not stalled()
            if s["m_axi_bvalid"] and s["m_axi_bready"]:
                s["m_axi_bvalid"].next = 0
            elif not s["m_axi_bvalid"] and wresp and not stalled():
                s["m_axi_bvalid"].next = 1
                s["m_axi_bresp"].next = wresp.pop(0)
            if s["m_axi_arvalid"] and s["m_axi_arready"]:
                a, n = int(s["m_axi_araddr"]), int(s["m_axi_arlen"]) + 1
                burst_ok(a, n)
                arq.append([a, n])
            s["m_axi_arready"].next = not stalled()
            if s["m_axi_rvalid"] and s["m_axi_rready"]:
                arq[0][0] += b
                arq[0][1] -= 1
                if arq[0][1] == 0:
                    arq.pop(0)
                s["m_axi_rvalid"].next = 0
            if arq and (not s["m_axi_rvalid"] or s["m_axi_rready"]) and not stalled():
                a = arq[0][0]
                bad = (a // 256) in err_blocks
                s["m_axi_rvalid"].next = 1
                s["m_axi_rdata"].next = 0 if bad else read(a)
                s["m_axi_rresp"].next = 2 if bad else 0
                s["m_axi_rlast"].next = arq[0][1] == 1

    return slave
