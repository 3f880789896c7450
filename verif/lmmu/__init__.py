"""Verification of the LMMU top (``ip/lmmu``), work in progress: the bring-up smoke
test (lmmu_smoke.py, tests/test_lmmu_smoke.py)."""
