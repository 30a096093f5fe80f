# SPDX-License-Identifier: MIT
# tests/_consumer.sh - sourced by the scripts that build a consumer of sseval
# outside the tree (install_consumer.sh, embed_consumer.sh, package.sh).
# Expects ok() and bad() from the caller. Defines check_embed, which runs an
# examples/embed.c binary on three fixtures:
#   check_embed LABEL BINARY   complete (exit 0), truncated from stdin (exit 2),
#                              tool input printed.

check_embed() { # label binary
  local label=$1 bin=$2 out rc
  local fix=${SSEVAL_SRC:?}/tests/fixtures/claude
  out=$("$bin" "$fix/sdk-typescript/basic_response.txt" 2>&1); rc=$?
  if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'Hello there!' &&
     printf '%s' "$out" | grep -q '^complete'; then :; else
    bad "$label: complete fixture: exit $rc, output: $out"; return
  fi
  out=$("$bin" < "$fix/sdk-python/basic_response.txt" 2>&1); rc=$?
  if [ $rc -ne 2 ] || ! printf '%s' "$out" | grep -q '^truncated (eof_inside_event)'; then
    bad "$label: truncated fixture from stdin: exit $rc, output: $out"; return
  fi
  out=$("$bin" "$fix/sdk-typescript/tool_use_response.txt" 2>&1); rc=$?
  if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q '\[get_weather\] {"location": "Paris"}'; then
    bad "$label: tool fixture: exit $rc, output: $out"; return
  fi
  ok "$label runs: complete, truncated (exit 2), tool input"
}
