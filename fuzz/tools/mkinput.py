#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fuzz/tools/mkinput.py - write one fuzz input: a body plus the control
trailer every target reads (fuzz/fuzz_common.h), e.g. for a regression file.

    mkinput.py OUT [--body-file F | --body PYTHON_BYTES_LITERAL]
               [--flags N] [--p A,B,C,D] [--actions X,Y] [--chunks 255]

    mkinput.py tests/fuzz_regressions/fuzz_sse/x --body "b'data:a\\r\\n\\r\\n'" \\
        --flags 4 --chunks 255

and, to look at an input: mkinput.py --show FILE
"""
import argparse
import ast
import sys


def trailer(flags, p, actions, chunks):
    ctl = bytes([flags & 255, *[x & 255 for x in p], len(actions) & 7,
                 *[a & 255 for a in actions[:7]], *[c & 255 for c in chunks]])[:63]
    return ctl + bytes([len(ctl)])


def show(path):
    data = open(path, "rb").read()
    if not data:
        print("empty input")
        return
    L = min(data[-1] & 63, len(data) - 1)
    ctl = data[len(data) - 1 - L:len(data) - 1]
    body = data[:len(data) - 1 - L]
    b = list(ctl) + [0] * 6
    na = b[5] & 7
    print("body (%d bytes): %r" % (len(body), body[:2000]))
    print("flags=%d p=%s actions=%s chunks=%s" % (
        b[0], b[1:5], list(ctl[6:6 + na]), list(ctl[6 + na:])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--show")
    ap.add_argument("--body")
    ap.add_argument("--body-file")
    ap.add_argument("--flags", type=int, default=0)
    ap.add_argument("--p", default="0,0,0,0")
    ap.add_argument("--actions", default="")
    ap.add_argument("--chunks", default="255")
    a = ap.parse_args()
    if a.show:
        show(a.show)
        return
    if not a.out:
        sys.exit(__doc__)
    body = open(a.body_file, "rb").read() if a.body_file else ast.literal_eval(a.body or "b''")
    ints = lambda s: [int(x, 0) for x in s.split(",") if x != ""]
    with open(a.out, "wb") as f:
        f.write(body + trailer(a.flags, ints(a.p), ints(a.actions), ints(a.chunks)))


if __name__ == "__main__":
    main()
