#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz_smoke.sh - a bounded run of every libFuzzer target on the
# committed corpus (part of `make test`, which builds build/fuzz first).
#
# Builds nothing: it uses the fuzz binaries of $SSEVAL_FUZZ_BUILD (default:
# the `fuzz` directory next to this test build, i.e. build/fuzz) and skips
# (exit 77) when there are none, e.g. without clang. Each target replays
# fuzz/corpus/<target>/ and then runs a fixed number of inputs from a fixed
# seed (SSEVAL_FUZZ_RUNS, SSEVAL_FUZZ_SEED: the same run on every machine),
# capped at 3 x SSEVAL_FUZZ_SMOKE_SECONDS (default 20) seconds, one target
# at a time (about a minute in all); new inputs go to a temporary directory,
# so the committed corpus is never touched. Any finding (crash, broken
# oracle, leak, timeout) fails the test and is printed; open bugs already
# listed in tests/fuzz_regressions/KNOWN_OPEN are stepped around (they are
# tracked by test_fuzz_regressions).
#
# SSEVAL_FUZZ_TARGETS="fuzz_x ..." runs only those targets (skip, 77, when
# none of them is built): ctest runs one test per target side by side,
# fuzz_smoke.sh:<target> (CMakeLists.txt).
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -n "${SSEVAL_FUZZ_BUILD:-}" ]; then
  FB=$SSEVAL_FUZZ_BUILD
elif [ -n "${SSEVAL_BUILD:-}" ]; then
  FB=$(dirname "$SSEVAL_BUILD")/fuzz
else
  FB=$SRC/build/fuzz
fi
SECS=${SSEVAL_FUZZ_SMOKE_SECONDS:-20}
targets=""
for b in "$FB"/fuzz/fuzz_*; do
  [ -x "$b" ] && [ -f "$b" ] || continue
  if [ -n "${SSEVAL_FUZZ_TARGETS:-}" ]; then
    case " $SSEVAL_FUZZ_TARGETS " in *" $(basename "$b") "*) ;; *) continue ;; esac
  fi
  targets="$targets $(basename "$b")"
done
if [ -z "$targets" ]; then
  echo "skip: no fuzz binaries${SSEVAL_FUZZ_TARGETS:+ for $SSEVAL_FUZZ_TARGETS} in $FB/fuzz (make test builds them when clang is installed)"
  exit 77
fi
# The fuzz build must be of the current sources.
for b in $targets; do
  for f in "$SRC"/src/*.c "$SRC"/src/*.h "$SRC"/fuzz/*.h "$SRC"/fuzz/*.c "$SRC"/fuzz/*.cc; do
    if [ -f "$f" ] && [ "$f" -nt "$FB/fuzz/$b" ]; then
      echo "FAIL: $FB/fuzz/$b is older than $f: rebuild it (make fuzz-build)"
      exit 1
    fi
  done
done
if [ -f "$SRC/tests/fuzz_regressions/KNOWN_OPEN" ]; then
  SSEVAL_FUZZ_AVOID=$(grep -v '^#' "$SRC/tests/fuzz_regressions/KNOWN_OPEN" | cut -d' ' -f1 | paste -sd, -)
  export SSEVAL_FUZZ_AVOID
fi
# libFuzzer does its own leak checking per input; ctest's ASAN_OPTIONS stay.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for t in $targets; do
  mkdir -p "$tmp/$t/new" "$tmp/$t/art"
  dict=()
  [ -f "$SRC/fuzz/$t.dict" ] && dict=(-dict="$SRC/fuzz/$t.dict")
  corpus=()
  [ -d "$SRC/fuzz/corpus/$t" ] && corpus=("$SRC/fuzz/corpus/$t")
  start=$(date +%s)
  # A fixed seed and a fixed number of runs: the smoke run is the same on
  # every machine, so CI cannot turn red by luck; campaigns (make
  # fuzz-long) explore with random seeds. max_total_time is only a cap.
  runs=${SSEVAL_FUZZ_RUNS:-30000}
  [ "$t" = fuzz_claude ] && runs=${SSEVAL_FUZZ_RUNS:-6000} # slower per input
  "$FB/fuzz/$t" -seed="${SSEVAL_FUZZ_SEED:-1}" -runs="$runs" \
    -max_total_time="$((SECS * 3))" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$tmp/$t/art/" "${dict[@]}" \
    "$tmp/$t/new" "${corpus[@]}" > "$tmp/$t/log" 2>&1
  rc=$?
  runs=$(grep -E '^stat::number_of_executed_units' "$tmp/$t/log" | awk '{print $2}')
  if [ $rc -ne 0 ] || ls "$tmp/$t/art" | grep -q .; then
    fail=1
    echo "FAIL $t (exit $rc) after $(( $(date +%s) - start ))s:"
    grep -E -A8 "ORACLE FAILED|ERROR: |runtime error" "$tmp/$t/log" | head -40
    for a in "$tmp/$t/art"/*; do
      [ -f "$a" ] || continue
      echo "finding: $(basename "$a") (base64, save it under tests/fuzz_regressions/$t/):"
      base64 -w0 "$a" | head -c 4000
      echo
    done
  else
    echo "ok   $t: ${runs:-?} inputs in $(( $(date +%s) - start ))s"
  fi
done
exit $fail
