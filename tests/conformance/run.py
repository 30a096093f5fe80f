#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/conformance/run.py - which stream failures does a reader detect?

Generates the conformance corpus from tests/conformance/seeds.txt with
`sseval gen` (each stream with the report sseval must give), adds the real
recordings of tests/fixtures/claude/recorded, feeds every stream to each
reader and prints a table: per breakage, how many streams the reader
detected (did not call complete), and for valid streams and recordings how
many it accepted.

  tests/conformance/run.py [--sseval BIN] [--reader NAME]... [--cmd NAME=CMD]...
                       [--install] [--markdown] [--keep DIR]

Readers: `sseval` (sseval check, with the sidecar's check_options), the
JavaScript readers of tests/conformance/readers.mjs (`anthropic-sdk`,
`ai-sdk`, `langchain`; pinned in tests/conformance/package.json, installed
with --install by `npm ci`), and any command given as --cmd NAME=CMD, run
as `CMD FILE` with exit 0 meaning "complete" (the sidecar's check options
are in the environment as SSEVAL_CHECK_OPTIONS). Default: sseval only
(then this is a test: sseval must agree with every sidecar and recording);
--all adds the JavaScript readers.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SSEVAL_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONF = os.path.join(SRC, "tests", "conformance")
JS_READERS = ["anthropic-sdk", "ai-sdk", "langchain"]


def find_sseval(given):
    for c in [given, os.environ.get("SSEVAL_BIN"), os.path.join(SRC, "build/release/sseval"),
              os.path.join(SRC, "build/test/sseval")]:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("conformance.py: no sseval binary (build it, or pass --sseval)")


def generate(sseval, out):
    """The corpus: list of (path, category, check_options, expected_complete)."""
    items = []
    with open(os.path.join(CONF, "seeds.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            seed, shape, brk = parts[0], parts[1], parts[2]
            cmd = [sseval, "gen", "--quiet", "--seed", seed, "--shape", shape, "--out", out]
            if brk != "valid":
                cmd += ["--broken", brk]
            if len(parts) > 3:
                cmd += ["--size", parts[3]]
            subprocess.run(cmd, check=True)
            name = os.path.join(out, "%s-s%s-%s" % (shape, seed, brk))
            with open(name + ".expected.json", encoding="utf-8") as sf:
                side = json.load(sf)
            cat = brk
            items.append((name + ".sse", cat, side["check_options"], side["verdict"] == "complete"))
    rec = os.path.join(SRC, "tests", "fixtures", "claude", "recorded")
    for d, _, files in sorted(os.walk(rec)):
        for fn in sorted(files):
            if fn.endswith(".sse"):
                summ = os.path.join(d, fn[:-4] + ".summary.json")
                verdict = "complete"
                if os.path.exists(summ):
                    with open(summ, encoding="utf-8") as sf:
                        verdict = json.load(sf).get("verdict", "complete")
                items.append((os.path.join(d, fn), "recording", [], verdict == "complete"))
    return items


def run_cmd(cmd, items):
    """{path: True if the command said complete}"""
    res = {}
    for path, _, opts, _ in items:
        env = dict(os.environ, SSEVAL_CHECK_OPTIONS=" ".join(opts))
        try:
            p = subprocess.run(cmd + [path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env, timeout=120)
            res[path] = p.returncode == 0
        except subprocess.TimeoutExpired:
            res[path] = False
    return res


def run_sseval(sseval, items):
    res = {}
    for path, _, opts, _ in items:
        p = subprocess.run([sseval, "check"] + opts + [path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        res[path] = p.returncode == 0
    return res


def run_js(reader, items):
    paths = [it[0] for it in items]
    res = {}
    for i in range(0, len(paths), 100):  # one node process per 100 files
        p = subprocess.run(["node", os.path.join(CONF, "readers.mjs"), reader] + paths[i:i + 100],
                           cwd=CONF, capture_output=True, text=True, timeout=1800)
        for line in p.stdout.split("\n"):
            f, _, rest = line.partition("\t")
            res[f] = rest.startswith("complete")
    for pth in paths:
        res.setdefault(pth, False)
    return res


def js_ready():
    return shutil.which("node") and os.path.isdir(os.path.join(CONF, "node_modules", "@anthropic-ai", "sdk"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sseval")
    ap.add_argument("--reader", action="append", default=[])
    ap.add_argument("--cmd", action="append", default=[])
    ap.add_argument("--install", action="store_true")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--keep")
    a = ap.parse_args()
    sseval = find_sseval(a.sseval)
    if a.install:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=CONF, check=True)
    readers = a.reader or (["sseval"] + (JS_READERS if a.all else []))
    if any(r in JS_READERS for r in readers) and not js_ready():
        sys.exit("conformance.py: node or the readers' packages are missing (--install)")
    out = a.keep or tempfile.mkdtemp(prefix="sseval-conformance.")
    os.makedirs(out, exist_ok=True)
    try:
        items = generate(sseval, out)
        results = {}
        for r in readers:
            print("conformance: %s over %d streams" % (r, len(items)), file=sys.stderr)
            results[r] = run_sseval(sseval, items) if r == "sseval" else run_js(r, items)
        for spec in a.cmd:
            name, _, cmd = spec.partition("=")
            results[name] = run_cmd(shlex.split(cmd), items)
    finally:
        if not a.keep:
            shutil.rmtree(out, ignore_errors=True)
    names = list(results)
    cats = []
    for _, c, _, _ in items:
        if c not in cats:
            cats.append(c)
    order = [c for c in cats if c not in ("valid", "recording")] + ["valid", "recording"]
    rows = []
    for c in order:
        its = [it for it in items if it[1] == c]
        row = [c if c not in ("valid", "recording") else c + " (accepted)", str(len(its))]
        for n in names:
            if c in ("valid", "recording"):
                ok = sum(1 for it in its if results[n][it[0]] == it[3])
                row.append("%d/%d" % (ok, len(its)))
            else:
                det = sum(1 for it in its if not results[n][it[0]])
                row.append("%d/%d" % (det, len(its)) + ("" if det == len(its) else " MISSED" if det == 0 else " partly"))
        rows.append(row)
    head = ["breakage (detected)", "streams"] + names
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |")
        for r in rows:
            print("| " + " | ".join("`%s`" % r[0] if i == 0 and " " not in r[0] else x for i, x in enumerate(r)) + " |")
    else:
        w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
        for r in [head] + rows:
            print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)))
    # sseval must agree with every sidecar: a failure of its own row is an error
    if "sseval" in results:
        bad = [it[0] for it in items if results["sseval"][it[0]] != it[3]]
        if bad:
            print("conformance: sseval disagrees on %d streams, e.g. %s" % (len(bad), bad[0]), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
