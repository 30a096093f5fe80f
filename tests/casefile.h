/* SPDX-License-Identifier: MIT */
/*
 * tests/casefile.h - what the two case-file suites share (test_sse reads
 * tests/sse_cases/, test_claude tests/claude_cases/; tests/README.md says
 * how to write a case): where the case directory is, its *.txt files in
 * name order, and the escapes of an `in` line. Each suite parses its own
 * lines; only this plumbing is common.
 */
#ifndef SSEVAL_TESTS_CASEFILE_H
#define SSEVAL_TESTS_CASEFILE_H

#include <stddef.h>

#include "bytebuf.h"

/* The case directory `sub` (e.g. "sse_cases"): argv[1] when given, else
 * $SSEVAL_SRC/tests/<sub>, else <sub> next to this file's source. Written
 * into buf (size bytes, always NUL-terminated). */
void casefile_dir(char *buf, size_t size, int argc, char **argv, const char *sub);

/* Calls load(path, ctx) for every file of `dir` whose name ends in ".txt",
 * in strcmp order of the names. Returns how many, or -1 (with a message on
 * stderr) when the directory cannot be opened. */
int casefile_each(const char *dir, void (*load)(const char *path, void *ctx), void *ctx);

/* Decodes the escapes of a case line, \n \r \t \0 \s \\ \" \xhh \u{hex}
 * (the code point as UTF-8), from s up to end into out; with `quoted`, up to
 * the first unescaped '"' instead. Returns a pointer past what was read:
 * end, or the closing '"' when quoted; NULL on a bad escape or, when quoted,
 * on a missing '"'. */
const char *casefile_unescape(const char *s, const char *end, int quoted, bytebuf *out);

#endif
