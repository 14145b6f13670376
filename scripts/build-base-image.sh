#!/usr/bin/env bash
# Builds the Docker image fleet/base:bookworm without a registry: debootstrap a
# minimal Debian bookworm from this machine's apt mirror, then `docker import` it.
#
# Reuses the image when it is there and was built from the same package list; reuses
# the root filesystem tarball cached in FLEET_CACHE_DIR (default /var/cache/fleet as
# root, ~/.cache/fleet otherwise), so a rebuild on the same machine takes seconds.
# Ends with a smoke test (`docker run --rm --init IMAGE true`).
#
# Environment: FLEET_BASE_IMAGE (default fleet/base:bookworm), FLEET_DEBIAN_MIRROR
# (default: the bookworm mirror in /etc/apt/sources.list*), FLEET_CACHE_DIR.
# Options: --rebuild   ignore the image and the cached tarball.
#
# The image has no SSH host keys (every container would share them): run
# `ssh-keygen -A` in a container before starting sshd there.
set -euo pipefail

step() { printf '[base-image] %s\n' "$*"; }
fail() {
  printf '[base-image] ERROR: %s\n' "$*" >&2
  exit 1
}

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

image="${FLEET_BASE_IMAGE:-fleet/base:bookworm}"
suite=bookworm
packages=tmux,git,bash,openssh-server,openssh-client,procps,rsync,iproute2,ca-certificates,util-linux
rebuild=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) fail "unknown option: $arg (try --help)" ;;
  esac
done

# What the image is built from; a change means a rebuild.
key="$(printf '%s %s v2' "$suite" "$packages" | sha256sum | cut -c1-12)"
if [[ "$(id -u)" == 0 ]]; then
  cache_dir="${FLEET_CACHE_DIR:-/var/cache/fleet}"
else
  cache_dir="${FLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fleet}"
fi
tarball="$cache_dir/base-$suite-$key.tar"

command -v docker >/dev/null 2>&1 || fail "the docker CLI is not installed (apt-get install docker.io)"
timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  fail "the Docker engine does not answer; run scripts/docker-up.sh first"

smoke_test() {
  local started=$SECONDS
  step "smoke test: docker run --rm --init $image true"
  timeout 60 docker run --rm --init --network none "$image" true ||
    fail "a container from $image does not run; see the dockerd log (/var/log/fleet-dockerd.log)"
  step "image ready: $image ($((SECONDS - started)) s)"
}

if ((rebuild == 0)); then
  existing="$(docker image inspect --format '{{index .Config.Labels "dev.fleet.base-key"}}' "$image" 2>/dev/null || true)"
  if [[ "$existing" == "$key" ]]; then
    step "reuse: $image is present (key $key)"
    smoke_test
    exit 0
  elif [[ -n "$existing" ]] || docker image inspect "$image" >/dev/null 2>&1; then
    step "rebuild: $image is present but was built by another recipe (key '${existing}' != $key)"
  fi
fi

if ((rebuild == 1)) || [[ ! -s "$tarball" ]]; then
  [[ "$(id -u)" == 0 ]] || fail "debootstrap needs root; run this script as root (or with sudo)"
  command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install debootstrap)"

  mirror="${FLEET_DEBIAN_MIRROR:-}"
  if [[ -z "$mirror" ]]; then
    # deb822 files (URIs:/Suites:) and one-line files (deb URL SUITE ...), first bookworm main mirror
    mirror="$(
      cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print uri; exit } }'
    )"
    if [[ -z "$mirror" ]]; then
      mirror="$(
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          awk '$1 == "deb" { u = $2; s = $3; if ($2 ~ /^\[/) { u = $3; s = $4 } if (s == "bookworm") { print u; exit } }'
      )"
    fi
    [[ -n "$mirror" ]] ||
      fail "no bookworm mirror found in /etc/apt/sources.list*; set FLEET_DEBIAN_MIRROR"
  fi

  mkdir -p "$cache_dir"
  rootfs="$(mktemp -d /var/tmp/fleet-rootfs.XXXXXX)"
  # mktemp makes it 0700, and the tarball's "./" entry becomes the image's "/": with
  # the vfs driver no other user could then reach anything (not even libc).
  chmod 0755 "$rootfs"
  trap 'rm -rf "$rootfs" "$tarball.partial"' EXIT
  started=$SECONDS
  step "debootstrap: --variant=minbase $suite from $mirror (log: $cache_dir/debootstrap.log)"
  if ! debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" \
    </dev/null >"$cache_dir/debootstrap.log" 2>&1; then
    tail -n 20 "$cache_dir/debootstrap.log" >&2
    tail -n 20 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true
    fail "debootstrap failed (see $cache_dir/debootstrap.log)"
  fi
  step "debootstrap: done in $((SECONDS - started)) s"

  # Smaller image, and no SSH host keys shared by every container made from it.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/etc/ssh/ssh_host_*
  printf '%s\n' "$image" >"$rootfs/etc/fleet-base-image"

  started=$SECONDS
  tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  # Tarballs of older recipes are dead weight.
  find "$cache_dir" -maxdepth 1 -name "base-$suite-*.tar" ! -name "${tarball##*/}" -delete
  step "cache: $tarball ($(du -h "$tarball" | cut -f1), $((SECONDS - started)) s)"
  rm -rf "$rootfs"
  trap - EXIT
else
  step "cache: reusing $tarball"
fi

previous="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
started=$SECONDS
step "import: $tarball -> $image"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL dev.fleet.base-key=$key" \
  --change 'CMD ["/bin/bash"]' \
  "$tarball" "$image" >/dev/null || fail "docker import of $tarball failed"
step "import: done in $((SECONDS - started)) s"
if [[ -n "$previous" ]] && [[ "$(docker image inspect --format '{{.Id}}' "$image")" != "$previous" ]]; then
  # The old image lost its tag; drop it unless a container still uses it.
  if docker image rm "$previous" >/dev/null 2>&1; then
    step "removed the previous image ${previous:7:12}"
  fi
fi
smoke_test
