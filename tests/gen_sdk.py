#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/gen_sdk.py - the official TypeScript SDK accepts every generated
valid stream, and its MessageStream.finalMessage() equals the message sseval
rebuilds (the "message" of the sidecar). The beta MessageStream
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
        sdk = json.loads(rest)
        diffs = [k for k in mine if mine[k] != sdk.get(k)]
        extra = [k for k in sdk if k not in mine and sdk[k] is not None]
        if diffs or extra:
            failed += 1
            k = (diffs or extra)[0]
            print("FAIL %s: finalMessage() differs at %r: sseval %s, SDK %s" % (
                os.path.basename(f), k, json.dumps(mine.get(k))[:300], json.dumps(sdk.get(k))[:300]))
    print("%d generated valid streams, %d differ from the SDK's finalMessage()" % (len(files), failed))
    sys.exit(1 if failed or not files else 0)
finally:
    shutil.rmtree(out, ignore_errors=True)
