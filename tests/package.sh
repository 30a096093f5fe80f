#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/package.sh - the Debian packages (debian/), built and used as a
# Debian user would (`make package` runs it; ctest too):
#   1. copies the source tree (without build/, .git, node_modules) to
#      $SSEVAL_BUILD/package/sseval-VERSION and runs `dpkg-buildpackage -us
#      -uc -b` there: the .debs land in $SSEVAL_BUILD/package, nothing outside
#      the build dir is written;
#   2. checks each package's files (the library and its SONAME link in
#      libsseval0; headers, .so link, .a, sseval.pc, CMake package in
#      libsseval-dev; curl.h, libsseval-curl.a, sseval-curl.pc in
#      libsseval-curl-dev; the CLI, its man page and bash completion in
#      sseval) and their dependencies;
#   3. unpacks them with `dpkg -x` into a private root (no root rights
#      needed, the machine is left as it was) and builds consumers against
#      it: examples/embed.c via pkg-config and via CMake find_package(sseval)
#      (shared and static), examples/curl_easy.c via sseval-curl.pc and
#      find_package(sseval COMPONENTS curl), each -Werror and run on
#      recordings; find_package(sseval) with only libsseval0 + libsseval-dev
#      unpacked; the packaged `sseval check` on a recording (exit 0) and on
#      the same recording cut (exit 2);
#   4. with SSEVAL_PACKAGE_INSTALL=1, as root, and when no sseval package is
#      installed yet: `dpkg -i` the packages, build and run the consumers
#      with the system's pkg-config and CMake (no paths given), then purge
#      them again, whatever happened (`make package` asks for this; under
#      ctest the other tests run beside it, so it is not done there);
#   5. lintian, when installed: an error fails, warnings are printed.
# Skips (77) when dpkg-buildpackage, debhelper or a build dependency is
# missing (`sh cmake/deps.sh package` installs them).
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
work=$BUILD/package
fail=0 pass=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for tool in dpkg-buildpackage dpkg-deb dh cmake cc pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed (sh cmake/deps.sh package)"; exit 77; }
done
if ! (cd "$SRC" && dpkg-checkbuilddeps >/dev/null 2>&1); then
  echo "SKIP: build dependencies missing: $(cd "$SRC" && dpkg-checkbuilddeps 2>&1 | sed 's/.*Unmet build dependencies: //')"
  exit 77
fi
unset MAKEFLAGS MFLAGS MAKELEVEL MAKE_TERMOUT MAKE_TERMERR

version=$(cd "$SRC" && dpkg-parsechangelog -S Version)   # 0.1.0-1
upstream=${version%-*}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
hdr_ver=$(sed -n 's/^#define SSEVAL_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' \
            "$SRC/include/sseval/common.h" | paste -sd.)
[ "$upstream" = "$hdr_ver" ] ||
  bad "debian/changelog version $version is not the library's $hdr_ver (include/sseval/common.h)"

# ---- 1. build --------------------------------------------------------------------------
rm -rf "$work"; mkdir -p "$work"
tree=$work/sseval-$upstream
mkdir -p "$tree"
tar -C "$SRC" --exclude=./build --exclude=./.git --exclude=node_modules \
    --exclude='./obj-*' --exclude=./debian/.debhelper -cf - . | tar -C "$tree" -xf -
start=$(date +%s)
if (cd "$tree" && dpkg-buildpackage -us -uc -b -j"${JOBS:-2}") > "$work/build.log" 2>&1; then
  ok "dpkg-buildpackage -us -uc -b ($(( $(date +%s) - start )) s)"
else
  echo "FAIL dpkg-buildpackage, $work/build.log:"; tail -n 40 "$work/build.log"; exit 1
fi
if grep -n 'dpkg-gensymbols: warning' "$work/build.log"; then
  bad "the exported symbols differ from debian/libsseval0.symbols (see above)"
fi
declare -A deb
for p in libsseval0 libsseval-dev libsseval-curl-dev sseval; do
  deb[$p]=$work/${p}_${version}_${arch}.deb
  [ -f "${deb[$p]}" ] || { bad "no ${deb[$p]##*/}"; echo "$pass passed, $fail failed"; exit 1; }
done
ok "built: $(cd "$work" && printf '%s ' ./*.deb)"

