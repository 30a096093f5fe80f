#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/valgrind_fixtures.sh - the CLI over every bundled stream under
# valgrind memcheck: `sseval check --json` (every other fixture in random
# chunks) and `sseval events` in random chunks. Zero errors and zero leaks of
# any kind (definite, indirect, possible, reachable) are required. The first
# failing run is repeated with --track-origins=yes and its log printed. Uses an uninstrumented CLI (tests/_plain_cli.sh).
# Skipped (77) when valgrind is not installed.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
# shellcheck source=tests/_plain_cli.sh
. "$SRC/tests/_plain_cli.sh"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "SKIP: valgrind not installed (cmake/deps.sh installs it)"; exit 77
fi
BIN=$(plain_cli) || exit 1
out=$BUILD/valgrind
rm -rf "$out"; mkdir -p "$out"

# One job per line: <log name> <args...>; fixture paths have no spaces.
jobs=$out/jobs
: > "$jobs"
n=0
while IFS= read -r f; do
  n=$((n + 1))
  if [ $((n % 2)) = 0 ]; then
    echo "$n.check check --json $f" >> "$jobs"
  else
    echo "$n.check check --json --chunk random:$n $f" >> "$jobs"
  fi
  echo "$n.events events --chunk random:$n $f" >> "$jobs"
done < <(find "$SRC/tests/fixtures/claude" -type f \( -name '*.sse' -o -name '*.txt' \) | sort)
if [ "$n" = 0 ]; then echo "FAIL: no fixtures found"; exit 1; fi

export BIN out
# Exit 99 marks a memcheck error or leak; the CLI's own exit codes (verdicts
# 0..6) are fine here.
xargs -P "${JOBS:-2}" -L 1 sh -c '
  name=$1; shift
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all \
    --log-file="$out/$name.log" "$BIN" "$@" >/dev/null 2>"$out/$name.err"
  if [ $? -eq 99 ] || [ -s "$out/$name.log" ]; then
    echo "$name: $*" > "$out/$name.FAIL"
  fi
  exit 0' sh < "$jobs"

fails=$(ls "$out"/*.FAIL 2>/dev/null | wc -l)
runs=$(wc -l < "$jobs")
if [ "$fails" -ne 0 ]; then
  for f in "$out"/*.FAIL; do
    echo "FAIL: valgrind: $(cat "$f")"
  done
  first=$(ls "$out"/*.FAIL | head -n 1)
  read -r _ args < "$first"
  echo "---- valgrind --track-origins=yes $BIN $args ----"
  # shellcheck disable=SC2086
  valgrind -q --leak-check=full --show-leak-kinds=all --track-origins=yes \
    "$BIN" $args 2>&1 >/dev/null | head -n 80
  echo "$((runs - fails)) passed, $fails failed"
  exit 1
fi
echo "valgrind memcheck: $runs runs over $n fixtures with $BIN, no error, no leak"
echo "$runs passed, 0 failed"
