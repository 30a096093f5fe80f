#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/test_claude_cli.sh - `sseval check` against docs/CLI.md.
#
# Every case writes its input with printf and runs `sseval check` (human and
# --json) whole, --chunk 1, --chunk 7 and --chunk random:SEED: the exit
# status must be the verdict's (0 complete, 2 truncated, 3 error_event,
# 4 protocol_violation, 5 invalid_json, 6 limit_exceeded, 7 not_event_stream)
# and stdout must be
# byte-identical across chunkings. The JSON report must have exactly the
# contract's keys in the contract's order, and the values written by hand
# here (offsets counted from the printf literals, by hand or with wc -c on
# the prefix before the offending event). The human report must mention
# the verdict, the stop reason, the blocks, the usage, and the problem's
# byte offset and line. Usage errors exit 1.
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
  echo "test_claude_cli: no sseval binary (set SSEVAL_BIN)" >&2
  exit 1
fi
PY="$(command -v python3 || true)"

T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL $*" >&2
}

CHUNKINGS=("" "--chunk 1" "--chunk 7" "--chunk random:1" "--chunk random:99")

# Events used below (printf formats: \n is a newline, no % in them).
MS='event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}\n\n'
TS0='event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
TD0='event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \\u00e9"}}\n\n'
BS0='event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
TU1='event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"get","input":{}}}\n\n'
IJ1='event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":1}"}}\n\n'
BS1='event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n'
PING='event: ping\ndata: {"type": "ping"}\n\n'
MD='event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":7}}\n\n'
MST='event: message_stop\ndata: {"type":"message_stop"}\n\n'

# check_case NAME WANT_RC FILE [options...]: every chunking, human and
# --json; leaves the --json output in $T/json and the human one in $T/human.
check_case() {
  local name="$1" want_rc="$2" file="$3"
  shift 3
  local mode ch rc first
  for mode in json human; do
    first=""
    for ch in "${CHUNKINGS[@]}"; do
      local args=()
      [ "$mode" = json ] && args+=(--json)
      # shellcheck disable=SC2206
      [ -n "$ch" ] && args+=($ch)
      "$BIN" check "${args[@]}" "$@" "$file" >"$T/out" 2>"$T/err"
      rc=$?
      if [ "$rc" != "$want_rc" ]; then
        bad "$name [$mode ${ch:-whole}]: exit $rc, expected $want_rc"
        sed 's/^/  stderr: /' "$T/err" | head -5 >&2
        return 1
      fi
      if [ -z "$first" ]; then
        first="${ch:-whole}"
        cp "$T/out" "$T/$mode"
      elif ! cmp -s "$T/out" "$T/$mode"; then
        bad "$name [$mode ${ch:-whole}]: output differs from [$first]"
        diff "$T/$mode" "$T/out" | head -6 >&2
        return 1
      fi
    done
  done
  ok
  return 0
}

# expect_json NAME EXPECTED: the --json output of the last check_case.
expect_json() {
  local name="$1" want="$2"
  if [ "$(cat "$T/json")" = "$want" ]; then
    ok
  else
    bad "$name: JSON report"
    echo "  expected: $want" >&2
    echo "  got:      $(cat "$T/json")" >&2
  fi
}

# expect_keys NAME: the report's keys, and the message's, in contract order.
expect_keys() {
  local name="$1" got
  if [ -z "$PY" ]; then ok; return; fi
  got="$("$PY" - "$T/json" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text.endswith("\n") and text.count("\n") == 1, "not one line"
r = json.loads(text, object_pairs_hook=lambda kv: kv)
keys = [k for k, _ in r]
m = dict(r)["message"]
mkeys = [k for k, _ in m]
err = dict(r)["error"]
ekeys = [k for k, _ in err] if err else []
print(",".join(keys) + "|" + ",".join(mkeys) + "|" + ",".join(ekeys))
EOF
)"
  local want="verdict,rule,offset,line,detail,error,message,events,bytes|id,type,role,model,content,stop_reason,stop_sequence,usage"
  case "$got" in
  "$want|" | "$want|type,message,retryable") ok ;;
  *)
    bad "$name: keys"
    echo "  expected: $want|[type,message,retryable]" >&2
    echo "  got:      $got" >&2
    ;;
  esac
}

