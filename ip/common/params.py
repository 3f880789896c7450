"""Parameter parsing and checking shared by every IP.

Every IP declares its parameters as a list of :class:`Param`.  Values arrive either
from Python (already typed) or from the CLI / FuseSoC as strings; both paths go
through :func:`check_params`, which raises ``ValueError("<ip>: <NAME> ...")`` naming
the IP, the parameter and the offending value *before* any MyHDL elaboration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence


@dataclass(frozen=True)
class Param:
    """One IP parameter.

    kind: ``int`` (a Python int, bool rejected), ``str`` (one of ``choices``) or
    ``intlist`` (comma separated ints, e.g. per-requester weights).
    """

    name: str
    kind: str
    default: Any
    description: str
    choices: Sequence[Any] | None = None
    lo: int | None = None
    hi: int | None = None
    required: bool = False
    extra: dict = field(default_factory=dict)


def _parse_int(ip: str, name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{ip}: {name} must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 0)
        except ValueError:
            raise ValueError(f"{ip}: {name} must be an integer, got {value!r}") from None
    raise ValueError(f"{ip}: {name} must be an integer, got {value!r}")


def _parse_intlist(ip: str, name: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        parts = [p for p in value.replace(" ", "").split(",") if p != ""]
        if not parts:
            raise ValueError(f"{ip}: {name} must be a comma-separated list of integers, got {value!r}")
        return tuple(_parse_int(ip, name, p) for p in parts)
    if isinstance(value, (list, tuple)):
        return tuple(_parse_int(ip, name, v) for v in value)
    raise ValueError(f"{ip}: {name} must be a list of integers, got {value!r}")


def check_params(ip: str, spec: Sequence[Param], given: dict[str, Any]) -> dict[str, Any]:
    """Return the complete, typed, range-checked parameter dict for ``ip``.

    Unknown names, missing required values, wrong types and out-of-range values all
    raise ``ValueError`` whose message starts with ``"<ip>: <NAME>"``.
    """
    known = {p.name: p for p in spec}
    for name in given:
        if name not in known:
            raise ValueError(
                f"{ip}: unknown parameter {name!r} (known: {', '.join(sorted(known))})"
            )
    out: dict[str, Any] = {}
    for p in spec:
        if p.name in given and given[p.name] is not None:
            raw = given[p.name]
        elif p.required:
            raise ValueError(f"{ip}: {p.name} is required")
        else:
            raw = p.default
        if raw is None:
            out[p.name] = None
            continue
        if p.kind == "int":
            v: Any = _parse_int(ip, p.name, raw)
            if p.lo is not None and v < p.lo:
                raise ValueError(f"{ip}: {p.name} must be >= {p.lo}, got {v}")
            if p.hi is not None and v > p.hi:
                raise ValueError(f"{ip}: {p.name} must be <= {p.hi}, got {v}")
        elif p.kind == "str":
            v = str(raw).strip().lower()
            if p.choices is not None and v not in p.choices:
                raise ValueError(
                    f"{ip}: {p.name} must be one of {', '.join(p.choices)}, got {raw!r}"
                )
        elif p.kind == "intlist":
            v = _parse_intlist(ip, p.name, raw)
            for x in v:
                if p.lo is not None and x < p.lo:
                    raise ValueError(f"{ip}: {p.name} entries must be >= {p.lo}, got {x} in {list(v)}")
                if p.hi is not None and x > p.hi:
                    raise ValueError(f"{ip}: {p.name} entries must be <= {p.hi}, got {x} in {list(v)}")
        else:  # pragma: no cover - programming error in an IP's spec
            raise TypeError(f"unknown parameter kind {p.kind!r}")
        out[p.name] = v
    return out


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Turn CLI ``NAME=VALUE`` strings into a dict, rejecting malformed items."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"--param expects NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        name = name.strip()
        if not name:
            raise ValueError(f"--param expects NAME=VALUE, got {item!r}")
        out[name.upper()] = value
    return out


def clog2(n: int) -> int:
    """Bits needed to count 0..n-1 (at least 1)."""
    return max(1, (n - 1).bit_length())


Validator = Callable[[dict[str, Any]], None]
