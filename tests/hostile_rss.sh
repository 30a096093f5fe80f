#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/hostile_rss.sh - memory stays bounded whatever an attacker sends.
#
# About 1 GiB of hostile shapes, made on the fly by yes/head/tr/awk (no
# Python loops), is piped into an uninstrumented `sseval check --json -`
# (tests/_plain_cli.sh); /usr/bin/time measures the CLI's peak RSS. Every
# shape must end with its expected verdict/rule and a peak RSS at most
# BOUND_KIB above the CLI's baseline (its RSS on an empty input). Shapes
# whose limit has no CLI flag yet are reported as SKIP lines; shapes in KNOWN
# (open problems reported to the lead) print KNOWN-ISSUE instead of failing,
# and FIXED once they pass (then remove them from KNOWN).
#
# Env: SSEVAL_HOSTILE_SCALE=N multiplies every size (default 1);
#      SSEVAL_HOSTILE_STRICT=1 fails on KNOWN shapes too.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${SSEVAL_BUILD:-$SRC/build/test}
# shellcheck source=tests/_plain_cli.sh
. "$SRC/tests/_plain_cli.sh"

# Problems this test found and that are fixed (docs/ERRORS.md, "Merged
# maps"): usage_growth and compaction (merged maps grew with every event),
# citations (not counted in max_block_bytes), many_fields (a quadratic
# merge; now also capped by max_unknown_fields). KNOWN lists shapes with an
# open problem: they print KNOWN-ISSUE instead of failing.
KNOWN=${SSEVAL_HOSTILE_KNOWN-""}
STRICT=${SSEVAL_HOSTILE_STRICT:-0}
SCALE=${SSEVAL_HOSTILE_SCALE:-1}
BOUND_KIB=${SSEVAL_HOSTILE_BOUND_KIB:-6144} # above the baseline

if [ ! -x /usr/bin/time ]; then
  echo "SKIP: /usr/bin/time not installed (Debian package 'time'; cmake/deps.sh installs it)"
  exit 77
fi
BIN=$(plain_cli) || exit 1
work=$BUILD/hostile
rm -rf "$work"; mkdir -p "$work"
help=$("$BIN" check --help 2>&1)
has_flag() { printf '%s\n' "$help" | grep -q -- "$1"; }

M=$((1024 * 1024))
mib() { echo $(($1 * M * SCALE)); }

