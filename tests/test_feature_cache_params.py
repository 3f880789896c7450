"""Bad feature cache parameters raise ValueError naming the parameter and the value,
before any elaboration; good ones give the documented module names."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ip.common import convert
from ip.feature_cache import SUPPORTED, check, module_name
from models.feature_cache import FeatureCacheModel


@pytest.mark.parametrize("params,match", [
    ({"SLOTS": 0}, r"feature_cache: SLOTS must be >= 1, got 0"),
    ({"SLOTS": 17}, r"feature_cache: SLOTS must be <= 16, got 17"),
    ({"SLOTS": "four"}, r"feature_cache: SLOTS must be an integer, got 'four'"),
    ({"DATA_BYTES": 3}, r"feature_cache: DATA_BYTES must be one of 1, 2, 4, 8, 16, got 3"),
    ({"DATA_BYTES": 32}, r"feature_cache: DATA_BYTES must be <= 16, got 32"),
    ({"DATA_BYTES": 0}, r"feature_cache: DATA_BYTES must be >= 1, got 0"),
    ({"SLOT_WORDS": 1}, r"feature_cache: SLOT_WORDS must be >= 2, got 1"),
    ({"SLOT_WORDS": 100}, r"feature_cache: SLOT_WORDS must be a power of two, got 100"),
    ({"STEPS": 512}, r"feature_cache: STEPS must be >= 1024, got 512"),
    ({"STEPS": 65536}, r"feature_cache: STEPS must be <= 32768, got 65536"),
    ({"STEPS": 3000}, r"feature_cache: STEPS must be a power of two, got 3000"),
    ({"BACKING": "disk"}, r"feature_cache: BACKING must be one of onchip, dram, got 'disk'"),
    ({"BACKING": "dram", "DATA_BYTES": 2}, r"feature_cache: DATA_BYTES must be >= 4, got 2"),
    ({"CHUNK": 32}, r"feature_cache: CHUNK applies only to BACKING=dram, got CHUNK=32"),
    ({"BACKING": "dram", "DATA_BYTES": 16, "SLOT_WORDS": 1 << 20},
     r"feature_cache: SLOT_WORDS must be < 1048576 with BACKING=dram .*got 1048576"),
    ({"BACKING": "dram", "CHUNK": 64, "STAGE": 64},
     r"feature_cache: STAGE must be >= 2\*CHUNK \(128\), got 64"),
    ({"BACKING": "dram", "CHUNK": 48}, r"feature_cache: CHUNK must be a power of two, got 48"),
    ({"BACKING": "dram", "MAX_BURST": 0}, r"feature_cache: MAX_BURST must be >= 1, got 0"),
    ({"BACKING": "dram", "OUTSTANDING": 17}, r"feature_cache: OUTSTANDING must be <= 16, got 17"),
    ({"UNKNOWN": 1}, r"feature_cache: unknown parameter 'UNKNOWN'"),
])
def test_bad_parameters_raise_value_error(params, match):
    with pytest.raises(ValueError, match=match):
        check(params)
    with pytest.raises(ValueError, match=match):
        convert.generate("feature_cache", params, "/nonexistent/never/written")


@pytest.mark.parametrize("args,match", [
    ((0, 8, 256, 1024), "SLOTS"), ((4, 3, 256, 1024), "DATA_BYTES"),
    ((4, 8, 3, 1024), "SLOT_WORDS"), ((4, 8, 256, 100), "STEPS"),
])
def test_model_rejects_bad_configuration(args, match):
    with pytest.raises(ValueError, match=f"feature_cache: {match} .*got"):
        FeatureCacheModel(*args)


def test_module_names_are_prefixed_unique_and_encode_parameters():
    names = [module_name(p) for p in SUPPORTED]
    assert len(set(names)) == len(names)
    assert all(n.startswith("radacs_feature_cache_") for n in names)
    assert module_name({}) == "radacs_feature_cache_s4_b8_w256_t1024"
    assert module_name({"BACKING": "dram"}) == \
        "radacs_feature_cache_s4_b8_w256_t1024_dram_m16_o4_c64_g128"


def test_model_rejects_bad_backing():
    with pytest.raises(ValueError, match="feature_cache: BACKING must be onchip or dram, got 'x'"):
        FeatureCacheModel(backing="x")


def test_cli_bad_parameter_is_one_line_and_exit_2():
    r = subprocess.run([sys.executable, "-m", "ip.cli", "generate", "feature_cache", "-p",
                        "SLOTS=0", "-o", "/nonexistent/never/written"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "feature_cache: SLOTS must be >= 1, got 0" in r.stderr
