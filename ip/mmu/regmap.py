"""The HMMU/LMMU register map: one table, from which everything else is derived.

The table (:data:`MMU_REGMAP`) is the single source of

* the AXI4-Lite slave (:func:`ip.axi.axil_regs.axil_regs` elaborates any :class:`RegMap`),
* the documentation (:func:`markdown_table`; ``docs/mmu-architecture.md`` holds a copy
  that ``tests/test_mmu_regmap.py`` compares with it),
* the testbench's register model (:class:`RegModel`, used by the scoreboard of
  ``verif/axil_regs``).

Access types (from the bus's point of view):

=====  =========================================================================
RW     read/write; the hardware sees the value (an output of the register block)
RO     read-only; the value is an input of the register block, sampled when the
       read is accepted; writes are accepted (OKAY) and ignored
W1P    write 1 pulses: each bit written 1 is high for exactly one cycle on the
       hardware side; reads 0
W1C    sticky: the hardware sets it with a one-cycle ``<name>_set`` pulse, a write
       of 1 clears it; a set and a clear in the same cycle: the set wins (no event
       is lost)
=====  =========================================================================

Writes honour WSTRB byte by byte: a bit whose byte lane is not strobed is not written
(for W1P / W1C: is treated as 0).  Offsets are byte addresses of 32-bit words;
address bits [1:0] are ignored.  An offset that names no register answers SLVERR:
a read returns 0, a write changes nothing.

Hardware-side names (ports of the register block, :meth:`RegMap.hw_ports`): a field
is ``<reg>_<field>`` in lower case, or just ``<field>`` when it is its register's only
field and has the register's name (``M``'s field ``m`` is port ``m``).  A W1C field
adds the input ``<name>_set``.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Iterable

ACCESS = ("RW", "RO", "W1P", "W1C")
WORD_BITS = 32

# STATUS.error codes: the first error since the last accepted start.
ERR_NONE = 0
ERR_ZERO_DIM = 1        # M, K or N is 0
ERR_CAPACITY = 2        # K or a tile exceeds a buffer
ERR_MISALIGNED = 3      # an address or a stride is not a multiple of the AXI data width
ERR_START_BUSY = 4      # start while busy (the running command goes on)
ERR_AXI_READ = 5        # an AXI read answered SLVERR / DECERR
ERR_AXI_WRITE = 6       # an AXI write answered SLVERR / DECERR
ERR_ABORTED = 7         # CTRL.soft_reset aborted the command (transfers in flight completed)
ERROR_CODES = {
    ERR_NONE: "none",
    ERR_ZERO_DIM: "zero dimension",
    ERR_CAPACITY: "capacity",
    ERR_MISALIGNED: "misaligned address or stride",
    ERR_START_BUSY: "start while busy",
    ERR_AXI_READ: "AXI read error",
    ERR_AXI_WRITE: "AXI write error",
    ERR_ABORTED: "aborted by CTRL.soft_reset",
}

# HWCFG.kind
KIND_HMMU = 1
KIND_LMMU = 2
# HWCFG.version: bumped on every incompatible change of this table.
REGMAP_VERSION = 1

RESP_OKAY = 0
RESP_SLVERR = 2


@dataclass(frozen=True)
class Field:
    """Bits ``[lsb + width - 1 : lsb]`` of a register."""

    name: str
    lsb: int
    width: int
    access: str
    reset: int = 0
    description: str = ""

    @property
    def msb(self) -> int:
        return self.lsb + self.width - 1

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb

    def bits(self) -> str:
        return f"[{self.lsb}]" if self.width == 1 else f"[{self.msb}:{self.lsb}]"


@dataclass(frozen=True)
class Register:
    name: str
    offset: int
    description: str
    fields: tuple = dc_field(default_factory=tuple)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def reset(self) -> int:
        """Reset value as read (W1P fields read 0)."""
        return sum(f.reset << f.lsb for f in self.fields if f.access != "W1P")


@dataclass(frozen=True)
class HwPort:
    """One hardware-side port of the register block (named from the block's side)."""

    name: str
    direction: str          # "in" | "out"
    width: int
    register: Register
    field: Field
    role: str               # "value" (RW out, RO in, W1C sticky out), "pulse" (W1P), "set" (W1C)


def hw_name(reg: Register, f: Field) -> str:
    if len(reg.fields) == 1 and f.name == reg.name.lower():
        return f.name
    return f"{reg.name.lower()}_{f.name}"


class RegMap:
    """A validated register table.  ``ValueError`` names the first problem found."""

    def __init__(self, name: str, registers: Iterable[Register]):
        self.name = name
        self.registers = tuple(registers)
        validate(self.name, self.registers)
        self._by_offset = {r.offset: r for r in self.registers}
        self._by_name = {r.name: r for r in self.registers}

    def __iter__(self):
        return iter(self.registers)

    def __len__(self):
        return len(self.registers)

    def at(self, offset: int) -> Register | None:
        """The register at byte ``offset`` (bits [1:0] ignored), or None if unmapped."""
        return self._by_offset.get(offset & ~3)

    def __getitem__(self, name: str) -> Register:
        return self._by_name[name]

    @property
    def span(self) -> int:
        """Bytes from 0 to the end of the last register."""
        return max(r.offset for r in self.registers) + 4

    def hw_ports(self) -> list[HwPort]:
        """The hardware-side ports, in table order."""
        out = []
        for r in self.registers:
            for f in r.fields:
                n = hw_name(r, f)
                if f.access == "RW":
                    out.append(HwPort(n, "out", f.width, r, f, "value"))
                elif f.access == "RO":
                    out.append(HwPort(n, "in", f.width, r, f, "value"))
                elif f.access == "W1P":
                    out.append(HwPort(n, "out", f.width, r, f, "pulse"))
                else:  # W1C
                    out.append(HwPort(n, "out", f.width, r, f, "value"))
                    out.append(HwPort(n + "_set", "in", f.width, r, f, "set"))
        return out


# Names the register block uses for itself; a hardware port may not take them.
RESERVED_NAMES = {"clk", "rst_n"}


def validate(name: str, registers) -> None:
    """Raise ``ValueError("<map>: ...")`` for any inconsistency of the table."""
    if not registers:
        raise ValueError(f"{name}: the register map is empty")
    seen_off: dict[int, str] = {}
    seen_name: set[str] = set()
    ports: dict[str, str] = {}
    for r in registers:
        where = f"{name}: register {r.name}"
        if not r.name.isidentifier():
            raise ValueError(f"{where}: name must be an identifier")
        if r.name in seen_name:
            raise ValueError(f"{where}: duplicate register name")
        seen_name.add(r.name)
        if not isinstance(r.offset, int) or r.offset < 0:
            raise ValueError(f"{where}: offset must be a non-negative int, got {r.offset!r}")
        if r.offset % 4:
            raise ValueError(f"{where}: offset must be a multiple of 4, got {r.offset:#x}")
        if r.offset in seen_off:
            raise ValueError(f"{where}: offset {r.offset:#x} overlaps register "
                             f"{seen_off[r.offset]}")
        seen_off[r.offset] = r.name
        if not r.fields:
            raise ValueError(f"{where}: has no fields")
        used = 0
        fnames = set()
        for f in r.fields:
            fw = f"{where} field {f.name}"
            if not f.name.isidentifier() or f.name != f.name.lower():
                raise ValueError(f"{fw}: field names must be lower-case identifiers")
            if f.name in fnames:
                raise ValueError(f"{fw}: duplicate field name")
            fnames.add(f.name)
            if f.access not in ACCESS:
                raise ValueError(f"{fw}: access must be one of {', '.join(ACCESS)}, "
                                 f"got {f.access!r}")
            if not isinstance(f.width, int) or f.width < 1:
                raise ValueError(f"{fw}: width must be >= 1, got {f.width!r}")
            if not isinstance(f.lsb, int) or f.lsb < 0:
                raise ValueError(f"{fw}: lsb must be >= 0, got {f.lsb!r}")
            if f.lsb + f.width > WORD_BITS:
                raise ValueError(f"{fw}: bits {f.bits()} do not fit in {WORD_BITS} bits")
            if used & f.mask:
                other = next(g.name for g in r.fields if g is not f and g.mask & f.mask)
                raise ValueError(f"{fw}: bits {f.bits()} overlap field {other}")
            used |= f.mask
            if not isinstance(f.reset, int) or not 0 <= f.reset < (1 << f.width):
                raise ValueError(f"{fw}: reset {f.reset!r} does not fit in {f.width} bits")
            if f.access in ("W1P",) and f.reset != 0:
                raise ValueError(f"{fw}: a W1P field must reset to 0, got {f.reset}")
        for f in r.fields:
            n = hw_name(r, f)
            for pn in ([n, n + "_set"] if f.access == "W1C" else [n]):
                if pn in RESERVED_NAMES or pn.startswith("s_axil_"):
                    raise ValueError(f"{where} field {f.name}: port name {pn!r} is reserved")
                if pn in ports:
                    raise ValueError(f"{where} field {f.name}: port name {pn!r} clashes with "
                                     f"{ports[pn]}")
                ports[pn] = f"{r.name}.{f.name}"


def _reg(name, offset, description, *fields) -> Register:
    return Register(name, offset, description, tuple(fields))


def _word(name, offset, description, width=32, access="RW") -> Register:
    return _reg(name, offset, description, Field(name.lower(), 0, width, access, 0, description))


MMU_REGMAP = RegMap("mmu", [
    _reg("CTRL", 0x00, "control",
         Field("start", 0, 1, "W1P", 0, "start the command held in M..TILE_K and CFG"),
         Field("soft_reset", 1, 1, "W1P", 0, "abort the running command: no new transfer "
               "starts, those in flight complete, then done with error 7; registers "
               "keep their values"),
         Field("irq_en", 2, 1, "RW", 0, "raise the interrupt while STATUS.done")),
    _reg("STATUS", 0x04, "status",
         Field("busy", 0, 1, "RO", 0, "a command is running"),
         Field("done", 1, 1, "W1C", 0, "a command finished (with or without error)"),
         Field("error", 4, 4, "RO", 0, "first error since the last accepted start "
               "(ERR_* codes)")),
    _reg("CFG", 0x08, "output path configuration",
         Field("bias_en", 0, 1, "RW", 0, "add the per-channel bias"),
         Field("requant_en", 1, 1, "RW", 0, "int8 output (mult, shift); else int32")),
    _reg("HWCFG", 0x0C, "build-time configuration (constants of the unit)",
         Field("kind", 0, 4, "RO", 0, "1 HMMU, 2 LMMU"),
         Field("rows", 4, 8, "RO", 0, "PE array ROWS"),
         Field("cols", 12, 8, "RO", 0, "PE array COLS"),
         Field("data_bytes_log2", 20, 4, "RO", 0, "log2 of the AXI data bytes B"),
         Field("version", 24, 8, "RO", 0, "register map version (REGMAP_VERSION)")),
    _word("M", 0x10, "rows of W and Y", 24),
    _word("K", 0x14, "columns of W, rows of X", 24),
    _word("N", 0x18, "columns of X and Y", 24),
    _word("TILE_M", 0x1C, "output rows per block (HMMU: the W block, MB) or per output tile "
          "(LMMU: MO); a multiple of ROWS, chosen by the host (models.mmu.choose_tiling)", 24),
    _word("W_ADDR", 0x20, "byte address of W[0, 0]"),
    _word("W_STRIDE", 0x24, "bytes between rows of W"),
    _word("X_ADDR", 0x28, "byte address of X[0, 0]"),
    _word("X_STRIDE", 0x2C, "bytes between rows of X"),
    _word("Y_ADDR", 0x30, "byte address of Y[0, 0]"),
    _word("Y_STRIDE", 0x34, "bytes between rows of Y"),
    _word("P_ADDR", 0x38, "per output channel a 16-byte record {int32 bias, uint32 mult, "
          "uint32 shift, 0}"),
    _word("TILE_N", 0x3C, "output columns per output tile (LMMU: NO, a multiple of COLS); "
          "the HMMU ignores it", 24),
    _word("CYCLES", 0x40, "cycles since the last accepted start", access="RO"),
    _word("ACTIVE", 0x44, "cycles with a PE array pass running", access="RO"),
    _word("STALL_MEM", 0x48, "cycles waiting for read data", access="RO"),
    _word("STALL_OUT", 0x4C, "cycles waiting for the write path", access="RO"),
    _word("RD_BYTES0", 0x50, "bytes read on AXI port 0", access="RO"),
    _word("RD_BYTES1", 0x54, "bytes read on AXI port 1", access="RO"),
    _word("WR_BYTES0", 0x58, "bytes written on AXI port 0", access="RO"),
    _word("WR_BYTES1", 0x5C, "bytes written on AXI port 1", access="RO"),
    _word("TILE_K", 0x60, "K rows per chunk (LMMU: KC, the partial-sum step); the HMMU "
          "ignores it (it never splits K)", 24),
])


def markdown_table(regmap: RegMap) -> str:
    """The register table in Markdown (offset, name, reset, fields), one row per register."""
    lines = ["| offset | name | reset | fields |", "|---|---|---|---|"]
    for r in regmap:
        fields = ", ".join(f"`{f.name}` {f.access} {f.bits()}" for f in r.fields)
        lines.append(f"| 0x{r.offset:02X} | {r.name} | 0x{r.reset:08X} | {fields} |")
    return "\n".join(lines) + "\n"


def strobe_mask(wstrb: int) -> int:
    """The 32-bit bit mask of the byte lanes set in ``wstrb``."""
    return sum(0xFF << (8 * b) for b in range(4) if (wstrb >> b) & 1)


class RegModel:
    """Transaction-level model of the register block, for testbenches.

    Bus side: :meth:`read` / :meth:`write` with the access semantics of the module
    docstring.  Hardware side: :meth:`set_input` (RO values), :meth:`hw_set` (W1C set
    pulses), :meth:`get` (what an output port shows: RW value, W1C sticky bit) and the
    W1P pulses returned by :meth:`write`.  Keys are hardware port names.
    """

    def __init__(self, regmap: RegMap):
        self.regmap = regmap
        self.ports = {p.name: p for p in regmap.hw_ports()}
        self.reset()

    def reset(self) -> None:
        """The block's reset: RW and W1C fields to their reset values.  RO inputs are
        driven by the hardware, so a reset of the block leaves them as they are."""
        self.values: dict[str, int] = {n: p.field.reset for n, p in self.ports.items()
                                       if p.role == "value" and p.direction == "out"}
        if not hasattr(self, "inputs"):
            self.inputs: dict[str, int] = {n: p.field.reset for n, p in self.ports.items()
                                           if p.role == "value" and p.direction == "in"}

    # --- hardware side ----------------------------------------------------------------
    def _port(self, name: str, role: str, access: str | None = None) -> HwPort:
        p = self.ports.get(name)
        if p is None or p.role != role or (access and p.field.access != access):
            raise KeyError(f"{self.regmap.name}: no {access or ''} {role} port {name!r}")
        return p

    def set_input(self, name: str, value: int) -> None:
        p = self._port(name, "value", "RO")
        self.inputs[name] = value & ((1 << p.width) - 1)

    def hw_set(self, name: str, value: int) -> None:
        """A W1C set pulse (``<name>_set``); ``name`` is the field's port name."""
        p = self._port(name, "value", "W1C")
        self.values[name] |= value & ((1 << p.width) - 1)

    def get(self, name: str) -> int:
        """The value an output (RW, W1C) or an RO input currently has."""
        p = self._port(name, "value")
        return self.values[p.name] if p.direction == "out" else self.inputs[p.name]

    def outputs(self) -> dict[str, int]:
        """Every RW and W1C output port's value."""
        return dict(self.values)

    # --- bus side -------------------------------------------------------------------
    def read(self, offset: int) -> tuple[int, int]:
        """(data, resp) of a read of ``offset``."""
        r = self.regmap.at(offset)
        if r is None:
            return 0, RESP_SLVERR
        data = 0
        for f in r.fields:
            if f.access != "W1P":
                data |= self.get(hw_name(r, f)) << f.lsb
        return data, RESP_OKAY

    def write(self, offset: int, data: int, strb: int = 0xF) -> tuple[int, dict[str, int]]:
        """(resp, {W1P port: pulse value}) of a write; pulses with value 0 are omitted."""
        r = self.regmap.at(offset)
        if r is None:
            return RESP_SLVERR, {}
        m = strobe_mask(strb)
        pulses = {}
        for f in r.fields:
            n = hw_name(r, f)
            fm = (m & f.mask) >> f.lsb
            fd = (data & f.mask) >> f.lsb
            if f.access == "RW":
                self.values[n] = (self.values[n] & ~fm) | (fd & fm)
            elif f.access == "W1C":
                self.values[n] &= ~(fd & fm)
            elif f.access == "W1P" and fd & fm:
                pulses[n] = fd & fm
        return RESP_OKAY, pulses
