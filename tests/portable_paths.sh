#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The portable code paths: the library built with its SIMD scanners switched
# off (SSEVAL_SSE_NO_SIMD: memchr line scan; SSEVAL_JSON_NO_SIMD: SWAR string
# scan, src/simd.c portable path), under ASan+UBSan, must pass the tokenizer,
# JSON, string-scanner and Claude suites
# and read every bundled recording exactly as the normal build does.
set -euo pipefail
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc=${CC:-cc}
flags=(-std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
       -DSSEVAL_SSE_NO_SIMD -DSSEVAL_JSON_NO_SIMD "-DSSEVAL_SOURCE_DIR=\"$SRC\""
       -I"$SRC/include" -I"$SRC/src" -I"$SRC/tests" -Wno-unused-function)
# the library (and the reference tokenizer) compiled once, linked into each
objs=()
for f in "$SRC"/src/*.c "$SRC/tests/sse_ref.c"; do
  o="$out/$(basename "$f" .c).o"
  $cc "${flags[@]}" -c "$f" -o "$o"
  objs+=("$o")
done
pass=0 fail=0
run() { # name, command...
  local name=$1; shift
  if "$@" >"$out/$name.log" 2>&1; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $name"; tail -20 "$out/$name.log"; fi
}
for t in test_sse test_json test_claude test_strscan; do
  [ -f "$SRC/tests/$t.c" ] || continue
  $cc "${flags[@]}" "${objs[@]}" "$SRC/tests/$t.c" -o "$out/$t" -lm
  run "$t" "$out/$t"
done
$cc "${flags[@]}" "${objs[@]}" "$SRC"/tools/sseval.c "$SRC"/tools/cli_io.c "$SRC"/tools/cli_text.c "$SRC"/tools/cmd_check.c -o "$out/sseval"
run fixtures env SSEVAL_BIN="$out/sseval" SSEVAL_SRC="$SRC" python3 "$SRC/tests/test_claude_fixtures.py"
run cli_events env SSEVAL_BIN="$out/sseval" SSEVAL_SRC="$SRC" bash "$SRC/tests/test_cli_events.sh"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
