#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/embed_consumer.sh - sseval as a subproject of another CMake project,
# the README's "Embedding with CMake" section, built -Werror and run:
#   1. add_subdirectory, BUILD_SHARED_LIBS=ON   sseval::sseval is libsseval.so
#   2. add_subdirectory, BUILD_SHARED_LIBS=OFF  sseval::sseval is libsseval.a
#   3. FetchContent from a local path, SSEVAL_BUILD_CLI=ON: the CLI as well
# Each time the parent checks that sseval touched nothing of its own: no build
# type set in the cache, no directory compile options, no C standard, and no
# target beside the library unless asked for (no CLI, tests, examples, bench).
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
work=$BUILD/embed-consumer
rm -rf "$work"; mkdir -p "$work"
fail=0 pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
for tool in cmake cc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
unset MAKEFLAGS MFLAGS MAKELEVEL
SSEVAL_SRC=$SRC
# shellcheck source=tests/_consumer.sh
. "$SRC/tests/_consumer.sh"

# The parent's own checks, run right after sseval is brought in.
cat > "$work/checks.cmake" <<'CMAKE'
get_property(_bt CACHE CMAKE_BUILD_TYPE PROPERTY VALUE)
if(_bt)
  message(FATAL_ERROR "sseval set the parent's CMAKE_BUILD_TYPE to '${_bt}'")
endif()
get_directory_property(_opts COMPILE_OPTIONS)
get_directory_property(_defs COMPILE_DEFINITIONS)
get_directory_property(_lopts LINK_OPTIONS)
if(_opts OR _defs OR _lopts)
  message(FATAL_ERROR "sseval added directory options: ${_opts} ${_defs} ${_lopts}")
endif()
if(DEFINED CMAKE_C_STANDARD OR DEFINED CMAKE_CXX_STANDARD)
  message(FATAL_ERROR "sseval set CMAKE_C_STANDARD/CMAKE_CXX_STANDARD in the parent")
endif()
foreach(t example_embed test_api test_sse sseval_testutil bench_sse)
  if(TARGET ${t})
    message(FATAL_ERROR "sseval built ${t} as a subproject")
  endif()
endforeach()
if(TARGET sseval_cli AND NOT WANT_CLI)
  message(FATAL_ERROR "sseval built its CLI as a subproject without SSEVAL_BUILD_CLI")
endif()
if(NOT TARGET sseval_cli AND WANT_CLI)
  message(FATAL_ERROR "SSEVAL_BUILD_CLI=ON gave no CLI")
endif()
get_target_property(_type sseval::sseval TYPE)
if(NOT _type STREQUAL EXPECT_TYPE)
  message(FATAL_ERROR "sseval::sseval is ${_type}, expected ${EXPECT_TYPE}")
endif()
add_executable(embed embed.c)
target_link_libraries(embed PRIVATE sseval::sseval)
CMAKE

consumer() { # label dir <how: subdir|fetch> <cmake args...>
  local label=$1 dir=$work/$2 how=$3; shift 3
  mkdir -p "$dir"
  cp "$SRC/examples/embed.c" "$work/checks.cmake" "$dir/"
  {
    echo 'cmake_minimum_required(VERSION 3.16)'
    echo 'project(sseval_embedder C)'
    if [ "$how" = subdir ]; then
      echo 'add_subdirectory("${SSEVAL_DIR}" sseval)'
    else
      echo 'include(FetchContent)'
      echo 'FetchContent_Declare(sseval SOURCE_DIR "${SSEVAL_DIR}")'
      echo 'FetchContent_MakeAvailable(sseval)'
    fi
    echo 'include(checks.cmake)'
  } > "$dir/CMakeLists.txt"
  if cmake -S "$dir" -B "$dir/build" -DSSEVAL_DIR="$SRC" \
       "-DCMAKE_C_FLAGS=-Wall -Wextra -Werror" "$@" > "$dir/log" 2>&1 &&
     cmake --build "$dir/build" -j2 >> "$dir/log" 2>&1; then
    ok "$label: configures (nothing global touched) and builds with -Werror"
  else
    bad "$label"; tail -n 30 "$dir/log"; return 1
  fi
  check_embed "$label" "$dir/build/embed"
}

if consumer "add_subdirectory, shared" subdir-shared subdir \
     -DBUILD_SHARED_LIBS=ON -DEXPECT_TYPE=SHARED_LIBRARY -DWANT_CLI=OFF; then
  if command -v ldd >/dev/null 2>&1; then
    ldd "$work/subdir-shared/build/embed" | grep -q 'libsseval\.so\.[0-9]' &&
      ok "shared: embed loads libsseval.so" || bad "shared: embed does not load libsseval.so"
  fi
fi
if consumer "add_subdirectory, static" subdir-static subdir \
     -DBUILD_SHARED_LIBS=OFF -DEXPECT_TYPE=STATIC_LIBRARY -DWANT_CLI=OFF; then
  if command -v ldd >/dev/null 2>&1 && ldd "$work/subdir-static/build/embed" | grep -q libsseval; then
    bad "static: embed depends on libsseval.so"
  fi
  [ -z "$(find "$work/subdir-static/build" -name 'libsseval.so*' -print -quit)" ] ||
    bad "static: a libsseval.so was built with BUILD_SHARED_LIBS=OFF"
fi
if consumer "FetchContent (local path), CLI on" fetch fetch \
     -DEXPECT_TYPE=STATIC_LIBRARY -DWANT_CLI=ON -DSSEVAL_BUILD_CLI=ON; then
  cli=$(find "$work/fetch/build" -type f -name sseval -perm -u+x | head -n 1)
  out=$("$cli" check "$SRC/tests/fixtures/claude/sdk-typescript/basic_response.txt" 2>&1); rc=$?
  [ $rc -eq 0 ] && ok "FetchContent: the CLI runs: ${out%%$'\n'*}" || bad "FetchContent CLI: exit $rc: $out"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
