#!/bin/sh
# Allocation-failure sweep (docs/fuzzing.md): for each scenario, count the
# allocations of a successful run of $BUILD/revl (built by `make allocfail`
# with tests/allocfail/failmalloc.c), then rerun it failing the N-th one for
# N = 1..200 and every STRIDE-th after that.  Each run must end with exit 0
# (the failure was tolerated: then stdout and --out are those of the run
# without failures) or exit 2/3 with "not enough memory" on stderr,
# without a sanitizer report, a signal, or a file in --out that is not one
# of the clean run's outputs, whole (a playbook's earlier outputs stay
# when a later call fails; each appears only when its call returns).
# Each N runs twice: failing the N-th allocation only (Lua retries a failed
# allocation after a full collection, so many are tolerated), and failing
# it and every one after (REVL_FAIL_ALLOC_ALL=1), which must end in the
# message.  MODES="one" or MODES="all" runs one kind.
# A scenario with a tail (write: every kind of output file) instead fails
# each of its last TAIL allocations, both ways: the outputs are written
# there, after the start-up the other scenarios sweep.  TMPDIR is a
# scratch directory that must be empty after each run too (revl.fixture
# writes there).
# Prints "N passed, N failed"; exit 1 when any run failed.
# Usage: BUILD=build-allocfail sh tests/allocfail/sweep.sh [SCENARIO...]
BUILD=${BUILD:-build-allocfail}
REVL=$BUILD/revl
STRIDE=${STRIDE:-0}          # 0: chosen so each scenario runs ~FULL+300
FULL=${FULL:-200}
SHOW=${SHOW:-10}
MODES=${MODES:-one all}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99:print_stacktrace=1
unset REVL_FAIL_ALLOC REVL_FAIL_ALLOC_ALL REVL_FAIL_ALLOC_COUNT

scen_args() {
  case $1 in
    inspect) echo "inspect --data tests/lua/data --out $tmp/out" ;;
    metric)  echo "run tests/allocfail/metric.lua --data tests/lua/metrics_pipeline --as-of 2025-05-15 --out $tmp/out" ;;
    icp)     echo "run tests/allocfail/icp.lua --data tests/lua/rules_data --as-of 2025-06-30 --out $tmp/out" ;;
    write)   echo "run tests/allocfail/write.lua --data tests/lua/rules_data --as-of 2025-06-30 --out $tmp/out" ;;
  esac
}
scen_tail() {
  case $1 in
    write) echo "${TAIL:-850}" ;;
    *) echo 0 ;;
  esac
}

pass=0 fail=0 shown=0 tolerated=0
scenarios=${*:-inspect metric icp write}
export TMPDIR="$tmp/tmpdir"
for s in $scenarios; do
  args=$(scen_args "$s")
  [ -n "$args" ] || { echo "sweep: unknown scenario $s" >&2; exit 2; }
  rm -rf "$tmp/out" "$TMPDIR"; mkdir -p "$tmp/out" "$TMPDIR"
  # shellcheck disable=SC2086
  REVL_FAIL_ALLOC_COUNT=1 $REVL $args >"$tmp/good.stdout" 2>"$tmp/err"; rc=$?
  count=$(sed -n 's/^allocfail: \([0-9]*\) allocations$/\1/p' "$tmp/err" | tail -1)
  if [ $rc -ne 0 ] || [ -z "$count" ]; then
    echo "sweep: $s: the run without failures did not succeed (rc $rc):" >&2
    head -5 "$tmp/err" >&2; exit 1
  fi
  rm -rf "$tmp/good"; mv "$tmp/out" "$tmp/good"
  st=$STRIDE
  [ "$st" -gt 0 ] || st=$(( (count - FULL) / 300 + 1 ))
  [ "$st" -gt 0 ] || st=1
  tail=$(scen_tail "$s")
  first=1
  if [ "$tail" -gt 0 ]; then
    first=$((count - tail)); [ $first -ge 1 ] || first=1
    st=1
    echo "sweep: $s: $count allocations; N = $first..$count"
  else
    echo "sweep: $s: $count allocations; N = 1..$FULL, then every $st"
  fi
  for mode in $MODES; do
  all=0; [ "$mode" = all ] && all=1
  n=$first
  while [ $n -le "$count" ]; do
    rm -rf "$tmp/out" "$TMPDIR"; mkdir -p "$tmp/out" "$TMPDIR"
    # shellcheck disable=SC2086
    REVL_FAIL_ALLOC=$n REVL_FAIL_ALLOC_ALL=$all $REVL $args >"$tmp/stdout" 2>"$tmp/err"; rc=$?
    why=""
    if [ $rc -gt 128 ]; then why="signal $((rc - 128))"
    elif grep -q "Sanitizer\|runtime error:" "$tmp/err"; then why="sanitizer report"
    elif [ $rc -eq 0 ]; then
      tolerated=$((tolerated + 1))
      if ! diff -r "$tmp/good" "$tmp/out" >/dev/null; then why="exit 0 but --out differs"
      elif ! cmp -s "$tmp/good.stdout" "$tmp/stdout"; then why="exit 0 but stdout differs"
      fi
    elif [ $rc -ne 2 ] && [ $rc -ne 3 ]; then why="exit $rc"
    elif ! grep -q "not enough memory" "$tmp/err"; then why="exit $rc without 'not enough memory'"
    else
      # what a failed run leaves: only whole outputs of the calls that
      # returned before the failure, the same as the clean run's (no
      # temporary file, nothing cut short)
      for f in $(ls -A "$tmp/out"); do
        cmp -s "$tmp/good/$f" "$tmp/out/$f" || why="$why$f "
      done
      [ -z "$why" ] || why="partial or stray file left in --out: $why"
    fi
    if [ -z "$why" ] && [ -n "$(ls -A "$TMPDIR")" ]; then
      why="left in TMPDIR: $(ls -A "$TMPDIR" | tr '\n' ' ')"
    fi
    if [ -z "$why" ]; then pass=$((pass + 1))
    else
      fail=$((fail + 1))
      if [ $shown -lt "$SHOW" ]; then
        shown=$((shown + 1))
        echo "FAIL $s N=$n ($mode): $why"
        grep -v "^allocfail:" "$tmp/err" | grep "revl:\|ERROR\|runtime error\|#[0-9] \|SUMMARY" | head -8 | sed 's/^/    /'
      fi
    fi
    if [ $n -lt "$FULL" ]; then n=$((n + 1)); else n=$((n + st)); fi
  done
  done
done
echo "sweep: $tolerated of the passing runs exited 0 (the failure was tolerated)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
