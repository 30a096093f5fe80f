#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run.sh - the sseval benchmark: generate the corpora, measure sseval,
# the machine's limits and the peers in one run, write bench/results.md.
#
#   bench/run.sh [--smoke] [--size MIB] [--no-node] [--no-callgrind]
#                [--core N] [--out FILE]
#
#   --smoke         a tiny corpus, one rep of everything, no callgrind, node
#                   peers only if bench/node_modules is already there; checks
#                   that the bench code builds and runs (`make test` calls it).
#                   Measures nothing worth reading and asserts no timing; the
#                   report goes to a temporary file unless --out is given.
#   --size MIB      size of the realistic and single-message corpora (64)
#   --no-node       skip the JavaScript peers (otherwise installed with
#                   `npm ci` into bench/node_modules from package-lock.json)
#   --no-callgrind  skip the instruction counts
#   --core N        pin every measurement to CPU N (default: the last CPU)
#   --out FILE      the report (default bench/results.md)
#
# Binaries: $SSEVAL_BUILD/bench/{gen,base,bench_sse,bench_claude} and
# $SSEVAL_BIN (the CLI) as `make bench` passes them; otherwise build/release
# or build/test, otherwise compiled by hand into bench/build/ (cc -O2).
# Corpora are cached in bench/corpus/ (or $BENCH_CORPUS_DIR), keyed by shape,
# size and seed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${SSEVAL_SRC:-$(cd "$here/.." && pwd)}
smoke=0
size_mib=64
use_node=1
use_cg=1
core=""
out=""
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --size) size_mib=$2; shift ;;
    --no-node) use_node=0 ;;
    --no-callgrind) use_cg=0 ;;
    --core) core=$2; shift ;;
    --out) out=$2; shift ;;
    --seed) seed=$2; shift ;;
    -h|--help) sed -n '3,26p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done

log() { printf '%s\n' "$*" >&2; }

# ---- binaries -------------------------------------------------------------------
bin=""
testbuild=""
[ "$smoke" = 1 ] && testbuild="$src/build/test" # sanitized: never for figures
for d in "${SSEVAL_BUILD:-}/bench" "$src/build/release/bench" ${testbuild:+"$testbuild/bench"}; do
  if [ -n "$d" ] && [ -x "$d/gen" ] && [ -x "$d/base" ] && [ -x "$d/bench_sse" ]; then
    bin=$d
    break
  fi
