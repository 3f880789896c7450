"""RADACS IP library: the MyHDL sources of every IP core, one package per IP.

Each IP package exposes the same small interface, used by the CLI, FuseSoC's
generator and the tests:

``IP``            the IP's name (its folder under ``ip/``)
``PARAMS``        the parameter table (:class:`ip.common.params.Param`)
``check(p)``      typed, validated parameters (``ValueError`` names the bad one)
``module_name(p)`` the Verilog module name, ``radacs_<ip>_<params...>``
``build(p)``      the elaborated MyHDL block and its port signals
``SUPPORTED``     the documented supported parameter sets (Verilog committed in
                  ``ip/<ip>/generated/``)
"""
from __future__ import annotations

import importlib

IPS = ("arbiter", "axi", "pe_array", "hmmu", "lmmu", "shared_buffer", "feature_cache")


def get(name: str):
    """The IP package called ``name``; ``ValueError`` for an unknown IP."""
    if name not in IPS:
        raise ValueError(f"unknown IP {name!r} (known: {', '.join(IPS)})")
    return importlib.import_module(f"ip.{name}")
