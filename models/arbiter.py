"""Golden model of the RADACS arbiter family (``ip/arbiter``): the specification.

Cycle-level contract
--------------------
Each clock cycle the arbiter sees ``req`` and ``lock`` (N-bit masks) and ``ready``,
and offers a grant ``gnt`` (one-hot0), its index and ``valid = gnt != 0``.  The offer
depends only on ``req`` and the state; ``ready`` only affects the next state.

* **Hold.** If the previous cycle offered a grant to requester ``h`` that was not
  accepted (``ready`` low), or was accepted with ``lock[h]`` high (a burst goes on),
  then ``h`` is granted again while ``req[h]`` is high.  Otherwise a fresh choice is
  made ("arbitration").
* **Choice.**
  - ``fp``: the lowest-indexed requester.
  - ``rr``: the first requester found searching circularly from ``start``; after a
    grant to ``w`` completes (accepted with ``lock[w]`` low) ``start = (w + 1) % N``.
  - ``wrr``: like ``rr``, but after a completed grant to ``w`` that is ``c``-th
    consecutive completed grant of ``w`` in its turn, ``start`` stays at ``w`` while
    ``c < WEIGHTS[w]`` and moves to ``(w + 1) % N`` when ``c == WEIGHTS[w]``.
  After reset ``start = 0``.
* A burst (accepted beats with lock high, ended by a beat with lock low) counts as
  one grant.  ``N = 1`` is a wire: ``gnt = req``.

Fairness bounds (checked by the scoreboard and proved formally):
``rr``: a requester waits for at most ``N - 1`` completed grants of others;
``wrr``: at most ``sum(WEIGHTS) - WEIGHTS[i]``; ``fp``: unbounded (starvation).

This model is written with indices and a circular search, independently of the
RTL's masks, so that the two implementations check each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

FLAVOURS = ("rr", "fp", "wrr")


@dataclass(frozen=True)
class Offer:
    gnt: int     # one-hot0 mask
    idx: int     # index of the grant, 0 when none
    valid: bool


def check_config(flavour: str, n: int, weights: Sequence[int] | None = None) -> tuple:
    if flavour not in FLAVOURS:
        raise ValueError(f"arbiter model: FLAVOUR must be one of {FLAVOURS}, got {flavour!r}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"arbiter model: N must be an integer >= 1, got {n!r}")
    if flavour == "wrr":
        if weights is None or len(weights) != n or any(int(w) < 1 for w in weights):
            raise ValueError(f"arbiter model: WEIGHTS must be {n} integers >= 1, got {weights!r}")
        return tuple(int(w) for w in weights)
    return tuple([1] * n)


class ArbiterModel:
    """Cycle-accurate reference.  Call :meth:`offer` then :meth:`clock` every cycle,
    or :meth:`cycle` which does both."""

    def __init__(self, flavour: str, n: int, weights: Sequence[int] | None = None):
        self.flavour = flavour
        self.n = n
        self.weights = check_config(flavour, n, weights)
        self.reset()

    # -- state ---------------------------------------------------------------------
    def reset(self) -> None:
        self.hold: int | None = None   # requester whose offer/burst is held
        self.start = 0                 # where the circular search begins (rr/wrr)
        self.turn: int | None = None   # wrr: requester whose consecutive grants are counted
        self.count = 0                 # wrr: completed grants of ``turn`` so far

    # -- combinational -------------------------------------------------------------
    def choose(self, req: int) -> int | None:
        """Index of the requester a fresh arbitration would pick, None if no request."""
        if req == 0:
            return None
        if self.n == 1 or self.flavour == "fp":
            return next(i for i in range(self.n) if req >> i & 1)
        for k in range(self.n):
            i = (self.start + k) % self.n
            if req >> i & 1:
                return i
        raise AssertionError("unreachable")

    def offer(self, req: int) -> Offer:
        req &= (1 << self.n) - 1
        if self.n == 1:
            return Offer(req & 1, 0, bool(req & 1))
        if self.hold is not None and req >> self.hold & 1:
            w: int | None = self.hold
        else:
            w = self.choose(req)
        if w is None:
            return Offer(0, 0, False)
        return Offer(1 << w, w, True)

    # -- sequential ----------------------------------------------------------------
    def clock(self, req: int, lock: int, ready: bool) -> Offer:
        """Advance one clock edge; returns the offer that was made in this cycle."""
        o = self.offer(req)
        if self.n == 1:
            return o
        if not o.valid:
            self.hold = None
            return o
        w = o.idx
        locked = bool(lock >> w & 1)
        if not ready or locked:
            self.hold = w
            return o
        self.hold = None
        # a grant completed
        if self.flavour == "rr":
            self.start = (w + 1) % self.n
        elif self.flavour == "wrr":
            c = self.count + 1 if self.turn == w else 1
            if c >= self.weights[w]:
                self.start, self.turn, self.count = (w + 1) % self.n, None, 0
            else:
                self.start, self.turn, self.count = w, w, c
        return o

    cycle = clock

    # -- properties ------------------------------------------------------------------
    def wait_bound(self, i: int) -> int | None:
        """Most completed grants of others requester ``i`` can wait for (None: unbounded)."""
        if self.flavour == "fp" and self.n > 1:
            return None
        if self.flavour == "wrr":
            return sum(self.weights) - self.weights[i]
        return self.n - 1


def simulate(flavour: str, n: int, weights, stimulus) -> list[Offer]:
    """Run the model over ``[(req, lock, ready), ...]`` from reset; the offers made."""
    m = ArbiterModel(flavour, n, weights)
    return [m.clock(r, l, bool(rd)) for r, l, rd in stimulus]
