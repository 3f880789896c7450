"""pyuvm tests of the AXI4 masters (cocotb test module ``verif.axi.axi_tests``).

Testpoints (see ip/axi/README.md, "Verification"):

=====================  ====================================================  ==============
test                   what                                                   coverage
=====================  ====================================================  ==============
AxiRandomTest          Hypothesis corpus of commands (or seeded ones) under   every bin
                       RADACS_STRESS on the stream side and every AXI
                       channel; directed shapes, bad commands, SLVERR and
                       DECERR regions, a burst train up to OUTSTANDING, a
                       reset in the middle of a command
AxiErrorTest           bad commands of every kind; commands running into     bad_cmd, slverr,
                       SLVERR / DECERR regions; the next command is clean     decerr, status_ok
AxiLatencyTest         no pauses anywhere: cmd -> A*VALID, R -> m_axis /      status_ok,
                       s_axis -> W, last -> done latencies equal              bad_cmd
                       models.axi.LATENCY; no bubble added between bursts
AxiResetTest           reset during commands; afterwards every valid is low   reset_mid_cmd,
                       and a new command completes                            status_ok
AxiInjectedBugTest     the scoreboard's model is made wrong: must fail        (expect_fail)
=====================  ====================================================  ==============
"""
from __future__ import annotations

import itertools
import re

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from ip.axi import check
from models import axi as model
from verif.axi.env import DECERR_BASE, ERR_SIZE, SLVERR_BASE, AxiEnv, AxiSequence
from verif.common.pause import pause_generator
from verif.common.uvm import RadacsTest

TIMEOUT_US = 4000


