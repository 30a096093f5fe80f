#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fuzz/tools/make_seeds.py - build the seed inputs of every fuzz target.

    python3 fuzz/tools/make_seeds.py OUTDIR

writes OUTDIR/<target>/<sha1> for fuzz_sse, fuzz_sse_reference, fuzz_claude
and fuzz_json, from:
  - tests/sse_cases/*.txt (the tokenizer's golden cases, `in` lines);
  - the Claude recordings in tests/fixtures/claude (whole streams, and for
    fuzz_json every event's data);
  - JSON texts quoted in tests/test_json.c, and a few hand-written edge cases;
  - grammar programs for fuzz_claude (seeded random bytes: the generator in
    sseval_gen_program of sseval/gen.h turns any bytes into a stream);
each with a control trailer (fuzz/fuzz_common.h: body || control || L) that
picks a chunking, options and callback actions. fuzz/long.sh merges these
into the committed corpora (fuzz/corpus/<target>/), which are minimised.
The output is deterministic.
"""
import hashlib
import os
import random
import re
import sys

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def trailer(flags=0, p=(0, 0, 0, 0), actions=(), chunks=(255,)):
    ctl = bytes([flags & 255, *[x & 255 for x in p], len(actions) & 7,
                 *[a & 255 for a in actions[:7]], *[c & 255 for c in chunks]])
    ctl = ctl[:63]
    return ctl + bytes([len(ctl)])


def unescape_case(s):
    """The escapes of tests/sse_cases: \\r \\n \\t \\0 \\s \\\\ \\xhh \\u{hex}."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        n = s[i + 1] if i + 1 < len(s) else ""
        if n == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif n == "u" and s[i + 2:i + 3] == "{":
            j = s.index("}", i)
            out += chr(int(s[i + 3:j], 16)).encode("utf-8", "surrogatepass")
            i = j + 1
        else:
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0",
                    "s": b" ", "\\": b"\\", '"': b'"'}.get(n, n.encode())
            i += 2
    return bytes(out)


def sse_case_inputs():
    d = os.path.join(SRC, "tests", "sse_cases")
    res = []
    if not os.path.isdir(d):
        return res
    for name in sorted(os.listdir(d)):
        if not name.endswith(".txt"):
            continue
        cur = None
        opts = (0, 0)
        for line in open(os.path.join(d, name), encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("==="):
                if cur is not None:
                    res.append((cur, opts))
                cur, opts = b"", (0, 0)
            elif line.startswith("opts") and cur is not None:
                ml = re.search(r"max_line=(\d+)", line)
                me = re.search(r"max_event=(\d+)", line)
                opts = (int(ml.group(1)) if ml else 0, int(me.group(1)) if me else 0)
            elif line.startswith("in ") and cur is not None:
                cur += unescape_case(line[3:].strip(" \t"))
        if cur is not None:
            res.append((cur, opts))
    return res


def recordings(named=False):
    base = os.path.join(SRC, "tests", "fixtures", "claude")
    res = []
    for root, _, files in os.walk(base):
        for f in sorted(files):
            if f.endswith(".sse") or (f.endswith(".txt") and "sdk-" in root):
                name = os.path.relpath(os.path.join(root, f), base)
                name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
                res.append((name, open(os.path.join(root, f), "rb").read()))
    res.sort()
    return res if named else [r for _, r in res]


def json_texts():
    texts = set()
    for rec in recordings():
        for line in rec.split(b"\n"):
            if line.startswith(b"data:"):
                texts.add(line[5:].lstrip(b" ").rstrip(b"\r"))
    tj = os.path.join(SRC, "tests", "test_json.c")
    if os.path.exists(tj):
        src = open(tj, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r'\{\s*"((?:[^"\\\n]|\\.)*)"\s*,', src):
            try:
                texts.add(m.group(1).encode("latin-1", "backslashreplace")
                          .decode("unicode_escape").encode("latin-1"))
            except (UnicodeDecodeError, UnicodeEncodeError, ValueError):
                pass
    texts.update([
        b"", b" ", b"{}", b"[]", b"0", b"-0", b"1e400", b"-1.5E-3",
        b"18446744073709551615", b"18446744073709551616", b'"\\ud83d\\ude00"',
        b'"\\ud800"', b'"\\udc00"', b'"\\ud800\\u0041"', b'"\xed\xa0\x80"',
        b'"\xf4\x90\x80\x80"', b'"\xc0\xaf"', b"[1,]", b'{"a":1,}', b"01",
        b"1.", b".5", b"+1", b"tru", b"True", b"NaN", b"[" * 40 + b"]" * 40,
        b'{"a":{"b":{"c":[1,2,{"d":null}]}}}', b'"\\u0000"', b'"a\x01"',
        b'{"a":1}x', b'{"a" 1}', b"'a'", b"/*c*/1", b'{"type":"message_start"}',
        b'{"\\u0074ype":"x"}', b'["\\/\\b\\f\\n\\r\\t\\"\\\\"]', b"\t\n\r 1 \t",
        b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
        b'{"location": "Paris", "unit": "c',
    ])
    return sorted(texts)