# expect_human NAME WORD...: each word occurs in the human report.
expect_human() {
  local name="$1" w
  shift
  for w in "$@"; do
    if ! grep -qF -- "$w" "$T/human"; then
      bad "$name: human report lacks '$w'"
      sed 's/^/  | /' "$T/human" >&2
      return
    fi
  done
  ok
}

# ---- exit 0: complete ---------------------------------------------------------------
# shellcheck disable=SC2059
printf "$MS$TS0$PING$TD0$BS0$TU1$IJ1$BS1$MD$MST" >"$T/complete.sse"
size=$(wc -c <"$T/complete.sse")
if check_case complete 0 "$T/complete.sse"; then
  expect_json complete '{"verdict":"complete","rule":null,"offset":null,"line":null,"detail":null,"error":null,"message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hi é"},{"type":"tool_use","id":"t1","name":"get","input":{"q":1}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":7}},"events":10,"bytes":'"$size"'}'
  expect_keys complete
  expect_human complete complete "tool_use" "blocks" "2" "text" "get" "usage" '"output_tokens":7' "msg_1"
fi

# stdin: no FILE and "-"
for how in none dash; do
  if [ "$how" = none ]; then
    "$BIN" check --json <"$T/complete.sse" >"$T/out" 2>"$T/err"
  else
    "$BIN" check --json - <"$T/complete.sse" >"$T/out" 2>"$T/err"
  fi
  rc=$?
  if [ "$rc" = 0 ] && cmp -s "$T/out" "$T/json"; then ok; else bad "stdin ($how): exit $rc or output differs"; fi
done

# ---- exit 2: truncated --------------------------------------------------------------
# cut between events: offset = end of input; the 5 events take 15 lines, so
# the end is on line 16
# shellcheck disable=SC2059
printf "$MS$TS0$PING$TD0$BS0" >"$T/cut.sse"
size=$(wc -c <"$T/cut.sse")
if check_case truncated_between_events 2 "$T/cut.sse"; then
  expect_keys truncated_between_events
  if grep -qF "\"verdict\":\"truncated\",\"rule\":\"eof_before_message_stop\",\"offset\":$size,\"line\":16," "$T/json" &&
    grep -qF '"content":[{"type":"text","text":"Hi é"}],"stop_reason":null' "$T/json" &&
    grep -qF "\"events\":5,\"bytes\":$size}" "$T/json"; then ok; else
    bad "truncated_between_events: JSON"
    cat "$T/json" >&2
  fi
  expect_human truncated_between_events truncated eof_before_message_stop "byte $size" "line 16" "stop reason" "blocks" "usage"
fi

# cut inside the last event (no blank line after message_stop): 9 events
# take 27 lines, message_stop has 2 more; the end is on line 30,
# after the data line's LF
# shellcheck disable=SC2059
printf "$MS$TS0$PING$TD0$BS0$TU1$IJ1$BS1$MD"'event: message_stop\ndata: {"type":"message_stop"}\n' >"$T/cut2.sse"
size=$(wc -c <"$T/cut2.sse")
if check_case truncated_inside_event 2 "$T/cut2.sse"; then
  if grep -qF "\"rule\":\"eof_inside_event\",\"offset\":$size,\"line\":30," "$T/json"; then ok; else
    bad "truncated_inside_event: JSON"
    cat "$T/json" >&2
  fi
fi

# empty input
: >"$T/empty.sse"
if check_case empty 2 "$T/empty.sse"; then
  expect_json empty '{"verdict":"truncated","rule":"eof_before_message_stop","offset":0,"line":1,"detail":"The body was empty: no event arrived (the connection closed before the response body); retry the request.","error":null,"message":{"id":null,"type":"message","role":"assistant","model":null,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{}},"events":0,"bytes":0}'
fi

