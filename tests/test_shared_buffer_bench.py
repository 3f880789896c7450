"""The throughput benchmark (radacs bench shared_buffer) measures the RTL: on small
cases its figure equals the model's, cycle by cycle, and conflict-free traffic reaches
the ideal min(P, B).  (No wall-clock assertions: the figures are cycles.)"""
from __future__ import annotations

import pytest

from verif.shared_buffer import bench


@pytest.mark.parametrize("P,B,traffic", [(2, 2, "random"), (3, 2, "stride 1"),
                                         (2, 4, "conflict-free"), (3, 2, "stride B")])
def test_rtl_figure_equals_the_model(P, B, traffic):
    r = bench.measure(P, B, traffic, cycles=40)
    assert r["mismatches"] == 0
    assert r["rtl_per_cycle"] == r["model_per_cycle"]
    assert r["rtl_per_cycle"] <= r["ideal"]
    if traffic == "conflict-free" and P <= B:
        assert r["rtl_per_cycle"] == r["ideal"]
    if traffic == "stride B":
        assert r["rtl_per_cycle"] == 1.0     # every port on bank 0


def test_bad_cycles_is_a_usage_error(capsys):
    from ip import cli

    assert cli.main(["bench", "shared_buffer", "--cycles", "0"]) == 2
    assert "--cycles must be >= 1, got 0" in capsys.readouterr().err
