#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/report.py - turn the records of one bench/run.sh run into Markdown.

Records (tab-separated, one per line):
  C key value...                      configuration (machine, compiler, corpora)
  R subject corpus chunk bytes events median_s memchr_median_s ratio reps
  M key value                         metrics (allocations, copies, memory)
  W name median_s min_s reps exit tool   whole processes
  S key value
  G subject instructions bytes        callgrind, instructions in bench_region

  report.py RECORDS [PROFILE]          the Markdown report on stdout
  report.py --chart FILE RECORDS       also the peers table as gnuplot data in
                                       FILE (bench/peers.gp draws it)
"""
import sys

MIB = 1048576.0


def load(path):
    conf, runs, metrics, whole, misc, cg, corpora = {}, [], {}, {}, {}, {}, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if not p or not p[0]:
                continue
            k = p[0]
            if k == "C" and len(p) >= 3:
                if p[1] == "corpus":
                    corpora.append((p[2], p[3] if len(p) > 3 else ""))
                else:
                    conf[p[1]] = p[2]
            elif k == "R" and len(p) >= 10:
                runs.append(dict(subject=p[1], corpus=p[2], chunk=int(p[3]),
                                 bytes=int(p[4]), events=int(p[5]),
                                 t=float(p[6]), tm=float(p[7]),
                                 ratio=float(p[8]), reps=int(p[9]),
                                 wall=float(p[10]) if len(p) > 10 else None))
            elif k == "M" and len(p) >= 3:
                metrics[p[1]] = p[2]
            elif k == "W" and len(p) >= 7:
                wall, cpu = float(p[2]), float(p[6])
                # CPU time (user + sys) when known: the process is pinned to
                # one CPU, so on an idle machine CPU time is its wall time.
                whole[p[1]] = dict(t=cpu if cpu > 0 else wall, wall=wall,
                                   tmin=float(p[3]), reps=int(p[4]),
                                   exit=int(p[5]), tool=p[7] if len(p) > 7 else "")
            elif k == "S" and len(p) >= 3:
                misc[p[1]] = p[2]
            elif k == "P" and len(p) >= 3:
                misc["perf." + p[1]] = p[2]
            elif k == "G" and len(p) >= 4 and p[2] and p[3]:
                cg[p[1]] = (int(p[2]), int(p[3]))
    return conf, runs, metrics, whole, misc, cg, corpora


def fmt(v, nd=0):
    if v is None:
        return "-"
    if nd == 0:
        return f"{v:,.0f}"
    return f"{v:,.{nd}f}"


def ratio_fmt(r):
    if r is None:
        return "-"
    if r >= 10:
        return f"{r:,.1f}x"
    if r >= 0.1:
        return f"{r:.2f}x"
    return f"{r:.4f}x"


def main():
    args = sys.argv[1:]
    chart = None
    if len(args) >= 2 and args[0] == "--chart":
        chart, args = args[1], args[2:]
    sys.argv = [sys.argv[0]] + args
    conf, runs, metrics, whole, misc, cg, corpora = load(sys.argv[1])
    smoke = conf.get("smoke") == "1"

    def find(subject, corpus_prefix="realistic-", chunk=None):
        for r in runs:
            if r["subject"] == subject and r["corpus"].startswith(corpus_prefix) and (
                    chunk is None or r["chunk"] == chunk):
                return r
        return None

    def mibs(r):
        return r["bytes"] / MIB / r["t"] if r and r["t"] > 0 else None

    def xmemchr(subject):
        """A subject's speed as a fraction of memchr's: measured interleaved
        in-process for C; for the node peers, against the mean of the memchr
        runs right before and after the peer (memchr_before_X / _after_X)."""
        r = find(subject)
        if not r:
            return None
        if r["tm"] > 0:
            return r["ratio"]
        near = [mibs(find(f"memchr_{w}_{subject}")) for w in ("before", "after")]
        near = [v for v in near if v]
        if near and mibs(r):
            return mibs(r) / (sum(near) / len(near))
        return None

    # Events in the realistic corpus: the tokenizer's count (every SSE event).
    tok = find("tok_64k")
    corpus_events = tok["events"] if tok else None
    memchr = find("memchr")
    memchr_mibs = mibs(memchr)

    out = []
    w = out.append
    w("# sseval benchmark results")
    w("")
    if smoke:
        w("**SMOKE RUN** (`bench/run.sh --smoke`): a tiny corpus and one rep of "
          "everything, to check that the bench code builds and runs. The figures "
          "below mean nothing.")
        w("")
    w(f"Machine: {conf.get('machine', '?')}; compiler: {conf.get('compiler', '?')}; "
      f"{conf.get('kernel', '?')}; node {conf.get('node', '?')}; {conf.get('date', '?')}; "
      f"sseval at {conf.get('commit', '?')}.")
    w("")
    w("Times are CPU time (of the measuring thread for C, of the process for "
      "node and for whole processes), every measurement pinned to one CPU: "
      "on this shared machine other work preempts the benchmark, and CPU "
      "time leaves out the time spent descheduled while on an idle machine it "
      "equals wall time. The raw records keep wall time too.")
    w("")
    w("Every C figure is the median of several reps, each timed interleaved with "
      "a plain `memchr('\\n')` loop over the same buffer in the same process; "
      "`x memchr` is the median of the per-rep ratios (memchr time / subject "
      "time), so a noisy neighbour slows both sides of a ratio alike. The node "
      "peers run in their own process; their `x memchr` is their speed over "
      "the mean of two memchr measurements taken right before and right after "
      "them. events/s counts every SSE event of the corpus (pings included) "
      "for every row.")
    w("")
    w("Corpora (bench/gen, seeded):")
    w("")
    for name, stats in corpora:
        w(f"- `{name}`: {stats}")
    w("")

    # ---- main table --------------------------------------------------------------
    rows = [
        ("memcpy of the buffer", "memcpy", None),
        ("**memchr '\\n' loop** (the machine's limit)", "memchr", None),
        ("naive C line splitter, whole buffer, no copy (not spec-correct)", "split_whole", None),
        ("naive C line splitter, 64 KiB chunks, copies data (not spec-correct)", "split_copy_64k", None),
        ("hand-rolled C tokenizer, malloc per line and event, 64 KiB chunks", "naive_64k", None),
        ("hand-rolled C tokenizer, 1 KiB chunks", "naive_1k", None),
        ("hand-rolled C tokenizer, 1 B chunks", "naive_1b", None),
        ("**sseval tokenizer**, 64 KiB chunks", "tok_64k", None),
        ("**sseval tokenizer**, 1 KiB chunks", "tok_1k", None),
        ("**sseval tokenizer**, 1 B chunks", "tok_1b", None),
        ("**sseval validator** (tokenizer + strict JSON + state machine), 64 KiB", "val_64k", None),
        ("**sseval validator**, 1 KiB chunks", "val_1k", None),
        ("**sseval validator + accumulator**, 64 KiB", "acc_64k", None),
        ("**sseval validator + accumulator**, 1 KiB chunks", "acc_1k", None),
        ("eventsource-parser (npm) + JSON.parse, 64 KiB", "esp_json", None),
        ("@anthropic-ai/sdk `Stream.fromSSEResponse`, 64 KiB", "sdk_stream", None),
        ("@anthropic-ai/sdk `MessageStream` -> finalMessage(), 64 KiB", "sdk_message", None),
    ]
    w("## Throughput on the realistic corpus")
    w("")
    w("| what | MiB/s | events/s | ns/event | x memchr |")
    w("| --- | ---: | ---: | ---: | ---: |")
    for label, subj, _ in rows:
        r = find(subj)
        if not r:
            continue
        m = mibs(r)
        ev = corpus_events or r["events"]
        evs = ev / r["t"] if r["t"] > 0 else None
        nse = r["t"] * 1e9 / ev if ev else None
        xm = ratio_fmt(xmemchr(subj)) if xmemchr(subj) is not None else "-"
        w(f"| {label} | {fmt(m)} | {fmt(evs)} | {fmt(nse, 1)} | {xm} |")
    w("")

    # ---- peers side by side -------------------------------------------------------
    w("## Peers side by side (same run)")
    w("")
    w("The ratio is taken on speeds relative to memchr measured next to each "
      "subject (see above), so that load from other processes during the run "
      "does not favour either side; raw MiB/s are shown too.")
    w("")
    w("| peer | MiB/s | events/s | x memchr | sseval counterpart | sseval MiB/s | sseval x memchr | sseval is faster by |")
    w("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    pairs = [
        ("hand-rolled C tokenizer (malloc per line/event), 64 KiB", "naive_64k", "tokenizer, 64 KiB", "tok_64k"),
        ("hand-rolled C tokenizer, 1 B chunks", "naive_1b", "tokenizer, 1 B", "tok_1b"),
        ("eventsource-parser + JSON.parse", "esp_json", "validator, 64 KiB", "val_64k"),
        ("@anthropic-ai/sdk Stream.fromSSEResponse", "sdk_stream", "validator, 64 KiB", "val_64k"),
        ("@anthropic-ai/sdk MessageStream.finalMessage()", "sdk_message", "validator + accumulator, 64 KiB", "acc_64k"),
    ]
    peer_ratio = {}
    chart_rows = []
    short = {"naive_64k": "hand-rolled C (64K)", "naive_1b": "hand-rolled C (1 B)",
             "esp_json": "eventsource-parser", "sdk_stream": "SDK Stream",
             "sdk_message": "SDK MessageStream"}
    for label, ps, slabel, ss in pairs:
        p, s = find(ps), find(ss)
        if not p:
            continue
        pm, sm = mibs(p), mibs(s) if s else None
        px, sx = xmemchr(ps), xmemchr(ss)
        ev = corpus_events or p["events"]
        r = sx / px if (sx and px) else None
        peer_ratio[ps] = r
        if px and sx and r:
            chart_rows.append((short.get(ps, label), slabel, px, sx, r))
        w(f"| {label} | {fmt(pm, 1)} | {fmt(ev / p['t'])} | {ratio_fmt(px)} | {slabel} | "
          f"{fmt(sm)} | {ratio_fmt(sx)} | {ratio_fmt(r)} |")
    w("")

    if chart:
        # gnuplot data: one row per pair, x memchr of the peer and of sseval
        with open(chart, "w", encoding="utf-8") as f:
            f.write("# peer\tsseval\tpeer_x_memchr\tsseval_x_memchr\tfaster_by\n")
            for label, slabel, px, sx, r in chart_rows:
                q = lambda t: '"' + t.replace('"', "'") + '"'
                f.write(f"{q(label)}\t{q('sseval ' + slabel)}\t{px:.6g}\t{sx:.6g}\t{r:.3g}\n")
        if chart_rows:
            w("![Peers side by side: speed as a fraction of memchr, log scale](peers.png)")
            w("")

    # ---- whole processes -------------------------------------------------------------
    single_bytes = int(misc.get("single_bytes", "0") or 0)
    if whole:
        w(f"## Whole processes on the single-message stream ({single_bytes / MIB:.1f} MiB)")
        w("")
        w("Whole processes, start-up and file read included, pinned to one CPU; "
          f"timed with {next(iter(whole.values()))['tool'] or '?'}: CPU time "
          "(user + sys), wall time (median) alongside; the ratios use CPU time.")
        w("")
        sr = find("val_64k", "single-")
        single_events = sr["events"] if sr else None
        w("| process | CPU s | wall s | MiB/s | events/s | x memchr process | `sseval check` is faster by |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        labels = [
            ("memchr_count", "memchr line count (`bench/base --count`: 64 KiB `fread` blocks, `memchr`)"),
            ("sseval_check", "`sseval check FILE`"),
            ("sseval_check_64k", "`sseval check --chunk 65536 FILE`"),
            ("sseval_check_1k", "`sseval check --chunk 1024 FILE`"),
            ("sseval_events", "`sseval events FILE` (JSON line per event)"),
            ("node_esp_json", "node: eventsource-parser + JSON.parse"),
            ("node_sdk_message", "node: @anthropic-ai/sdk MessageStream.finalMessage()"),
        ]
        chk = whole.get("sseval_check")
        mc = whole.get("memchr_count")
        for key, label in labels:
            x = whole.get(key)
            if not x:
                continue
            if x["exit"] != 0:
                w(f"| {label} | failed (exit {x['exit']}) | - | - | - | - | - |")
                continue
            m = single_bytes / MIB / x["t"] if x["t"] > 0 else None
            evs = single_events / x["t"] if single_events and x["t"] > 0 else None
            xm = mc["t"] / x["t"] if mc and mc["exit"] == 0 and x["t"] > 0 else None
            rel = x["t"] / chk["t"] if chk and chk["exit"] == 0 and chk["t"] > 0 else None
            w(f"| {label} | {x['t']:.3f} | {x['wall']:.3f} | {fmt(m)} | {fmt(evs)} | {ratio_fmt(xm)} | {ratio_fmt(rel)} |")
        w("")

    lt_bytes = int(misc.get("longtext_bytes", "0") or 0)
    ltc, ltm = whole.get("sseval_check_lt"), whole.get("memchr_count_lt")
    if ltc and ltm:
        w(f"Whole processes on the long-text stream ({lt_bytes / MIB:.1f} MiB, one message, "
          "text deltas of 8 to 64 KiB with escapes and non-ASCII):")
        w("")
        w("| process | CPU s | wall s | MiB/s | x memchr process |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for x, label in ((ltm, "memchr line count (`bench/base --count`)"),
                         (ltc, "`sseval check FILE`")):
            if x["exit"] != 0:
                w(f"| {label} | failed (exit {x['exit']}) | - | - | - |")
                continue
            m = lt_bytes / MIB / x["t"] if x["t"] > 0 else None
            xm = ltm["t"] / x["t"] if ltm["exit"] == 0 and x["t"] > 0 else None
            w(f"| {label} | {x['t']:.3f} | {x['wall']:.3f} | {fmt(m)} | {ratio_fmt(xm)} |")
        w("")

    if "agree" in misc:
        w("Cross-check: `sseval check --json`'s rebuilt message against the SDK's "
          f"`finalMessage()` on this stream: **{misc['agree']}**.")
        w("")
    perf = {k[5:]: int(v) for k, v in misc.items() if k.startswith("perf.") and v.isdigit()}
    if perf and single_bytes:
        w("Hardware instruction counts of those processes (`perf stat -e instructions`, "
          "start-up and file read included): " + "; ".join(
              f"{k} {v / single_bytes:.2f} per input byte" for k, v in perf.items()) + ".")
        w("")
    elif "perf_stat" in misc:
        w(f"`perf stat -e instructions`: {misc['perf_stat']}; instruction counts come "
          "from callgrind below.")
        w("")

    # ---- adversarial shapes ---------------------------------------------------------------
    adv = [r for r in runs if not r["corpus"].startswith("realistic-")
           and r["subject"] not in ("esp_json", "sdk_stream", "sdk_message")]
    if adv:
        w("## Other shapes")
        w("")
        w("| subject | corpus | chunk | MiB/s | events/s | ns/event | x memchr |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for r in adv:
            m = mibs(r)
            evs = r["events"] / r["t"] if r["t"] > 0 else None
            nse = r["t"] * 1e9 / r["events"] if r["events"] else None
            w(f"| {r['subject']} | {r['corpus']} | {r['chunk']} | {fmt(m)} | {fmt(evs)} | "
              f"{fmt(nse, 1)} | {ratio_fmt(r['ratio'])} |")
        w("")

    # ---- instructions ----------------------------------------------------------------
    if cg:
        w("## Instructions (callgrind, one pass in `bench_region`, realistic corpus)")
        w("")
        w("| subject | instructions | per input byte | per event |")
        w("| --- | ---: | ---: | ---: |")
        cg_events = None
        for name, stats in corpora:
            pass
        for subj, (ir, b) in cg.items():
            per_ev = None
            if corpus_events and tok:
                per_ev = ir / (corpus_events * b / tok["bytes"])
            w(f"| {subj} | {fmt(ir)} | {ir / b:.2f} | {fmt(per_ev)} |")
        w("")

    # ---- allocations, copies, memory ---------------------------------------------------------
    def mget(k):
        return metrics.get(k)

    def mfind(suffix, prefix):
        for k, v in metrics.items():
            if k.startswith(prefix) and k.endswith(suffix) and "realistic-" in k:
                return v
        return None

    gshapes = [k[len("gen_check."):-len(".ratio")] for k in metrics
               if k.startswith("gen_check.") and k.endswith(".ratio")]
    if gshapes:
        w("## Generating vs checking (bench/gen_check)")
        w("")
        w("Each shape generated with `sseval_gen_generate` (one reused stream) and then "
          "checked as `sseval check` does (validator + accumulator, an instance per stream, "
          "64 KiB feeds), in one process, CPU time, median of the reps. "
          "Ratio above 1: generating costs less than checking.")
        w("")
        w("| shape | MiB | generate MiB/s | check MiB/s | generate / check |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for sh in gshapes:
            b = float(metrics.get("gen_check.%s.bytes" % sh, "0")) / MIB
            w(f"| {sh} | {b:.1f} | {fmt(float(metrics['gen_check.%s.gen_mibs' % sh]))} | "
              f"{fmt(float(metrics['gen_check.%s.check_mibs' % sh]))} | "
              f"{float(metrics['gen_check.%s.ratio' % sh]):.2f}x |")
        w("")

    w("## Allocations, copies, memory")
    w("")
    w("| what | 64 KiB chunks | 1 KiB chunks | 1 B chunks |")
    w("| --- | ---: | ---: | ---: |")
    for label, prefix in (("tokenizer", "sse."), ("validator", "claude.val."),
                          ("validator + accumulator", "claude.acc.")):
        vals = [mfind(f".{c}.allocs_per_event", prefix) for c in ("64k", "1k", "1b")]
        w(f"| {label}: allocations per event after warm-up | " + " | ".join(v or "-" for v in vals) + " |")
        vals = [mfind(f".{c}.copied_pct_of_input", prefix) for c in ("64k", "1k", "1b")]
        w(f"| {label}: bytes copied, % of input | " + " | ".join((v + "%") if v else "-" for v in vals) + " |")
        zc = [mfind(f".{c}.bytes_zero_copy", prefix) for c in ("64k", "1k", "1b")]
        cp = [mfind(f".{c}.bytes_copied", prefix) for c in ("64k", "1k", "1b")]
        cells = []
        for z, c in zip(zc, cp):
            cells.append(f"{int(c):,} / {int(z):,}" if z is not None and c is not None else "-")
        w(f"| {label}: bytes copied / data bytes handed out zero-copy | " + " | ".join(cells) + " |")
    w("")
    w("| memory of one instance | bytes |")
    w("| --- | ---: |")
    def mem(prefix, what):
        for k, v in metrics.items():
            if k.startswith(prefix + ".memory.realistic-") and k.endswith("." + what):
                return v
        return None

    memrows = [
        ("tokenizer at rest (`sseval_sse_memory`)", "sse", "at_rest"),
        ("tokenizer after a typical stream, 64 KiB chunks", "sse", "after_stream_64k"),
        ("tokenizer after a typical stream, 1 KiB chunks", "sse", "after_stream_1k"),
        ("tokenizer after a typical stream, 1 B chunks", "sse", "after_stream_1b"),
        ("validator at rest (`sseval_claude_memory`)", "claude.val", "at_rest"),
        ("validator after a typical stream", "claude.val", "after_typical_stream"),
        ("validator after reset", "claude.val", "after_reset"),
        ("validator + accumulator at rest", "claude.acc", "at_rest"),
        ("validator + accumulator after a typical stream", "claude.acc", "after_typical_stream"),
        ("validator + accumulator after reset", "claude.acc", "after_reset"),
    ]
    for label, prefix, what in memrows:
        v = mem(prefix, what)
        if v is not None:
            w(f"| {label} | {int(v):,} |")
    for k, v in sorted(metrics.items()):
        if k.startswith("claude.acc.memory.single-") and k.endswith(".after_typical_stream"):
            w(f"| validator + accumulator after the whole single-message stream | {int(v):,} |")
    if "scale.count" in metrics:
        n = int(metrics["scale.count"])
        w("")
        w(f"Many streams in one process (`bench/scale`): {n:,} idle validators, then {n:,} "
          "more each fed a typical message up to a point between two events (spread over "
          f"all {metrics.get('scale.mid.events_in_typical_stream', '?')} events of a "
          f"{int(metrics.get('scale.mid.typical_stream_bytes', 0)):,}-byte message), "
          "no accumulator. Held: what the instances asked their allocator for; resident: "
          "the growth of the process's resident set, malloc's own overhead included.")
        w("")
        w("| streams | held bytes per stream | resident bytes per stream | resident MiB in all |")
        w("| --- | ---: | ---: | ---: |")
        for k, label in (("idle", "idle"), ("mid", "mid-stream")):
            h, r = metrics.get(f"scale.{k}.held_per_stream"), metrics.get(f"scale.{k}.rss_per_stream")
            if h is None:
                continue
            tot = float(r) * n / MIB if r else None
            w(f"| {n:,} {label} | {fmt(float(h))} | {fmt(float(r) if r else None)} | {fmt(tot, 1)} |")
    ts = mem("sse", "typical_stream_bytes")
    if ts:
        w("")
        w(f"A typical stream is the median-size message of the realistic corpus ({int(ts):,} bytes).")
    bad = {k: v for k, v in metrics.items() if k.endswith(".not_complete")}
    if bad:
        w("")
        w("**Streams not validated as complete** (the figures of those runs are wrong): " +
          ", ".join(f"{k} = {v}" for k, v in bad.items()))
    w("")

    # ---- goals --------------------------------------------------------------------------
    w("## Goals (round two; bench/NOTES.md says where each comes from)")
    w("")
    if smoke:
        w("Not evaluated in a smoke run.")
        w("")
        print("\n".join(out))
        return

    def x(subj):
        r = find(subj)
        return r["ratio"] if r and r["tm"] > 0 else None

    def ir_b(subj):
        if subj in cg:
            ir, b = cg[subj]
            return ir / b
        return None

    def whole_ratio(a, b):  # how many times faster a is than b (time b / time a)
        wa, wb = whole.get(a), whole.get(b)
        if wa and wb and wa["exit"] == 0 and wb["exit"] == 0 and wa["t"] > 0:
            return wb["t"] / wa["t"]
        return None

    def allocs_all_zero():
        vals = [v for k, v in metrics.items() if k.endswith(".allocs_per_event")]
        if not vals:
            return None
        return max(float(v) for v in vals)

    sse_rest = mem("sse", "at_rest")
    val_rest = mem("claude.val", "at_rest")
    def whole_x(a, b):  # process a's speed as a fraction of process b's (b = memchr)
        r = whole_ratio(b, a)
        return 1 / r if r else None

    def run_x(subj, prefix):
        r = find(subj, prefix)
        return r["ratio"] if r and r["tm"] > 0 else None

    def scale_mib():
        n, r = metrics.get("scale.count"), metrics.get("scale.mid.rss_per_stream")
        if not n or not r:
            return None
        return float(r) * 100000 / MIB  # per 100,000 streams, whatever N was

    f2 = lambda v: f"{v:.2f}"
    fb = lambda v: f"{v:,.0f}"
    goals = [
        ("tokenizer alone, 64 KiB chunks (x memchr)", x("tok_64k"), 1.0, 1.0, "ge", ratio_fmt),
        ("validate only, 64 KiB, realistic corpus (x memchr)", x("val_64k"), 0.40, 0.50, "ge", ratio_fmt),
        ("validate only, long-lines corpus (x memchr)", run_x("val_64k", "longlines-"), 0.30, 0.50, "ge", ratio_fmt),
        ("validate only, multi-line corpus (x memchr)", run_x("val_64k", "multiline-"), 0.30, 0.40, "ge", ratio_fmt),
        ("`sseval check` process vs memchr line-count process, single message (x)", whole_x("sseval_check", "memchr_count"), 0.35, 0.50, "ge", ratio_fmt),
        ("`sseval check` process vs memchr line-count process, long text deltas (x)", whole_x("sseval_check_lt", "memchr_count_lt"), 0.20, 0.35, "ge", ratio_fmt),
        ("`sseval check` process vs node eventsource-parser + JSON.parse (times faster)", whole_ratio("sseval_check", "node_esp_json"), 15, 20, "ge", ratio_fmt),
        ("`sseval check` process vs node SDK MessageStream (times faster)", whole_ratio("sseval_check", "node_sdk_message"), 50, 70, "ge", ratio_fmt),
        ("in process: validator vs eventsource-parser + JSON.parse (times faster)", peer_ratio.get("esp_json"), 15, 20, "ge", ratio_fmt),
        ("in process: accumulator vs SDK MessageStream (times faster)", peer_ratio.get("sdk_message"), 50, 70, "ge", ratio_fmt),
        ("instructions per input byte, tokenizer", ir_b("tok_64k"), 2.0, 1.5, "le", f2),
        ("instructions per input byte, full validation", ir_b("val_64k"), 9, 6, "le", f2),
        ("allocations per event after warm-up (worst of all runs)", allocs_all_zero(), 0, 0, "le", lambda v: f"{v:g}"),
        ("memory per idle tokenizer, bytes", float(sse_rest) if sse_rest else None, 256, 192, "le", fb),
        ("memory per idle validator, bytes", float(val_rest) if val_rest else None, 768, 512, "le", fb),
        ("100,000 mid-stream validators in one process, resident MiB", scale_mib(), 150, 150, "le", lambda v: f"{v:,.1f}"),
        ("tokenizer, 1 B chunks (x memchr)", x("tok_1b"), 0.06, 0.08, "ge", ratio_fmt),
    ]
    w("| goal | measured | goal | stretch | status |")
    w("| --- | ---: | ---: | ---: | --- |")
    for label, v, g, s, how, f in goals:
        if v is None:
            w(f"| {label} | not measured | {g} | {s} | - |")
            continue
        ok = v >= g if how == "ge" else v <= g
        okx = v >= s if how == "ge" else v <= s
        status = "**stretch met**" if okx else ("met" if ok else "**MISSED**")
        sym = ">=" if how == "ge" else "<="
        w(f"| {label} | {f(v)} | {sym} {g} | {sym} {s} | {status} |")
    w("")
    if len(sys.argv) > 2:
        try:
            with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
                prof = f.read().rstrip()
        except OSError:
            prof = ""
        if prof:
            w("## Where the instructions go (bench/profile.sh: callgrind, -O2 -g, 2 MiB realistic corpus)")
            w("")
            w("Self cost per function and per source line (file:line); `->` lines are "
              "calls made from that line, inclusive.")
            w("")
            w("```")
            w(prof)
            w("```")
            w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
