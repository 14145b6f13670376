#!/usr/bin/env bash
# Makes sure a Docker engine answers on its unix socket, starting dockerd in the
# background when it does not.
#
# The socket is DOCKER_HOST (unix:///path) or /var/run/docker.sock. Before starting
# dockerd it checks what this machine supports and picks accordingly:
#   - cgroups mounted (mounts cgroup2 on /sys/fs/cgroup when nothing is there);
#   - an iptables backend that works (the default nft one, else iptables-legacy via
#     update-alternatives, else dockerd runs with --iptables=false);
#   - a storage driver: overlay2 when an overlay mount works under the data root,
#     else vfs (slower and larger, but works everywhere).
# FLEET_DOCKER_STORAGE_DRIVER overrides the driver; the daemon log goes to
# FLEET_DOCKERD_LOG (default /var/log/fleet-dockerd.log). Waits up to
# FLEET_DOCKER_WAIT seconds (default 60) for the socket.
#
# Exit status: 0 the engine answers; 1 it does not (the reason is printed).
set -euo pipefail

step() { printf '[docker-up] %s\n' "$*"; }
fail() {
  printf '[docker-up] ERROR: %s\n' "$*" >&2
  exit 1
}

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

case "${DOCKER_HOST:-}" in
  "") socket=/var/run/docker.sock ;;
  unix://*) socket="${DOCKER_HOST#unix://}" ;;
  *) socket="" ;;
esac
log="${FLEET_DOCKERD_LOG:-/var/log/fleet-dockerd.log}"
wait_s="${FLEET_DOCKER_WAIT:-60}"
data_root=/var/lib/docker

engine_version() {
  # The CLI is the simplest probe; curl is the fallback when only the daemon is around.
  if command -v docker >/dev/null 2>&1; then
    timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null
  elif [[ -n "$socket" ]] && command -v curl >/dev/null 2>&1; then
    timeout 10 curl -fsS --unix-socket "$socket" http://localhost/version 2>/dev/null |
      sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n 1
  else
    return 1
  fi
}

if version="$(engine_version)" && [[ -n "$version" ]]; then
  step "engine answers on ${DOCKER_HOST:-unix://$socket} (version $version)"
  exit 0
fi

[[ -n "$socket" ]] ||
  fail "DOCKER_HOST=$DOCKER_HOST does not answer and is not a unix socket this script can start dockerd for"
if [[ "$(id -u)" != 0 ]]; then
  if [[ -S "$socket" && ! -w "$socket" ]]; then
    fail "$socket exists but this user may not use it (add yourself to the docker group, or run as root)"
  fi
  fail "no engine on $socket and not root, so cannot start dockerd (start it with \`sudo dockerd &\` or \`sudo systemctl start docker\`)"
fi
command -v dockerd >/dev/null 2>&1 ||
  fail "no engine on $socket and dockerd is not installed (apt-get install docker.io, or run scripts/setup-test-env.sh as root)"

# Two runs at once must not start two daemons.
exec 9>/var/lock/fleet-docker-up.lock
flock -w "$((wait_s + 30))" 9 || fail "timed out waiting for another docker-up.sh to finish"

wait_for_engine() {
  local deadline=$((SECONDS + wait_s))
  while ((SECONDS < deadline)); do
    if version="$(engine_version)" && [[ -n "$version" ]]; then return 0; fi
    if [[ -n "${1:-}" ]] && ! kill -0 "$1" 2>/dev/null; then
      # setsid may have forked, so the daemon's own pid file has the last word.
      local live
      live="$(cat /var/run/docker.pid 2>/dev/null || true)"
      [[ -n "$live" ]] && kill -0 "$live" 2>/dev/null || return 2
    fi
    sleep 0.5
  done
  return 1
}

# A daemon may be starting already (another run, systemd, a pid file of a live process).
if pid="$(cat /var/run/docker.pid 2>/dev/null)" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  step "dockerd (pid $pid) is running but not answering yet; waiting up to ${wait_s} s"
  wait_for_engine "$pid" || fail "dockerd (pid $pid) runs but does not answer on $socket; see its log"
  step "engine answers (version $version)"
  exit 0
