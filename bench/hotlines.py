#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/hotlines.py - the hottest functions and source lines of a callgrind
profile, with file:line, from `callgrind_annotate --auto=yes` output.

    callgrind_annotate --auto=yes callgrind.out | python3 hotlines.py [N] [MIN_PCT]

Prints the N (default 25) most expensive source lines (self cost, calls to
other functions shown separately as `-> callee`), each with its share of the
total, so a report can say exactly where the instructions go.
"""
import re
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    min_pct = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    lines = sys.stdin.read().split("\n")
    total = None
    for l in lines:
        m = re.match(r"\s*([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", l)
        if m:
            total = int(m.group(1).replace(",", ""))
            break
    cur, ln = None, None
    self_rows, call_rows = [], []
    for l in lines:
        m = re.match(r"-- Auto-annotated source: (.*)", l)
        if m:
            cur, ln = m.group(1), 1
            continue
        m = re.match(r"-- line (\d+) -+", l)
        if m:
            ln = int(m.group(1))
            continue
        if cur is None or ln is None or l.startswith("--") or l.startswith("Ir"):
            continue
        m = re.match(r"\s*([\d,]+)(?: \([ \d.]+%\))?\s+=>\s+(\S+)", l)
        if m:
            v = int(m.group(1).replace(",", ""))
            call_rows.append((v, cur, ln - 1, m.group(2)))
            continue
        m = re.match(r"\s*([\d,]+|\.)(?: \([ \d.]+%\))?\s(.*)$", l)
        if m:
            text = m.group(2).strip()
            if m.group(1) != "." and not text.startswith("events annotated") \
                    and not text.startswith("<"):
                v = int(m.group(1).replace(",", ""))
                self_rows.append((v, cur, ln, text))
            ln += 1
    if not total:
        total = sum(r[0] for r in self_rows) or 1
    self_rows.sort(reverse=True)
    print(f"total instructions: {total:,}")
    print(f"top {n} lines by self cost (file:line, Ir, share, source):")
    for v, f, ln, src in self_rows[:n]:
        if 100.0 * v / total < min_pct:
            break
        short = "/".join(f.split("/")[-2:])
        print(f"  {short}:{ln:<5} {v:>13,} {100.0 * v / total:5.1f}%  {src[:90]}")
    call_rows.sort(reverse=True)
    print("most expensive calls made from a line (inclusive):")
    seen = 0
    for v, f, ln, callee in call_rows:
        if 100.0 * v / total < 2.0 or seen >= n:
            break
        short = "/".join(f.split("/")[-2:])
        callee = callee.split("/")[-1]
        print(f"  {short}:{ln:<5} {v:>13,} {100.0 * v / total:5.1f}%  -> {callee}")
        seen += 1


if __name__ == "__main__":
    main()
