"""The register block's checker, plain Python: fed one pin sample per clock cycle, it
keeps :class:`ip.mmu.regmap.RegModel` in step with the DUT edge by edge and predicts
every read and write response and every hardware output.  Used by the pyuvm
scoreboard (``env.CsrScoreboard``) and by the MyHDL bench (``myhdl_bench.py``).

Timing contract (``ip/axi/axil_regs.py``), for the edge ``e`` between the samples
``prev`` and ``s``:

1. ``prev.rst_n == 0``: everything resets at ``e`` (the model too; RO inputs are the
   hardware's and stay).
2. AR accepted in ``prev``: the response is the register before ``e``'s write, RO
   inputs as in ``prev``.
3. BVALID low in ``prev`` and high in ``s``: the held AW/W write took effect at ``e``;
   W1P pulses are high in ``s`` only.
4. W1C ``_set`` pulses in ``prev`` act at ``e``, after the write (set wins).

Then every output in ``s`` must equal the model, and BVALID/RVALID and their payload
must not change while not accepted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ip.mmu.regmap import RegMap, RegModel, strobe_mask


@dataclass
class CycleSample:
    """Every pin of the DUT in one cycle (None: not resolvable)."""

    rst_n: int | None
    axi: dict = field(default_factory=dict)   # "awvalid" -> value ... (no s_axil_ prefix)
    hw: dict = field(default_factory=dict)    # hardware port -> value


@dataclass
class Resp:
    """A read or write response: expected (with the address) or observed on the bus."""

    key: str          # "r" | "b"
    epoch: int
    data: int
    resp: int
    addr: int | None = None

    def __eq__(self, other):
        return (self.key, self.data, self.resp) == (other.key, other.data, other.resp)

    def __str__(self):
        a = f" @0x{self.addr:02x}" if self.addr is not None else ""
        return f"{self.key}{a} data=0x{self.data:08x} resp={self.resp}"


class BuggyRegModel(RegModel):
    """Deliberately wrong model for the injected-bug tests: ignores WSTRB (every write
    is taken as a full-word write)."""

    def write(self, offset, data, strb=0xF):
        return super().write(offset, data, 0xF)


def _fmt(v):
    return "X" if v is None else f"{v:#x}"


class EdgeChecker:
    """See the module docstring.  ``expect(Resp)`` / ``actual(Resp)`` receive the
    predicted and observed responses (compare them in order per key and epoch),
    ``error(str)`` every mismatch found here.  :meth:`on_cycle` returns the coverage
    events of the edge (bin names of ``env.CsrCoverage``)."""

    def __init__(self, regmap: RegMap, model: RegModel, expect: Callable, actual: Callable,
                 error: Callable):
        self.regmap, self.model = regmap, model
        self.expect, self.actual, self.error = expect, actual, error
        ports = regmap.hw_ports()
        self.pulse_ports = [p.name for p in ports if p.role == "pulse"]
        self.ro_ports = [p.name for p in ports if p.role == "value" and p.direction == "in"]
        self.w1c_ports = [p.name for p in ports if p.role == "value" and p.field.access == "W1C"]
        self.prev: CycleSample | None = None
        self.in_reset = False
        self.epoch = 0           # resets seen
        self.awq: list = []      # accepted AW not yet committed
        self.wq: list = []       # accepted W not yet committed
        self.reads_open = 0      # AR accepted, R not yet accepted
        self.cycles_checked = 0

    def on_cycle(self, s: CycleSample) -> set:
        prev, self.prev = self.prev, s
        hits: set = set()
        if prev is None or prev.rst_n is None:
            return hits
        pulses: dict = {}
        a = prev.axi
        if not prev.rst_n:
            if not self.in_reset:
                # First reset cycle: whatever was in flight is lost.
                self.epoch += 1
                if self.awq or self.wq or a["bvalid"]:
                    hits.add("reset.mid_write")
                if self.reads_open:
                    hits.add("reset.mid_read")
            self.in_reset = True
            self.model.reset()
            self.awq.clear()
            self.wq.clear()
            self.reads_open = 0
        else:
            self.in_reset = False
            self._edge(prev, s, hits, pulses)
        self._check_outputs(s, pulses)
        self.cycles_checked += 1
        return hits

    def _edge(self, prev, s, hits, pulses):
        a = prev.axi
        for n in self.ro_ports:
            self.model.set_input(n, prev.hw[n])
        if a["arvalid"] and a["arready"]:
            data, resp = self.model.read(a["araddr"])
            self.expect(Resp("r", self.epoch, data, resp, a["araddr"]))
            self.reads_open += 1
            reg = self.regmap.at(a["araddr"])
            hits.add(f"{reg.name}.read" if reg else "unmapped.read")
        if a["rvalid"] and a["rready"]:
            self.actual(Resp("r", self.epoch, a["rdata"], a["rresp"]))
            self.reads_open -= 1
        aw = a["awvalid"] and a["awready"]
        w = a["wvalid"] and a["wready"]
        if aw and w:
            hits.add("order.together")
        elif aw and self.wq:
            hits.add("order.w_first")
        elif w and self.awq:
            hits.add("order.aw_first")
        if aw:
            self.awq.append(a["awaddr"])
        if w:
            self.wq.append((a["wdata"], a["wstrb"]))
        if a["bvalid"] and a["bready"]:
            self.actual(Resp("b", self.epoch, 0, a["bresp"]))
        if s.axi["bvalid"] and not a["bvalid"]:
            self._commit(hits, pulses)
        for n in self.w1c_ports:
            v = prev.hw[n + "_set"]
            if v:
                self.model.hw_set(n, v)
                hits.add(f"set.{n}")
        # Valid and payload held until accepted.
        for ch, payload in (("b", ("bresp",)), ("r", ("rdata", "rresp"))):
            if a[f"{ch}valid"] and not a[f"{ch}ready"]:
                if not s.axi[f"{ch}valid"] or any(s.axi[k] != a[k] for k in payload):
                    self.error(f"{ch.upper()} channel changed before it was accepted: "
                               f"{a} -> {s.axi}")

    def _commit(self, hits, pulses):
        if not self.awq or not self.wq:
            self.error("BVALID raised without an accepted AW and W")
            return
        addr = self.awq.pop(0)
        data, strb = self.wq.pop(0)
        before = dict(self.model.values)
        resp, p = self.model.write(addr, data, strb)
        pulses.update(p)
        self.expect(Resp("b", self.epoch, 0, resp, addr))
        reg = self.regmap.at(addr)
        if reg is None:
            hits.add("unmapped.write")
            return
        hits.add(f"{reg.name}.write")
        if strb != 0xF and any(f.access != "RO" and f.mask & strobe_mask(strb)
                               for f in reg.fields):
            hits.add(f"{reg.name}.write_partial")
        for n in p:
            hits.add(f"pulse.{n}")
        for n in self.w1c_ports:
            if before[n] & ~self.model.values[n]:
                hits.add(f"clear.{n}")

    def _check_outputs(self, s, pulses):
        exp = dict(self.model.outputs())
        for n in self.pulse_ports:
            exp[n] = pulses.get(n, 0)
        bad = {n: (v, s.hw[n]) for n, v in exp.items() if s.hw[n] != v}
        if bad:
            self.error(f"cycle {self.cycles_checked}: hardware outputs differ: " + "; ".join(
                f"{n} Expected: {_fmt(e)} Actual: {_fmt(a)}" for n, (e, a) in bad.items()))

    def finish(self):
        if self.awq or self.wq:
            self.error(f"writes accepted but never committed: AW {self.awq} W {self.wq}")
