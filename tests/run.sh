#!/bin/sh
# tests/run.sh -- every test tier: C unit tests, Lua API tests run by
# revl itself, CLI golden cases.  Ends with one line "N passed, N failed"
# and exits non-zero when anything failed.
#
# Golden cases: tests/cli/<suite>/<case>/cmd is a shell snippet run from
# the repository root with $REVL (the binary), $CASE (the case directory)
# and $TMP (a scratch directory).  Its stdout, stderr and exit status are
# compared with the files stdout, stderr and rc there (a missing stdout or
# stderr file means "must be empty"; a missing rc means 0).
# REVL_UPDATE=1 rewrites the expected files from what the run produced.
# REVL_TIERS picks tiers (default "unit lua playbook repl cli browser").
# The browser tier (tests/browser/test_report.sh) needs chromium; without
# it the tier says it is skipped and counts nothing.

BUILD=${BUILD:-build}
TIERS=" ${REVL_TIERS:-unit lua playbook repl cli browser} "
tier() { case "$TIERS" in *" $1 "*) return 0 ;; esac; return 1; }
REVL=$(pwd)/$BUILD/revl
export REVL
pass=0
fail=0
failed_names=""
scratch=$(mktemp -d "${TMPDIR:-/tmp}/revl-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
# snapshots of the runs below go to the scratch directory, never to the
# user's ~/.cache; the cases that test the cache give their own --cache
XDG_CACHE_HOME="$scratch/cache"
export XDG_CACHE_HOME
unset REVL_CACHE REVL_CACHE_MAX

note_fail() {
  fail=$((fail + 1))
  failed_names="$failed_names $1"
}

# tally NAME STATUS OUTPUT: add the "N passed, N failed" last line of a
# test program's output; a non-zero status or a missing summary is a
# failure, shown with the tail of the output.
tally() {
  line=$(printf '%s\n' "$3" | tail -n 1)
  p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ]; then p=0; f=1; fi
  pass=$((pass + p))
  if [ "$2" -ne 0 ] || [ "$f" -ne 0 ]; then
    [ "$f" -eq 0 ] && f=1
    fail=$((fail + f))
    failed_names="$failed_names $1"
    echo "FAIL $1"
    printf '%s\n' "$3" | tail -n 30
  fi
}

# ---- C unit tests -------------------------------------------------------
tier unit && for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  out=$("$t" 2>&1)
  tally "$(basename "$t")" $? "$out"
done

# ---- Lua API tests (run by revl itself) ---------------------------------
tier lua && for t in tests/lua/test_*.lua; do
  [ -f "$t" ] || continue
  # a first line "-- revl: ARGS" replaces the default run arguments
  args=$(sed -n '1s/^-- revl: //p' "$t")
  [ -n "$args" ] || args="--data tests/lua/data --as-of 2025-06-30"
  rm -rf "$scratch/luaout"
  out=$(eval "\"\$REVL\" run $args --out \"\$scratch/luaout\" \"\$t\"" 2>&1)
  tally "$t" $? "$out"
done

# ---- playbook tests (revl test: *_test.lua beside rules/ and examples/) --
tier playbook && for d in rules examples; do
  ls "$d"/*_test.lua >/dev/null 2>&1 || continue
  rm -rf "$scratch/ptout"
  out=$("$REVL" test "$d" --as-of 2025-06-30 --out "$scratch/ptout" 2>&1)
  tally "revl test $d" $? "$out"
done

# ---- terminal tests (tests/repl/test_*.sh, REPL through a pty) ----------
tier repl && for t in tests/repl/test_*.sh; do
  [ -f "$t" ] || continue
  out=$(REVL="$REVL" sh "$t" 2>&1)
  tally "$t" $? "$out"
done

# ---- CLI golden cases ----------------------------------------------------
tier cli && for c in tests/cli/*/*/; do
  c=${c%/}
  [ -f "$c/cmd" ] || continue
  TMP="$scratch/case"
  rm -rf "$TMP"
  mkdir -p "$TMP"
  CASE=$c
  export CASE TMP
  sh "$c/cmd" >"$scratch/out" 2>"$scratch/err"
  st=$?
  # paths under the scratch directory differ per run
  sed -i "s#$TMP#\$TMP#g" "$scratch/out" "$scratch/err"
  if [ -n "$REVL_UPDATE" ]; then
    if [ -s "$scratch/out" ]; then cp "$scratch/out" "$c/stdout"; else rm -f "$c/stdout"; fi
    if [ -s "$scratch/err" ]; then cp "$scratch/err" "$c/stderr"; else rm -f "$c/stderr"; fi
    if [ "$st" -ne 0 ]; then echo "$st" >"$c/rc"; else rm -f "$c/rc"; fi
  fi
  want_rc=0
  [ -f "$c/rc" ] && want_rc=$(cat "$c/rc")
  ok=1
  [ "$st" = "$want_rc" ] || { ok=0; echo "FAIL $c: exit $st, want $want_rc"; }
  for s in stdout stderr; do
    got="$scratch/out"
    [ $s = stderr ] && got="$scratch/err"
    if [ -f "$c/$s" ]; then
      cmp -s "$got" "$c/$s" || { ok=0; echo "FAIL $c: $s differs"; diff "$c/$s" "$got" | head -20; }
    elif [ -s "$got" ]; then
      ok=0
      echo "FAIL $c: unexpected $s:"
      head -5 "$got"
    fi
  done
  if [ $ok = 1 ]; then pass=$((pass + 1)); else note_fail "$c"; fi
done

# ---- report.html in headless Chromium (tests/browser/test_report.sh) ----
if tier browser; then
  if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    out=$(REVL="$REVL" sh tests/browser/test_report.sh 2>&1)
    tally tests/browser/test_report.sh $? "$out"
  else
    echo "browser tier skipped: chromium not installed (make deps installs it)"
  fi
fi

# ---- benchmark tasks, correctness only (tests/bench/smoke.sh) ------------
if [ -f tests/bench/smoke.sh ]; then
  out=$(BUILD=$BUILD sh tests/bench/smoke.sh 2>&1)
  tally tests/bench/smoke.sh $? "$out"
fi

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