class AxiBaseTest(RadacsTest):
    env_class = AxiEnv
    ip_name = "axi"
    param_names = ("KIND", "DATA_BYTES", "MAX_BURST", "OUTSTANDING")

    def normalise_params(self, params):
        if not params:
            m = re.match(r"radacs_axi_(rd|wr)_b(\d+)_mb(\d+)_o(\d+)", cocotb.top._name)
            params = {"KIND": m[1], "DATA_BYTES": int(m[2]), "MAX_BURST": int(m[3]),
                      "OUTSTANDING": int(m[4])}
        return dict(check(params))

    @property
    def B(self):
        return self.knobs.params["DATA_BYTES"]

    @property
    def MB(self):
        return self.knobs.params["MAX_BURST"]

    @property
    def O(self):
        return self.knobs.params["OUTSTANDING"]

    def start_of_simulation_phase(self):
        super().start_of_simulation_phase()
        self.env.dram.add_region(SLVERR_BASE, ERR_SIZE, model.ST_SLVERR)
        self.env.dram.add_region(DECERR_BASE, ERR_SIZE, model.ST_DECERR)

    async def run(self, name, commands):
        await AxiSequence(name, commands, self.rng).start(self.env.seqr)

    # ---- directed command sets
    def shapes(self):
        """Every shape bin in two commands, whatever the corpus drew."""
        b, mb = self.B, self.MB
        return [
            # one row, starting 2 beats before a 4 KiB boundary, longer than MAX_BURST,
            # partial last beat
            {"addr": 0x3000 - 2 * b, "row_bytes": (mb + 2) * b + 1, "rows": 1, "stride": 0},
            # single-beat rows, full beat, stride beyond the row
            {"addr": 0x5000, "row_bytes": b, "rows": 3, "stride": 4 * b},
        ]

    def bad_commands(self):
        b = self.B
        return [{"addr": 0x100, "row_bytes": 16, "rows": 0, "stride": 64},
                {"addr": 0x100, "row_bytes": 0, "rows": 2, "stride": 64},
                {"addr": 0x100 + b // 2, "row_bytes": 16, "rows": 2, "stride": 64},
                {"addr": 0x100, "row_bytes": 16, "rows": 2, "stride": 64 + b // 2}]

    def error_commands(self):
        """Commands that run from plain memory into an error region."""
        b, mb = self.B, self.MB
        n = min(4 * mb * b, 1024)
        return [{"addr": SLVERR_BASE - n // 2, "row_bytes": n, "rows": 2, "stride": n},
                {"addr": DECERR_BASE - b, "row_bytes": 3 * b, "rows": 2, "stride": 256},
                {"addr": 0x2000, "row_bytes": 3 * b + 1, "rows": 2, "stride": 4 * b}]

    async def burst_train(self):
        """O + 2 single-burst rows while the slave holds its responses back, so the
        master must stop at OUTSTANDING bursts in flight."""
        env = self.env
        ch = env.dram.port.r_channel if env.kind == "rd" else env.dram.port.b_channel
        ch.set_pause_generator(itertools.chain([1] * (8 * self.O + 40), itertools.repeat(0)))
        await self.run("train", [{"addr": 0x8000, "row_bytes": self.B,
                                  "rows": self.O + 2, "stride": 64}])
        ch.set_pause_generator(pause_generator(self.knobs.stress, self.rng)
                               if self.knobs.stress != "none" else None)

    async def reset_during(self, command, lo=1, hi=30):
        """Issue ``command`` and reset while it runs (after its handshake)."""
        env = self.env
        seq = cocotb.start_soon(self.run("to_reset", [command]))
        while env.monitor.cmd_cycle is None:
            await RisingEdge(self.dut.clk)
        await ClockCycles(self.dut.clk, self.rng.randint(lo, hi))
        await env.reset_agent.reset(self.rng.randint(1, 3))
        await seq

    def long_command(self):
        return {"addr": 0x10000, "row_bytes": 8 * self.B * max(2, self.MB // 2) + 3,
                "rows": 4, "stride": 0x1000}


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class AxiRandomTest(AxiBaseTest):
    async def body(self):
        if self.knobs.corpus:
            cmds = [dict(c) for c in self.knobs.corpus]
        else:
            cmds = [{"addr": self.rng.randrange(0, 0x20000, self.B),
                     "row_bytes": self.rng.randint(1, 300), "rows": self.rng.randint(1, 4),
                     "stride": self.rng.randrange(0, 2048, self.B)} for _ in range(6)]
        await self.run("corpus", cmds)
        await self.run("shapes", self.shapes())
        await self.run("errors", self.bad_commands()[:1] + self.error_commands())
        await self.burst_train()
        await self.reset_during(self.long_command())
        await self.run("after_reset", cmds[:2])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class AxiErrorTest(AxiBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals", {"bad_cmd", "slverr", "decerr", "status_ok"})

    async def body(self):
        await self.run("bad", self.bad_commands())
        await self.run("errors", self.error_commands())
        await self.run("bad_again", self.bad_commands()[2:])


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class AxiLatencyTest(AxiBaseTest):
    """No pauses anywhere: the measured latencies must equal models.axi.LATENCY."""

    def configure(self):
        self.knobs.stress = "none"
        ConfigDB().set(None, "*", "coverage_goals", {"status_ok", "bad_cmd"})

    async def body(self):
        env = self.env
        env.monitor.check_latency = True
        await self.run("latency", [self.long_command(), self.shapes()[0],
                                   self.bad_commands()[0], self.shapes()[1]])
        lat = env.monitor.latencies
        self.logger.info(f"measured latencies: { {k: sorted(v) for k, v in lat.items()} }")
        beat = "r_to_tvalid" if env.kind == "rd" else "s_to_wvalid"
        for k in ("cmd_to_avalid", beat, "last_to_done", "bad_to_done"):
            assert lat.get(k) == {model.LATENCY[k]}, (k, lat.get(k))


@pyuvm.test(timeout_time=TIMEOUT_US, timeout_unit="us")
class AxiResetTest(AxiBaseTest):
    def configure(self):
        ConfigDB().set(None, "*", "coverage_goals", {"reset_mid_cmd", "status_ok"})

    async def body(self):
        env = self.env
        for k in range(3):
            await self.reset_during(self.long_command(), lo=1 + 10 * k, hi=20 + 20 * k)
            await ClockCycles(self.dut.clk, 2)
            s = env.bfm.last_sample
            outs = (("m_axi_arvalid", "m_axis_tvalid") if env.kind == "rd"
                    else ("m_axi_awvalid", "m_axi_wvalid", "s_axis_tready"))
            for o in outs + ("done",):
                assert s[o] == 0, f"{o} high after reset with no command: {s}"
            assert s["cmd_ready"] == 1, f"cmd_ready low after reset: {s}"
        await self.run("after", self.shapes())


@pyuvm.test(expect_fail=True, timeout_time=TIMEOUT_US, timeout_unit="us")
class AxiInjectedBugTest(AxiBaseTest):
    """The scoreboard must catch a wrong golden model: passes only if it fails."""

    def configure(self):
        self.knobs.inject_bug = True
        ConfigDB().set(None, "*", "coverage_goals", set())

    async def body(self):
        await self.run("bug", self.shapes())
