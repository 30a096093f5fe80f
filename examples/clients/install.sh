#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the pinned npm clients of examples/clients/package-lock.json into
# examples/clients/node_modules (needs node >= 18 and npm). Measured peers for
# `sseval serve --suite`, never dependencies of the library.
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "install.sh: npm is not installed" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
