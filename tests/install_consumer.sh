#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/install_consumer.sh - `make install` into a temporary PREFIX, then a
# consumer outside the tree builds examples/embed.c against the installed
# package twice:
#   1. CMake, find_package(sseval): sseval::sseval (shared) and
#      sseval::sseval_static, each run on fixtures;
#   2. pkg-config (sseval.pc): compiled with `pkg-config --cflags --libs`.
# Also checks the installed layout (headers, libs with SONAME, CMake package,
# .pc file, CLI) and that the installed CLI runs.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
work=$BUILD/install-consumer
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
fail=0 pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for tool in make cmake cc pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
if [ ! -f "$SRC/examples/embed.c" ]; then echo "FAIL: examples/embed.c is missing"; exit 1; fi

# Under `make test` the outer make's jobserver settings are in the
# environment; the nested make must not inherit them.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKE_TERMOUT MAKE_TERMERR

# ---- make install ----------------------------------------------------------------------
if ! make -C "$SRC" install B="$work/build" PREFIX="$prefix" JOBS="${JOBS:-2}" \
     > "$work/install.log" 2>&1; then
  echo "FAIL: make install"; tail -n 40 "$work/install.log"; exit 1
fi
ok "make install PREFIX=$prefix"

pc=$(find "$prefix" -name sseval.pc | head -n 1)
cfg=$(find "$prefix" -name ssevalConfig.cmake | head -n 1)
so=$(find "$prefix" -name 'libsseval.so.*' | head -n 1)
for f in "$prefix/include/sseval/sseval.h" "$prefix/include/sseval/common.h" \
         "$prefix/include/sseval/sse.h" "$prefix/include/sseval/claude.h" \
         "$prefix/bin/sseval" "$pc" "$cfg" "$so"; do
  if [ -n "$f" ] && [ -e "$f" ]; then :; else bad "installed file missing: ${f:-(not found)}"; fi
done
libdir=$(dirname "$so")
[ -e "$libdir/libsseval.a" ] || bad "libsseval.a not installed next to $so"
if command -v readelf >/dev/null 2>&1; then
  soname=$(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
  case $soname in libsseval.so.[0-9]*) ok "SONAME $soname" ;; *) bad "SONAME '$soname'" ;; esac
fi
# Every public header from the source tree is installed.
for h in "$SRC"/include/sseval/*.h; do
  cmp -s "$h" "$prefix/include/sseval/$(basename "$h")" || bad "header not installed as is: $(basename "$h")"
done
# No internal header leaks into the install.
for h in "$SRC"/src/*.h; do
  [ ! -e "$prefix/include/sseval/$(basename "$h")" ] && [ ! -e "$prefix/include/$(basename "$h")" ] ||
    bad "internal header installed: $(basename "$h")"
done
ver=$("$prefix/bin/sseval" --version 2>&1 | head -n 1)
case $ver in *[0-9].[0-9]*) ok "installed CLI: $ver" ;; *) bad "installed CLI --version: '$ver'" ;; esac

# ---- the consumer's checks -----------------------------------------------------------------
FIX=$SRC/tests/fixtures/claude
complete_fixture=$FIX/sdk-typescript/basic_response.txt
truncated_fixture=$FIX/sdk-python/basic_response.txt
tool_fixture=$FIX/sdk-typescript/tool_use_response.txt
check_embed() { # label binary [env...]
  local label=$1 bin=$2 out rc
  out=$("$bin" "$complete_fixture" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'Hello there!' &&
     printf '%s' "$out" | grep -q '^complete'; then :; else
    bad "$label: complete fixture: exit $rc, output: $out"; return
  fi
  out=$("$bin" < "$truncated_fixture" 2>&1); rc=$?
  if [ $rc -ne 2 ] || ! printf '%s' "$out" | grep -q '^truncated (eof_inside_event)'; then
    bad "$label: truncated fixture from stdin: exit $rc, output: $out"; return
  fi
  out=$("$bin" "$tool_fixture" 2>&1); rc=$?
  if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q '\[get_weather\] {"location": "Paris"}'; then
    bad "$label: tool fixture: exit $rc, output: $out"; return
  fi
  ok "$label runs: complete, truncated (exit 2), tool input"
}

# 1. CMake find_package
proj=$work/consumer-cmake
mkdir -p "$proj"
cp "$SRC/examples/embed.c" "$proj/"
cat > "$proj/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(sseval_consumer C)
find_package(sseval 0.1 REQUIRED)
add_executable(embed_shared embed.c)
target_link_libraries(embed_shared PRIVATE sseval::sseval)
add_executable(embed_static embed.c)
target_link_libraries(embed_static PRIVATE sseval::sseval_static)
if(NOT TARGET sseval::cli)
  message(FATAL_ERROR "sseval::cli is not exported")
endif()
EOF
if cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$prefix" \
     -DCMAKE_BUILD_TYPE=Release > "$work/cmake-consumer.log" 2>&1 &&
   cmake --build "$proj/build" >> "$work/cmake-consumer.log" 2>&1; then
  ok "find_package(sseval) consumer builds (shared and static)"
  check_embed "find_package, sseval::sseval" "$proj/build/embed_shared"
  check_embed "find_package, sseval::sseval_static" "$proj/build/embed_static"
  if command -v ldd >/dev/null 2>&1; then
    if ldd "$proj/build/embed_shared" | grep -q "$libdir/libsseval.so"; then
      ok "embed_shared uses the installed libsseval.so"
    else
      bad "embed_shared does not load $libdir/libsseval.so: $(ldd "$proj/build/embed_shared" | grep sseval)"
    fi
    if ldd "$proj/build/embed_static" | grep -q libsseval; then
      bad "embed_static depends on libsseval.so"
    fi
  fi
else
  bad "find_package(sseval) consumer"; tail -n 30 "$work/cmake-consumer.log"
fi

# 2. pkg-config
pcdir=$(dirname "$pc")
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs sseval 2>&1)
pcver=$(PKG_CONFIG_PATH=$pcdir pkg-config --modversion sseval 2>&1)
case $flags in
  *-I"$prefix"/include*-L"$libdir"*-lsseval* | *-L"$libdir"*-lsseval*-I"$prefix"/include*)
    ok "pkg-config sseval $pcver: $flags" ;;
  *) bad "pkg-config --cflags --libs sseval: '$flags'" ;;
esac
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/embed.c" $flags \
     -o "$work/embed_pc" > "$work/pc-consumer.log" 2>&1; then
  ok "pkg-config consumer builds"
  LD_LIBRARY_PATH=$libdir check_embed "pkg-config" "$work/embed_pc"
else
  bad "pkg-config consumer"; cat "$work/pc-consumer.log"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
