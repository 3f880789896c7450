"""Bad shared-buffer parameters raise ValueError naming the parameter and the value,
before any elaboration; good ones give the documented module names."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ip.common import convert
from ip.shared_buffer import SUPPORTED, check, module_name
from models.shared_buffer import SharedBufferModel


@pytest.mark.parametrize("params,match", [
    ({"P": 0}, r"shared_buffer: P must be >= 1, got 0"),
    ({"P": 9}, r"shared_buffer: P must be <= 8, got 9"),
    ({"P": "four"}, r"shared_buffer: P must be an integer, got 'four'"),
    ({"B": 3}, r"shared_buffer: B must be a power of two, got 3"),
    ({"B": 32}, r"shared_buffer: B must be <= 16, got 32"),
    ({"B": 0}, r"shared_buffer: B must be >= 1, got 0"),
    ({"DEPTH": 100}, r"shared_buffer: DEPTH must be a power of two, got 100"),
    ({"DEPTH": 1}, r"shared_buffer: DEPTH must be >= 2, got 1"),
    ({"DEPTH": 8192}, r"shared_buffer: DEPTH must be <= 4096, got 8192"),
    ({"DATA_W": 12}, r"shared_buffer: DATA_W must be a multiple of 8, got 12"),
    ({"DATA_W": 256}, r"shared_buffer: DATA_W must be <= 128, got 256"),
    ({"DATA_W": 4}, r"shared_buffer: DATA_W must be >= 8, got 4"),
    ({"ARB": "lottery"}, r"shared_buffer: ARB must be one of rr, fp, wrr, got 'lottery'"),
    ({"ARB": "wrr"}, r"shared_buffer: WEIGHTS is required when ARB=wrr"),
    ({"ARB": "wrr", "P": 3, "WEIGHTS": "1,2"}, r"WEIGHTS must have P=3 entries, got 2"),
    ({"ARB": "wrr", "P": 2, "WEIGHTS": "1,0"}, r"shared_buffer: WEIGHTS entries must be >= 1, got 0"),
    ({"ARB": "rr", "P": 2, "WEIGHTS": "1,2"}, r"WEIGHTS is only valid with ARB=wrr, got ARB=rr"),
    ({"N": 3}, r"shared_buffer: unknown parameter 'N'"),
])
def test_bad_parameters_raise_value_error(params, match):
    with pytest.raises(ValueError, match=match):
        check(params)
    with pytest.raises(ValueError, match=match):
        convert.generate("shared_buffer", params, "/nonexistent/never/written")


def test_bad_parameter_is_one_line_and_exit_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "ip.cli", "generate", "shared_buffer", "-p",
                        "B=3", "-o", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "radacs: error: shared_buffer: B must be a power of two, got 3"]
    assert not list(tmp_path.iterdir())


def test_model_rejects_bad_config():
    for kw, name in (({"P": 0}, "P"), ({"B": 6}, "B"), ({"DEPTH": 3}, "DEPTH"),
                     ({"DATA_W": 9}, "DATA_W"), ({"ARB": "x"}, "ARB"),
                     ({"ARB": "wrr"}, "WEIGHTS")):
        with pytest.raises(ValueError, match=name):
            SharedBufferModel(**kw)


def test_module_names_are_prefixed_unique_and_encode_parameters():
    names = [module_name(p) for p in SUPPORTED]
    assert len(set(names)) == len(names)
    assert all(n.startswith("radacs_shared_buffer_") for n in names)
    assert module_name({}) == "radacs_shared_buffer_p4_b4_d256_w64_rr"
    assert module_name({"P": 2, "ARB": "wrr", "WEIGHTS": "3,1"}) == \
        "radacs_shared_buffer_p2_b4_d256_w64_wrr_3_1"
