#!/bin/bash
# SPDX-License-Identifier: MIT
# The scale benchmark of `sseval serve` (bench/serve_scale.sh) at 200
# connections: every stream completes and validates, the report is whole.
# Skipped (77) without libmicrohttpd or libcurl. Not a timed test: no figure
# is asserted.
set -u
src=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
out=$(SSEVAL_BUILD="${SSEVAL_BUILD:-$src/build/test}" bash "$src/bench/serve_scale.sh" 200 20 10 2)
rc=$?
echo "$out"
[ $rc = 77 ] && exit 77
[ $rc = 0 ] || { echo "FAIL: serve_scale.sh exit $rc"; exit 1; }
python3 - "$out" <<'PY' || exit 1
import json, sys
r = json.loads(sys.argv[1])
assert r["connections"] == 200 and r["complete"] == 200 and r["failed"] == 0, r
assert r["events"] == 200 * 16, r["events"]  # 10 deltas: 16 events a stream
assert r["server_rss_peak_kb"] > 0 and r["event_delay_ms"]["p99"] >= 0, r
print("ok: 200 streams complete")
PY
