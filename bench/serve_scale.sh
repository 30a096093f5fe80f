#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/serve_scale.sh - N concurrent streaming connections on one `sseval
# serve` process, the other end bench/serve_load (curl_multi, every stream
# validated by libsseval-curl). Reports server and client memory per
# connection, events per second per CPU-second of the server, and the delay
# of an event behind its schedule (docs/SERVE.md has the figures).
#
#   bench/serve_scale.sh [N] [PACE_MS] [DELTAS] [THREADS]
#     N        connections (default 10000)
#     PACE_MS  milliseconds between the events of one stream (default 300)
#     DELTAS   text deltas per stream (default 30: 36 events)
#     THREADS  server threads (default 2)
# Env: SSEVAL_BIN (the sseval), SSEVAL_BUILD (the build dir holding
# bench/serve_load). Raises the descriptor limit for both processes.
set -u
n=${1:-10000}
pace=${2:-300}
deltas=${3:-30}
threads=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
build=${SSEVAL_BUILD:-$here/../build/release}
bin=${SSEVAL_BIN:-$build/sseval}
load=$build/bench/serve_load
[ -x "$load" ] || { echo "serve_scale.sh: $load missing (needs libcurl)"; exit 77; }
"$bin" serve --help >/dev/null 2>&1 || { echo "serve_scale.sh: this sseval has no serve"; exit 77; }

want=$((n + 1024))  # per process: the server and the client each hold n sockets
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
  ulimit -Hn "$want" 2>/dev/null || { echo "serve_scale.sh: cannot raise the fd limit to $want (hard $hard)"; exit 1; }
fi
ulimit -n "$want" || exit 1

tmp=$(mktemp -d)
trap 'kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
"$bin" serve --port 0 --deltas "$deltas" --pace "$pace" --quiet --threads "$threads" \
  --max-connections $((2 * n + 100)) --stall-max 600 > "$tmp/port" 2> "$tmp/serve.err" &
spid=$!
for _ in $(seq 100); do grep -q listening "$tmp/port" && break; sleep 0.05; done
port=$(grep -o '[0-9]*$' "$tmp/port")
[ -n "$port" ] || { cat "$tmp/serve.err"; exit 1; }

field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # clock ticks
hz=$(getconf CLK_TCK)
rss0=$(field "$spid" VmRSS)
cpu0=$(cpu "$spid")
# the server's RSS while the connections are open: sampled, the maximum kept
( peak=0; while kill -0 "$spid" 2>/dev/null; do
    r=$(field "$spid" VmRSS); [ -n "$r" ] && [ "$r" -gt "$peak" ] && { peak=$r; echo "$peak" > "$tmp/peak"; }
    sleep 0.2; done ) &
mpid=$!
t0=$(date +%s.%N)
"$load" "http://127.0.0.1:$port" "$n" "$pace" > "$tmp/load.json"
lrc=$?
t1=$(date +%s.%N)
cpu1=$(cpu "$spid")
kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
peak=$(cat "$tmp/peak" 2>/dev/null || echo 0)
python3 - "$tmp/load.json" "$n" "$rss0" "$peak" "$cpu0" "$cpu1" "$hz" "$t0" "$t1" "$threads" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))
n, rss0, peak, c0, c1, hz = (int(x) for x in sys.argv[2:8])
t0, t1 = float(sys.argv[8]), float(sys.argv[9])
server_cpu = (c1 - c0) / hz
ev = load["events"]
out = {
    "connections": n, "complete": load["complete"], "failed": load["failed"],
    "pace_ms": load["pace_ms"], "events": ev, "wall_s": round(t1 - t0, 2),
    "all_connected_after_s": load["all_connected_after_s"],
    "max_open_at_once": load.get("max_open"),
    "server_threads": int(sys.argv[10]),
    "server_rss_idle_kb": rss0, "server_rss_peak_kb": peak,
    "server_kb_per_connection": round((peak - rss0) / n, 1),
    "client_kb_per_connection": round((load["client_rss_all_open_kb"] - load["client_rss_base_kb"]) / n, 1),
    "client_peak_rss_kb": load["client_peak_rss_kb"],
    "server_cpu_s": round(server_cpu, 2), "client_cpu_s": load["client_cpu_s"],
    "server_events_per_cpu_s": round(ev / server_cpu) if server_cpu else None,
    "client_events_per_cpu_s": round(ev / load["client_cpu_s"]) if load["client_cpu_s"] else None,
    "event_delay_ms": load["delay_ms"],
}
print(json.dumps(out, indent=1))
PY
exit $lrc
