#!/usr/bin/env bash
# The quick start's first command as a new non-root user would run it: CI's
# proof that `bash scripts/example.sh` works without root and without
# touching the machine's Nix configuration.
#
#   bash scripts/try-as-user.sh        as root; FLAKEGATE_BIN defaults to
#                                      target/debug/flakegate (already built)
#
# It creates a throwaway user, gives it a copy of the checkout's tracked files
# (what a clone holds, with the working tree's changes) and of the binary (so
# the user runs no second cargo build, and a checkout under an unreadable
# home such as /root still works), then runs the example as that user with a
# login shell and a clean environment. It fails unless the example exits 0
# with the report it promises (the README: a 1 MiB budget that passes, a
# 300 KiB warning, the `--why` chain), /etc/nix is byte for byte unchanged,
# and the user owns no file outside its home. With a single-user Nix (root's
# /nix, no daemon) the example builds into its private store in the user's
# home; with a daemon it uses the daemon. The user and its home go away on
# exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "try-as-user: run as root: it creates and removes a throwaway user" >&2
  exit 2
fi
bin=${FLAKEGATE_BIN:-target/debug/flakegate}
if [ ! -x "$bin" ]; then
  echo "try-as-user: $bin: no flakegate binary (build it, or set FLAKEGATE_BIN)" >&2
  exit 2
fi

user=fgtry$$
home=/home/$user
cleanup() {
  if id "$user" >/dev/null 2>&1; then
    userdel --remove "$user" 2>/dev/null || true
  fi
  # userdel leaves a home it did not create; the private store is read-only.
  rm -rf "$home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What /etc/nix is: every file's checksum, and every entry's type, mode and
# owner (absent is a state too).
etc_nix() {
  if [ -e /etc/nix ]; then
    find /etc/nix -printf '%p %y %m %u:%g %l\n' | sort
    find /etc/nix -type f -exec sha256sum {} + | sort
  else
    echo "/etc/nix absent"
  fi
}
before=$(etc_nix)

useradd --create-home --home-dir "$home" --shell /bin/bash "$user"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$home" --one-top-level=flakegate
cp "$bin" "$home/flakegate-bin"
chown -R "$user:" "$home"

out=$home/example.out
status=0
# A login shell (the machine's profile puts Nix on PATH) with nothing of
# root's environment: no NIX_CONFIG, no CARGO_HOME, no NIX_REMOTE.
runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
  FLAKEGATE_BIN="$home/flakegate-bin" NO_COLOR=1 \
  bash -lc 'cd "$HOME/flakegate" && bash scripts/example.sh' >"$out" 2>"$home/example.err" ||
  status=$?

fail() {
  echo "try-as-user: $1" >&2
  echo "--- stdout" >&2
  cat "$out" >&2
  echo "--- stderr (last 20 lines)" >&2
  tail -n 20 "$home/example.err" >&2
  exit 1
}
[ "$status" -eq 0 ] || fail "scripts/example.sh exited $status as $user"
for line in \
  'pass    max size            324.5 KiB (limit 1.0 MiB)' \
  'WARN    warn size           324.5 KiB (limit 300.0 KiB)' \
  'Why openssl-1.1.1w' \
  'nixos-system-demo-24.05.20240612.abc1234 → system-path → nodejs-16.20.2 → openssl-1.1.1w' \
  'result: pass with warnings'; do
  grep -qF -- "$line" "$out" || fail "the report lacks: $line"
done

after=$(etc_nix)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") >&2 || true
  fail "/etc/nix changed"
fi
# Anything the user left where a Nix set-up writes, outside its home (a
# daemon's build results belong to the daemon, never to the user). /tmp is
# left out: Nix's temporary build directories go there.
strays=$(find /etc /nix /var /usr /opt /home -xdev \( -path "$home" -o -path /var/tmp \) -prune \
  -o -user "$user" -print 2>/dev/null | head -n 5)
[ -z "$strays" ] || fail "files of $user outside its home: $strays"

store=$(grep -o 'using a private store in .*' "$home/example.err" || echo "using the machine's Nix store")
echo "try-as-user: scripts/example.sh as $user: exit 0, the report as promised, /etc/nix unchanged ($store)"
