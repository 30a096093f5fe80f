#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/coverage.sh - line and branch coverage of src/ from running the fuzz
# corpora (`make fuzz-coverage`).
#
# Builds the fuzz targets with clang source-based coverage in $SSEVAL_BUILD
# (build/coverage), runs each once over fuzz/corpus/<target>/ and
# tests/fuzz_regressions/<target>/ (no fuzzing: -runs=0), merges the
# profiles and prints, for every file of src/, the line / region / branch /
# function coverage, then every line never executed (also written to
# $SSEVAL_BUILD/uncovered.txt; an HTML report is in $SSEVAL_BUILD/html/).
# Known open bugs (tests/fuzz_regressions/KNOWN_OPEN) are stepped around so
# a crash does not lose a target's profile.
set -eu
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/coverage}
CMAKE=${CMAKE:-cmake}
JOBS=${JOBS:-2}
CLANG=${CLANG:-clang}
CLANGXX=${CLANGXX:-clang++}
# llvm-profdata / llvm-cov of the same version as clang
ver=$("$CLANG" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
PROFDATA=llvm-profdata
COV=llvm-cov
for v in "-$ver" ""; do
  if command -v "llvm-profdata$v" >/dev/null && command -v "llvm-cov$v" >/dev/null; then
    PROFDATA=llvm-profdata$v
    COV=llvm-cov$v
    break
  fi
done

echo "==> coverage build of the fuzz targets ($BUILD)"
"$CMAKE" -S "$SRC" -B "$BUILD" -Wno-dev --no-warn-unused-cli -DCMAKE_RULE_MESSAGES=OFF \
  -DCMAKE_C_COMPILER="$CLANG" -DCMAKE_CXX_COMPILER="$CLANGXX" \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" \
  -DSSEVAL_FUZZ=ON -DSSEVAL_COVERAGE=ON \
  -DSSEVAL_BUILD_TESTS=OFF -DSSEVAL_BUILD_BENCH=OFF -DSSEVAL_BUILD_EXAMPLES=OFF >/dev/null
"$CMAKE" --build "$BUILD" -j"$JOBS" >/dev/null

if [ -f "$SRC/tests/fuzz_regressions/KNOWN_OPEN" ]; then
  SSEVAL_FUZZ_AVOID=$(grep -v '^#' "$SRC/tests/fuzz_regressions/KNOWN_OPEN" | cut -d' ' -f1 | paste -sd, -)
  export SSEVAL_FUZZ_AVOID
fi
prof=$BUILD/profiles
rm -rf "$prof"
mkdir -p "$prof"
objects=()
for b in "$BUILD"/fuzz/fuzz_*; do
  [ -x "$b" ] || continue
  t=$(basename "$b")
  dirs=()
  for d in "$SRC/fuzz/corpus/$t" "$SRC/tests/fuzz_regressions/$t"; do
    [ -d "$d" ] && [ -n "$(ls -A "$d")" ] && dirs+=("$d")
  done
  [ ${#dirs[@]} -gt 0 ] || continue
  echo "==> $t: running $(find "${dirs[@]}" -type f | wc -l) inputs"
  if ! LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "$b" -runs=0 -timeout=60 \
       -rss_limit_mb=4096 "${dirs[@]}" > "$prof/$t.log" 2>&1; then
    echo "   $t stopped on a finding (see $prof/$t.log); its profile is partial"
    grep -E "ORACLE FAILED|ERROR: |runtime error" "$prof/$t.log" | head -3
  fi
  if [ ${#objects[@]} -eq 0 ]; then objects=("$b"); else objects+=(-object "$b"); fi
done
"$PROFDATA" merge -sparse "$prof"/*.profraw -o "$BUILD/fuzz.profdata"

srcs=("$SRC"/src/*.c "$SRC"/src/*.h)
[ -d "$SRC/src/curl" ] && srcs+=("$SRC"/src/curl/*.c)
echo
echo "==> coverage of src/ from the fuzz corpora"
"$COV" report "${objects[@]}" -instr-profile="$BUILD/fuzz.profdata" \
  -show-branch-summary "${srcs[@]}" | sed "s|$SRC/||"

"$COV" show "${objects[@]}" -instr-profile="$BUILD/fuzz.profdata" \
  -format=html -output-dir="$BUILD/html" -show-branches=count "${srcs[@]}" >/dev/null 2>&1 || true
# Lines never executed: llvm-cov show prints "  line|  count|source"; a count
# of 0 marks an unexecuted line (lines without code have no count).
"$COV" show "${objects[@]}" -instr-profile="$BUILD/fuzz.profdata" \
  -show-line-counts "${srcs[@]}" 2>/dev/null | awk -v src="$SRC/" '
  /^\/.*:$/ { file = substr($0, 1, length($0) - 1); sub(src, "", file); next }
  /^ *[0-9]+\| *0\|/ {
    split($0, a, "|"); line = a[1]; gsub(/ /, "", line)
    code = $0; sub(/^[^|]*\|[^|]*\|/, "", code)
    print file ":" line ": " code
  }' > "$BUILD/uncovered.txt"
echo
echo "==> lines never executed ($(wc -l < "$BUILD/uncovered.txt"); list in $BUILD/uncovered.txt, HTML in $BUILD/html/index.html)"
cat "$BUILD/uncovered.txt"
