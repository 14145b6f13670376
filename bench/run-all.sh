#!/usr/bin/env bash
# Runs every benchmark and rewrites bench/RESULTS.md. Usage: npm run bench [-- NAME...]
# With NAMEs, only those run; the other benchmarks' rows of RESULTS.md are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
npm run --silent build
names=("$@")
keep=()
if [ ${#names[@]} -gt 0 ]; then
  keep=(--keep bench/RESULTS.md)
else
  names=(list create plan completion ssh docker agents pulumi bus ui peers scale)
fi
mkdir -p bench/results
out=bench/results/latest.jsonl
: > "$out"
for name in "${names[@]}"; do
  # A benchmark is bench/NAME.ts, or bench/NAME/run.ts for one of several files.
  script="bench/$name.ts"
  [ -f "$script" ] || script="bench/$name/run.ts"
  [ -f "$script" ] || { echo "bench: $name: no such benchmark, skipped" >&2; continue; }
  echo "bench: $name" >&2
  node "$script" | tee -a "$out"
done
node bench/report.ts "$out" "${keep[@]}" > bench/results/RESULTS.md
mv bench/results/RESULTS.md bench/RESULTS.md
prettier --log-level warn --write bench/RESULTS.md
cat bench/RESULTS.md