# ---- generators -----------------------------------------------------------------
MSG_START='event: message_start
data: {"type":"message_start","message":{"id":"msg_hostile","type":"message","role":"assistant","content":[],"model":"m","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}
'
block_start() { # index type [extra members]
  printf 'event: content_block_start\ndata: {"type":"content_block_start","index":%s,"content_block":{"type":"%s"%s}}\n\n' "$1" "$2" "${3:-}"
}
repeat() { # bytes char: that many copies of one byte, no newline
  head -c "$1" /dev/zero | tr '\0' "$2"
}
# `yes` repeats its argument plus a newline: an event text ending in one
# newline becomes one event per copy (the extra newline is the blank line).
events() { # bytes event-text
  yes "$2" | head -c "$1"
}
PAD400=$(repeat 400 x)
DEEP58="$(repeat 58 '[')$(repeat 58 ']')"

# 96 MiB of one letter: the first line is no event-stream field, so it is
# named as a body that is not an event stream as soon as that is known.
gen_no_newline() { repeat "$(mib 96)" a; }
# the same line after a field name: an event stream whose line never ends
gen_no_newline_field() { printf 'data: '; repeat "$(mib 96)" a; }
gen_endless_data_line() {
  printf '%s\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"' "$MSG_START"
  repeat "$(mib 64)" x
}
gen_endless_comment_line() { printf ':'; repeat "$(mib 32)" c; }
gen_endless_comments() {
  printf '%s\n' "$MSG_START"
  yes ': keep-alive' | head -c "$(mib 160)"
}
gen_blank_lines() { yes '' | head -c "$(mib 32)"; }
gen_tiny_events() {
  printf '%s\n' "$MSG_START"; block_start 0 text ',"text":""'
  events "$(mib 192)" 'event: ping
data: {"type":"ping"}
'
}
gen_unknown_events() {
  printf '%s\n' "$MSG_START"
  events "$(mib 64)" 'event: x
data: {}
'
}
gen_large_unknown_events() {
  printf '%s\n' "$MSG_START"
  local big; big=$(repeat 120000 u) # one argument: under MAX_ARG_STRLEN
  events "$(mib 64)" "event: future_event
data: {\"type\":\"future_event\",\"blob\":\"$big\"}
"
}
gen_multiline_data() {
  printf '%s\nevent: content_block_delta\n' "$MSG_START"
  yes 'data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c "$(mib 64)"
}
gen_deep_json() {
  printf 'event: message_start\ndata: '
  repeat 900000 '['
  printf '\n\n'
  events "$(mib 32)" 'event: ping
data: {"type":"ping"}
'
}
gen_deep_json_allowed() {
  printf '%s\n' "$MSG_START"; block_start 0 text ',"text":""'
  events "$(mib 128)" "event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\",\"x\":$DEEP58}}
"
}
gen_many_blocks() {
  printf '%s\n' "$MSG_START"
  seq 0 5000 | awk '{
    printf "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%d,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n", $1
    printf "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%d,\"delta\":{\"type\":\"text_delta\",\"text\":\"block %d\"}}\n\n", $1, $1
    printf "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":%d}\n\n", $1 }'
  events "$(mib 32)" 'event: ping
data: {"type":"ping"}
'
}
gen_many_tool_blocks() {
  printf '%s\n' "$MSG_START"
  seq 0 5000 | awk '{
    printf "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%d,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_%d\",\"name\":\"t\",\"input\":{}}}\n\n", $1, $1
    printf "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%d,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":[1,2,\"}}\n\n", $1 }'
}
gen_text_accumulation() {
  printf '%s\n' "$MSG_START"; block_start 0 text ',"text":""'
  events "$(mib 96)" "event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"$PAD400\"}}
"
}
gen_tool_input() {
  printf '%s\n' "$MSG_START"
  block_start 0 tool_use ',"id":"toolu_1","name":"t","input":{}'
  printf 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":\\""}}\n\n'
  events "$(mib 96)" "event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"$PAD400\"}}
"
}
gen_usage_growth() {
  printf '%s\n' "$MSG_START"; block_start 0 text ',"text":""'
  printf 'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
  events "$(mib 64)" "event: message_delta
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5,\"note\":\"$PAD400\"}}
"
}
gen_citations() {
  printf '%s\n' "$MSG_START"; block_start 0 text ',"text":""'
  events "$(mib 64)" "event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"type\":\"char_location\",\"cited_text\":\"$PAD400\"}}}
"
}
gen_compaction() {
  printf '%s\n' "$MSG_START"; block_start 0 compaction ',"content":""'
  events "$(mib 64)" "event: content_block_delta
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"compaction_delta\",\"content\":\"$PAD400\"}}
"
}
gen_many_fields() {
  printf 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"m","usage":{'
  seq 1 "${FIELDS:-32000}" | awk '{printf "\"k%d\":1,", $1}'
  printf '"z":1}}}\n\n'
}

# ---- running a shape --------------------------------------------------------------
pass=0 fail=0 skip=0 known=0 total_bytes=0
baseline=0

# measure NAME EXPECT_RULE [CLI options...]: run gen_NAME into the CLI.
measure() {
  local name=$1 want=$2; shift 2
  local t0 t1 rss rc rule bytes secs
  t0=$(date +%s%N)
  "gen_$name" | /usr/bin/time -f '%M %x' -o "$work/$name.time" \
      "$BIN" check --json "$@" - 2>"$work/$name.err" |
    { head -c 600; tail -c 300; } > "$work/$name.out"
  t1=$(date +%s%N)
  read -r rss rc < <(tail -n 1 "$work/$name.time")
  rule=$(grep -o '"rule":[^,]*' "$work/$name.out" | head -n 1 | sed 's/"rule"://; s/"//g')
  bytes=$(grep -o '"bytes":[0-9]*' "$work/$name.out" | tail -n 1 | sed 's/.*://')
  [ -n "$bytes" ] || bytes=0
  secs=$(( (t1 - t0) / 1000000 ))
  total_bytes=$((total_bytes + bytes))
  RSS=$rss RC=$rc RULE=$rule BYTES=$bytes MS=$secs
}

shape() { # name expect_rule [--flag value: skip unless the CLI has --flag] [max_ms]
  local name=$1 want=$2 flag=${3:-} val=${4:-} max_ms=${5:-120000}
  local opts=() verdict_ok=1 mem_ok=1 time_ok=1 problem=""
  if [ -n "$flag" ]; then
    if ! has_flag "$flag"; then
      echo "SKIP $name: the CLI has no $flag yet (limit not settable)"
      skip=$((skip + 1)); return
    fi
    opts=("$flag" "$val")
  fi
  measure "$name" "$want" "${opts[@]}"
  [ "$RULE" = "$want" ] || { verdict_ok=0; problem="rule $RULE, expected $want (exit $RC)"; }
  [ "$RSS" -le $((baseline + BOUND_KIB)) ] || { mem_ok=0; problem="${problem:+$problem; }peak RSS $RSS KiB > $baseline + $BOUND_KIB"; }
  [ "$MS" -le "$max_ms" ] || { time_ok=0; problem="${problem:+$problem; }took $MS ms > $max_ms ms"; }
  local line
  line=$(printf '%-22s %6d KiB peak  %6d ms  %5d MiB read  %s' "$name" "$RSS" "$MS" $((BYTES / M)) "${RULE:-?}")
  if [ $verdict_ok = 1 ] && [ $mem_ok = 1 ] && [ $time_ok = 1 ]; then
    if [[ " $KNOWN " == *" $name "* ]]; then
      echo "FIXED $line  (remove '$name' from KNOWN)"
    else
      echo "ok   $line"
    fi
    pass=$((pass + 1))
  elif [[ " $KNOWN " == *" $name "* ]] && [ "$STRICT" != 1 ]; then
    echo "KNOWN-ISSUE $line: $problem"
    known=$((known + 1))
  else
    echo "FAIL $line: $problem"
    head -c 300 "$work/$name.err"
    fail=$((fail + 1))
  fi
}

: | /usr/bin/time -f '%M %x' -o "$work/baseline.time" "$BIN" check --json - >/dev/null 2>&1
read -r baseline _ < <(tail -n 1 "$work/baseline.time")
echo "CLI: $BIN; baseline peak RSS $baseline KiB; bound baseline + $BOUND_KIB KiB"
start=$(date +%s)

#     name                 expected rule            limit flag (skip if absent)
shape no_newline           not_event_stream
shape no_newline_field     line_too_long
shape endless_data_line    line_too_long
shape endless_comment_line line_too_long
shape endless_comments     eof_inside_event
shape blank_lines          eof_before_message_stop
shape tiny_events          eof_inside_event
shape unknown_events       eof_inside_event
shape large_unknown_events eof_inside_event
shape multiline_data       event_too_large
shape deep_json            json_too_deep
shape deep_json_allowed    eof_inside_event
shape many_blocks          too_many_blocks
shape many_tool_blocks     too_many_blocks
shape text_accumulation    block_too_large          --max-block-bytes 1m
shape tool_input           tool_input_too_large     --max-tool-input-bytes 1m
shape usage_growth         eof_inside_event
shape citations            block_too_large          --max-block-bytes 1m
shape compaction           eof_inside_event
# 32k distinct keys in one usage object: merged when the limit is raised
# (memory stays bounded), refused at once with the default limit. (Not a
# timing check: timings belong to bench/, never to tests.)
FIELDS=32000 shape many_fields eof_before_message_stop --max-unknown-fields 40000
# With the default limit the same event is refused at once.
FIELDS=32000 shape many_fields too_many_fields

echo "hostile shapes: $((total_bytes / M)) MiB read in $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$known" = 0 ] || echo "($known known issues, see KNOWN in $0)"
[ "$fail" = 0 ]
