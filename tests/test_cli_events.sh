#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/test_cli_events.sh - `sseval events` against docs/CLI.md.
#
# Each case writes its input bytes with printf, runs `sseval events` with no
# --chunk, --chunk 1, --chunk 7 and --chunk random:SEED for several seeds,
# and asserts: the same exit status and byte-identical stdout every time, and
# stdout equal to the expected JSON lines written by hand from the contract
# (compact {"event":...,"data":...,"id":...} in that key order, {"retry":N}
# lines, U+FFFD for invalid UTF-8, JSON escapes for control characters,
# non-ASCII as raw UTF-8). Also: exit 6 with a message naming the limit and
# the byte offset, exit 1 for a missing file and for bad options.
#
# Environment: SSEVAL_BIN (the CLI; set by ctest), else $SSEVAL_BUILD/sseval,
# else build/release/sseval under SSEVAL_SRC or the current directory.
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u

BIN="${SSEVAL_BIN:-}"
if [ -z "$BIN" ]; then
  for c in "${SSEVAL_BUILD:-}/sseval" "${SSEVAL_SRC:-.}/build/release/sseval"; do
    if [ -x "$c" ]; then BIN="$c"; break; fi
  done
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "test_cli_events: no sseval binary (set SSEVAL_BIN)" >&2
  exit 1
fi

T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL $*" >&2
}

# Show two files' bytes (for a failure report).
show() {
  echo "  expected:" >&2
  od -c "$1" | head -20 >&2
  echo "  got:" >&2
  od -c "$2" | head -20 >&2
}

CHUNKINGS=("" "--chunk 1" "--chunk 7" "--chunk random:1" "--chunk random:2"
  "--chunk random:12345" "--chunk random:4000000000")

# run_case NAME EXPECTED_STATUS [extra options...]
# Input in $T/in, expected stdout in $T/exp (and optionally $T/exp.alt, an
# equally valid spelling of the same JSON).
run_case() {
  local name="$1" want_rc="$2"
  shift 2
  local first="" rc ch
  for ch in "${CHUNKINGS[@]}"; do
    # shellcheck disable=SC2086
    "$BIN" events $ch "$@" "$T/in" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
      bad "$name [${ch:-whole}]: exit $rc, expected $want_rc"
      sed 's/^/  stderr: /' "$T/err" | head -5 >&2
      return
    fi
    if [ -z "$first" ]; then
      first="${ch:-whole}"
      cp "$T/out" "$T/out.first"
      if ! cmp -s "$T/out" "$T/exp" &&
        ! { [ -f "$T/exp.alt" ] && cmp -s "$T/out" "$T/exp.alt"; }; then
        bad "$name [${ch:-whole}]: output differs from the expected lines"
        show "$T/exp" "$T/out"
        return
      fi
    elif ! cmp -s "$T/out" "$T/out.first"; then
      bad "$name [${ch:-whole}]: output differs from [$first]"
      show "$T/out.first" "$T/out"
      return
    fi
  done
  ok
}

# Start a case: clear the expectation files.
begin() { rm -f "$T/in" "$T/exp" "$T/exp.alt"; : >"$T/exp"; }
# Append one expected line (the argument is the exact bytes, newline added).
expect() { printf '%s\n' "$1" >>"$T/exp"; }
expect_alt() { printf '%s\n' "$1" >>"$T/exp.alt"; }

# ---- events, types, ids, retry ------------------------------------------------

begin
printf 'event: message_start\ndata: {"type":"message_start"}\n\n' >"$T/in"
expect '{"event":"message_start","data":"{\"type\":\"message_start\"}","id":""}'
run_case "basic event" 0

begin
printf 'retry:1500\nid:7\ndata:a\ndata:b\n\ndata:c\n\n' >"$T/in"
expect '{"retry":1500}'
expect '{"event":"message","data":"a\nb","id":"7"}'
expect '{"event":"message","data":"c","id":"7"}'
run_case "retry line, default type, joined data, id carried over" 0

begin
printf 'data:x\ndata:\n\ndata\n\nevent:e\nid:1\nretry:5\n\nid:2\n\ndata:y\n\n' >"$T/in"
expect '{"event":"message","data":"x\n","id":""}'
expect '{"event":"message","data":"","id":""}'
expect '{"retry":5}'
expect '{"event":"message","data":"y","id":"2"}'
run_case "empty data events; data-less blocks print nothing; id carries over" 0

