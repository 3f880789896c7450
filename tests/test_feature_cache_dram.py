"""The feature cache's DRAM datapath (ip/feature_cache/dram_path.py, BACKING=dram)
against its golden model (models/feature_cache_dram.py) in MyHDL's simulator
(verif/feature_cache/dram_bench.py): parameter checks, Hypothesis property test with
shrinking (random idle/backpressure on the streams and on every AXI channel, SLVERR
regions), a directed corpus that must hit every DRAM coverage bin (chunk boundary,
4 KiB crossing, capacity boundary, AXI error on store and load, reset mid-store and
mid-load), the injected-bug test, Verilog lint, and the SD1.5 branch-0 feature
(1,310,720 bytes) stored and loaded (slow; a scaled-down copy runs by default).

The generated Verilog of the datapath also runs under cocotb on Icarus (default) and
Verilator (slow) with cocotbext-axi AxiRam (verif/feature_cache/dram_cocotb.py).  Not
covered (see ip/feature_cache/README.md, "DRAM backing"): the datapath is not
integrated into feature_cache.py, so there is no pyuvm env of the feature cache in
dram mode yet.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ip.feature_cache import dram_path
from models import feature_cache_dram as dm
from verif.feature_cache import dram_bench as db
from verif.feature_cache import dram_perf
from verif.feature_cache.dram_bench import Load, Store

MEM = 1 << 15
SETS = [
    {"DATA_BYTES": 16, "MAX_BURST": 16, "OUTSTANDING": 4, "CHUNK": 8, "STAGE": 16},
    {"DATA_BYTES": 4, "MAX_BURST": 4, "OUTSTANDING": 2, "CHUNK": 4, "STAGE": 8},
    {"DATA_BYTES": 8, "MAX_BURST": 5, "OUTSTANDING": 1, "CHUNK": 16, "STAGE": 32},
]
ERRS = [frozenset(), frozenset({0x1F}), frozenset({0x30, 0x41})]


def _region(op, b):
    base = op.base - op.base % b
    return base, base + op.cap * b


def check(params, ops, seed, stall, err, model=dm):
    """Run ``ops`` on the RTL and the model; assert they agree everywhere.  Memory is
    compared byte for byte over the whole 32 KiB, so a write outside a store's region
    fails; only the region of a store cut by a reset is free (its content is
    unspecified)."""
    b = params["DATA_BYTES"]
    rng = random.Random(seed)
    mem = bytearray(rng.randbytes(MEM))
    exp = bytearray(mem)
    res, viol = db.run(params, ops, mem, seed=seed, stall=stall, err=err)
    assert not viol, viol
    ops = db.flat(ops)
    assert len(res) == len(ops) and all(r.code != -1 for r in res), "an op never finished"
    bad = lambda a: (a // 256) in err  # noqa: E731
    free = []
    for op, r in zip(ops, res):
        if r.code == db.RESET:
            if isinstance(op, Store):
                free.append(_region(op, b))
            continue
        if isinstance(op, Store):
            assert (r.code, r.length) == model.store(exp, op.base, op.cap, op.beats, b, bad,
                                                     op.drop), (op, r)
        else:
            code, beats = model.load(exp, op.base, op.length, b, bad)
            want = [(v, i == op.length - 1) for i, v in enumerate(beats)]
            assert r.code == code and r.beats == want, (op, r.code, code)
    for lo, hi in free:
        exp[lo:hi] = mem[lo:hi]
    assert bytes(mem) == bytes(exp), "DRAM differs from the model (outside a region?)"
    return res


# --------------------------------------------------------------------- parameters

@pytest.mark.parametrize("bad,name", [({"DATA_BYTES": 1}, "DATA_BYTES"),
                                      ({"DATA_BYTES": 2}, "DATA_BYTES"),
                                      ({"DATA_BYTES": 32}, "DATA_BYTES"),
                                      ({"CHUNK": 12}, "CHUNK"),
                                      ({"STAGE": 24}, "STAGE"),
                                      ({"CHUNK": 64, "STAGE": 64}, "STAGE"),
                                      ({"MAX_BURST": 0}, "MAX_BURST"),
                                      ({"OUTSTANDING": 17}, "OUTSTANDING")])
def test_illegal_parameters(bad, name):
    with pytest.raises(ValueError, match=name):
        dram_path.check(bad)


# ------------------------------------------------------------------ property test

@st.composite
def programs(draw, p):
    b, ch = p["DATA_BYTES"], p["CHUNK"]
    ops, stored = [], []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["store", "load", "both"])) if stored else "store"
        if kind != "store":
            lpage, base, n = draw(st.sampled_from(stored))
            ld = Load(base, draw(st.sampled_from([n, max(1, n - 1), 1])))
            if kind == "load":
                ops.append(ld)
                continue
        pages = [0x1000, 0x2000, 0x4000, 0x5000]
        if kind == "both":    # a store and a load at once, on disjoint regions
            pages.remove(lpage)
        page = draw(st.sampled_from(pages))
        base = page + draw(st.integers(-2 * ch, 3)) * b
        cap = draw(st.integers(1, 3 * ch))
        n = draw(st.sampled_from([cap, cap + 1, max(1, cap - 1), ch, 1,
                                  draw(st.integers(1, 3 * ch + 2))]))
        beats = [draw(st.integers(0, (1 << 8 * b) - 1)) for _ in range(n)]
        drop = draw(st.integers(0, 9)) == 0
        op = Store(base, cap, beats, drop)
        ops.append((op, ld) if kind == "both" else op)
        if not drop:
            stored.append((page, base, min(n, cap)))
    return ops


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(SETS), st.data(), st.integers(0, 2**31),
       st.sampled_from([0.0, 0.3, 0.7]), st.sampled_from(ERRS))
def test_rtl_matches_model(params, data, seed, stall, err):
    check(params, data.draw(programs(params)), seed, stall, err)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SETS), st.data(), st.integers(0, 2**31),
       st.sampled_from([0.0, 0.3, 0.7]), st.sampled_from(ERRS))
def test_rtl_matches_model_deep(params, data, seed, stall, err):
    check(params, data.draw(programs(params)), seed, stall, err)


# ------------------------------------------------------- directed corpus, coverage

def corpus(p, seed):
    """Ops that hit every bin of dram_bench.BINS (with ERRS[1] = SLVERR at 0x1F00)."""
    b, ch = p["DATA_BYTES"], p["CHUNK"]
    rng = random.Random(seed)

    def data(n):
        return [rng.getrandbits(8 * b) for _ in range(n)]
    page = 0x1000
    return [
        Store(0x4000, 2 * ch, data(2 * ch)),                 # chunk boundary, cap exact
        Load(0x4000, 2 * ch),
        Store(0x5000 - ch * b, 3 * ch, data(2 * ch + 3)),    # 4 KiB crossing, tail
        Load(0x5000 - ch * b, 2 * ch + 3),                   # load crossing 4 KiB
        Store(0x6000, ch + 1, data(ch + 2)),                 # cap + 1: overflow
        Load(0x6000, 1),
        Store(0x7000, 4, data(3), drop=True),                # bad slot: nothing written
        Store(page + 0xF00 - 2 * b, 4, data(4)),             # runs into SLVERR block 0x1F
        Load(page + 0xF00 - 2 * b, 4),                       # data, then the error: padded
        Store(0x2000, 4 * ch, data(4 * ch), reset_after=ch),  # reset mid-store
        Store(0x3000, 2 * ch, data(2 * ch)),
        (Store(0x6800, 3 * ch, data(3 * ch)), Load(0x4000, 2 * ch)),   # at once
        Load(0x3000, 2 * ch, reset_after=ch + 6),            # reset mid-load
        Load(0x3000, 2 * ch),
    ]


@pytest.mark.parametrize("k", range(len(SETS)))
def test_directed_corpus_covers_every_bin(k, radacs_seed):
    p = SETS[k]
    ops = corpus(p, radacs_seed)
    print(f"dram corpus seed {radacs_seed}")
    res = check(p, ops, radacs_seed, 0.3, ERRS[1])
    holes = set(db.BINS) - db.coverage(p, ops, res, ERRS[1])
    assert not holes, f"coverage holes: {sorted(holes)}"


class _BuggyModel:
    """The model with an off-by-one capacity (cap + 1 beats fit): must be caught."""
    AXI_ERR = dm.AXI_ERR

    @staticmethod
    def store(mem, base, cap, beats, b, err=lambda a: False, drop=False):
        return dm.store(mem, base, cap + 1, beats, b, err, drop)

    load = staticmethod(dm.load)


def test_scoreboard_catches_injected_bug(radacs_seed):
    p = SETS[0]
    with pytest.raises(AssertionError):
        check(p, corpus(p, radacs_seed)[:6], radacs_seed, 0.0, frozenset(), model=_BuggyModel)


# ------------------------------------------------------------------------- lint

def test_generated_verilog_lint_clean():
    from ip.cli import lint_files
    import warnings
    d = tempfile.mkdtemp()
    inst, _ = dram_path.build(SETS[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", path=d, name="radacs_feature_cache_dram_path_b16",
                     testbench=False)
    vlt = Path(dram_path.__file__).with_name("dram_path.vlt")
    assert lint_files([Path(d) / "radacs_feature_cache_dram_path_b16.v"], vlt) == []


# ------------------------------------------------------------------ SD1.5 feature

SD15 = dram_perf.DRAM_SET       # B=16, MAX_BURST=16, OUTSTANDING=4, CHUNK=256, STAGE=512
SD15_BYTES = 320 * 64 * 64          # SD1.5 branch-0 feature, int8


def _roundtrip(nbytes, seed):
    b = SD15["DATA_BYTES"]
    n = nbytes // b
    rng = random.Random(seed)
    beats = [rng.getrandbits(8 * b) for _ in range(n)]
    base = 0x1000
    mem = bytearray(base + n * b + 0x1000)
    guard = bytes(mem)
    res, viol = db.run(SD15, [Store(base, n, beats), Load(base, n)], mem, seed=seed,
                       max_cycles=10 * n + 10000)
    assert not viol
    (st_, ld) = res
    assert (st_.code, st_.length) == (dm.OK, n)
    assert ld.code == dm.OK and [v for v, _ in ld.beats] == beats
    assert [t for _, t in ld.beats].count(True) == 1 and ld.beats[-1][1]
    assert mem[:base] == guard[:base] and mem[base + n * b:] == guard[base + n * b:]
    return st_, ld


def test_sd15_scaled_down(radacs_seed):
    """1/64 of the SD1.5 feature (20,480 bytes, 1280 beats) through the SD1.5 set."""
    _roundtrip(SD15_BYTES // 64, radacs_seed)


@pytest.mark.slow
def test_sd15_branch0_feature(radacs_seed):
    """The whole SD1.5 branch-0 feature: 320x64x64 bytes = 81,920 beats of 16 bytes."""
    _roundtrip(SD15_BYTES, radacs_seed)


# ------------------------------------------- generated Verilog on Icarus / Verilator

def _cocotb_corpus(p, seed, stress):
    """Ops for the cocotb run (dicts): stores around CHUNK / CAP / 4 KiB, an error page
    (0x3000), dropped features, loads, a store and a load at once."""
    b, ch = p["DATA_BYTES"], p["CHUNK"]
    rng = random.Random(seed)

    def st_(base, cap, n, drop=False):
        return {"kind": "store", "base": base, "cap": cap, "drop": drop,
                "beats": [rng.getrandbits(8 * b) for _ in range(n)]}

    def ld(base, n):
        return {"kind": "load", "base": base, "length": n}
    ops = [st_(0x1000 - ch * b, 2 * ch, 2 * ch), ld(0x1000 - ch * b, 2 * ch),
           st_(0x2000, ch + 1, ch + 3), ld(0x2000, ch + 1),
           st_(0x3000 - 2 * b, 4, 4), ld(0x3000 - 2 * b, 4),          # into the error page
           st_(0x4000, 8, 5, drop=True),
           [st_(0x5000, 3 * ch, 3 * ch - 1), ld(0x1000 - ch * b, 2 * ch)]]
    for _ in range(4):
        base = rng.choice([0x6000, 0x7000]) + rng.randint(-ch, ch) * b
        cap = rng.randint(1, 3 * ch)
        n = rng.choice([cap, cap + 1, rng.randint(1, 3 * ch)])
        ops += [st_(base, cap, n), ld(base, min(n, cap))]
    return {"data_bytes": b, "mem_size": 1 << 15, "stress": stress, "err_pages": [3],
            "seed": seed, "ops": ops}


def _cocotb_run(sim, p, corpus):
    import json
    import os
    import warnings
    from cocotb_tools.runner import get_runner
    from ip.common import tools
    from verif.common import runner as rn
    top = "radacs_feature_cache_dram_path_b{DATA_BYTES}_mb{MAX_BURST}_o{OUTSTANDING}" \
          "_c{CHUNK}_s{STAGE}".format(**p)
    bdir = rn.BUILD_ROOT / sim / top
    src = bdir / "src"
    src.mkdir(parents=True, exist_ok=True)
    inst, _ = dram_path.build(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inst.convert(hdl="Verilog", path=str(src), name=top, testbench=False)
    tools.apply_tool_env()
    sources = [src / f"{top}.v"]
    if sim == "verilator":
        sources = [Path(dram_path.__file__).with_name("dram_path.vlt")] + sources
        if "CFG_CXXFLAGS_PCH_I" not in os.environ.get("MAKEFLAGS", ""):
            os.environ["MAKEFLAGS"] = (os.environ.get("MAKEFLAGS", "")
                                       + " CFG_CXXFLAGS_PCH_I=-include").strip()
    r = get_runner(sim)
    r.build(sources=sources, hdl_toplevel=top, build_dir=str(bdir), timescale=("1ns", "1ps"),
            always=False, log_file=str(bdir / "build.log"))
    tdir = bdir / f"run_{corpus['seed']}_{corpus['stress']}"
    tdir.mkdir(parents=True, exist_ok=True)
    xml = tdir / "results.xml"
    rn.run_cocotb(r, test_module="verif.feature_cache.dram_cocotb", hdl_toplevel=top,
                  hdl_toplevel_lang="verilog", build_dir=str(bdir), test_dir=str(tdir),
                  extra_env={"RADACS_DRAM_CORPUS": json.dumps(corpus), "PYTHONHASHSEED": "0"},
                  results_xml=str(xml), log_file=str(tdir / "sim.log"),
                  timescale=("1ns", "1ps"))
    res = rn.parse_results(xml)
    return res, tdir / "sim.log"


@pytest.mark.parametrize("sim", ["icarus", pytest.param("verilator", marks=pytest.mark.slow)])
def test_generated_verilog_cocotb_axiram(sim, radacs_seed):
    p = SETS[0]
    corpus = _cocotb_corpus(p, radacs_seed, "random")
    print(f"dram cocotb corpus seed {radacs_seed}")
    res, log = _cocotb_run(sim, p, corpus)
    assert res and all(r.passed for r in res), (log, [r.message for r in res])


@pytest.mark.slow
def test_cocotb_scoreboard_catches_injected_bug(radacs_seed):
    p = SETS[0]
    corpus = dict(_cocotb_corpus(p, radacs_seed, "random"), inject_bug=True)
    res, log = _cocotb_run("icarus", p, corpus)
    assert res and not all(r.passed for r in res), "the injected model bug was not caught"
