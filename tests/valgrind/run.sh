#!/bin/sh
# tests/valgrind/run.sh -- the C unit tests and a representative set of
# CLI runs under valgrind's memcheck (`make valgrind`): any invalid read
# or write, use of uninitialised memory or definitely lost block fails
# the run (--error-exitcode).  Each run's own exit status is checked
# too.  Ends with "N passed, N failed".
BUILD=${BUILD:-build}
REVL=$(pwd)/$BUILD/revl
VG="valgrind -q --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --track-origins=yes"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/revl-vg.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
pass=0
fail=0

# check NAME WANT_RC CMD...: run CMD under valgrind
check() {
  name=$1 want=$2
  shift 2
  $VG "$@" >"$scratch/out" 2>"$scratch/err"
  st=$?
  if [ "$st" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $st, want $want"
    tail -n 30 "$scratch/err"
  fi
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  check "$(basename "$t")" 0 "$t"
done

D=tests/lua/data
A="--as-of 2025-06-30"
check "run revops" 0 "$REVL" run examples/revops.lua --data examples/data \
  --as-of 2025-12-31 --out "$scratch/o1"
check "run icp" 0 "$REVL" run examples/icp_demo.lua --data examples/data \
  --as-of 2025-12-31 --out "$scratch/o2"
check "run routing" 0 "$REVL" run examples/routing_demo.lua --data examples/data \
  --as-of 2025-12-31 --out "$scratch/o3"
check "test revops" 0 "$REVL" test examples/revops_test.lua --as-of 2025-06-30 \
  --out "$scratch/o4"
check "inspect" 0 "$REVL" inspect --data $D
check "eval" 0 "$REVL" eval 'revl.metrics.win_rate(revl.deals)' --data $D $A
check "check" 0 "$REVL" check examples/revops.lua --data examples/data
check "report" 0 "$REVL" report --data examples/data --as-of 2025-12-31 \
  --out "$scratch/o5"
check "gen" 0 "$REVL" gen --out "$scratch/g" --deals 200 --seed 7
mkdir -p "$scratch/bad" && cp $D/*.csv "$scratch/bad/" &&
  printf 'id,name\nA1,x,y\nA2,z\n' >"$scratch/bad/accounts.csv"
check "bad data" 0 "$REVL" inspect --data "$scratch/bad"
check "bad data (strict)" 2 "$REVL" inspect --data "$scratch/bad" --strict
check "lua error" 3 "$REVL" eval 'error("x")' --data $D $A
check "timeout" 3 "$REVL" eval 'while true do end' --data $D $A --timeout 1
check "max-memory" 3 "$REVL" eval 'local t = {} for i = 1, 1e8 do t[i] = i end' \
  --data $D $A --max-memory 16
check "unknown command" 2 "$REVL" nosuch

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
