#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/long.sh - a long fuzzing campaign, then corpus minimisation (`make fuzz-long`).
#
#   make fuzz-long                               every target, 1 hour each
#   make fuzz-long FUZZ_LONG_ARGS="--time 600 --targets 'fuzz_claude fuzz_json'"
#   bash fuzz/long.sh --minimise-only            just re-minimise the corpora
#
# Options (also read from FUZZ_LONG_ARGS):
#   --time S          seconds per target (default 3600; FUZZ_LONG_SECONDS)
#   --targets "a b"   which targets (default: every binary in the build)
#   --seeds           also start from fresh seeds (fuzz/tools/make_seeds.py)
#   --strict          do not step around the open bugs of KNOWN_OPEN
#   --no-minimise     keep the committed corpora as they are
#   --minimise-only   no fuzzing
#
# One fuzzing process at a time (-fork=1: one child, crashes do not stop the
# run), so any machine can take it. New inputs go to
# $SSEVAL_BUILD/fuzz-long/<target>/new, crashes to .../artifacts (each is
# replayed at the end to show which oracle failed; turn it into a regression
# with fuzz/tools/mkinput.py or by copying it into tests/fuzz_regressions/<target>/).
# Minimising merges the committed corpus and the new inputs into the smallest
# set with the same edge coverage (libFuzzer -merge=1 -use_counters=0), plus
# the pinned pin-* inputs (the real recordings), and replaces
# fuzz/corpus/<target>/ with it: commit the result.
#
# Unless --strict, SSEVAL_FUZZ_AVOID is set to the tags of
# tests/fuzz_regressions/KNOWN_OPEN, so known open bugs do not keep
# re-crashing the campaign.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/fuzz}
BIN=$BUILD/fuzz
TIME=${FUZZ_LONG_SECONDS:-3600}
TARGETS=""
SEEDS=0
STRICT=0
MINIMISE=1
FUZZ=1
eval "set -- ${FUZZ_LONG_ARGS:-} \"\$@\""
while [ $# -gt 0 ]; do
  case "$1" in
    --time) TIME=$2; shift ;;
    --targets) TARGETS=$2; shift ;;
    --seeds) SEEDS=1 ;;
    --strict) STRICT=1 ;;
    --no-minimise|--no-minimize) MINIMISE=0 ;;
    --minimise-only|--minimize-only) FUZZ=0 ;;
    *) echo "fuzz/long.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$TARGETS" ]; then
  for b in "$BIN"/fuzz_*; do [ -x "$b" ] && TARGETS="$TARGETS $(basename "$b")"; done
fi
if [ -z "$TARGETS" ]; then
  echo "fuzz/long.sh: no fuzz targets in $BIN (run make fuzz-build first)" >&2
  exit 1
fi
if [ "$STRICT" = 0 ] && [ -f "$SRC/tests/fuzz_regressions/KNOWN_OPEN" ]; then
  SSEVAL_FUZZ_AVOID=$(grep -v '^#' "$SRC/tests/fuzz_regressions/KNOWN_OPEN" | cut -d' ' -f1 | paste -sd, -)
  export SSEVAL_FUZZ_AVOID
  [ -n "$SSEVAL_FUZZ_AVOID" ] && echo "==> stepping around known open bugs: $SSEVAL_FUZZ_AVOID"
fi
WORK=$BUILD/fuzz-long
mkdir -p "$WORK"
if [ "$SEEDS" = 1 ]; then
  rm -rf "$WORK/seeds"
  python3 "$SRC/fuzz/tools/make_seeds.py" "$WORK/seeds" || exit 1
fi

status=0
for t in $TARGETS; do
  b=$BIN/$t
  corpus=$SRC/fuzz/corpus/$t
  new=$WORK/$t/new
  art=$WORK/$t/artifacts
  mkdir -p "$corpus" "$new" "$art"
  dict=()
  [ -f "$SRC/fuzz/$t.dict" ] && dict=(-dict="$SRC/fuzz/$t.dict")
  if [ "$FUZZ" = 1 ]; then
    extra=()
    [ -d "$WORK/seeds/$t" ] && extra=("$WORK/seeds/$t")
    echo "==> $t: fuzzing for ${TIME}s (1 process; new inputs in $new)"
    "$b" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$TIME" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$art/" "${dict[@]}" "$new" "$corpus" "${extra[@]}" \
      > "$WORK/$t/fuzz.log" 2>&1
    grep -E "^#[0-9]+: cov:" "$WORK/$t/fuzz.log" | tail -1
  fi
  if [ "$MINIMISE" = 1 ]; then
    # Pinned inputs (pin-*: the real recordings) stay; the rest is the
    # smallest set with the same edge coverage (-use_counters=0: edges, not
    # hit counts, which keeps the committed corpus to a few hundred files).
    min=$WORK/$t/min
    rm -rf "$min" && mkdir -p "$min"
    for p in "$corpus"/pin-* "$WORK/seeds/$t"/pin-*; do
      [ -f "$p" ] && cp "$p" "$min"/
    done
    "$b" -merge=1 -use_counters=0 -timeout=20 -rss_limit_mb=2048 "$min" "$corpus" "$new" \
      > "$WORK/$t/merge.log" 2>&1
    if [ -n "$(ls -A "$min")" ]; then
      rm -f "$corpus"/*
      cp "$min"/* "$corpus"/
      echo "==> $t: corpus minimised to $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
    else
      echo "==> $t: merge produced nothing, corpus kept (see $WORK/$t/merge.log)"
    fi
  fi
  crashes=$(ls "$art" 2>/dev/null | grep -E '^(crash|leak|timeout|oom)-' || true)
  if [ -n "$crashes" ]; then
    status=1
    echo "==> $t: FINDINGS in $art:"
    for c in $crashes; do
      echo "--- $c"
      "$b" "$art/$c" 2>&1 | grep -E "ORACLE FAILED|ERROR: |runtime error|SUMMARY" | head -3
    done
  fi
done
exit $status
