"""``radacs bench feature_cache --dram``: store / load throughput of the DRAM datapath.

Runs the datapath's MyHDL source (:mod:`ip.feature_cache.dram_path`) in MyHDL's
simulator with the bench's AXI4 memory (:mod:`verif.feature_cache.dram_bench`): no
pauses anywhere (the memory accepts every request and answers every beat at once: AW/W/AR ready
every cycle, B one cycle after WLAST, R one beat per cycle), one store of ``n`` beats
then one load of them, data and the whole memory image checked against the model.

Figures per scenario: beats; stream cycles (first to last beat on the stream);
stall cycles (store: ``tvalid && !tready`` on ``s_axis``; load: ``m_axis_tready`` high
after the first beat but no beat); achieved beats per stream cycle; total cycles
(store: first beat offered .. ``st_done``, i.e. after the last B; load: command ..
``ld_done``); load latency (command .. first beat).  Writes
``ip/feature_cache/bench_dram.json`` and ``bench_dram.md``.
"""
from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

from models import feature_cache_dram as dm
from verif.feature_cache import dram_bench as db

IP_DIR = Path(__file__).resolve().parents[2] / "ip" / "feature_cache"
# The DRAM set: 16-byte beats (SD1.5's int8 feature), bursts of 16 beats (256 B), 4
# bursts in flight, one write command per 256 beats (4 KiB), 512-beat (8 KiB) staging.
DRAM_SET = {"DATA_BYTES": 16, "MAX_BURST": 16, "OUTSTANDING": 4, "CHUNK": 256, "STAGE": 512}
SMALL_SET = {"DATA_BYTES": 16, "MAX_BURST": 16, "OUTSTANDING": 4, "CHUNK": 64, "STAGE": 128}
SD15_BYTES = 320 * 64 * 64


def measure(params: dict, nbeats: int, base: int = 0x1000, seed: int = 1) -> dict:
    b = params["DATA_BYTES"]
    rng = random.Random(seed)
    beats = [rng.getrandbits(8 * b) for _ in range(nbeats)]
    mem = bytearray(base + nbeats * b + 0x1000)
    exp = bytearray(mem)
    res, viol = db.run(params, [db.Store(base, nbeats, beats), db.Load(base, nbeats)], mem,
                       seed=seed, max_cycles=10 * nbeats + 10000)
    st, ld = res
    errors = list(viol)
    if (st.code, st.length) != dm.store(exp, base, nbeats, beats, b):
        errors.append(f"store response {st.code}/{st.length}")
    if ld.code != dm.OK or [v for v, _ in ld.beats] != beats:
        errors.append("loaded data differ from the stored feature")
    if bytes(mem) != bytes(exp):
        errors.append("DRAM image differs from the model")
    s_cyc = st.last - st.first + 1
    l_cyc = ld.last - ld.first + 1
    return {"params": params, "beats": nbeats, "bytes": nbeats * b,
            "store_stream_cycles": s_cyc, "store_stall_cycles": st.stalls,
            "store_beats_per_cycle": round(nbeats / s_cyc, 4),
            "store_total_cycles": st.cycles, "store_write_bursts": len(st.aw),
            "load_stream_cycles": l_cyc, "load_stall_cycles": ld.stalls,
            "load_beats_per_cycle": round(nbeats / l_cyc, 4),
            "load_total_cycles": ld.cycles, "load_latency_cycles": ld.first,
            "errors": errors}


def table(runs: list[dict]) -> str:
    lines = ["| set | bytes (beats) | store: stream cycles / stalls / beats per cycle / "
             "cycles to last B | load: latency / stream cycles / stalls / beats per cycle |",
             "|---|---|---|---|"]
    for r in runs:
        p = r["params"]
        name = (f"B={p['DATA_BYTES']} MB={p['MAX_BURST']} O={p['OUTSTANDING']} "
                f"CHUNK={p['CHUNK']} STAGE={p['STAGE']}")
        lines.append(
            f"| {name} | {r['bytes']} ({r['beats']}) | {r['store_stream_cycles']} / "
            f"{r['store_stall_cycles']} / {r['store_beats_per_cycle']} / "
            f"{r['store_total_cycles']} | {r['load_latency_cycles']} / "
            f"{r['load_stream_cycles']} / {r['load_stall_cycles']} / "
            f"{r['load_beats_per_cycle']} |")
    return "\n".join(lines) + "\n"


def cmd_bench_dram(sd15: bool, command: str) -> tuple[int, str]:
    runs = [measure(SMALL_SET, 1280), measure(DRAM_SET, 1280), measure(DRAM_SET, 16384)]
    if sd15:
        runs.append(measure(DRAM_SET, SD15_BYTES // DRAM_SET["DATA_BYTES"]))
    doc = {"command": command, "simulator": "myhdl (datapath standalone)",
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "runs": runs}
    (IP_DIR / "bench_dram.json").write_text(json.dumps(doc, indent=1) + "\n")
    md = (f"Measured by `{command}` (DRAM datapath in MyHDL's simulator, {doc['date']}); no "
          "pauses on the streams or the AXI memory.\n\n" + table(runs))
    (IP_DIR / "bench_dram.md").write_text(md)
    return (1 if any(r["errors"] for r in runs) else 0), md


def main(argv=None) -> int:
    """``python -m verif.feature_cache.dram_perf [--sd15]`` (same as ``radacs bench
    feature_cache --dram`` once the feature cache's bench is registered in ip/cli.py)."""
    import argparse
    import sys
    ap = argparse.ArgumentParser(prog="python -m verif.feature_cache.dram_perf",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--sd15", action="store_true",
                    help="also the SD1.5 branch-0 feature (1,310,720 bytes, 81,920 beats)")
    args = ap.parse_args(argv)
    rc, md = cmd_bench_dram(args.sd15, "radacs bench feature_cache --dram"
                            + (" --sd15" if args.sd15 else ""))
    sys.stdout.write(md)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
