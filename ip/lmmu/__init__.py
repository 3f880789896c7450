"""LMMU: the low-resolution (output-stationary, two-port) matrix unit of RADACS.

Work in progress (issue 4): ``lmmu_core`` is the controller and datapath between the
AXI masters; ``lmmu`` (ip/lmmu/lmmu.py) is the top (register block, command check,
counters, two AXI4 masters).  Not yet registered in ``ip.IPS``.
"""
