#!/usr/bin/env bash
# The README's first command ends here: make sure tmux is present, build, apply the
# example fleet on this machine, and list what runs.
#   --no-build   use dist/ as it is (the docs tests run this after the suite's own build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "demo: installing tmux (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null
  else
    echo "demo: fleet runs agents in tmux; install it first (e.g. sudo apt-get install tmux, brew install tmux)" >&2
    exit 1
  fi
fi
if [ "${1:-}" != --no-build ]; then
  echo "demo: building"
  npm run --silent build
fi
echo "demo: applying stacks/local/fleet.yaml"
node bin/fleet.js apply -f stacks/local/fleet.yaml -y
node bin/fleet.js list
echo
echo "Next: node bin/fleet.js message echo-bot hello && node bin/fleet.js transcript echo-bot"
echo "      node bin/fleet.js destroy -f stacks/local/fleet.yaml -y   # when done"
