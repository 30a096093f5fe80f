#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/cpp_header.sh - include/sseval/sseval.hpp with g++ and with clang++:
# -std=c++17 -Wall -Wextra -Wpedantic -Werror -fno-rtti, ASan+UBSan. The
# library is compiled by the matching C compiler with the same sanitizers,
# then tests/cpp_header_test.cpp runs over every bundled recording, chunk-
# split, and examples/cpp_stream.cpp builds and reads one recording. With
# gcc the test build's library is linked when it is that same configuration
# (SSEVAL_ASAN_GCC_LIB), instead of compiling src/ once more.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
work=$BUILD/cpp-header
rm -rf "$work"; mkdir -p "$work"
fail=0 pass=0 ran=0
mapfile -t fixtures < <(find "$SRC/tests/fixtures/claude" -type f \( -name '*.txt' -o -name '*.sse' \) | sort)
[ ${#fixtures[@]} -gt 0 ] || { echo "FAIL: no fixtures"; exit 1; }
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
for pair in "gcc g++" "clang clang++"; do
  set -- $pair; cc=$1 cxx=$2
  if ! command -v "$cc" >/dev/null 2>&1 || ! command -v "$cxx" >/dev/null 2>&1; then
    echo "skip $cxx: not installed"; continue
  fi
  ran=$((ran + 1))
  d=$work/$cxx; mkdir -p "$d"
  objs=()
  # gcc: the test build's own library when it is that configuration (same
  # compiler, sanitizers, -O1 -g; CMake passes SSEVAL_ASAN_GCC_LIB) and no
  # library source is newer than it
  lib=${SSEVAL_ASAN_GCC_LIB:-}
  if [ "$cc" = gcc ] && [ -f "$lib" ] && [ -z "$(find "$SRC/src" "$SRC/include" -newer "$lib" \
       \( -name '*.c' -o -name '*.h' \) -print -quit 2>/dev/null)" ]; then
    objs=("$lib")
    echo "     $cc: linking the test build's $lib"
  fi
  if [ ${#objs[@]} -eq 0 ]; then
    for f in "$SRC"/src/*.c; do
      o="$d/$(basename "$f" .c).o"
      if ! "$cc" -std=c11 -O1 -g "${san[@]}" -I"$SRC/include" -I"$SRC/src" -c "$f" -o "$o" 2>>"$d/build.log"; then
        echo "FAIL $cc: $f"; tail -n 20 "$d/build.log"; fail=$((fail + 1)); continue 2
      fi
      objs+=("$o")
    done
  fi
  flags=(-std=c++17 -Wall -Wextra -Wpedantic -Werror -fno-rtti -O1 -g "${san[@]}" -I"$SRC/include")
  if "$cxx" "${flags[@]}" "$SRC/tests/cpp_header_test.cpp" "${objs[@]}" -lm -o "$d/cpp_header_test" 2>>"$d/build.log" &&
     "$cxx" "${flags[@]}" "$SRC/examples/cpp_stream.cpp" "${objs[@]}" -lm -o "$d/cpp_stream" 2>>"$d/build.log"; then
    pass=$((pass + 1)); echo "ok   $cxx builds the header test and examples/cpp_stream.cpp with -Werror"
  else
    echo "FAIL $cxx build"; tail -n 30 "$d/build.log"; fail=$((fail + 1)); continue
  fi
  if out=$("$d/cpp_header_test" "${fixtures[@]}" 2>&1); then
    pass=$((pass + 1)); echo "ok   $cxx: ${out##*$'\n'}"
  else
    echo "FAIL $cxx header test:"; printf '%s\n' "$out" | tail -n 30; fail=$((fail + 1))
  fi
  out=$("$d/cpp_stream" "$SRC/tests/fixtures/claude/sdk-typescript/tool_use_response.txt" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^complete (none)' &&
     printf '%s' "$out" | grep -q 'block tool_use get_weather'; then
    pass=$((pass + 1)); echo "ok   $cxx: examples/cpp_stream runs"
  else
    echo "FAIL $cxx cpp_stream: exit $rc: $out"; fail=$((fail + 1))
  fi
done
[ $ran -gt 0 ] || { echo "SKIP: no C++ compiler"; exit 77; }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
