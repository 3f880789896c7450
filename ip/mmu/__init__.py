"""Shared, non-IP package of the two matrix units (HMMU, LMMU): what both controllers
and their testbenches take from one place.  Today: the register map (:mod:`ip.mmu.regmap`).

This is not an IP of ``ip.IPS`` (it has no parameters and no Verilog of its own); the
AXI4-Lite slave that implements the map is :mod:`ip.axi.axil_regs`.
"""