begin
printf 'retry:+5\nretry:  10\nretry:1_000\nretry:1.5\nretry:\nretry:18446744073709551616\nretry:007\n\n' >"$T/in"
expect '{"retry":7}'
run_case "invalid retry values are not printed" 0

begin
printf 'event:a\nevent:\ndata:1\n\nevent:b\n\ndata:2\n\nid:x\0y\ndata:3\n\n' >"$T/in"
expect '{"event":"message","data":"1","id":""}'
expect '{"event":"message","data":"2","id":""}'
expect '{"event":"message","data":"3","id":""}'
run_case "type reset and not leaking; id with NUL ignored" 0

# ---- line endings, BOM, tail ----------------------------------------------------

begin
printf '\xef\xbb\xbfevent:e\rdata:1\r\rdata:2\r\n\r\ndata:3\n\r\ndata:4\r\r' >"$T/in"
expect '{"event":"e","data":"1","id":""}'
expect '{"event":"message","data":"2","id":""}'
expect '{"event":"message","data":"3","id":""}'
expect '{"event":"message","data":"4","id":""}'
run_case "BOM, CR, CRLF, mixed endings, CR-terminated last event" 0

begin
printf 'data:1\n\n\xef\xbb\xbfdata:2\n\ndata:3\n' >"$T/in"
expect '{"event":"message","data":"1","id":""}'
run_case "BOM on a later line is content; unterminated event discarded" 0

begin
printf 'data:1\n\nretry:9' >"$T/in"
expect '{"event":"message","data":"1","id":""}'
run_case "partial retry line is not processed" 0

begin
printf '' >"$T/in"
run_case "empty input" 0

begin
printf ': comment\n:\n\n' >"$T/in"
run_case "comments only" 0

# ---- text: U+FFFD, escaping, non-ASCII ----------------------------------------------

begin
printf 'data:a\xffb\xf0\x80\x80c\xe2\x82\n\n' >"$T/in"
expect '{"event":"message","data":"a'$'\xef\xbf\xbd''b'$'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd''c'$'\xef\xbf\xbd''","id":""}'
run_case "invalid UTF-8 becomes U+FFFD (maximal subparts)" 0

begin
printf 'event:\xfe\nid:\xc0\xaf\ndata:\xed\xa0\x80\n\n' >"$T/in"
expect '{"event":"'$'\xef\xbf\xbd''","data":"'$'\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd''","id":"'$'\xef\xbf\xbd\xef\xbf\xbd''"}'
run_case "U+FFFD in event type and id too" 0

begin
printf 'data:q"b\\s/e\n\n' >"$T/in"
expect '{"event":"message","data":"q\"b\\s/e","id":""}'
run_case "quote and backslash escaped" 0

begin
printf 'data:t\tu\x01v\x1f\x00w\x08\x0c\x0b\ndata:x\n\n' >"$T/in"
expect '{"event":"message","data":"t\tu\u0001v\u001f\u0000w\b\f\u000b\nx","id":""}'
expect_alt '{"event":"message","data":"t\u0009u\u0001v\u001f\u0000w\u0008\u000c\u000b\u000ax","id":""}'
run_case "control characters escaped" 0

begin
printf 'event:caf\xc3\xa9\ndata:\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8 \xc2\x85\nid:\xe6\x97\xa5\n\n' >"$T/in"
expect '{"event":"caf'$'\xc3\xa9''","data":"'$'\xe2\x82\xac'' '$'\xf0\x9f\x98\x80'' '$'\xe2\x80\xa8'' '$'\xc2\x85''","id":"'$'\xe6\x97\xa5''"}'
run_case "non-ASCII written as UTF-8" 0

# ---- a larger input (several 4096-byte random chunks, many events) ------------------

