#!/bin/sh
# SPDX-License-Identifier: MIT
# Grade the four example clients with `sseval serve --suite` and keep each
# table and JSON report in OUT (default ./serve-grade). Runs install.sh first
# when node_modules is missing. SSEVAL_BIN: the sseval to use.
#   examples/clients/grade.sh [OUT] [CLIENT...]   CLIENT: sseval-stream,
#                                                 anthropic-sdk, ai-sdk, langchain
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-serve-grade}
[ $# -gt 0 ] && shift
bin=${SSEVAL_BIN:-sseval}
clients=${*:-sseval-stream anthropic-sdk ai-sdk langchain}
mkdir -p "$out"
if [ "$clients" != "sseval-stream" ] && [ ! -d "$here/node_modules" ]; then
  sh "$here/install.sh" || exit 1
fi
rc=0
for c in $clients; do
  case $c in
    sseval-stream) cmd="SSEVAL_BIN='$bin' sh '$here/sseval-stream.sh'" ;;
    *) cmd="node '$here/$c.mjs'" ;;
  esac
  echo "== $c" >&2
  "$bin" serve --suite --client "$cmd" --json-file "$out/$c.json" > "$out/$c.txt"; r=$?
  cat "$out/$c.txt"
  [ $r -ne 0 ] && rc=$r
done
exit $rc
