#!/usr/bin/env bash
# Makes fleet's base image (fleet/base:bookworm, with sh, tmux and git) available to
# podman, for the podman plugin's tests (test/integration/plugins/): there is no
# registry here, so it comes from Docker's copy (`docker save | podman load`), else
# from build-base-image.sh's cached root filesystem tarball (`podman import`).
# Ends with a smoke test: tmux runs in a container made from it.
#
# Environment: FLEET_BASE_IMAGE (default fleet/base:bookworm), FLEET_CACHE_DIR.
# Exit status: 0 ready; 1 not (the reason is printed; the podman tests then skip).
set -euo pipefail

step() { printf '[podman-image] %s\n' "$*"; }
fail() {
  printf '[podman-image] ERROR: %s\n' "$*" >&2
  exit 1
}

image="${FLEET_BASE_IMAGE:-fleet/base:bookworm}"
command -v podman >/dev/null 2>&1 || fail "podman is not installed (apt-get install podman catatonit)"

# What the podman provider passes too (examples/plugins/fleet-provider-podman/lib/podman.js):
# limits within this shell's hard limits, which root in a container cannot raise.
nofile="$(ulimit -Hn)"
nproc="$(ulimit -Hu)"
ulimits=()
[[ "$nofile" == unlimited ]] || ulimits+=(--ulimit "nofile=$nofile:$nofile")
if [[ "$nproc" != unlimited ]]; then
  ((nproc <= 32768)) || nproc=32768
  ulimits+=(--ulimit "nproc=$nproc:$nproc")
fi

if podman image exists "$image"; then
  step "reuse: podman has $image"
else
  started=$SECONDS
  if command -v docker >/dev/null 2>&1 && timeout 10 docker image inspect "$image" >/dev/null 2>&1; then
    step "load: docker save $image | podman load"
    docker save "$image" | podman load -q >/dev/null || fail "podman load of docker's $image failed"
  else
    cache_dir="${FLEET_CACHE_DIR:-/var/cache/fleet}"
    tarball="$(ls -t "$cache_dir"/base-bookworm-*.tar 2>/dev/null | head -n 1 || true)"
    [[ -n "$tarball" ]] ||
      fail "neither docker's $image nor a cached rootfs tarball in $cache_dir (run scripts/build-base-image.sh)"
    step "import: podman import $tarball $image"
    podman import -q "$tarball" "$image" >/dev/null || fail "podman import of $tarball failed"
  fi
  step "image ready in $((SECONDS - started)) s"
fi

step "smoke test: podman run --rm --init $image tmux -V"
podman run --rm --init --network none "${ulimits[@]}" "$image" tmux -V ||
  fail "a container from $image does not run under podman (see the error above)"