# ---- 2. contents and dependencies --------------------------------------------------------
L=/usr/lib/$multiarch
contents() { dpkg-deb -c "${deb[$1]}" | awk '{ p = $6; sub(/^\./, "", p); print p ($7 == "->" ? " -> " $8 : "") }'; }
has() { # package path-regex
  if contents "$1" | grep -Eq "^$2\$"; then :; else bad "$1 lacks $2"; fi
}
lacks() { # package path-regex
  if contents "$1" | grep -Eq "^$2"; then bad "$1 has $2"; fi
}
has libsseval0 "$L/libsseval\.so\.$upstream"
has libsseval0 "$L/libsseval\.so\.0 -> libsseval\.so\.$upstream"
lacks libsseval0 "/usr/include"
lacks libsseval0 "$L/libsseval\.so( |$)"
has libsseval-dev "$L/libsseval\.so -> libsseval\.so\.0"
has libsseval-dev "$L/libsseval\.a"
has libsseval-dev "$L/pkgconfig/sseval\.pc"
has libsseval-dev "$L/cmake/sseval/ssevalConfig\.cmake"
has libsseval-dev "$L/cmake/sseval/ssevalConfigVersion\.cmake"
has libsseval-dev "$L/cmake/sseval/ssevalTargets\.cmake"
for h in "$SRC"/include/sseval/*.h "$SRC"/include/sseval/*.hpp; do
  n=$(basename "$h")
  if [ "$n" = curl.h ]; then has libsseval-curl-dev "/usr/include/sseval/curl\.h"
  else has libsseval-dev "/usr/include/sseval/${n//./\\.}"; fi
done
lacks libsseval-dev "/usr/include/sseval/curl\.h"
lacks libsseval-dev "$L/libsseval-curl"
lacks libsseval-dev "$L/cmake/sseval/ssevalC(url|li)Targets"
has libsseval-curl-dev "$L/libsseval-curl\.a"
has libsseval-curl-dev "$L/pkgconfig/sseval-curl\.pc"
has libsseval-curl-dev "$L/cmake/sseval/ssevalCurlTargets\.cmake"
has sseval "/usr/bin/sseval"
has sseval "/usr/libexec/sseval/sseval-net"
has sseval "/usr/share/man/man1/sseval\.1\.gz"
has sseval "/usr/share/bash-completion/completions/sseval"
for p in libsseval0 libsseval-dev libsseval-curl-dev sseval; do
  has "$p" "/usr/share/doc/$p/copyright"
done
dep() { dpkg-deb -f "${deb[$1]}" Depends; }
case $(dep libsseval-dev) in *"libsseval0 (= $version)"*) ;; *) bad "libsseval-dev Depends: $(dep libsseval-dev)" ;; esac
case $(dep libsseval-curl-dev) in *"libsseval-dev (= $version)"*libcurl*) ;; *) bad "libsseval-curl-dev Depends: $(dep libsseval-curl-dev)" ;; esac
case $(dep libsseval0) in *libcurl*|*microhttpd*) bad "libsseval0 depends on $(dep libsseval0)" ;; esac
case $(dep sseval) in *libcurl*libmicrohttpd*|*libmicrohttpd*libcurl*) ;;
  *) bad "sseval Depends: $(dep sseval) (built without stream or serve?)" ;; esac
if dpkg-deb -I "${deb[libsseval0]}" shlibs 2>/dev/null | grep -q "^libsseval 0 libsseval0"; then :; else
  bad "libsseval0 shlibs: $(dpkg-deb -I "${deb[libsseval0]}" shlibs 2>&1)"
fi
dpkg-deb -I "${deb[libsseval0]}" symbols >/dev/null 2>&1 || bad "libsseval0 has no symbols file"
[ "$fail" = 0 ] && ok "package contents and dependencies"

# ---- 3. unpacked into a private root ---------------------------------------------------------
SSEVAL_SRC=$SRC
# shellcheck source=tests/_consumer.sh
. "$SRC/tests/_consumer.sh"
fix=$SRC/tests/fixtures/claude
cut=$work/cut.sse
head -c 2000 "$SRC/demo/recording.sse" > "$cut"

# CMake consumer project: embed.c shared and static, curl_easy.c when $2=curl.
cmake_project() { # dir [curl]
  mkdir -p "$1"
  cp "$SRC/examples/embed.c" "$SRC/examples/curl_easy.c" "$1/"
  if [ "${2:-}" = curl ]; then
    cat > "$1/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(sseval_pkg_consumer C)
find_package(sseval 0.1 REQUIRED COMPONENTS curl)
add_executable(embed_shared embed.c)
target_link_libraries(embed_shared PRIVATE sseval::sseval)
add_executable(embed_static embed.c)
target_link_libraries(embed_static PRIVATE sseval::sseval_static)
add_executable(curl_easy curl_easy.c)
target_link_libraries(curl_easy PRIVATE sseval::curl)
foreach(t embed_shared embed_static curl_easy)
  target_compile_options(${t} PRIVATE -Wall -Wextra -Werror)
endforeach()
EOF
  else
    cat > "$1/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(sseval_pkg_consumer C)
find_package(sseval 0.1 REQUIRED)
if(TARGET sseval::curl OR sseval_curl_FOUND)
  message(FATAL_ERROR "sseval::curl without libsseval-curl-dev")
endif()
add_executable(embed_shared embed.c)
target_link_libraries(embed_shared PRIVATE sseval::sseval)
target_compile_options(embed_shared PRIVATE -Wall -Wextra -Werror)
EOF
  fi
}
ldd_uses() { # binary libdir (compared resolved: /lib is /usr/lib on merged-/usr)
  local got
  command -v ldd >/dev/null 2>&1 || return 0
  got=$(ldd "$1" | sed -n 's/^[[:space:]]*libsseval\.so\.0 => \([^ ]*\) .*/\1/p')
  if [ -z "$got" ] || [ "$(readlink -f "$got")" != "$(readlink -f "$2/libsseval.so.0")" ]; then
    bad "$1 does not load $2/libsseval.so.0: $(ldd "$1" | grep sseval)"
  fi
}

