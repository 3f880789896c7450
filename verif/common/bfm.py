"""Bus functional models: the only code that touches DUT pins.

Timing convention used by every BFM of the library (and why):
inputs are driven just after the **rising** edge, and everything is sampled at the
**falling** edge, when the DUT's combinational outputs have settled.  Sampling right
after the rising edge would see pre- or post-edge values depending on the simulator
(Icarus and Verilator schedule callbacks differently); mid-cycle sampling is the
same on both.  A transfer on a valid/ready interface happens at the rising edge that
follows a falling edge where valid and ready were both high.

All BFMs are reset-aware, judged on the falling-edge sample of ``rst_n`` (reading it
right after the rising edge that releases a reset would still see 0): in a reset cycle
a source drops ``valid`` and discards the beat in flight and everything queued, a sink
discards everything it has received and not yet handed on, a monitor reports nothing;
the source's and sink's ``on_reset`` callbacks run so that pyuvm components can flush
their state.

Signal names follow AXI-Stream (``<prefix>_tdata/tvalid/tready/tlast/tid/tdest/
tuser``); a ``signals`` mapping renames them for interfaces that are valid/ready
but not called that (e.g. ``{"tvalid": "gnt_valid", "tready": "gnt_ready"}``).
"""
from __future__ import annotations

import collections
from typing import Callable, Iterator

import cocotb
from cocotb.triggers import FallingEdge, RisingEdge, Timer

STREAM_FIELDS = ("tdata", "tlast", "tid", "tdest", "tuser", "tkeep", "tstrb")


def _resolve(dut, prefix: str | None, signals: dict | None, field: str):
    name = (signals or {}).get(field) or (f"{prefix}_{field}" if prefix else field)
    return getattr(dut, name, None) if hasattr(dut, name) else None


class ResetBfm:
    """Drives an active-low reset, synchronously to the rising edge."""

    def __init__(self, clk, rst_n):
        self.clk, self.rst_n = clk, rst_n
        self.in_reset = False
        self.count = 0  # number of resets applied

    async def apply(self, cycles: int = 2) -> None:
        """Assert reset for ``cycles`` clock cycles (usable in the middle of traffic)."""
        if cycles < 1:
            raise ValueError(f"reset cycles must be >= 1, got {cycles}")
        await RisingEdge(self.clk)
        self.in_reset = True
        self.count += 1
        self.rst_n.value = 0
        for _ in range(cycles):
            await RisingEdge(self.clk)
        self.rst_n.value = 1
        self.in_reset = False

    async def power_on(self, cycles: int = 3) -> None:
        self.rst_n.value = 0
        await Timer(1, unit="ns")
        await self.apply(cycles)


class _Base:
    def __init__(self, dut, clk, rst_n, prefix=None, signals=None):
        self.dut, self.clk, self.rst_n = dut, clk, rst_n
        self.valid = _resolve(dut, prefix, signals, "tvalid")
        self.ready = _resolve(dut, prefix, signals, "tready")
        if self.valid is None:
            raise AttributeError(f"no valid signal for prefix={prefix!r} signals={signals!r}")
        self.fields = {f: s for f in STREAM_FIELDS
                       if (s := _resolve(dut, prefix, signals, f)) is not None}
        self.on_reset: list[Callable[[], None]] = []
        self._task = None

    def _in_reset(self) -> bool:
        return self.rst_n is not None and self.rst_n.value.is_resolvable and int(self.rst_n.value) == 0

    def _reset(self):
        for cb in self.on_reset:
            cb()

    def start(self):
        if self._task is None:
            self._task = cocotb.start_soon(self._run())
        return self

    def stop(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None


class ValidReadySource(_Base):
    """Sends beats (dicts of field -> value) with idle insertion from ``pause``."""

    def __init__(self, dut, clk, rst_n, prefix=None, signals=None,
                 pause: Iterator[int] | None = None):
        super().__init__(dut, clk, rst_n, prefix, signals)
        self.queue: collections.deque = collections.deque()
        self.pause = pause
        self.sent = 0
        self.valid.value = 0

    def send(self, beat: dict) -> None:
        self.queue.append(beat)

    def idle(self) -> bool:
        return not self.queue and not int(self.valid.value)

    async def _run(self):
        current = None
        while True:
            # Reset is judged on the mid-cycle sample: reading rst_n right after the
            # rising edge at which a reset BFM releases it would still see 0.
            await FallingEdge(self.clk)
            if self._in_reset():
                if current is not None or self.queue:
                    self.queue.clear()
                    self._reset()
                current = None
                self.valid.value = 0
                fire = False
            else:
                fire = current is not None and (self.ready is None or int(self.ready.value))
            await RisingEdge(self.clk)
            if fire:
                self.sent += 1
                current = None
            if current is None:
                if self.queue and not (self.pause is not None and next(self.pause)):
                    current = self.queue.popleft()
                    for f, v in current.items():
                        self.fields[f].value = v
                    self.valid.value = 1
                else:
                    self.valid.value = 0


class ValidReadySink(_Base):
    """Accepts beats with backpressure from ``pause``; calls ``callback(beat)``."""

    def __init__(self, dut, clk, rst_n, prefix=None, signals=None,
                 pause: Iterator[int] | None = None, callback=None):
        super().__init__(dut, clk, rst_n, prefix, signals)
        if self.ready is None:
            raise AttributeError("a sink needs a ready signal")
        self.pause = pause
        self.callback = callback
        self.received: collections.deque = collections.deque()
        self.ready.value = 0

    async def _run(self):
        while True:
            await RisingEdge(self.clk)
            self.ready.value = 0 if (self.pause is not None and next(self.pause)) else 1
            await FallingEdge(self.clk)
            if self._in_reset():
                if self.received:
                    self.received.clear()
                    self._reset()
                continue
            if int(self.valid.value) and int(self.ready.value):
                beat = {f: int(s.value) for f, s in self.fields.items()}
                self.received.append(beat)
                if self.callback:
                    self.callback(beat)


class ValidReadyMonitor(_Base):
    """Passively reports every accepted beat; ``callback(beat)``."""

    def __init__(self, dut, clk, rst_n, prefix=None, signals=None, callback=None):
        super().__init__(dut, clk, rst_n, prefix, signals)
        self.callback = callback
        self.beats = 0

    async def _run(self):
        while True:
            await FallingEdge(self.clk)
            if self._in_reset():
                continue
            if int(self.valid.value) and (self.ready is None or int(self.ready.value)):
                self.beats += 1
                if self.callback:
                    self.callback({f: int(s.value) for f, s in self.fields.items()})
