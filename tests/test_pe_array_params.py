"""Bad PE array parameters raise ValueError naming the parameter and the value, before
any elaboration; good ones give the documented module names."""
from __future__ import annotations

import pytest

from ip.pe_array import SUPPORTED, build, check, module_name
from ip.common import convert
from models.pe_array import PeArrayModel


@pytest.mark.parametrize("params,match", [
    ({"ROWS": 0}, r"pe_array: ROWS must be >= 1, got 0"),
    ({"ROWS": 33}, r"pe_array: ROWS must be <= 32, got 33"),
    ({"COLS": 0}, r"pe_array: COLS must be >= 1, got 0"),
    ({"COLS": 33}, r"pe_array: COLS must be <= 32, got 33"),
    ({"ROWS": -4}, r"pe_array: ROWS must be >= 1, got -4"),
    ({"ROWS": "eight"}, r"pe_array: ROWS must be an integer, got 'eight'"),
    ({"COLS": 2.5}, r"pe_array: COLS must be an integer, got 2.5"),
    ({"COLS": True}, r"pe_array: COLS must be an integer, got True"),
    ({"DEPTH": 3}, r"pe_array: unknown parameter 'DEPTH'"),
])
def test_bad_parameters_raise_value_error(params, match):
    with pytest.raises(ValueError, match=match):
        check(params)
    with pytest.raises(ValueError, match=match):
        convert.generate("pe_array", params, "/nonexistent/never/written")


@pytest.mark.parametrize("rows,cols,name,value", [
    (0, 4, "ROWS", "0"), (33, 4, "ROWS", "33"), (4, 0, "COLS", "0"), (4, 33, "COLS", "33"),
    (True, 4, "ROWS", "True"), (4, "x", "COLS", "'x'"),
])
def test_model_rejects_bad_config(rows, cols, name, value):
    with pytest.raises(ValueError, match=rf"pe_array model: {name} .* got {value}"):
        PeArrayModel(rows, cols)


def test_strings_from_the_cli_are_parsed():
    assert check({"ROWS": "16", "COLS": "0x4"}) == {"ROWS": 16, "COLS": 4}


def test_block_rechecks_port_widths():
    from myhdl import Signal, intbv

    from ip.pe_array.pe_array import pe_array, ports

    sigs = ports({"ROWS": 2, "COLS": 3})
    sigs["in_x"] = Signal(intbv(0)[16:])
    with pytest.raises(ValueError, match=r"pe_array: port in_x must be 24 bits .* got 16"):
        pe_array(**sigs, ROWS=2, COLS=3)


def test_module_names_are_prefixed_unique_and_encode_parameters():
    names = [module_name(p) for p in SUPPORTED]
    assert len(set(names)) == len(names)
    assert all(n.startswith("radacs_pe_array_") for n in names)
    assert module_name({"ROWS": 2, "COLS": 3}) == "radacs_pe_array_r2_c3"
    assert module_name({}) == "radacs_pe_array_r8_c8"
    _, sigs = build({"ROWS": 2, "COLS": 3})
    assert (len(sigs["in_w"]), len(sigs["in_x"]), len(sigs["out_row"])) == (16, 24, 96)