def write(outdir, target, data, name=None):
    """Write a seed, named by its SHA-1, or `name` (pinned: fuzz/long.sh keeps
    files named pin-* in the corpus whatever their coverage)."""
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name or hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    rng = random.Random(20251122)
    chunkings = [(255,), (1,), (3, 7, 1, 255), (0, 5, 0, 2), (2,), (13, 1, 64)]

    # fuzz_sse and fuzz_sse_reference: the golden cases (with their limits)
    for body, (ml, me) in sse_case_inputs():
        for k, ch in enumerate(chunkings[:3]):
            flags = (1 if ml and ml <= 256 else 0) | (2 if me and me <= 256 else 0)
            p = (max(ml - 1, 0), max(me - 1, 0), 0, 0)
            acts = () if k == 0 else ((1 << 2) | 0, 2) if k == 1 else (3 << 2 | 2,)
            if k == 2:
                flags |= 4
            for t in ("fuzz_sse", "fuzz_sse_reference"):
                write(out, t, body + trailer(flags, p, acts, ch))
    for i, rec in enumerate(recordings()[:6]):
        body = rec[:4096]
        for t in ("fuzz_sse", "fuzz_sse_reference"):
            write(out, t, body + trailer(0, (0, 0, 0, 0), (), chunkings[i % 6]))
        write(out, "fuzz_sse", body + trailer(8, (0, 0, 0, 3), (6 << 2 | 2,), (9,)))

    # fuzz_claude: the recordings, raw, in several chunkings and option sets
    # (the big ones cut after an event near 16 KiB: fast runs, small corpus)
    def cut(rec, limit=16384):
        if len(rec) <= limit:
            return rec
        k = rec.rfind(b"\n\n", 0, limit)
        return rec[:k + 2] if k > 0 else rec[:limit]
    for i, (name, rec) in enumerate(recordings(named=True)):
        rec = cut(rec)
        # every real recording stays in the corpus (pinned), fed whole
        write(out, "fuzz_claude", rec + trailer(0, (0, 0, 0, 0), (), (255,)),
              "pin-" + name)
        write(out, "fuzz_claude",
              rec + trailer(8, (0, 0, 0, 0), (), chunkings[1 + i % 5]))
        write(out, "fuzz_claude",
              rec + trailer(16, (0, 0, i % 3, 17 * i), (7 << 2 | 2, 3 << 2),
                            (64, 1, 3)))
        if len(rec) < 8000:
            write(out, "fuzz_claude",
                  rec + trailer(4 | 2, (30, 200, 3, 2), (), (7,)))
    # grammar programs: random bytes, ended properly or not
    for i in range(48):
        prog = bytes(rng.randrange(256) for _ in range(rng.choice((8, 24, 64, 160))))
        flags = 32 | (64 if i % 3 else 0) | (8 if i % 5 == 0 else 0) | \
            (16 if i % 7 == 0 else 0) | (1 if i % 11 == 0 else 0)
        ch = chunkings[i % 6]
        acts = () if i % 4 else (rng.randrange(256), rng.randrange(256))
        write(out, "fuzz_claude",
              prog + trailer(flags, (rng.randrange(256), rng.randrange(256),
                                     rng.randrange(256), rng.randrange(256)),
                             acts, ch))
    # error bodies (sseval_parse_error_body runs on every raw body)
    for body in (b'{"type":"error","error":{"type":"rate_limit_error","message":"slow \\u00e9"}}',
                 b'{"type":"error","error":{"type":"x"}}', b"<html>502</html>",
                 b'{"error":{"message":"m","type":"api_error"},"type":"error"}'):
        write(out, "fuzz_claude", body + trailer(128, (0, 0, 9, 0), (), (255,)))

    # fuzz_json
    for i, text in enumerate(json_texts()):
        ch = chunkings[i % 6]
        write(out, "fuzz_json", text + trailer(0, (0, i, i * 7, i * 13), (), ch))
        if i % 9 == 0:
            write(out, "fuzz_json", text + trailer(1, (3, i, 1, 2), (), (1,)))


if __name__ == "__main__":
    main()
