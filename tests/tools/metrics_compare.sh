#!/bin/sh
# metrics_compare.sh BASE NEW -- run every metric call of the metric tests,
# the examples and a generated data set with two revl binaries and diff
# what each call returns (tests/tools/metrics_dump.lua).  Exit 1 on any
# difference.  Run from the top of the repository.
set -u
base=${1:?usage: metrics_compare.sh BASE_REVL NEW_REVL}
new=${2:?usage: metrics_compare.sh BASE_REVL NEW_REVL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$new" gen --out "$tmp/gen" --seed 7 --deals 3000 --accounts 400 --as-of 2026-01-01 >/dev/null || exit 2
fail=0 n=0
one() { # label script args...
  label=$1 script=$2
  shift 2
  rm -f "$tmp/base.txt" "$tmp/new.txt"
  for b in base new; do
    eval "bin=\$$b"
    "$bin" run tests/tools/metrics_dump.lua --allow-io --out "$tmp/out" \
      --set dump="$tmp/$b.txt" --set script="$script" "$@" >/dev/null 2>&1
  done
  if [ ! -s "$tmp/base.txt" ] && [ ! -s "$tmp/new.txt" ]; then
    case $label in *" on "*) echo "NO OUTPUT $label"; fail=$((fail + 1)) ;; esac
    return 0 # no metric calls
  fi
  n=$((n + 1))
  # the suggestions unknown names get are new; compare what is left, one
  # call per line, sorted (a playbook looping over pairs() calls in an
  # order that changes from run to run)
  for b in base new; do
    sed "s/ (did you mean '[^']*'?)//g" "$tmp/$b.txt" |
      awk '/^call /{ if (c != "") print c; c = $0; next } { c = c "\t" $0 } END { if (c != "") print c }' |
      LC_ALL=C sort >"$tmp/$b.cmp"
  done
  if ! cmp -s "$tmp/base.cmp" "$tmp/new.cmp"; then
    fail=$((fail + 1))
    echo "DIFF $label"
    diff "$tmp/base.cmp" "$tmp/new.cmp" | tr '\t' '\n' | head -${DIFF_LINES:-20}
  fi
}
for t in tests/lua/test_metrics_*.lua; do
  args=$(sed -n '1s/^-- revl: //p' "$t")
  [ -n "$args" ] || args="--data tests/lua/data --as-of 2025-06-30"
  eval "one \"$t\" \"$t\" $args"
done
for e in examples/*.lua; do
  one "$e" "$e" --data examples/data --as-of 2025-06-30
done
for c in tests/tools/metrics_calls*.lua; do
  one "$c on generated data" "$c" --data "$tmp/gen" --as-of 2026-01-01
  one "$c on tests/lua/data" "$c" --data tests/lua/data --as-of 2025-06-30
  one "$c on examples/data" "$c" --data examples/data --as-of 2025-06-30
done
echo "$n compared, $fail differ"
[ "$fail" -eq 0 ]