root=$work/root
mkdir -p "$root"
for p in libsseval0 libsseval-dev libsseval-curl-dev sseval; do
  dpkg -x "${deb[$p]}" "$root" || bad "dpkg -x ${deb[$p]##*/}"
done
rlib=$root$L
export PKG_CONFIG_PATH=$rlib/pkgconfig
got=$(cd "$(pkg-config --variable=includedir sseval)" 2>/dev/null && pwd -P)
[ "$got" = "$(cd "$root/usr/include" && pwd -P)" ] ||
  bad "unpacked: pkg-config includedir '$got' is not $root/usr/include (sseval.pc not relocatable)"
flags=$(pkg-config --cflags --libs sseval)
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/embed.c" $flags -o "$work/embed_pc" \
     > "$work/consumer.log" 2>&1; then
  ok "unpacked: pkg-config consumer builds: $flags"
  LD_LIBRARY_PATH=$rlib check_embed "unpacked: pkg-config consumer" "$work/embed_pc"
  LD_LIBRARY_PATH=$rlib ldd_uses "$work/embed_pc" "$rlib"
else
  bad "unpacked: pkg-config consumer"; cat "$work/consumer.log"
fi
flags=$(pkg-config --cflags --libs sseval-curl)
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/curl_easy.c" $flags \
     -o "$work/curl_pc" >> "$work/consumer.log" 2>&1; then
  ok "unpacked: sseval-curl.pc consumer builds: $flags"
else
  bad "unpacked: sseval-curl.pc consumer"; cat "$work/consumer.log"
fi
unset PKG_CONFIG_PATH

proj=$work/consumer-cmake
cmake_project "$proj" curl
if cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$root/usr" \
     -DCMAKE_BUILD_TYPE=Release > "$work/cmake.log" 2>&1 &&
   cmake --build "$proj/build" >> "$work/cmake.log" 2>&1; then
  ok "unpacked: find_package(sseval COMPONENTS curl) consumer builds"
  LD_LIBRARY_PATH=$rlib check_embed "unpacked: find_package, sseval::sseval" "$proj/build/embed_shared"
  LD_LIBRARY_PATH=$rlib ldd_uses "$proj/build/embed_shared" "$rlib"
  check_embed "unpacked: find_package, sseval::sseval_static" "$proj/build/embed_static"
else
  bad "unpacked: find_package consumer"; tail -n 30 "$work/cmake.log"
fi

# The -dev package alone: its CMake files must not need the curl or CLI ones.
root2=$work/root-dev-only
mkdir -p "$root2"
dpkg -x "${deb[libsseval0]}" "$root2"; dpkg -x "${deb[libsseval-dev]}" "$root2"
proj=$work/consumer-cmake-dev-only
cmake_project "$proj"
if cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$root2/usr" \
     -DCMAKE_BUILD_TYPE=Release > "$work/cmake2.log" 2>&1 &&
   cmake --build "$proj/build" >> "$work/cmake2.log" 2>&1; then
  LD_LIBRARY_PATH=$root2$L check_embed "libsseval-dev alone: find_package(sseval)" "$proj/build/embed_shared"
else
  bad "libsseval-dev alone: find_package(sseval)"; tail -n 30 "$work/cmake2.log"
fi

