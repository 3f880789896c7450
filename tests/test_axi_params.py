"""Bad AXI master parameters raise ValueError naming the parameter and the value,
before any elaboration; good ones give the documented module names."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from myhdl import Signal, intbv

from ip.axi import SUPPORTED, check, module_name
from ip.axi.axi import axi_rd, ports
from ip.common import convert
from models import axi as model


@pytest.mark.parametrize("params,match", [
    ({"KIND": "rw"}, r"axi: KIND must be one of rd, wr, got 'rw'"),
    ({"DATA_BYTES": 2}, r"axi: DATA_BYTES must be >= 4, got 2"),
    ({"DATA_BYTES": 64}, r"axi: DATA_BYTES must be <= 32, got 64"),
    ({"DATA_BYTES": 12}, r"axi: DATA_BYTES must be a power of two in 4..32, got 12"),
    ({"DATA_BYTES": "eight"}, r"axi: DATA_BYTES must be an integer, got 'eight'"),
    ({"MAX_BURST": 0}, r"axi: MAX_BURST must be >= 1, got 0"),
    ({"MAX_BURST": 257}, r"axi: MAX_BURST must be <= 256, got 257"),
    ({"OUTSTANDING": 0}, r"axi: OUTSTANDING must be >= 1, got 0"),
    ({"OUTSTANDING": 17}, r"axi: OUTSTANDING must be <= 16, got 17"),
    ({"OUTSTANDING": True}, r"axi: OUTSTANDING must be an integer, got True"),
    ({"ID_WIDTH": 4}, r"axi: unknown parameter 'ID_WIDTH'"),
])
def test_bad_parameters_raise_value_error(params, match):
    with pytest.raises(ValueError, match=match):
        check(params)
    with pytest.raises(ValueError, match=match):
        convert.generate("axi", params, "/nonexistent/never/written")


@pytest.mark.parametrize("args,match", [
    ((12, 16, 4), r"axi: DATA_BYTES must be a power of two in 4..32, got 12"),
    ((8, 0, 4), r"axi: MAX_BURST must be in 1..256, got 0"),
    ((8, 16, 17), r"axi: OUTSTANDING must be in 1..16, got 17"),
    ((8, "16", 4), r"axi: MAX_BURST must be an integer, got '16'"),
])
def test_model_config_errors_name_parameter(args, match):
    with pytest.raises(ValueError, match=match):
        model.check_config(*args)


def test_block_rejects_wrong_port_width():
    sigs = ports({"KIND": "rd", "DATA_BYTES": 8})
    sigs["m_axis_tdata"] = Signal(intbv(0)[32:])
    with pytest.raises(ValueError, match=r"axi: port m_axis_tdata must be 64 bits"):
        axi_rd(**sigs, DATA_BYTES=8)


def test_module_names_are_prefixed_unique_and_encode_parameters():
    names = [module_name(p) for p in SUPPORTED]
    assert len(set(names)) == len(names)
    assert all(n.startswith("radacs_axi_") for n in names)
    assert module_name({"KIND": "rd", "DATA_BYTES": 8, "MAX_BURST": 16, "OUTSTANDING": 8}) \
        == "radacs_axi_rd_b8_mb16_o8"
    assert module_name({}) == "radacs_axi_rd_b8_mb16_o8"


# -- fusesoc/axi.core: the same static checks tests/test_fusesoc.py makes for the arbiter

def _core(name):
    import yaml

    path = Path(__file__).resolve().parents[1] / "fusesoc" / name
    return yaml.safe_load(path.read_text().split("\n", 1)[1])


def test_core_parameters_match_the_ip():
    from ip import axi

    core = _core("axi.core")
    for p in axi.PARAMS:
        cp = core["parameters"][p.name]
        assert cp["datatype"] == {"str": "str", "int": "int"}[p.kind], p.name
        assert cp.get("description"), p.name
        assert cp["default"] == p.default, p.name
    gen = core["generate"]["axi_rtl"]["parameters"]
    assert gen["ip"] == "axi"
    default_set = {p.name: core["parameters"][p.name]["default"] for p in axi.PARAMS}
    assert axi.check(gen["params"]) == axi.check(default_set) == axi.check({})
    top = axi.module_name(default_set)
    assert top in [module_name(s) for s in SUPPORTED]
    for name, t in core["targets"].items():
        assert t.get("description"), f"target {name} has no description"
        assert t["toplevel"] == top, name


def test_generator_sources_cover_the_conversion():
    repo = Path(__file__).resolve().parents[1]
    sources = _core("axi.core")["generate"]["axi_rtl"]["parameters"]["sources"]
    listed = {(repo / "fusesoc" / s).resolve() for s in sources}
    code = ("import sys, ip.axi, ip.common.convert; "
            "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) "
            "if getattr(m, '__file__', None)))")
    r = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True,
                       text=True, check=True)
    used = {Path(f).resolve() for f in r.stdout.split()
            if Path(f).resolve().is_relative_to(repo / "ip")}
    assert used and used <= listed, f"not in sources: {sorted(map(str, used - listed))}"
    assert all(p.is_file() for p in listed)


def _radacs(*args):
    repo = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, "-m", "ip.cli", *args], cwd=repo,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("params, name, value", [
    (["-p", "DATA_BYTES=12"], "DATA_BYTES", "12"),
    (["-p", "KIND=rw"], "KIND", "'rw'"),
    (["-p", "MAX_BURST=300"], "MAX_BURST", "300"),
])
def test_cli_bad_parameter_is_one_line_and_exit_2(tmp_path, params, name, value):
    out = tmp_path / "out"
    r = _radacs("generate", "axi", *params, "-o", str(out))
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and name in lines[0] and value in lines[0], r.stderr
    assert not out.exists() or not list(out.glob("*.v"))


def test_lint_axi_is_clean():
    r = _radacs("lint", "axi")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "14 file(s), 0 with warnings" in r.stdout
