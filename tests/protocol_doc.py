#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""docs/PROTOCOL.md is executable: every example in it is run against the CLI.

* Each ```sse block followed by a ```text block starting with
  `$ sseval check [OPTIONS] < example.sse`: the stream is fed to
  `sseval check` whole and byte by byte (--chunk 1); the report's first line
  must be the one shown, its `problem` line must start as shown (byte offset
  and line; the detail sentence may be reworded), and the exit code must be
  the verdict's.
* Each ```console block: every `$ COMMAND` line is run by bash with `sseval`
  being the CLI under test; its stdout must be the lines that follow.
* Every rule id of SSEVAL_RULE_MAP (include/sseval/claude.h) but `none` has
  a section (a heading naming it) and a row in the evaluation-order table.
"""
import os, re, subprocess, sys, tempfile

SRC = os.environ.get("SSEVAL_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SSEVAL_BIN") or os.path.join(SRC, "build", "test", "sseval")
if not os.access(BIN, os.X_OK):
    print("SKIP: no sseval CLI at " + BIN)
    sys.exit(77)
doc = open(os.path.join(SRC, "docs", "PROTOCOL.md"), encoding="utf-8").read()
fails = []
passes = 0
EXIT = {"complete": 0, "truncated": 2, "error_event": 3, "protocol_violation": 4,
        "invalid_json": 5, "limit_exceeded": 6, "not_event_stream": 7}

blocks = re.findall(r"^```(\w*)\n(.*?)^```$", doc, re.S | re.M)

# 1. streams and their reports
for i, (lang, body) in enumerate(blocks):
    if lang != "sse":
        continue
    if i + 1 >= len(blocks) or blocks[i + 1][0] != "text":
        fails.append("sse block %d has no report block after it" % i)
        continue
    report = blocks[i + 1][1].rstrip("\n").split("\n")
    m = re.match(r"\$ sseval check(.*?) < example\.sse$", report[0])
    if not m:
        fails.append("report block %d does not start with `$ sseval check ... < example.sse`" % i)
        continue
    opts = m.group(1).split()
    first = report[1]
    problem = [l for l in report[2:] if l.strip().startswith("problem")]
    want_rc = EXIT.get(first.split(" ")[1].rstrip(":"), -1) if " " in first else -1
    for chunk in ([], ["--chunk", "1"]):
        r = subprocess.run([BIN, "check"] + opts + chunk, input=body.encode(), capture_output=True)
        out = r.stdout.decode("utf-8", "replace").split("\n")
        what = "%s%s" % (first, " (--chunk 1)" if chunk else "")
        if out[0] != first:
            fails.append("%s: first line is %r" % (what, out[0]))
            continue
        if r.returncode != want_rc:
            fails.append("%s: exit %d, want %d" % (what, r.returncode, want_rc))
            continue
        got_problem = [l for l in out if l.strip().startswith("problem")]
        if problem:
            want = problem[0].split(":")[0]
            if not got_problem or not got_problem[0].startswith(want):
                fails.append("%s: problem line %r, want it to start %r" % (what, got_problem, want))
                continue
        elif got_problem:
            fails.append("%s: the doc shows no problem line, the CLI prints %r" % (what, got_problem[0]))
            continue
        passes += 1

# 2. console sessions
with tempfile.TemporaryDirectory() as tmp:
    os.symlink(os.path.abspath(BIN), os.path.join(tmp, "sseval"))
    env = dict(os.environ, PATH=tmp + os.pathsep + os.environ.get("PATH", ""))
    for lang, body in blocks:
        if lang != "console":
            continue
        cmd, want = None, []
        for line in body.rstrip("\n").split("\n") + ["$ "]:
            if line.startswith("$ "):
                if cmd:
                    r = subprocess.run(["bash", "-c", cmd], env=env, capture_output=True)
                    got = r.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")
                    if got != want:
                        fails.append("`%s`: printed %r, the doc shows %r" % (cmd, got, want))
                    else:
                        passes += 1
                cmd, want = line[2:], []
            else:
                want.append(line)

# 3. every rule documented
hdr = open(os.path.join(SRC, "include", "sseval", "claude.h"), encoding="utf-8").read()
rules = re.findall(r'XX\(\s*[A-Z_]+,\s*"([a-z_]+)",', hdr[hdr.index("SSEVAL_RULE_MAP(XX)"):])
headings = "\n".join(l for l in doc.split("\n") if l.startswith("#"))
table = "\n".join(l for l in doc.split("\n") if l.startswith("|"))
for rule in rules:
    if rule == "none":
        continue
    if "`%s`" % rule not in headings:
        fails.append("rule %s has no section in docs/PROTOCOL.md" % rule)
    elif "`%s`" % rule not in table and rule not in ("line_too_long", "event_too_large", "out_of_memory"):
        fails.append("rule %s is not in the evaluation-order table" % rule)
    else:
        passes += 1

for f in fails:
    print("FAIL " + f)
print("%d passed, %d failed" % (passes, len(fails)))
sys.exit(1 if fails else 0)