# The packaged CLI.
cli_checks() { # label sseval
  local out rc
  out=$("$2" check "$SRC/demo/recording.sse" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q complete; then :; else
    bad "$1: sseval check demo/recording.sse: exit $rc: $out"; return
  fi
  out=$("$2" check "$cut" 2>&1); rc=$?
  if [ $rc -ne 2 ] || ! printf '%s' "$out" | grep -q truncated; then
    bad "$1: sseval check on the recording cut after 2000 bytes: exit $rc (want 2): $out"; return
  fi
  out=$("$2" check < "$fix/sdk-typescript/basic_response.txt" 2>&1) ||
    { bad "$1: sseval check < fixture: $out"; return; }
  ok "$1: sseval check: recording exit 0, cut recording exit 2"
  # stream and serve run the libexec helper, found relative to sseval
  for c in "stream|libcurl" "serve|libmicrohttpd"; do
    out=$("$2" "${c%%|*}" --help 2>&1); rc=$?
    if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q "^usage: sseval ${c%%|*}"; then
      bad "$1: sseval ${c%%|*} --help (through sseval-net, with ${c#*|}): exit $rc: $out"; return
    fi
  done
  ok "$1: sseval stream and serve run the helper"
}
cli_checks "unpacked" "$root/usr/bin/sseval"
if [ "$("$root/usr/bin/sseval" --version 2>&1)" = "sseval $upstream" ]; then :; else
  bad "packaged sseval --version: $("$root/usr/bin/sseval" --version 2>&1)"
fi
if command -v man >/dev/null 2>&1 &&
   ! MANWIDTH=80 man -l "$root/usr/share/man/man1/sseval.1.gz" 2>/dev/null | grep -q 'sseval check'; then
  bad "packaged man page does not render"
fi

# ---- 4. dpkg -i (opt-in, root) -----------------------------------------------------------------
installed_any() {
  for p in libsseval0 libsseval-dev libsseval-curl-dev sseval; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok' && return 0
  done
  return 1
}
if [ "${SSEVAL_PACKAGE_INSTALL:-0}" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "note: not root: dpkg -i skipped (the packages were checked unpacked)"
  elif installed_any; then
    echo "note: an sseval package is already installed: dpkg -i skipped, the machine left as it is"
  else
    purge() { dpkg --purge sseval libsseval-curl-dev libsseval-dev libsseval0 >/dev/null 2>&1; }
    trap purge EXIT
    if dpkg -i "${deb[libsseval0]}" "${deb[libsseval-dev]}" "${deb[libsseval-curl-dev]}" \
         "${deb[sseval]}" > "$work/dpkg-i.log" 2>&1; then
      ok "dpkg -i: the four packages installed"
      # shellcheck disable=SC2046
      if cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/embed.c" $(pkg-config --cflags --libs sseval) \
           -o "$work/embed_sys" >> "$work/consumer.log" 2>&1; then
        check_embed "installed: pkg-config consumer, no paths" "$work/embed_sys"
        ldd_uses "$work/embed_sys" "$L"
      else
        bad "installed: pkg-config consumer"; cat "$work/consumer.log"
      fi
      proj=$work/consumer-cmake-system
      cmake_project "$proj" curl
      if cmake -S "$proj" -B "$proj/build" -DCMAKE_BUILD_TYPE=Release > "$work/cmake3.log" 2>&1 &&
         cmake --build "$proj/build" >> "$work/cmake3.log" 2>&1; then
        check_embed "installed: find_package(sseval), no paths" "$proj/build/embed_shared"
      else
        bad "installed: find_package consumer"; tail -n 30 "$work/cmake3.log"
      fi
      cli_checks "installed" /usr/bin/sseval
    else
      bad "dpkg -i"; cat "$work/dpkg-i.log"
    fi
    purge; trap - EXIT
    if installed_any; then bad "dpkg --purge left a package installed"; else ok "purged again"; fi
  fi
fi

# ---- 5. lintian ----------------------------------------------------------------------------------
if command -v lintian >/dev/null 2>&1; then
  changes=$work/sseval_${version}_${arch}.changes
  lintian -I --tag-display-limit 0 "$changes" > "$work/lintian.log" 2>&1
  if grep -q '^E:' "$work/lintian.log"; then
    bad "lintian errors:"; grep '^E:' "$work/lintian.log"
  else
    ok "lintian: no errors ($(grep -c '^W:' "$work/lintian.log") warnings)"
  fi
  grep -E "^(W|I):" "$work/lintian.log"
else
  echo "note: lintian not installed: not run"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