done
if [ -z "$bin" ]; then
  bin="$here/build"
  mkdir -p "$bin"
  cc=${CC:-cc}
  libsrc=$(ls "$src"/src/*.c 2>/dev/null | grep -v '/_[^/]*$' || true)
  log "run.sh: no build found; compiling the benches by hand into $bin"
  # shellcheck disable=SC2086
  $cc -std=c11 -O2 -I"$src/include" -I"$src/src" -o "$bin/gen" "$here/gen.c" $libsrc -lm
  $cc -std=c11 -O2 -o "$bin/base" "$here/base.c"
  for b in bench_sse bench_claude scale gen_check; do
    # shellcheck disable=SC2086
    $cc -std=c11 -O2 -DNDEBUG -I"$src/include" -I"$src/src" -I"$here" \
      -o "$bin/$b" "$here/$b.c" $libsrc -lm
  done
fi
cli=${SSEVAL_BIN:-}
for c in "$cli" "${SSEVAL_BUILD:-}/sseval" "$src/build/release/sseval" ${testbuild:+"$testbuild/sseval"}; do
  if [ -n "$c" ] && [ -x "$c" ]; then cli=$c; break; fi
  cli=""
done

# ---- pinning: one core for every measurement --------------------------------------
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
[ -n "$core" ] || core=$((ncpu - 1))
pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$core" true 2>/dev/null; then
  pin=(taskset -c "$core")
fi

# ---- corpora ------------------------------------------------------------------------
cdir=${BENCH_CORPUS_DIR:-$here/corpus}
if [ "$smoke" = 1 ]; then
  cdir=$(mktemp -d "${TMPDIR:-/tmp}/sseval-bench-smoke.XXXXXX")
  trap 'rm -rf "$cdir"' EXIT
fi
mkdir -p "$cdir"
if [ "$smoke" = 1 ]; then
  big=256k; adv=256k; cgsize=64k; lt=256k
else
  big=${size_mib}m; adv=$(( size_mib > 16 ? 16 : size_mib ))m; cgsize=4m
  lt=$(( size_mib > 32 ? 32 : size_mib ))m
fi
genv=$(cat "$here/gen.c" "$src/src/gen.c" | cksum | cut -c1-6) # a new generator makes new corpora
corpus() { # shape size -> path (generated once, cached by name)
  local f="$cdir/$1-$2-s$seed-g$genv.sse"
  if [ ! -s "$f" ]; then
    "$bin/gen" --shape "$1" --size "$2" --seed "$seed" -o "$f.tmp" 2>"$f.stats"
    mv "$f.tmp" "$f"
  fi
  echo "$f"
}
log "run.sh: corpora in $cdir"
realistic=$(corpus realistic "$big")
single=$(corpus single "$big")
cr=$(corpus cr "$adv")
multiline=$(corpus multiline "$adv")
longlines=$(corpus longlines "$adv")
tiny=$(corpus tiny "$adv")
longtext=$(corpus longtext "$lt")
cgcorpus=$(corpus realistic "$cgsize")

# ---- the run ------------------------------------------------------------------------
rec=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-records.XXXXXX")
trap 'rm -f "$rec"; [ "$smoke" = 1 ] && rm -rf "$cdir"; true' EXIT
opts=()
[ "$smoke" = 1 ] && opts=(--smoke)

{
  echo "C	machine	$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //') ($ncpu CPUs, pinned to CPU ${core}${pin[*]:+ with taskset})"
  flags="-O2 (hand-built)"
  cache="$(dirname "$bin")/CMakeCache.txt"
  if [ -f "$cache" ]; then
    flags="$(sed -n 's/^CMAKE_C_FLAGS_RELEASE:[A-Z]*=//p' "$cache") (CMake $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache"), SSEVAL_NATIVE=$(sed -n 's/^SSEVAL_NATIVE:[A-Z]*=//p' "$cache"), SSEVAL_SANITIZE=$(sed -n 's/^SSEVAL_SANITIZE:[A-Z]*=//p' "$cache"))"
  fi
  echo "C	compiler	$( (${CC:-cc} --version 2>/dev/null || true) | head -n1), $flags"
  echo "C	date	$(date -u '+%Y-%m-%d %H:%M UTC')"
  commit=${SSEVAL_COMMIT:-}
  if [ -z "$commit" ] && git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git -C "$src" log -1 --format='%h' 2>/dev/null || true)
    if [ -n "$(git -C "$src" status --porcelain -- src include tools 2>/dev/null)" ]; then
      commit="$commit + uncommitted changes in src/ include/ tools/"
    fi
  fi
  echo "C	commit	${commit:-unknown}"
  echo "C	kernel	$(uname -sr)"
  echo "C	node	$(node --version 2>/dev/null || echo none)"
  echo "C	smoke	$smoke"
  for f in "$realistic" "$single" "$cr" "$multiline" "$longlines" "$tiny" "$longtext" "$cgcorpus"; do
    echo "C	corpus	$(basename "$f")	$(cat "$f.stats" 2>/dev/null | sed 's/^gen: //')"
  done
} >>"$rec"

step() { log "==> $*"; }

step "limits and C baselines (bench_base)"
"${pin[@]}" "$bin/base" "${opts[@]}" "$realistic" >>"$rec"

step "tokenizer (bench_sse)"
"${pin[@]}" "$bin/bench_sse" "${opts[@]}" --chunks 65536,1024,1 "$realistic" >>"$rec"
"${pin[@]}" "$bin/bench_sse" "${opts[@]}" --chunks 65536,1 "$cr" "$multiline" "$longlines" "$tiny" >>"$rec"

have_claude=0
if [ -x "$bin/bench_claude" ]; then
  have_claude=1
  step "Claude validator and accumulator (bench_claude)"
  "${pin[@]}" "$bin/bench_claude" "${opts[@]}" --chunks 65536,1024 "$realistic" >>"$rec"
  "${pin[@]}" "$bin/bench_claude" "${opts[@]}" --chunks 65536 "$single" "$cr" "$multiline" "$longlines" "$longtext" >>"$rec"
fi
if [ -x "$bin/scale" ]; then
  step "many streams in one process (scale)"
  "${pin[@]}" "$bin/scale" "${opts[@]}" "$realistic" >>"$rec"
fi
if [ -x "$bin/gen_check" ]; then
  step "generation vs check on the generated bytes (gen_check)"
  gsize=()
  [ "$smoke" = 0 ] && gsize=(--size "$(( size_mib > 32 ? 32 : size_mib ))")
  "${pin[@]}" "$bin/gen_check" "${opts[@]}" "${gsize[@]}" >>"$rec"
fi

# ---- JavaScript peers -----------------------------------------------------------------
node_ok=0
if [ "$use_node" = 1 ] && command -v node >/dev/null 2>&1; then
  if [ ! -d "$here/node_modules/eventsource-parser" ] || [ ! -d "$here/node_modules/@anthropic-ai/sdk" ]; then
    if [ "$smoke" = 0 ] && command -v npm >/dev/null 2>&1; then
      step "npm ci (bench/node_modules)"
      (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || log "run.sh: npm ci failed; skipping the node peers"
    fi
  fi
  [ -d "$here/node_modules/eventsource-parser" ] && [ -d "$here/node_modules/@anthropic-ai/sdk" ] && node_ok=1
fi
if [ "$node_ok" = 1 ]; then
  step "JavaScript peers (node $(node --version))"
  nopts=(--reps 5 --budget 25)
  [ "$smoke" = 1 ] && nopts=(--reps 1)
  # The machine's limit right before and after each peer (node has no
  # memchr of its own): the peer's `x memchr` uses their mean.
  near() { "${pin[@]}" "$bin/base" "${opts[@]}" --only memchr --reps 5 "$realistic" |
             sed "s/^R\tmemchr\t/R\tmemchr_$1\t/" >>"$rec"; }
  for s in esp_json sdk_stream sdk_message; do
    near "before_$s"
    "${pin[@]}" node "$here/peers.mjs" "$s" "${nopts[@]}" "$realistic" >>"$rec"
    near "after_$s"
  done
else
  log "run.sh: node peers skipped"
fi

# ---- whole processes: sseval check vs memchr vs node peers on one message ---------------
time_cmd() { # name reps cmd... -> W record: name median_s min_s reps exit cpu_s tool
  local name=$1 reps=$2; shift 2
  local line tool
  if [ "$smoke" = 0 ] && command -v hyperfine >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    local j
    tool=hyperfine
    j=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-hf.XXXXXX")
    if "${pin[@]}" hyperfine -N --style none --warmup 1 --runs "$reps" --export-json "$j" \
         --output=null "$(printf '%q ' "$@")" >/dev/null 2>&1; then
      line=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.6f\t%.6f\t%d\t0\t%.6f" % (r["median"], r["min"], len(r["times"]), r["user"] + r["system"]))' "$j")
    else
      line="0	0	0	1	0"
    fi
    rm -f "$j"
  else
    tool="clock_gettime (bench/base --exec)"
    line=$("${pin[@]}" "$bin/base" --exec "$reps" "$@")
    line=${line#X$'\t'}
  fi
  printf 'W\t%s\t%s\t%s\n' "$name" "$line" "$tool" >>"$rec"
}
step "whole processes on $(basename "$single")"
preps=5
[ "$smoke" = 1 ] && preps=1
time_cmd memchr_count "$preps" "$bin/base" --count "$single"
if [ -n "$cli" ]; then
  time_cmd sseval_check "$preps" "$cli" check "$single"
  time_cmd sseval_check_64k "$preps" "$cli" check --chunk 65536 "$single"
  time_cmd sseval_check_1k "$preps" "$cli" check --chunk 1024 "$single"
  time_cmd sseval_events "$preps" "$cli" events "$single"
  step "whole processes on $(basename "$longtext")"
  time_cmd memchr_count_lt "$preps" "$bin/base" --count "$longtext"
  time_cmd sseval_check_lt "$preps" "$cli" check "$longtext"
else
  log "run.sh: no sseval CLI found; skipping it"
fi
if [ "$node_ok" = 1 ]; then
  nreps=3
  [ "$smoke" = 1 ] && nreps=1
  time_cmd node_esp_json "$nreps" node "$here/peers.mjs" esp_json --once "$single"
  time_cmd node_sdk_message "$nreps" node "$here/peers.mjs" sdk_message --once "$single"
fi
echo "S	single_bytes	$(wc -c <"$single" | tr -d ' ')" >>"$rec"
echo "S	longtext_bytes	$(wc -c <"$longtext" | tr -d ' ')" >>"$rec"

# Both sides did the whole work and agree: sseval's rebuilt message and the
# SDK's finalMessage(), block by block, on the single-message stream.
if [ "$node_ok" = 1 ] && [ -n "$cli" ]; then
  step "sseval check --json vs the SDK's finalMessage()"
  refj=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-ref.XXXXXX")
  agree="sseval check --json failed"
  if "$cli" check --json "$single" >"$refj"; then
    agree=$(node "$here/peers.mjs" sdk_compare --ref "$refj" "$single" 2>&1 | tail -n1) || true
  fi
  rm -f "$refj"
  printf 'S\tagree\t%s\n' "$agree" >>"$rec"
  log "  $agree"
fi

# Hardware instruction counts of whole processes, where the machine exposes
# them (`perf stat -e instructions true` prints a number, not <not supported>).
if [ "$smoke" = 0 ] && command -v perf >/dev/null 2>&1 &&
   perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then
  step "perf stat (instructions of whole processes)"
  pstat() { # name cmd...
    local name=$1; shift
    local n
    n=$("${pin[@]}" perf stat -x, -e instructions "$@" 2>&1 >/dev/null | awk -F, '/instructions/ {print $1; exit}')
    [ -n "$n" ] && printf 'P\t%s\t%s\n' "$name" "$n" >>"$rec"
  }
  pstat memchr_count "$bin/base" --count "$single"
  [ -n "$cli" ] && pstat sseval_check "$cli" check "$single"
else
  echo "S	perf_stat	not supported here (perf stat -e instructions)" >>"$rec"
fi

# ---- instruction counts ----------------------------------------------------------------------
if [ "$smoke" = 0 ] && [ "$use_cg" = 1 ] && command -v valgrind >/dev/null 2>&1; then
  step "callgrind on $(basename "$cgcorpus") (instructions per byte)"
  cg() { # binary subject
    local f
    f=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-cg.XXXXXX")
    if valgrind --tool=callgrind --toggle-collect='bench_region*' --callgrind-out-file="$f" \
         "$bin/$1" --callgrind "$2" "$cgcorpus" >"$f.stdout" 2>/dev/null; then
      local ir
      ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
      local bytes
      bytes=$(awk -F'\t' '$1=="I" {print $4; exit}' "$f.stdout")
      printf 'G\t%s\t%s\t%s\n' "$2" "$ir" "$bytes" >>"$rec"
    else
      log "run.sh: callgrind $1 $2 failed"
    fi
    rm -f "$f" "$f.stdout"
  }
  for s in memchr split_whole split_copy_64k naive_64k; do cg base "$s"; done
  for s in tok_64k tok_1k tok_1b; do cg bench_sse "$s"; done
  if [ "$have_claude" = 1 ]; then
    for s in val_64k acc_64k; do cg bench_claude "$s"; done
  fi
fi

# ---- where the instructions go (file:line), appended to the report --------------------------
prof=""
if [ "$smoke" = 0 ] && [ "$use_cg" = 1 ] && command -v valgrind >/dev/null 2>&1 &&
   command -v python3 >/dev/null 2>&1; then
  step "profile.sh (hottest functions and lines)"
  prof=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-profile.XXXXXX")
  SSEVAL_SRC="$src" bash "$here/profile.sh" tok_64k tok_1b val_64k acc_64k >"$prof" 2>&1 ||
    log "run.sh: profile.sh failed (see the report)"
fi

# ---- report ----------------------------------------------------------------------------------
if [ -z "$out" ]; then
  if [ "$smoke" = 1 ]; then out=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-smoke-report.XXXXXX"); else out="$here/results.md"; fi
fi
if command -v python3 >/dev/null 2>&1; then
  # The peers table as a picture (gnuplot, a Debian package that `make
  # bench` installs): peers.png next to the report, shown in it; a smoke run
  # draws it into a temporary directory, to check the drawing code only.
  chart=()
  dat=""
  if command -v gnuplot >/dev/null 2>&1; then
    dat=$(mktemp "${TMPDIR:-/tmp}/sseval-bench-chart.XXXXXX")
    chart=(--chart "$dat")
  fi
  python3 "$here/report.py" "${chart[@]}" "$rec" ${prof:+"$prof"} >"$out"
  if [ -n "$dat" ]; then
    png="$(dirname "$out")/peers.png"
    [ "$smoke" = 1 ] && png="$cdir/peers.png"
    if [ -s "$dat" ] && gnuplot -e "datafile='$dat'; outfile='$png'" "$here/peers.gp"; then
      log "run.sh: chart written to $png"
    else
      log "run.sh: chart not drawn (no peer figures, or gnuplot failed)"
      [ "$smoke" = 1 ] && status_chart=1
    fi
    rm -f "$dat"
  fi
  [ -n "$prof" ] && rm -f "$prof"
  cat "$out"
  log "run.sh: report written to $out"
  [ "$smoke" = 1 ] && [ "$out" != "${out#"${TMPDIR:-/tmp}"/sseval-bench-smoke-report.}" ] && rm -f "$out"
else
  cat "$rec"
fi

# A smoke run fails when a Claude corpus did not validate as complete (the
# generator and the validator disagree: every figure would be wrong) or a
# timed process did not exit 0.
status=${status_chart:-0}
if grep -q $'^S\tagree\t' "$rec" && ! grep -q $'^S\tagree\tagree' "$rec"; then
  log "run.sh: sseval and the SDK rebuilt different messages: $(grep $'^S\tagree' "$rec" | cut -f3)"
  status=1
fi
if grep -q $'^M\tclaude\..*\.not_complete' "$rec"; then
  log "run.sh: some generated streams were not 'complete' (see not_complete above)"
  status=1
fi
if awk -F'\t' '$1=="W" && $6!=0 {bad=1; print "run.sh: process " $2 " failed (exit " $6 ")" > "/dev/stderr"} END {exit !bad}' "$rec"; then
  status=1
fi
[ "$smoke" = 1 ] && [ "$status" != 0 ] && exit 1
log "run.sh: done"
