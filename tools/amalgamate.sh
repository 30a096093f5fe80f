#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/amalgamate.sh - one sseval.c + sseval.h pair for vendoring.
#
#   tools/amalgamate.sh [OUTDIR]      (make amalgamation: build/amalgamation)
#
# sseval.h is the public headers the umbrella include/sseval/sseval.h pulls
# in (common, sse, claude, retry: not curl.h, whose code is the separate
# libcurl transport), in dependency order, with the includes between them
# removed. sseval.c includes
# "sseval.h", then the internal headers (src/*.h, in dependency order), then
# every src/*.c (the core library; the libcurl transport in src/curl/ is not
# part of it), each preceded by a #line directive so diagnostics point at the
# original file. Project includes are replaced by comments, keeping line
# numbers. Names that several .c files each define at file scope (static
# functions and variables, types, tags, enum constants - found with clang's
# AST dump) are renamed per file with #define/#undef, and every macro a .c
# file defines is #undef'd after it, so the files cannot see each other's
# private names. Consumers compile sseval.c as C11 (or later) and include
# "sseval.h"; nothing else is needed (link -lm if the platform needs it).
#
# Needs python3 and clang (cmake/deps.sh installs both).
set -eu
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${1:-${SSEVAL_BUILD:-$SRC/build/amalgamation}}
CLANG=${CLANG:-clang}
mkdir -p "$OUT"
command -v python3 >/dev/null || { echo "amalgamate: python3 is required" >&2; exit 1; }
command -v "$CLANG" >/dev/null || { echo "amalgamate: $CLANG is required" >&2; exit 1; }

SSEVAL_SRC=$SRC OUT=$OUT CLANG=$CLANG python3 - <<'PY'
import json, os, re, subprocess, sys

src = os.environ["SSEVAL_SRC"]
out = os.environ["OUT"]
clang = os.environ["CLANG"]
inc_dir = os.path.join(src, "include", "sseval")
lib_dir = os.path.join(src, "src")

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<(sseval/[^>]+)>)')
DEFINE_RE = re.compile(r'^\s*#\s*define\s+([A-Za-z_]\w*)')

def read(p):
    with open(p, encoding="utf-8") as f:
        return f.read()

def project_include(line):
    """The project header a line includes (basename), or None."""
    m = INCLUDE_RE.match(line)
    if not m:
        return None
    return os.path.basename(m.group(1) or m.group(2))

def strip_includes(text, known):
    lines = []
    for line in text.splitlines():
        h = project_include(line)
        if h is not None:
            if h not in known:
                sys.exit("amalgamate: unknown project include %r" % line)
            lines.append("/* amalgamation: %s */" % line.strip())
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"

def order(files):
    """Topological order of headers by their project includes."""
    deps = {}
    for p in files:
        deps[os.path.basename(p)] = [h for h in map(project_include, read(p).splitlines()) if h]
    done, seq = set(), []
    def visit(h, stack=()):
        if h in done or h not in deps:
            return
        if h in stack:
            sys.exit("amalgamate: include cycle through %s" % h)
        for d in deps[h]:
            visit(d, stack + (h,))
        done.add(h)
        seq.append(h)
    for p in files:
        visit(os.path.basename(p))
    return seq

public = sorted(f for f in os.listdir(inc_dir) if f.endswith(".h"))
umbrella = [h for h in map(project_include, read(os.path.join(inc_dir, "sseval.h")).splitlines()) if h]
# The core API is what the umbrella header includes; other public headers
# (curl.h: the libcurl transport in src/curl/) are not part of the pair.
pub_seq = order([os.path.join(inc_dir, h) for h in umbrella])
internal = sorted(f for f in os.listdir(lib_dir) if f.endswith(".h"))
int_seq = order([os.path.join(lib_dir, h) for h in internal])
sources = sorted(f for f in os.listdir(lib_dir) if f.endswith(".c"))
known = set(public) | set(internal)

version = re.search(r'#define SSEVAL_VERSION_STRING "([^"]+)"', read(os.path.join(inc_dir, "common.h"))).group(1)
banner = ("/*\n * %s - sseval %s, amalgamated by tools/amalgamate.sh: do not edit;\n"
          " * edit the files under include/ and src/ and regenerate.\n */\n")

# ---- sseval.h ---------------------------------------------------------------------
h = [banner % ("sseval.h", version), "#ifndef SSEVAL_AMALGAMATION_H\n#define SSEVAL_AMALGAMATION_H\n"]
for name in pub_seq:
    h.append("\n/* ==== include/sseval/%s ==== */\n" % name)
    h.append(strip_includes(read(os.path.join(inc_dir, name)), known))
h.append("\n#endif /* SSEVAL_AMALGAMATION_H */\n")

# ---- file-scope names per .c, from clang's AST -------------------------------------------
def local_names(path):
    cmd = [clang, "-std=c11", "-I", os.path.join(src, "include"), "-I", lib_dir,
           "-Xclang", "-ast-dump=json", "-fsyntax-only", path]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("amalgamate: %s failed:\n%s" % (" ".join(cmd), r.stderr.decode()[:2000]))
    names = set()
    for node in json.loads(r.stdout).get("inner", []):
        loc = node.get("loc") or {}
        loc = loc.get("expansionLoc", loc)
        if not loc or "includedFrom" in loc or node.get("isImplicit"):
            continue  # declared in a header (or built in)
        kind, name = node.get("kind"), node.get("name")
        if kind in ("FunctionDecl", "VarDecl"):
            if node.get("storageClass") == "static" and name:
                names.add(name)
        elif kind in ("TypedefDecl", "RecordDecl", "EnumDecl"):
            if name:
                names.add(name)
            if kind == "EnumDecl":
                for c in node.get("inner", []):
                    if c.get("kind") == "EnumConstantDecl":
                        names.add(c["name"])
    return names

per_file = {f: local_names(os.path.join(lib_dir, f)) for f in sources}
count = {}
for names in per_file.values():
    for n in names:
        count[n] = count.get(n, 0) + 1
clashes = sorted(n for n, k in count.items() if k > 1)

# ---- sseval.c --------------------------------------------------------------------------
c = [banner % ("sseval.c", version),
     "#define SSEVAL_AMALGAMATION 1\n#include \"sseval.h\"\n"]
for name in int_seq:
    c.append("\n/* ==== src/%s ==== */\n#line 1 \"src/%s\"\n" % (name, name))
    c.append(strip_includes(read(os.path.join(lib_dir, name)), known))
for f in sources:
    text = read(os.path.join(lib_dir, f))
    stem = re.sub(r"\W", "_", f[:-2])
    mine = [n for n in clashes if n in per_file[f]]
    c.append("\n/* ==== src/%s ==== */\n" % f)
    for n in mine:
        c.append("#define %s %s__%s\n" % (n, n, stem))
    c.append("#line 1 \"src/%s\"\n" % f)
    c.append(strip_includes(text, known))
    macros = sorted(set(m.group(1) for m in map(DEFINE_RE.match, text.splitlines()) if m))
    for n in sorted(set(mine) | set(macros)):
        c.append("#undef %s\n" % n)

with open(os.path.join(out, "sseval.h"), "w", encoding="utf-8") as fh:
    fh.write("".join(h))
with open(os.path.join(out, "sseval.c"), "w", encoding="utf-8") as fh:
    fh.write("".join(c))
print("amalgamation: %s/sseval.c (%d sources, %d internal headers, %d renamed names%s), %s/sseval.h (%d headers)"
      % (out, len(sources), len(int_seq), len(clashes),
         (": " + ", ".join(clashes)) if clashes else "", out, len(pub_seq)))
PY
