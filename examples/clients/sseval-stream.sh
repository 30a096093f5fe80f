#!/bin/sh
# SPDX-License-Identifier: MIT
# `sseval stream` as a client graded by `sseval serve --suite` (docs/SERVE.md):
# its defaults (2 retries, its retry policy) and a 10 s idle timeout.
# SSEVAL_BIN: the sseval to use (default: sseval on PATH).
exec "${SSEVAL_BIN:-sseval}" stream --request "$SSEVAL_SERVE_REQUEST" \
  --base-url "$ANTHROPIC_BASE_URL" --timeout 10
