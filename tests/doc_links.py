#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every *.md path cited in the headers, the docs and the sources exists in
the repository: README.md, docs/*.md, include/**, src/**, tools/**, examples/**,
tests/*.md and the READMEs under tests/. A cited path resolves against the
citing file's directory (Markdown links) or the repository root; nothing may
point outside the repository (`../shared/...`)."""
import glob, os, re, sys

SRC = os.environ.get("SSEVAL_SRC") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = ["README.md", "CHANGELOG.md"]
for pat in ("docs/*.md", "include/**/*.h", "include/**/*.hpp", "src/**/*.c", "src/**/*.h",
            "tools/**/*.c", "tools/**/*.h", "examples/**/*.c", "examples/**/*.cpp",
            "tests/*.md", "tests/*/README.md", "tests/fixtures/claude/README.md"):
    files += glob.glob(os.path.join(SRC, pat), recursive=True)
cite = re.compile(r"(?<![\w/.-])((?:\.\.?/)*[A-Za-z0-9_][\w./-]*\.md)\b")
root = os.path.realpath(SRC)
fails, checked = [], 0
for f in sorted(set(files)):
    path = f if os.path.isabs(f) else os.path.join(SRC, f)
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"https?://\S+", "", text)
    rel = os.path.relpath(path, SRC)
    for m in cite.finditer(text):
        p = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        cands = [os.path.join(os.path.dirname(path), p), os.path.join(SRC, p)]
        hit = [c for c in cands if os.path.isfile(c)]
        if not hit:
            fails.append("%s:%d cites %s, which does not exist" % (rel, line, p))
        elif not os.path.realpath(hit[0]).startswith(root + os.sep):
            fails.append("%s:%d cites %s, outside the repository" % (rel, line, p))
        else:
            checked += 1
for x in fails:
    print("FAIL " + x)
print("%d citations checked in %d files, %d broken" % (checked, len(set(files)), len(fails)))
sys.exit(1 if fails else 0)
