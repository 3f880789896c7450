"""LMMU: the low-resolution (output-stationary, two-port) matrix unit of RADACS.

Work in progress (issue 4): ``lmmu_core`` is the controller and datapath between the
AXI masters; the top (AXI masters, register block) is still to be written.
"""
