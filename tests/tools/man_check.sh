#!/bin/sh
# tests/tools/man_check.sh -- docs/revl.1 documents every command that
# `revl help` lists (each as a .SS section), and renders without warnings
# when groff is installed (skipped otherwise).  Prints "ok" or the
# problems; exits non-zero on a problem.  Run from the repository root
# with REVL set (tests/cli/man/commands runs it).
REVL=${REVL:-build/revl}
MAN=${MAN:-docs/revl.1}
status=0
[ -f "$MAN" ] || { echo "no $MAN"; exit 1; }
cmds=$("$REVL" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || { echo "revl help lists no commands"; exit 1; }
for c in $cmds; do
  grep -qx "\.SS $c" "$MAN" || { echo "$MAN: no section for '$c' (.SS $c)"; status=1; }
done
# the exit codes of docs/cli.md
for code in 0 1 2 3; do
  sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -qx "\.B $code" \
    || { echo "$MAN: EXIT STATUS does not list $code"; status=1; }
done
if command -v groff >/dev/null 2>&1; then
  warn=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
  [ -z "$warn" ] || { echo "groff warns:"; echo "$warn"; status=1; }
  if command -v man >/dev/null 2>&1; then
    warn=$(MANWIDTH=80 man -l "$MAN" 2>&1 >/dev/null)
    [ -z "$warn" ] || { echo "man -l warns:"; echo "$warn"; status=1; }
  fi
fi
[ $status = 0 ] && echo ok
exit $status
