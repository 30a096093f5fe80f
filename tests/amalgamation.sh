#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/amalgamation.sh - tools/amalgamate.sh makes a sseval.c + sseval.h pair
# that vendoring projects can drop in:
#  - sseval.c compiles alone with gcc and clang, C11, the project's strict
#    warning set, -Werror;
#  - the object defines no global symbol outside the sseval_ prefix;
#  - examples/embed.c builds against it (header copied as sseval/sseval.h)
#    and reads fixtures right;
#  - the CLI (tools/*.c, without the libcurl parts) built from the
#    amalgamation prints exactly what the project's CLI prints for
#    `check --json` and `events` over every fixture.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
# shellcheck source=tests/_plain_cli.sh
. "$SRC/tests/_plain_cli.sh"
# The reference CLI: an uninstrumented one starts much faster than the ASan
# build; fall back to $SSEVAL_BIN.
BIN=$(plain_cli 2>/dev/null) || BIN=${SSEVAL_BIN:-$BUILD/sseval}
work=$BUILD/amalgamation-test
rm -rf "$work"; mkdir -p "$work/inc/sseval"
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for tool in python3 clang gcc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done

if ! bash "$SRC/tools/amalgamate.sh" "$work" > "$work/amalgamate.log" 2>&1; then
  echo "FAIL: tools/amalgamate.sh"; cat "$work/amalgamate.log"; exit 1
fi
ok "$(cat "$work/amalgamate.log")"
cp "$work/sseval.h" "$work/inc/sseval/sseval.h"

STRICT=(-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
        -Wstrict-prototypes -Wmissing-prototypes -Wvla -Werror)
# The two compilers and the header checks run side by side; the gcc object
# is then linked into embed and the CLI below (compiled once, not three
# times: the amalgamation is ~400 KB of C).
declare -A cc_pid
for cc in gcc clang; do
  $cc "${STRICT[@]}" -O2 -c "$work/sseval.c" -I"$work" -o "$work/sseval-$cc.o" 2> "$work/$cc.log" &
  cc_pid[$cc]=$!
done
# The header alone, as C99 and as C++11.
printf '#include "sseval.h"\n#include "sseval.h"\nint main(void) { return sseval_version() == 0; }\n' > "$work/hdr.c"
gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$work" "$work/hdr.c" 2> "$work/hdr.log" &
hdr_pid=$!
hdrxx_pid=
if command -v g++ >/dev/null 2>&1; then
  g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ -I"$work" "$work/hdr.c" 2> "$work/hdrxx.log" &
  hdrxx_pid=$!
fi
if wait "$hdr_pid"; then ok "sseval.h compiles as C99"; else bad "sseval.h as C99"; cat "$work/hdr.log"; fi
if [ -n "$hdrxx_pid" ]; then
  if wait "$hdrxx_pid"; then ok "sseval.h compiles as C++11"; else bad "sseval.h as C++11"; cat "$work/hdrxx.log"; fi
fi
for cc in gcc clang; do
  if wait "${cc_pid[$cc]}"; then
    ok "$cc compiles sseval.c (C11, strict warnings, -Werror)"
  else
    bad "$cc on sseval.c:"; head -n 30 "$work/$cc.log"
  fi
done

obj=$work/sseval-gcc.o
if [ -f "$obj" ]; then
  leaked=$(nm --defined-only -g "$obj" | awk '{print $3}' | grep -v '^sseval_' || true)
  if [ -z "$leaked" ]; then ok "only sseval_* global symbols"; else bad "global symbols outside sseval_*: $leaked"; fi
fi

# examples/embed.c against the amalgamation.
if [ -f "$obj" ] &&
   gcc -std=c11 -Wall -Wextra -Werror -O2 -I"$work/inc" "$SRC/examples/embed.c" "$obj" \
     -lm -o "$work/embed" 2> "$work/embed.log"; then
  out=$("$work/embed" "$SRC/tests/fixtures/claude/sdk-typescript/basic_response.txt"); rc=$?
  if [ $rc = 0 ] && printf '%s' "$out" | grep -q 'Hello there!'; then
    ok "examples/embed.c built on the amalgamation reads a fixture"
  else
    bad "embed on the amalgamation: exit $rc: $out"
  fi
else
  bad "examples/embed.c on the amalgamation:"; cat "$work/embed.log"
fi

# The CLI from the amalgamation behaves exactly like the real one.
tools=()
for f in "$SRC"/tools/*.c; do
  # stream needs libcurl, serve libmicrohttpd: the CLI is built without them
  case $(basename "$f") in *curl*|cmd_stream.c|cmd_serve.c|serve_*.c) continue ;; esac
  tools+=("$f")
done
if [ -f "$obj" ] &&
   gcc -std=c11 -O2 -I"$work/inc" -I"$SRC/tools" "${tools[@]}" "$obj" -lm \
     -o "$work/sseval" 2> "$work/cli.log"; then
  ok "the CLI builds from the amalgamation"
  if [ -x "$BIN" ]; then
    n=0 diffs=0
    while IFS= read -r f; do
      n=$((n + 1))
      for args in "check --json" "events"; do
        # shellcheck disable=SC2086
        a=$("$BIN" $args "$f" 2>&1; echo "rc=$?")
        # shellcheck disable=SC2086
        b=$("$work/sseval" $args "$f" 2>&1; echo "rc=$?")
        if [ "$a" != "$b" ]; then
          diffs=$((diffs + 1))
          [ $diffs -le 3 ] && echo "  differs: sseval $args $f"
        fi
      done
    done < <(find "$SRC/tests/fixtures/claude" -type f \( -name '*.sse' -o -name '*.txt' \) | sort)
    if [ $diffs = 0 ]; then ok "same output as $BIN on $n fixtures (check --json, events)"
    else bad "$diffs outputs differ from $BIN"; fi
  else
    echo "SKIP comparison: no CLI at $BIN"
  fi
else
  bad "the CLI from the amalgamation:"; head -n 30 "$work/cli.log"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
