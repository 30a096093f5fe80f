#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/cli_docs.sh - the CLI's documentation cannot drift from its --help:
#   - every command `sseval --help` lists has a section in docs/CLI.md, a
#     SYNOPSIS line in the man page docs/sseval.1 and a completion;
#   - every option `sseval COMMAND --help` lists is documented in that
#     command's section of docs/CLI.md, in the man page, and offered by the
#     bash completion (tools/sseval.bash-completion) for that command;
#   - and back: every option the man page or the completion offers exists in
#     some --help (nothing documented that the tool does not have).
# `stream` is checked when this build has it (libcurl).
set -u
SRC=${SSEVAL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${SSEVAL_BIN:-$SRC/build/test/sseval}
[ -x "$BIN" ] || { echo "SKIP: no CLI at $BIN"; exit 77; }
CLI_MD=$SRC/docs/CLI.md
MAN=$SRC/docs/sseval.1
COMP=$SRC/tools/sseval.bash-completion
fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")
opts_of() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
section() { # the text of "## `sseval CMD`" in CLI.md, up to the next "## "
  awk -v h="## \`sseval $1\`" '$0 == h { on = 1; next } on && /^## / { exit } on' "$CLI_MD"
}
comp_opts() { # the options the completion offers for CMD
  awk -v c="    $1) opts=\"" 'index($0, c) == 1 { on = 1 } on { print } on && /;;/ { exit }' "$COMP" | opts_of
}

cmds=$("$BIN" --help 2>&1 | sed -n 's/^[a-z:]* *sseval \([a-z][a-z]*\) .*/\1/p' | sort -u)
[ -n "$cmds" ] || bad "no command found in 'sseval --help'"
all_help_opts=""
for cmd in $cmds; do
  help=$("$BIN" "$cmd" --help 2>&1); rc=$?
  if [ $rc -ne 0 ]; then echo "skip $cmd: not in this build (exit $rc)"; continue; fi
  grep -q "^## \`sseval $cmd\`" "$CLI_MD" && ok || bad "docs/CLI.md has no section '## \`sseval $cmd\`'"
  printf '%s\n' "$man_text" | grep -q "^\.B sseval $cmd\$" && ok || bad "docs/sseval.1 SYNOPSIS lacks 'sseval $cmd'"
  grep -q "compgen -W \"[^\"]*\b$cmd\b" "$COMP" && ok || bad "completion does not offer the command $cmd"
  sec=$(section "$cmd")
  copts=$(comp_opts "$cmd")
  hopts=$(printf '%s\n' "$help" | opts_of)
  all_help_opts="$all_help_opts $hopts"
  for o in $hopts; do
    printf '%s\n' "$sec" | grep -q -- "\`$o[\` ]" && ok || bad "docs/CLI.md, sseval $cmd: $o is not documented"
    printf '%s\n' "$man_text" | grep -q -- "$o\b" && ok || bad "docs/sseval.1: $o ($cmd) is not documented"
    printf '%s\n' "$copts" | grep -qx -- "$o" && ok || bad "completion of sseval $cmd does not offer $o"
  done
  for o in $copts; do
    [ "$o" = --help ] && continue
    printf '%s\n' "$hopts" | grep -qx -- "$o" && ok || bad "completion of sseval $cmd offers $o, which its --help does not list"
  done
done
# Back from the man page (only when every command is in this build).
if "$BIN" stream --help >/dev/null 2>&1; then
  known=" $(printf '%s\n' $all_help_opts | tr '\n' ' ') --help --version "
  for o in $(printf '%s\n' "$man_text" | opts_of); do
    case $known in *" $o "*) ok ;; *) bad "docs/sseval.1 documents $o, which no --help lists" ;; esac
  done
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
