#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/errors_doc.sh - docs/ERRORS.md's status, verdict and rule tables are
# the headers' X-macros (docs/gen.sh --check-errors). When a rule or status
# is added, run `docs/gen.sh --update-errors` and describe it in the page.
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
if bash "$SRC/docs/gen.sh" --check-errors; then
  echo "docs/ERRORS.md tables match the X-macros"
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
  exit 1
fi
