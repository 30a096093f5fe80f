#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`'s code builds and runs: bench/run.sh --smoke on a tiny corpus
# (one rep of every subject, no timing assertion; it fails only when a
# subject fails or the SDK cross-check disagrees). Benchmarks are never
# timed tests: the figures come from `make bench`.
set -euo pipefail
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
[ -f "$SRC/bench/run.sh" ] || { echo "no bench/run.sh"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if bash "$SRC/bench/run.sh" --smoke --out "$out/results.md" >"$out/log" 2>&1; then
  tail -n 5 "$out/log"
  echo "1 passed, 0 failed"
else
  cat "$out/log"
  echo "0 passed, 1 failed"
  exit 1
fi