# ---- exit 3: error_event ------------------------------------------------------------
# shellcheck disable=SC2059
printf "$MS$TS0$TD0" >"$T/pre.sse"
off=$(wc -c <"$T/pre.sse") # the error event starts right after; line 10
# shellcheck disable=SC2059
printf "$MS$TS0$TD0"'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n' >"$T/err.sse"
size=$(wc -c <"$T/err.sse")
if check_case error_event 3 "$T/err.sse"; then
  expect_keys error_event
  if grep -qF "{\"verdict\":\"error_event\",\"rule\":null,\"offset\":$off,\"line\":10,\"detail\":\"" "$T/json" &&
    grep -qF '"error":{"type":"overloaded_error","message":"Overloaded","retryable":true},"message":{"id":"msg_1"' "$T/json" &&
    grep -qF '"content":[{"type":"text","text":"Hi é"}]' "$T/json" &&
    grep -qF "\"events\":4,\"bytes\":$size}" "$T/json"; then ok; else
    bad "error_event: JSON"
    cat "$T/json" >&2
  fi
  expect_human error_event error_event overloaded_error "byte $off" "line 10"
fi

# not retryable, and an error whose data is not JSON
printf 'event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"bad"}}\n\n' >"$T/err2.sse"
if check_case error_not_retryable 3 "$T/err2.sse"; then
  if grep -qF '"rule":null,"offset":0,"line":1,' "$T/json" &&
    grep -qF '"error":{"type":"invalid_request_error","message":"bad","retryable":false}' "$T/json"; then ok; else
    bad "error_not_retryable: JSON"
    cat "$T/json" >&2
  fi
fi
printf 'event: error\ndata: Internal Server Error\n\n' >"$T/err3.sse"
if check_case error_not_json 3 "$T/err3.sse"; then
  if grep -qF '"error":{"type":null,"message":"Internal Server Error","retryable":false}' "$T/json"; then ok; else
    bad "error_not_json: JSON"
    cat "$T/json" >&2
  fi
fi

# ---- exit 4: protocol_violation -----------------------------------------------------
# a second content_block_stop for index 0 at the offset of the prefix's end, line 13
# shellcheck disable=SC2059
printf "$MS$TS0$TD0$BS0" >"$T/pre.sse"
off=$(wc -c <"$T/pre.sse")
# shellcheck disable=SC2059
printf "$MS$TS0$TD0$BS0$BS0$MD$MST" >"$T/dup.sse"
if check_case duplicate_block_stop 4 "$T/dup.sse"; then
  expect_keys duplicate_block_stop
  if grep -qF "{\"verdict\":\"protocol_violation\",\"rule\":\"duplicate_block_stop\",\"offset\":$off,\"line\":13,\"detail\":\"" "$T/json" &&
    grep -qF '"error":null,"message":{"id":"msg_1"' "$T/json"; then ok; else
    bad "duplicate_block_stop: JSON"
    cat "$T/json" >&2
  fi
  expect_human duplicate_block_stop protocol_violation duplicate_block_stop "byte $off" "line 13" "stop reason" "blocks" "usage"
fi

# unnamed events: a violation unless --lenient-unnamed
printf 'data: {"type":"message_start","message":{"id":"msg_1","model":"m"}}\n\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}\n\ndata: {"type":"message_stop"}\n\n' >"$T/unnamed.sse"
if check_case unnamed 4 "$T/unnamed.sse"; then
  if grep -qF '"rule":"event_name_missing","offset":0,"line":1,' "$T/json"; then ok; else
    bad "unnamed: JSON"
    cat "$T/json" >&2
  fi
fi
if check_case unnamed_lenient 0 "$T/unnamed.sse" --lenient-unnamed; then
  if grep -qF '"verdict":"complete"' "$T/json" && grep -qF '"stop_reason":"end_turn"' "$T/json"; then ok; else
    bad "unnamed_lenient: JSON"
    cat "$T/json" >&2
  fi
fi

# ---- exit 5: invalid_json -----------------------------------------------------------
# shellcheck disable=SC2059
printf "$MS"'event: content_block_start\ndata: {"type":"content_block_start","index":0,\n\n' >"$T/badjson.sse"
if check_case event_data_not_json 5 "$T/badjson.sse"; then
  if grep -qF '"verdict":"invalid_json","rule":"event_data_not_json","offset":224,"line":4,' "$T/json"; then ok; else
    bad "event_data_not_json: JSON"
    cat "$T/json" >&2
  fi
