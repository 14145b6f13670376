#!/usr/bin/env bash
# Prepares this machine for fleet's test suite: the system packages the tests use
# (podman among them, for the example plugin),
# the Pulumi engine's `pulumi` CLI (built from the Go module proxy by
# scripts/build-pulumi.sh, cached by version under /var/cache/fleet), a running
# Docker engine and the fleet/base:bookworm image (for podman too).
#
# Idempotent and fast when everything is already there. As root it installs what is
# missing (one `apt-get update`, then `apt-get install`); otherwise it says what is
# missing and carries on, and the tests that need it skip with a message. The first
# pulumi build takes about six minutes (two cores); later runs reuse it.
#
# Exit status: 0 ready; 1 packages could not be installed; 3 packages ready but the
# Docker part (engine or base image) is not (Docker tests will skip). The pulumi
# CLI not being built (no Go, a failed build) only says so: its tests skip.
#
# Options: --no-docker   only the packages and pulumi; do not start dockerd or build the image.
#          --no-pulumi   do not build the pulumi CLI (also FLEET_TEST_PULUMI=0).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
step() { printf '[setup] %s\n' "$*"; }
fail() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

with_docker=1
with_pulumi=1
[[ "${FLEET_TEST_PULUMI:-}" != 0 ]] || with_pulumi=0
for arg in "$@"; do
  case "$arg" in
    --no-docker) with_docker=0 ;;
    --no-pulumi) with_pulumi=0 ;;
    -h | --help)
      sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) fail "unknown option: $arg (try --help)" ;;
  esac
done

# package -> what proves it is installed (a command on PATH, or an absolute path)
required=(
  "tmux:tmux"
  "git:git"
  "util-linux:flock"
  "iproute2:ip"
  "iptables:iptables"
  "busybox-static:/bin/busybox"
  "openssh-server:/usr/sbin/sshd"
  "openssh-client:ssh"
  "docker.io:dockerd"
  "debootstrap:debootstrap"
  "procps:pkill"
  "rsync:rsync"
  "zsh:zsh"
  # opencode keeps its conversation in SQLite: fleet reads it with sqlite3 on the host.
  "sqlite3:sqlite3"
  "ca-certificates:/etc/ssl/certs/ca-certificates.crt"
  # fleet ui's browser tests drive Debian's chromium with playwright-core (no downloaded browser).
  "chromium:/usr/bin/chromium"
  # The example plugin's provider (examples/plugins/fleet-provider-podman); catatonit is its --init.
  "podman:podman"
  "catatonit:/usr/libexec/podman/catatonit"
)

# sbin directories are not on a non-root PATH on Debian; look there too.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

present() {
  case "$1" in
    /*) [[ -e "$1" ]] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for entry in "${required[@]}"; do
  present "${entry#*:}" || missing+=("${entry%%:*}")
done

if ((${#missing[@]} == 0)); then
  step "packages: all present (${#required[@]} checked)"
elif [[ "$(id -u)" != 0 ]]; then
  step "packages: MISSING ${missing[*]} — not root, so not installing them"
  step "packages: install with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  step "packages: tests that need them will be skipped"
else
  command -v apt-get >/dev/null 2>&1 ||
    fail "missing packages (${missing[*]}) and no apt-get to install them with"
  export DEBIAN_FRONTEND=noninteractive
  step "packages: missing ${missing[*]}; running apt-get update"
  started=$SECONDS
  # A failing third-party source only warns; a real failure shows up in the install below.
  if ! apt-get update -qq -o DPkg::Lock::Timeout=120 </dev/null; then
    step "packages: apt-get update reported errors (continuing; the install decides)"
  fi
  step "packages: apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >/tmp/fleet-apt-install.log 2>&1 ||
    {
      tail -n 30 /tmp/fleet-apt-install.log >&2
      fail "apt-get install ${missing[*]} failed (full log: /tmp/fleet-apt-install.log)"
    }
  still=()
  for entry in "${required[@]}"; do
    present "${entry#*:}" || still+=("${entry%%:*}")
  done
  ((${#still[@]} == 0)) || fail "installed, but still missing: ${still[*]}"
  step "packages: installed in $((SECONDS - started)) s"
fi

# The Pulumi engine's CLI. Go comes with this kind of machine (/usr/local/go);
# Debian's golang-go (1.19) is too old for pulumi's go.mod (1.26), so it is not
# installed from there: without Go the Pulumi tests skip, saying so.
if ((with_pulumi)); then
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="$PATH:/usr/local/go/bin"
  fi
  pulumi_log="${TMPDIR:-/tmp}/fleet-pulumi-build.log"
  if ! command -v go >/dev/null 2>&1; then
    step "pulumi: NOT built — no go command (Go >= 1.26 is needed; Debian's golang-go is too old) — Pulumi tests will be SKIPPED"
  elif pulumi_bin="$(bash "$here/build-pulumi.sh" --no-build 2>/dev/null)" || [[ $? == 3 ]]; then
    step "pulumi: cached in $pulumi_bin"
  else
    step "pulumi: building the CLI from the Go module proxy (a cold compile takes about 10 min; log: $pulumi_log)"
    started=$SECONDS
    status=0
    pulumi_bin="$(bash "$here/build-pulumi.sh" 2>"$pulumi_log")" || status=$?
    case "$status" in
      # 3: the CLI is built; upstream's Node.js language host is not (the proxy
      # refuses its module): fleet's bin/pulumi-language-nodejs stands in for it.
      0 | 3) step "pulumi: built in $((SECONDS - started)) s: $pulumi_bin" ;;
      *)
        tail -n 15 "$pulumi_log" >&2
        step "pulumi: build FAILED (exit $status; log: $pulumi_log) — Pulumi tests will be SKIPPED"
        ;;
    esac
  fi
fi

((with_docker)) || exit 0

if ! "$here/docker-up.sh"; then
  step "docker: engine NOT available — Docker tests will be skipped"
  exit 3
fi
if ! "$here/build-base-image.sh"; then
  step "docker: base image NOT available — Docker tests will be skipped"
  exit 3
fi
# The podman plugin's tests: the same image, given to podman (they skip, saying so, without it).
if ! "$here/podman-base-image.sh"; then
  step "podman: base image NOT available — the podman plugin's tests will be skipped"
fi
step "ready"
