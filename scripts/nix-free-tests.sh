#!/usr/bin/env bash
# Runs the tests the flake's sandboxed `nextest` check runs (the filterset in
# checks/nextest-nix-free.filter) where no Nix can be reached, as in a build
# sandbox: every `nix*` program on PATH is replaced by one that fails, and
# /nix by an empty directory. A test that needs a live Nix but is not marked
# (named `live_nix…`, or an integration test of a crate that uses the
# testkit) fails here, so the filter can't silently let one through. Extra
# arguments go to `cargo nextest run`. Needs root (a private mount namespace).
set -euo pipefail
cd "$(dirname "$0")/.."

filter=$(cat checks/nextest-nix-free.filter)
# Build first, with Nix still there (build scripts never need it, but cargo
# must not be the thing that fails).
cargo nextest run --workspace --locked --no-run

exec unshare --mount --propagation private -- bash -euo pipefail -c '
  stub=$(mktemp)
  printf "#!/bin/sh\necho \"\$0: no Nix here: this test needs a live Nix; name it live_nix_…\" >&2\nexit 127\n" >"$stub"
  chmod +x "$stub"
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    for p in "$d"/nix "$d"/nix-*; do
      [ -e "$p" ] && mount --bind "$stub" "$p"
    done
  done
  [ -d /nix ] && mount -t tmpfs -o ro nix-free /nix
  if command -v nix >/dev/null && nix --version >/dev/null 2>&1; then
    echo "nix-free-tests: nix still runs" >&2
    exit 1
  fi
  filter=$1
  shift
  cargo nextest run --workspace --locked --no-tests=fail --filterset "$filter" "$@"
' nix-free-tests "$filter" "$@"