fi
# tool input: the delta that brings the second } (line 10)
# shellcheck disable=SC2059
printf "$MS$TS0$TU1" >"$T/pre.sse"
off=$(wc -c <"$T/pre.sse")
# shellcheck disable=SC2059
printf "$MS$TS0$TU1"'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}}"}}\n\n' >"$T/badtool.sse"
if check_case tool_input_invalid 5 "$T/badtool.sse"; then
  if grep -qF "\"verdict\":\"invalid_json\",\"rule\":\"tool_input_invalid\",\"offset\":$off,\"line\":10," "$T/json"; then ok; else
    bad "tool_input_invalid: JSON"
    cat "$T/json" >&2
  fi
fi

# ---- exit 6: limit_exceeded ---------------------------------------------------------
if check_case json_too_deep 6 "$T/complete.sse" --max-json-depth 2; then
  if grep -qF '"verdict":"limit_exceeded","rule":"json_too_deep","offset":0,"line":1,' "$T/json"; then ok; else
    bad "json_too_deep: JSON"
    cat "$T/json" >&2
  fi
  expect_human json_too_deep limit_exceeded json_too_deep "byte 0" "line 1"
fi
if check_case line_too_long 6 "$T/complete.sse" --max-line-bytes 100; then
  if grep -qF '"verdict":"limit_exceeded","rule":"line_too_long",' "$T/json"; then ok; else
    bad "line_too_long: JSON"
    cat "$T/json" >&2
  fi
fi
if check_case event_too_large 6 "$T/complete.sse" --max-event-bytes 150; then
  if grep -qF '"verdict":"limit_exceeded","rule":"event_too_large",' "$T/json"; then ok; else
    bad "event_too_large: JSON"
    cat "$T/json" >&2
  fi
fi

# ---- hostile and foreign bodies (issue 10) ---------------------------------------------
# expect_in NAME STRING...: each string occurs in the last --json report.
expect_in() {
  local name="$1" w
  shift
  for w in "$@"; do
    if grep -qF -- "$w" "$T/json"; then ok; else
      bad "$name: JSON lacks '$w'"
      cat "$T/json" >&2
    fi
  done
}
# an error event after message_stop: the answer is whole (4, not 3: nothing
# to retry), the error is still reported
# shellcheck disable=SC2059
printf "$MS$TS0$TD0$BS0$MD$MST"'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"late"}}\n\n' >"$T/late_error.sse"
if check_case error_after_stop 4 "$T/late_error.sse"; then
  expect_in error_after_stop '"verdict":"protocol_violation","rule":"event_after_message_stop"' \
    '"error":{"type":"overloaded_error","message":"late","retryable":true}' \
    '"content":[{"type":"text","text":"Hi é"}'
  expect_keys error_after_stop
  expect_human error_after_stop event_after_message_stop overloaded_error late
fi
# a proxy dropped message_start, then relayed an error: the violation stays
# the verdict, the later error event is reported
# shellcheck disable=SC2059
printf "$TS0$TD0"'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"boom"}}\n\n' >"$T/hidden_error.sse"
if check_case hidden_error 4 "$T/hidden_error.sse"; then
  expect_in hidden_error '"rule":"event_before_message_start","offset":0,' \
    '"error":{"type":"api_error","message":"boom","retryable":true}'
  expect_human hidden_error event_before_message_start api_error boom
fi
# not event streams: exit 7
printf '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"}}' >"$T/error_body.json"
if check_case error_body 7 "$T/error_body.json"; then
  expect_in error_body '"verdict":"not_event_stream","rule":"error_body","offset":0,"line":1,' \
    '"error":{"type":"invalid_request_error","message":"max_tokens: field required","retryable":false}' \
    '"events":0,"bytes":96}'
  expect_keys error_body
  expect_human error_body not_event_stream error_body invalid_request_error
fi
printf '{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}' >"$T/message.json"
if check_case message_body 7 "$T/message.json"; then
  expect_in message_body '"rule":"message_body"' '"error":null'