fi

# cgroups: runc needs them mounted; a bare container or VM may have none.
if [[ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]]; then
  step "cgroups: nothing mounted on /sys/fs/cgroup; mounting cgroup2"
  mount -t cgroup2 none /sys/fs/cgroup || fail "cannot mount cgroup2 on /sys/fs/cgroup"
else
  step "cgroups: $(if [[ -e /sys/fs/cgroup/cgroup.controllers ]]; then echo v2; else echo v1/hybrid; fi) mounted"
fi

# iptables: dockerd programs NAT and isolation rules; the nft backend needs nf_tables.
extra_flags=()
if ! command -v iptables >/dev/null 2>&1; then
  step "iptables: not installed; starting dockerd with --iptables=false"
  extra_flags+=(--iptables=false)
elif iptables -t nat -nL >/dev/null 2>&1 && iptables -t filter -nL >/dev/null 2>&1; then
  step "iptables: $(iptables --version 2>/dev/null) works"
elif command -v iptables-legacy >/dev/null 2>&1 && iptables-legacy -t nat -nL >/dev/null 2>&1; then
  step "iptables: default backend fails; switching to iptables-legacy"
  update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
  update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
else
  step "iptables: no working backend; starting dockerd with --iptables=false (no NAT for containers)"
  extra_flags+=(--iptables=false)
fi
if [[ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)" != 1 ]]; then
  # dockerd turns it on itself; saying so makes a failure to do so easy to spot.
  step "ip_forward: off; dockerd will enable it"
fi

# Storage: overlay2 fails when the data root is itself on overlayfs (Docker in Docker)
# or the kernel lacks overlay; vfs always works.
driver="${FLEET_DOCKER_STORAGE_DRIVER:-}"
if [[ -z "$driver" ]] && [[ -f /etc/docker/daemon.json ]] && grep -q '"storage-driver"' /etc/docker/daemon.json; then
  step "storage: using the storage-driver set in /etc/docker/daemon.json"
elif [[ -z "$driver" ]]; then
  mkdir -p "$data_root"
  probe="$(mktemp -d "$data_root/fleet-overlay-probe.XXXXXX")"
  mkdir -p "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
    "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    driver=overlay2
  else
    driver=vfs
  fi
  rm -rf "$probe"
  step "storage: $driver ($(if [[ $driver == overlay2 ]]; then echo "overlay mount works"; else echo "overlay mount fails under $data_root"; fi))"
else
  step "storage: $driver (from FLEET_DOCKER_STORAGE_DRIVER)"
fi

mkdir -p "$(dirname "$log")" "$(dirname "$socket")"

# Starts dockerd with the given storage driver ("" = its own choice) and waits for it.
# Returns 0 when it answers, 2 when it exited, 1 when it timed out.
start_dockerd() {
  local flags=("${extra_flags[@]}")
  [[ -z "$1" ]] || flags+=(--storage-driver "$1")
  step "starting: dockerd --host unix://$socket ${flags[*]} (log: $log)"
  # setsid: the daemon outlives this script and is not hit by a Ctrl-C aimed at the tests.
  setsid dockerd --host "unix://$socket" "${flags[@]}" </dev/null >>"$log" 2>&1 &
  pid=$!
  local started=$SECONDS status=0
  wait_for_engine "$pid" || status=$?
  if ((status == 0)); then
    step "engine answers after $((SECONDS - started)) s (version $version, pid $pid)"
  fi
  return "$status"
}

status=0
start_dockerd "$driver" || status=$?
if ((status == 2)) && [[ "$driver" == overlay2 && -z "${FLEET_DOCKER_STORAGE_DRIVER:-}" ]]; then
  step "dockerd exited with overlay2; retrying with vfs"
  status=0
  start_dockerd vfs || status=$?
fi
((status == 0)) && exit 0
printf '[docker-up] last lines of %s:\n' "$log" >&2
tail -n 20 "$log" >&2 || true
((status == 2)) && fail "dockerd exited during start-up (see $log)"
fail "dockerd did not answer on $socket within ${wait_s} s (see $log)"
