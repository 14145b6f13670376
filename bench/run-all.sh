#!/usr/bin/env bash
# Runs every benchmark and rewrites bench/RESULTS.md. Usage: npm run bench [-- NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
npm run --silent build
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(list create plan completion ssh docker)
mkdir -p bench/results
out=bench/results/latest.jsonl
: > "$out"
for name in "${names[@]}"; do
  [ -f "bench/$name.ts" ] || { echo "bench: $name: no such benchmark, skipped" >&2; continue; }
  echo "bench: $name" >&2
  node "bench/$name.ts" | tee -a "$out"
done
node bench/report.ts "$out" > bench/RESULTS.md
prettier --log-level warn --write bench/RESULTS.md
cat bench/RESULTS.md