fi
printf '<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n' >"$T/page.html"
if check_case html 7 "$T/page.html"; then
  expect_in html '"rule":"not_event_stream","offset":0,"line":1,' '"bytes":1}'
  expect_human html not_event_stream
fi
printf '\x00\x01\x02binary' >"$T/binary.bin"
check_case binary 7 "$T/binary.bin"
# reading stops once nothing more can be learned: /dev/zero is not an event
# stream at its first byte; an endless line is line_too_long at 1 MiB
if [ -r /dev/zero ]; then
  timeout 20 "$BIN" check --json /dev/zero >"$T/json" 2>"$T/err"
  rc=$?
  if [ "$rc" = 7 ]; then ok; else bad "check /dev/zero: exit $rc, expected 7 at once"; fi
  for ch in "" "--chunk 4096" "--chunk random:5"; do
    # shellcheck disable=SC2086
    { printf 'data: '; head -c 67108864 /dev/zero | tr '\0' a; } |
      timeout 20 "$BIN" check --json $ch - >"$T/json" 2>"$T/err"
    rc=$?
    if [ "$rc" = 6 ] && grep -qF '"rule":"line_too_long"' "$T/json" &&
       grep -qF '"events":0,"bytes":1048576}' "$T/json"; then ok; else
      bad "endless line [${ch:-whole}]: exit $rc, expected 6 with bytes 1048576"
      cut -c1-100 "$T/json" >&2
    fi
  done
fi

# ---- exit 1: usage and I/O errors ---------------------------------------------------
expect_rc1() {
  local name="$1"
  shift
  "$@" >"$T/out" 2>"$T/err" </dev/null
  local rc=$?
  if [ "$rc" = 1 ] && [ -s "$T/err" ]; then ok; else
    bad "$name: exit $rc (expected 1 with a message on stderr)"
  fi
}
expect_rc1 missing_file "$BIN" check "$T/no-such-file.sse"
expect_rc1 missing_file_json "$BIN" check --json "$T/no-such-file.sse"
expect_rc1 directory "$BIN" check "$T"
expect_rc1 bad_option "$BIN" check --frobnicate "$T/complete.sse"
expect_rc1 bad_chunk "$BIN" check --chunk 0 "$T/complete.sse"
expect_rc1 bad_chunk_word "$BIN" check --chunk lots "$T/complete.sse"
expect_rc1 chunk_without_value "$BIN" check "$T/complete.sse" --chunk
expect_rc1 two_files "$BIN" check "$T/complete.sse" "$T/complete.sse"
expect_rc1 bad_depth "$BIN" check --max-json-depth 600 "$T/complete.sse"
expect_rc1 bad_depth_word "$BIN" check --max-json-depth deep "$T/complete.sse"

"$BIN" check --help >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ] && grep -q "check" "$T/out"; then ok; else bad "check --help: exit $rc"; fi

# `stream` and `serve` run the helper sseval-net (tools/sseval.c,
# run_net_helper), found beside sseval in a build tree: it is reached (its
# usage text), and a copy of sseval alone fails with a clear message naming
# the places it looked, exit 1 (not a crash, not the wrong command). Skipped
# where sseval was built without the helper or one is installed at the
# configured path (then the copy would find it).
if [ -x "$(dirname "$BIN")/sseval-net" ]; then
  for c in stream serve; do
    "$BIN" $c --help >"$T/out" 2>&1
    if grep -q "^usage: sseval $c" "$T/out"; then ok; else bad "$c --help through sseval-net: $(head -c 200 "$T/out")"; fi
  done
  mkdir -p "$T/alone" && cp "$BIN" "$T/alone/sseval"
  if ! strings "$BIN" 2>/dev/null | grep -q '^/.*/sseval/sseval-net$' ||
     [ ! -e "$(strings "$BIN" | grep '^/.*/sseval/sseval-net$' | head -n 1)" ]; then
    "$T/alone/sseval" stream --help >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" = 1 ] && grep -q "sseval stream: cannot run its helper sseval-net" "$T/err" &&
       grep -q "beside sseval" "$T/err" && [ ! -s "$T/out" ]; then ok
    else bad "sseval without its helper: exit $rc: $(cat "$T/err")"; fi
  fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
