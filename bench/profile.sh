#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/profile.sh - where the instructions go: callgrind over one pass of a
# bench subject, with the hottest functions and source lines (file:line).
#
#   bench/profile.sh [--size 2m] [--shape realistic] [SUBJECT...]
#                                  default subjects: tok_64k tok_1b val_64k acc_64k
#
# SUBJECT is a bench_sse subject (tok_64k, tok_1k, tok_1b), a bench_claude
# one (val_64k, val_1k, acc_64k, acc_1k) or a bench/base one (memchr,
# naive_64k, ...). The library and benches are compiled by hand with
# -O2 -g (the release flags plus symbols) into a temporary directory; only
# bench_region (one pass over the corpus) is collected. Profiles are kept in
# $PROFILE_DIR (default: a temporary directory, removed at the end).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${SSEVAL_SRC:-$(cd "$here/.." && pwd)}
size=2m
shape=realistic
subjects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift ;;
    --shape) shape=$2; shift ;;
    -h|--help) sed -n '3,16p' "$0"; exit 0 ;;
    *) subjects+=("$1") ;;
  esac
  shift
done
[ ${#subjects[@]} -gt 0 ] || subjects=(tok_64k tok_1b val_64k acc_64k)
command -v valgrind >/dev/null || { echo "profile.sh: valgrind is not installed" >&2; exit 1; }

work=${PROFILE_DIR:-}
cleanup=0
if [ -z "$work" ]; then work=$(mktemp -d "${TMPDIR:-/tmp}/sseval-profile.XXXXXX"); cleanup=1; fi
[ "$cleanup" = 1 ] && trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
cc=${CC:-cc}
libsrc=$(ls "$src"/src/*.c | grep -v '/_[^/]*$')
# shellcheck disable=SC2086
$cc -std=c11 -O2 -g -I"$src/include" -I"$src/src" -o "$work/gen" "$here/gen.c" $libsrc -lm
$cc -std=c11 -O2 -g -o "$work/base" "$here/base.c"
for b in bench_sse bench_claude; do
  # shellcheck disable=SC2086
  $cc -std=c11 -O2 -g -DNDEBUG -I"$src/include" -I"$src/src" -I"$here" \
    -o "$work/$b" "$here/$b.c" $libsrc -lm
done
corpus="$work/$shape-$size.sse"
"$work/gen" --shape "$shape" --size "$size" -o "$corpus" 2>/dev/null

for s in "${subjects[@]}"; do
  case "$s" in
    tok_*) b=bench_sse ;;
    val_*|acc_*) b=bench_claude ;;
    *) b=base ;;
  esac
  out="$work/callgrind.$s"
  valgrind --tool=callgrind --toggle-collect='bench_region*' --callgrind-out-file="$out" \
    "$work/$b" --callgrind "$s" "$corpus" >"$out.stdout" 2>/dev/null
  bytes=$(awk -F'\t' '$1=="I" {print $4}' "$out.stdout")
  events=$(awk -F'\t' '$1=="I" {print $5}' "$out.stdout")
  callgrind_annotate --auto=yes "$out" >"$out.txt" 2>/dev/null
  ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
  echo "=================================================================="
  echo "$s on $(basename "$corpus"): $ir instructions, $bytes bytes, $events events"
  awk -v ir="$ir" -v b="$bytes" -v e="$events" 'BEGIN { if (b > 0 && e > 0) printf "  %.2f instructions per byte, %.0f per event\n", ir / b, ir / e }'
  echo "functions (self cost):"
  awk '/^Ir +file:function/ {f=1; getline; next} f && NF==0 {exit} f' "$out.txt" | head -15 |
    sed -E 's#[^ ]*/([^/]+/[^/ ]+):#\1:#; s# \[[^]]*\]$##'
  python3 "$here/hotlines.py" 20 0.8 <"$out.txt"
done
