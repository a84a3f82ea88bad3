#!/usr/bin/env bash
# The main job on the bundled example: build the demo NixOS-like system from
# tests/fixtures (no nixpkgs, no network), then report its closure with a
# budget, a warning threshold and a `--why`, as CI would.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
system=$(nix-build tests/fixtures/package-set.nix -A toplevel --no-out-link)
cargo run --quiet --locked -p flakegate -- \
  closure "$system" --max-size 1MiB --warn-size 300KiB --why openssl-1.1.1w "$@"