begin
{
  i=0
  while [ $i -lt 400 ]; do
    printf 'event: content_block_delta\r\nid: %d\r\ndata: {"i":%d,"t":"%s"}\r\n\r\n' \
      "$i" "$i" "abcdefghijklmnopqrstuvwxyz0123456789"
    i=$((i + 1))
  done
} >"$T/in"
i=0
while [ $i -lt 400 ]; do
  expect '{"event":"content_block_delta","data":"{\"i\":'$i',\"t\":\"abcdefghijklmnopqrstuvwxyz0123456789\"}","id":"'$i'"}'
  i=$((i + 1))
done
run_case "400 CRLF events" 0

begin
{
  printf 'data:'
  head -c 300000 /dev/zero | tr '\0' 'x'
  printf '\n\n'
} >"$T/in"
{
  printf '{"event":"message","data":"'
  head -c 300000 /dev/zero | tr '\0' 'x'
  printf '","id":""}\n'
} >"$T/exp"
run_case "a 300 kB data line within the default limits" 0

# ---- limits: exit 6, message naming the limit and the offset ----------------------

# limit_case NAME OPTION VALUE WORD OFFSET: the input in $T/in, expected
# stdout (the events before the limit) in $T/exp.
limit_case() {
  local name="$1" opt="$2" val="$3" word="$4" off="$5"
  run_case "$name" 6 "$opt" "$val"
  "$BIN" events "$opt" "$val" "$T/in" >/dev/null 2>"$T/err"
  if grep -qi -- "$word" "$T/err" && grep -qE "(^|[^0-9])$off([^0-9]|$)" "$T/err"; then
    ok
  else
    bad "$name: stderr does not name '$word' and offset $off"
    sed 's/^/  stderr: /' "$T/err" >&2
  fi
}

begin
# "data:abc" 0-7 LF 8, LF 9; "data:abcd" starts at 10: byte 10+8 = 18 is the
# first one beyond the 8-byte limit
printf 'data:abc\n\ndata:abcd\n\n' >"$T/in"
expect '{"event":"message","data":"abc","id":""}'
limit_case "line over --max-line-bytes" --max-line-bytes 8 line 18

begin
# the second data line (offset 9) makes the data "abc\nd" 5 > 4 bytes
printf 'data:abc\ndata:d\n\n' >"$T/in"
limit_case "event over --max-event-bytes" --max-event-bytes 4 event 9

begin
# a line without a newline longer than the limit fails too (never ends)
{
  printf 'data:ok\n\n:'
  head -c 5000 /dev/zero | tr '\0' 'c'
} >"$T/in"
expect '{"event":"message","data":"ok","id":""}'
limit_case "unterminated line over the limit" --max-line-bytes 1000 line 1009

begin
printf 'data:abc\n\n' >"$T/in"
expect '{"event":"message","data":"abc","id":""}'
run_case "exactly at --max-line-bytes" 0 --max-line-bytes 8
begin
printf 'data:abc\n\n' >"$T/in"
expect '{"event":"message","data":"abc","id":""}'
run_case "exactly at --max-event-bytes" 0 --max-event-bytes 3

# ---- input sources and usage errors -----------------------------------------------

printf 'data:s\n\n' >"$T/in"
a="$("$BIN" events "$T/in")"
b="$("$BIN" events <"$T/in")"
c="$("$BIN" events - <"$T/in")"
if [ "$a" = '{"event":"message","data":"s","id":""}' ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
  ok
else
  bad "FILE, stdin and - disagree: '$a' '$b' '$c'"
fi

exit_case() {
  local name="$1" want="$2"
  shift 2
  "$BIN" events "$@" </dev/null >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" = "$want" ] && [ -s "$T/err" ]; then
    ok
  else
    bad "$name: exit $rc (expected $want), stderr: $(head -c 200 "$T/err")"
  fi
}
exit_case "missing file" 1 "$T/does-not-exist"
exit_case "unknown option" 1 --bogus "$T/in"
exit_case "--chunk 0" 1 --chunk 0 "$T/in"
exit_case "--chunk not a number" 1 --chunk abc "$T/in"
exit_case "--chunk random without a seed" 1 --chunk random: "$T/in"
exit_case "--chunk without a value" 1 --chunk
exit_case "--max-line-bytes not a number" 1 --max-line-bytes x "$T/in"
exit_case "--max-event-bytes negative" 1 --max-event-bytes -5 "$T/in"
exit_case "two files" 1 "$T/in" "$T/in"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
