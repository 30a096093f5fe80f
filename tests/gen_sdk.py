#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/gen_sdk.py - the official TypeScript SDK accepts every generated
valid stream, and its MessageStream.finalMessage() equals the message sseval
rebuilds (the "message" of the sidecar), values and top-level key order;
the same for the real recordings of tests/fixtures/claude that the SDK
reads. The beta MessageStream
(client.beta.messages.stream) is used: the generator emits compaction
blocks, a beta feature the non-beta stream leaves empty.

Streams: `sseval gen` valid streams of every Claude shape (seeds 1..N per
shape, small sizes). The SDK is @anthropic-ai/sdk as pinned in
tests/conformance/package.json (`make test` installs it when npm is
there); without node or the package the test is skipped (exit 77).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SSEVAL_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONF = os.path.join(SRC, "tests", "conformance")
BIN = os.environ.get("SSEVAL_BIN") or os.path.join(SRC, "build", "test", "sseval")
PER_SHAPE = 12
SHAPES = ["realistic", "single", "longlines", "small_events", "cr", "crlf", "multiline", "longtext"]

if not shutil.which("node") or not os.path.isdir(os.path.join(CONF, "node_modules", "@anthropic-ai", "sdk")):
    print("SKIP: node or tests/conformance/node_modules/@anthropic-ai/sdk missing")
    sys.exit(77)
if not os.access(BIN, os.X_OK):
    print("SKIP: no sseval at " + BIN)
    sys.exit(77)


def same_message(name, mine, sdk):
    """sseval's rebuilt message against the SDK's finalMessage(): the same
    values (a key the SDK leaves undefined or null may be absent), and the
    same top-level key order (message_start's, then what message_delta
    added), parsed_output (the SDK's own) aside."""
    sdk.pop("parsed_output", None)
    diffs = [k for k in mine if mine[k] != sdk.get(k)]
    extra = [k for k in sdk if k not in mine and sdk[k] is not None]
    if diffs or extra:
        k = (diffs or extra)[0]
        print("FAIL %s: finalMessage() differs at %r: sseval %s, SDK %s" % (
            name, k, json.dumps(mine.get(k))[:300], json.dumps(sdk.get(k))[:300]))
        return False
    order = [k for k in sdk if k in mine]
    if order != list(mine):
        print("FAIL %s: key order: sseval %s, SDK %s" % (name, list(mine), order))
        return False
    return True


out = tempfile.mkdtemp(prefix="sseval-gen-sdk.")
try:
    files = []
    for i, shape in enumerate(SHAPES):
        cmd = [BIN, "gen", "--quiet", "--seed", str(1 + 100 * i), "--count", str(PER_SHAPE),
               "--shape", shape, "--out", out]
        if shape in ("single", "longlines", "small_events", "longtext"):
            cmd += ["--size", "24k"]
        subprocess.run(cmd, check=True)
    files = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".sse"))
    p = subprocess.run(["node", os.path.join(CONF, "readers.mjs"), "sdk-beta-message"] + files,
                       cwd=CONF, capture_output=True, text=True, timeout=1200)
    got = {}
    for line in p.stdout.split("\n"):
        f, _, rest = line.partition("\t")
        got[f] = rest
    failed = 0
    for f in files:
        with open(f[:-4] + ".expected.json", encoding="utf-8") as sf:
            mine = json.load(sf)["message"]
        rest = got.get(f, "failed\tno output")
        if rest.startswith("failed"):
            print("FAIL %s: the SDK rejected a valid stream: %s" % (os.path.basename(f), rest))
            failed += 1
            continue
        if not same_message(os.path.basename(f), mine, json.loads(rest)):
            failed += 1
    print("%d generated valid streams, %d differ from the SDK's finalMessage()" % (len(files), failed))

    # The real recordings the SDK reads (not the sdk-python files: they lack
    # the final blank line, so message_stop is never dispatched and the SDK
    # has no message to give), sseval's message from
    # `sseval check --json`: equal values and the same top-level key order.
    # Not compared: a tool input cut by max_tokens (sseval writes input null
    # plus the raw partial_json, docs/PROTOCOL.md).
    recs = sorted(os.path.join(dp, n) for dp, _, ns in os.walk(os.path.join(SRC, "tests", "fixtures", "claude"))
                  for n in ns if n.endswith((".sse", ".txt")) and "sdk-python" + os.sep not in os.path.join(dp, n)
                  and not n.startswith("incomplete_partial_json"))
    p = subprocess.run(["node", os.path.join(CONF, "readers.mjs"), "sdk-beta-message"] + recs,
                       cwd=CONF, capture_output=True, text=True, timeout=600)
    got = dict(line.split("\t", 1) for line in p.stdout.split("\n") if "\t" in line)
    rfailed = 0
    for f in recs:
        rest = got.get(f, "failed\tno output")
        rep = json.loads(subprocess.run([BIN, "check", "--json", f], capture_output=True, text=True).stdout)
        if rest.startswith("failed"):
            print("FAIL %s: the SDK rejected a recording: %s" % (os.path.basename(f), rest))
            rfailed += 1
        elif not same_message(os.path.basename(f), rep["message"], json.loads(rest)):
            rfailed += 1
    print("%d recordings, %d differ from the SDK's finalMessage()" % (len(recs), rfailed))
    sys.exit(1 if failed or rfailed or not files or not recs else 0)
finally:
    shutil.rmtree(out, ignore_errors=True)
