# SPDX-License-Identifier: MIT
# tests/_plain_cli.sh - sourced by the scripts that need an uninstrumented
# `sseval` CLI (valgrind cannot run ASan binaries; RSS figures of an ASan
# binary mean nothing). Defines plain_cli, which prints the path of one:
#   1. $SSEVAL_BIN when the test build is not sanitized;
#   2. build/clang/sseval (built by `make test` just before ctest) when no
#      library or CLI source is newer than it;
#   3. otherwise one built on demand in $SSEVAL_BUILD/plain (Release -O2 -g),
#      under a lock so parallel tests build it once.
# Returns 1 (message on stderr) when none can be had.

plain_cli() {
  local src=${SSEVAL_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
  local build=${SSEVAL_BUILD:-$src/build/test}
  if [ "${SSEVAL_SANITIZED:-1}" = 0 ] && [ -x "${SSEVAL_BIN:-}" ]; then
    echo "$SSEVAL_BIN"; return 0
  fi
  local clang_cli=$src/build/clang/sseval
  if [ -x "$clang_cli" ] && [ -z "$(find "$src/src" "$src/tools" "$src/include" \
       -newer "$clang_cli" \( -name '*.c' -o -name '*.h' \) -print -quit 2>/dev/null)" ]; then
    echo "$clang_cli"; return 0
  fi
  local dir=$build/plain
  mkdir -p "$dir"
  (
    flock 9
    cmake -S "$src" -B "$dir" -Wno-dev -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_C_FLAGS_RELEASE=-O2 -g -DNDEBUG" -DSSEVAL_BUILD_TESTS=OFF \
      -DSSEVAL_BUILD_BENCH=OFF -DSSEVAL_BUILD_EXAMPLES=OFF >"$dir/configure.log" 2>&1 &&
    cmake --build "$dir" --target sseval_cli -j2 >"$dir/build.log" 2>&1
  ) 9>"$build/plain.lock" || {
    echo "plain_cli: could not build an uninstrumented CLI in $dir:" >&2
    tail -n 20 "$dir/build.log" "$dir/configure.log" >&2 2>/dev/null
    return 1
  }
  echo "$dir/sseval"
}
