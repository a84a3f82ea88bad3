#!/usr/bin/env bash
# The main job on the bundled example: build the demo NixOS-like system from
# tests/fixtures (no nixpkgs, no network), then report its closure with a
# budget, a warning threshold and a `--why`, as CI would.
#
# Needs only Nix and Rust, as any user: it changes no file outside the
# checkout, and passes the settings it needs to its own `nix` invocations
# through NIX_CONFIG (flakes on, no binary cache: the fixtures build with
# /bin/sh). A user of a Nix daemon (a multi-user install) needs access to it
# (on Debian, the nix-users group); the daemon's own settings then rule.
# As root on a machine without Nix, it installs Debian's nix-bin first
# (scripts/setup.sh --nix-only). FLAKEGATE_BIN runs that binary instead of
# `cargo run`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nix-build >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    bash scripts/setup.sh --nix-only >/dev/null
  else
    echo "example: needs Nix (https://nixos.org/download, or Debian's nix-bin)" >&2
    exit 1
  fi
fi

export NIX_CONFIG="${NIX_CONFIG:+$NIX_CONFIG
}experimental-features = nix-command flakes
substituters ="
if [ "$(id -u)" -ne 0 ] && [ -z "${NIX_REMOTE:-}${NIX_STORE_DIR:-}" ] && ! nix store ping >/dev/null 2>&1; then
  # Short: the fixtures pad files that hold store paths to fixed sizes.
  private=$HOME/.fg-nix
  echo "example: no Nix daemon answers and the store is not writable: using a private store in $private" >&2
  export NIX_STORE_DIR=$private/store NIX_STATE_DIR=$private/var NIX_LOG_DIR=$private/var/log
  mkdir -p "$NIX_STORE_DIR"
fi
system=$(nix-build tests/fixtures/package-set.nix -A toplevel --no-out-link)
args=(closure "$system" --max-size 1MiB --warn-size 300KiB --why openssl-1.1.1w "$@")
if [ -n "${FLAKEGATE_BIN:-}" ]; then
  exec "$FLAKEGATE_BIN" "${args[@]}"
fi
exec cargo run --quiet --locked -p flakegate -- "${args[@]}"
