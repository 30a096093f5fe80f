#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/install_consumer.sh - `make install` into a temporary PREFIX, then a
# consumer outside the tree builds examples/embed.c against the installed
# package twice:
#   1. CMake, find_package(sseval): sseval::sseval (shared) and
#      sseval::sseval_static, each run on fixtures;
#   2. pkg-config (sseval.pc, sseval-curl.pc): compiled with `pkg-config
#      --cflags --libs`, run with LD_LIBRARY_PATH and with an rpath, from the
#      configured prefix, from another `cmake --install --prefix` and from a
#      moved install tree (the .pc files are relocatable).
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
         "$prefix/bin/sseval" "$pc" "$cfg" "$so" "$prefix/share/man/man1/sseval.1" \
         "$prefix/share/bash-completion/completions/sseval"; do
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
# `sseval stream` / `serve` run <libexecdir>/sseval/sseval-net (when built):
# from the install prefix, and from a copy of the tree moved elsewhere
if [ -x "$BUILD/sseval-net" ]; then
  [ -x "$prefix/libexec/sseval/sseval-net" ] || bad "sseval-net not installed in $prefix/libexec/sseval"
  rm -rf "$work/moved-cli" && cp -a "$prefix" "$work/moved-cli"
  for bin in "$prefix/bin/sseval" "$work/moved-cli/bin/sseval"; do
    for c in stream serve; do
      out=$(env -u SSEVAL_BIN "$bin" $c --help 2>&1 | head -n 1)
      case $out in "usage: sseval $c"*|*"no lib"*"support"*) ;;
        *) bad "$bin $c --help: '$out'" ;; esac
    done
  done
  # the moved copy must not fall back to the original prefix: hide it
  mv "$prefix/libexec" "$prefix/libexec.hidden"
  out=$("$work/moved-cli/bin/sseval" stream --help 2>&1 | head -n 1)
  case $out in "usage: sseval stream"*|*"no lib"*"support"*) ok "stream/serve through sseval-net, installed and moved" ;;
    *) bad "moved install tree: sseval stream --help: '$out'" ;; esac
  mv "$prefix/libexec.hidden" "$prefix/libexec"
fi

# ---- the consumer's checks -----------------------------------------------------------------
SSEVAL_SRC=$SRC
# shellcheck source=tests/_consumer.sh
. "$SRC/tests/_consumer.sh"

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

# 2. pkg-config. The .pc files locate the prefix from their own directory
# (${pcfiledir}): the paths they give must resolve to the install prefix.
pc_consumer() { # label prefix
  local label=$1 pfx=$2 pcdir lib flags got
  pcdir=$(dirname "$(find "$pfx" -name sseval.pc | head -n 1)")
  lib=$(dirname "$(find "$pfx" -name 'libsseval.so.*' | head -n 1)")
  got=$(cd "$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=includedir sseval)" 2>/dev/null && pwd -P)
  [ "$got" = "$(cd "$pfx/include" && pwd -P)" ] || bad "$label: pkg-config includedir '$got', not $pfx/include"
  flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs sseval 2>&1)
  # shellcheck disable=SC2086
  if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/embed.c" $flags \
       -o "$work/embed_pc" > "$work/pc-consumer.log" 2>&1; then
    ok "$label: pkg-config consumer builds: $flags"
    LD_LIBRARY_PATH=$lib check_embed "$label: pkg-config, LD_LIBRARY_PATH" "$work/embed_pc"
  else
    bad "$label: pkg-config consumer"; cat "$work/pc-consumer.log"; return
  fi
  # The README's other way: an rpath, then no environment is needed.
  # shellcheck disable=SC2086
  if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/embed.c" $flags "-Wl,-rpath,$lib" \
       -o "$work/embed_rpath" >> "$work/pc-consumer.log" 2>&1; then
    check_embed "$label: pkg-config, rpath" "$work/embed_rpath"
  else
    bad "$label: pkg-config consumer with rpath"; cat "$work/pc-consumer.log"
  fi
  # sseval-curl.pc: the libcurl binding, when it was built.
  if [ -e "$pcdir/sseval-curl.pc" ]; then
    flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs sseval-curl 2>&1)
    # shellcheck disable=SC2086
    if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/curl_easy.c" $flags "-Wl,-rpath,$lib" \
         -o "$work/curl_pc" >> "$work/pc-consumer.log" 2>&1; then
      ok "$label: sseval-curl.pc consumer builds: $flags"
    else
      bad "$label: sseval-curl.pc consumer"; cat "$work/pc-consumer.log"
    fi
  elif [ "${SSEVAL_HAVE_CURL:-0}" = 1 ]; then
    bad "$label: sseval-curl.pc not installed"
  fi
}
pcver=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --modversion sseval 2>&1)
[ "$pcver" = "$("$prefix/bin/sseval" --version 2>&1 | grep -o '[0-9][0-9.]*' | head -n 1)" ] ||
  bad "pkg-config --modversion sseval: '$pcver'"
pc_consumer "make install PREFIX" "$prefix"
# `cmake --install --prefix` to a prefix other than the configured one.
prefix2=$work/other-prefix
if cmake --install "$work/build/release" --prefix "$prefix2" > "$work/install2.log" 2>&1; then
  pc_consumer "cmake --install --prefix" "$prefix2"
else
  bad "cmake --install --prefix $prefix2"; tail -n 20 "$work/install2.log"
fi
# A tree moved after its install.
mv "$prefix2" "$work/moved-prefix"
pc_consumer "moved prefix" "$work/moved-prefix"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
