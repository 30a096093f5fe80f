#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/threads_tsan.sh - tests/test_threads.c built with ThreadSanitizer
# (clang, -O1) over the library sources, and run: any data race between
# instances in different threads fails the test. The ctest test_threads runs
# the same file under ASan for results and memory; this one looks for races.
# Skipped (77) when clang or its TSan runtime is not there.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
CC=${SSEVAL_TSAN_CC:-clang}
out=$BUILD/tsan
mkdir -p "$out"

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "SKIP: $CC not found"; exit 77
fi
printf 'int main(void){return 0;}\n' > "$out/probe.c"
if ! "$CC" -fsanitize=thread "$out/probe.c" -o "$out/probe" 2>/dev/null; then
  echo "SKIP: $CC cannot link -fsanitize=thread (no TSan runtime)"; exit 77
fi
# TSan's shadow layout needs a limited ASLR range; newer kernels randomize
# more than clang 14's runtime expects, so run without ASLR when possible.
run() {
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    setarch "$(uname -m)" -R "$@"
  else
    "$@"
  fi
}
if ! run "$out/probe" 2>/dev/null; then
  echo "SKIP: TSan programs do not start on this machine"; exit 77
fi

# shellcheck disable=SC2046
if ! "$CC" -std=c11 -g -O1 -fsanitize=thread -pthread \
     -I"$SRC/include" -I"$SRC/src" -I"$SRC/tests" \
     "-DSSEVAL_SOURCE_DIR=\"$SRC\"" "-DSSEVAL_BINARY_DIR=\"$BUILD\"" \
     "$SRC/tests/test_threads.c" $(ls "$SRC"/src/*.c) -lm \
     -o "$out/test_threads_tsan"; then
  echo "FAIL: the TSan build of test_threads did not compile"; exit 1
fi
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
  run "$out/test_threads_tsan"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: test_threads under ThreadSanitizer exited $rc"; exit 1
fi
echo "threads_tsan: no data race"
