#!/usr/bin/env bash
# Makes a machine ready for flakegate's tests: a single-user Nix (Debian's
# nix-bin is enough, 2.8 or newer) with flakes enabled, and the official
# CycloneDX and SPDX validators the SBOM tests run. Idempotent.
set -euo pipefail

if ! command -v nix-build >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nix-bin >/dev/null
  else
    echo "setup: install Nix (https://nixos.org/download) and re-run" >&2
    exit 1
  fi
fi

conf=/etc/nix/nix.conf
mkdir -p "$(dirname "$conf")"
touch "$conf"
add() {
  # Append "key = value" unless the key is already set.
  grep -qE "^[[:space:]]*$1[[:space:]]*=" "$conf" || echo "$1 = $2" >>"$conf"
}
add experimental-features "nix-command flakes"
# The fixtures build with /bin/sh and need no binary cache; an unreachable
# cache only adds retries to every build.
add substituters ""
add sandbox false

# The SBOM tests validate every document with the official CycloneDX and
# SPDX validators (pip skips what is installed).
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  'cyclonedx-python-lib[json-validation]' spdx-tools

# --- SBOM readers and conformance checkers (tests/validate/sbom.py) ---
# NTIA minimum elements, and two readers scanners use (lib4sbom, cve-bin-tool's
# SBOM parser); the npm CycloneDX library's strict validator with the ajv
# packages it needs for JSON validation (global, found through `npm root -g`).
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  ntia-conformance-checker lib4sbom cve-bin-tool
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! node -e "require(require('path').join('$(npm root -g)', '@cyclonedx/cyclonedx-library'))" 2>/dev/null; then
  npm install -g --no-fund --no-audit --loglevel=error \
    @cyclonedx/cyclonedx-library@10 ajv@8 ajv-formats@3 ajv-formats-draft2019@1
fi
# --- end of the SBOM block ---

nix --version
