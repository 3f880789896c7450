"""Bad arbiter parameters raise ValueError naming the parameter and the value, before
any elaboration; good ones give the documented module names."""
from __future__ import annotations

import pytest

from ip.arbiter import SUPPORTED, check, module_name
from ip.common import convert


@pytest.mark.parametrize("params,match", [
    ({"N": 0}, r"arbiter: N must be >= 1, got 0"),
    ({"N": 33}, r"arbiter: N must be <= 32, got 33"),
    ({"N": "four"}, r"arbiter: N must be an integer, got 'four'"),
    ({"N": 2.5}, r"arbiter: N must be an integer, got 2.5"),
    ({"N": True}, r"arbiter: N must be an integer, got True"),
    ({"FLAVOUR": "lottery"}, r"arbiter: FLAVOUR must be one of rr, fp, wrr, got 'lottery'"),
    ({"FLAVOUR": "wrr", "N": 2, "WEIGHTS": "1,0"}, r"arbiter: WEIGHTS entries must be >= 1, got 0"),
    ({"FLAVOUR": "wrr", "N": 2, "WEIGHTS": "1,256"}, r"WEIGHTS entries must be <= 255, got 256"),
    ({"FLAVOUR": "wrr", "N": 3, "WEIGHTS": "1,2"}, r"WEIGHTS must have N=3 entries, got 2"),
    ({"FLAVOUR": "wrr", "N": 3}, r"WEIGHTS is required when FLAVOUR=wrr"),
    ({"FLAVOUR": "rr", "N": 2, "WEIGHTS": "1,2"}, r"WEIGHTS is only valid with FLAVOUR=wrr"),
    ({"FLAVOUR": "wrr", "N": 2, "WEIGHTS": "1,x"}, r"WEIGHTS must be an integer, got 'x'"),
    ({"DEPTH": 3}, r"arbiter: unknown parameter 'DEPTH'"),
])
def test_bad_parameters_raise_value_error(params, match):
    with pytest.raises(ValueError, match=match):
        check(params)
    with pytest.raises(ValueError, match=match):
        convert.generate("arbiter", params, "/nonexistent/never/written")


def test_module_names_are_prefixed_unique_and_encode_parameters():
    names = [module_name(p) for p in SUPPORTED]
    assert len(set(names)) == len(names)
    assert all(n.startswith("radacs_arbiter_") for n in names)
    assert module_name({"FLAVOUR": "wrr", "N": 3, "WEIGHTS": "2,1,3"}) == \
        "radacs_arbiter_wrr_n3_w2_1_3"
    # Long weight lists are named by a CRC of the list: different lists, different names.
    a = module_name({"FLAVOUR": "wrr", "N": 9, "WEIGHTS": [1] * 9})
    b = module_name({"FLAVOUR": "wrr", "N": 9, "WEIGHTS": [1] * 8 + [2]})
    assert a != b and a.startswith("radacs_arbiter_wrr_n9_wh")
