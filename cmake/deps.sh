#!/bin/sh
# SPDX-License-Identifier: MIT
# cmake/deps.sh - make sure the Debian packages the build needs are installed.
#
#   sh cmake/deps.sh build   what `make demo` needs: cmake, make, a C compiler,
#                            pkg-config, the libcurl headers
#   sh cmake/deps.sh [test]  everything `make test` and the other development
#                            targets need (tools for the tests, clang's runtimes)
#   sh cmake/deps.sh package what `make package` needs: the build packages, the
#                            Build-Depends of debian/control (debhelper,
#                            libmicrohttpd-dev), dpkg-dev, fakeroot, lintian
# Plain `make`, `make install` and a CMake build never run it: they need only a
# C compiler and CMake (libcurl headers for the optional binding).
#
# Checks each package with
# `dpkg -s`; when some are missing: as root, runs `apt-get update` once and
# `apt-get install -y --no-install-recommends` quietly; otherwise prints one
# line, the command to run, and fails. Machines without dpkg are not checked.
# Extra packages can be asked for with SSEVAL_EXTRA_DEPS="pkg ...".
set -u

# clang-tidy, cppcheck: tests/static_analysis.sh; time (/usr/bin/time): tests/hostile_rss.sh
PKGS="cmake make gcc g++ clang pkg-config libcurl4-openssl-dev libsimdjson-dev libmicrohttpd-dev valgrind python3 clang-tidy cppcheck time"

BUILD_PKGS="cmake make gcc pkg-config libcurl4-openssl-dev"
# debian/control's Build-Depends, and what builds, checks and unpacks the .debs
PACKAGE_PKGS="$BUILD_PKGS debhelper dpkg-dev fakeroot libmicrohttpd-dev lintian"
mode=${1:-test}
case $mode in
  build) PKGS="$BUILD_PKGS" ;;
  package) PKGS="$PACKAGE_PKGS" ;;
  test) ;;
  *) echo "usage: sh cmake/deps.sh [build|test|package]" >&2; exit 2 ;;
esac
PKGS="$PKGS ${SSEVAL_EXTRA_DEPS:-}"

command -v dpkg >/dev/null 2>&1 || exit 0

# clang's sanitizer and libFuzzer runtimes live in libclang-rt-N-dev, which
# some releases only recommend: ask for the one matching the installed clang.
rt_pkg() {
  [ "$mode" = test ] || return 0
  command -v clang >/dev/null 2>&1 || return 0
  v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
  [ -n "$v" ] && echo "libclang-rt-$v-dev"
}

missing_of() {
  m=""
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || m="$m $p"
  done
  echo "${m# }"
}

updated=0
install() {
  log=${TMPDIR:-/tmp}/sseval-deps.$$.log
  export DEBIAN_FRONTEND=noninteractive
  echo "deps: installing $*"
  if [ "$updated" = 0 ]; then
    if ! apt-get update -qq >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"; echo "deps: apt-get update failed" >&2; exit 1
    fi
    updated=1
  fi
  # shellcheck disable=SC2086
  if ! apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2; rm -f "$log"; echo "deps: apt-get install failed" >&2; exit 1
  fi
  rm -f "$log"
}

missing=$(missing_of $PKGS)
if [ -n "$missing" ] && [ "$(id -u)" != 0 ]; then
  rt=$(rt_pkg)
  [ -n "$rt" ] && ! dpkg -s "$rt" >/dev/null 2>&1 && missing="$missing $rt"
  echo "sudo apt-get install $missing"
  exit 1
fi
[ -n "$missing" ] && install $missing

rt=$(rt_pkg)
if [ -n "$rt" ] && ! dpkg -s "$rt" >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "sudo apt-get install $rt"; exit 1; fi
  # Older releases ship the runtime inside libclang-common-N-dev: only install
  # the package when apt knows it.
  [ "$updated" = 0 ] && { apt-get update -qq >/dev/null 2>&1 || true; updated=1; }
  if apt-cache show "$rt" >/dev/null 2>&1; then install "$rt"; fi
fi
exit 0
