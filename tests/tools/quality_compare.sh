#!/bin/sh
# quality_compare.sh BASE NEW -- run tests/tools/quality_calls.lua (every
# data-quality metric with its options and error cases, each frame written
# to CSV) with two revl binaries over examples/data, tests/lua/data and two
# generated data sets, and compare the outputs byte for byte.  Exit 1 on
# any difference.  Run from the top of the repository.
set -u
base=${1:?usage: quality_compare.sh BASE_REVL NEW_REVL}
new=${2:?usage: quality_compare.sh BASE_REVL NEW_REVL}
tmp=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
"$base" gen --out "$tmp/gen1" --seed 3 --deals 2000 --accounts 400 --as-of 2026-01-01 >/dev/null || exit 2
"$base" gen --out "$tmp/gen2" --seed 11 --deals 20000 --accounts 5000 --as-of 2026-01-01 >/dev/null || exit 2
diffs=0 files=0 k=0
for set in "examples/data 2025-06-30" "tests/lua/data 2025-06-30" "$tmp/gen1 2026-01-01" "$tmp/gen2 2026-01-01"; do
  data=${set% *} asof=${set#* }
  k=$((k + 1))
  name=set$k
  for b in base new; do
    eval "bin=\$$b"
    rm -rf "$tmp/$b-$name"
    mkdir -p "$tmp/$b-$name"
    "$bin" run tests/tools/quality_calls.lua --allow-io --data "$data" --as-of "$asof" \
      --out "$tmp/$b-$name" --set log="$tmp/$b-$name/calls.txt" >"$tmp/$b-$name.stdout" 2>&1
    echo "exit $?" >>"$tmp/$b-$name.stdout"
  done
  nf=$(find "$tmp/base-$name" -type f | wc -l)
  files=$((files + nf))
  if ! diff -r "$tmp/base-$name" "$tmp/new-$name" >/dev/null ||
     ! cmp -s "$tmp/base-$name.stdout" "$tmp/new-$name.stdout"; then
    d=$(diff -r "$tmp/base-$name" "$tmp/new-$name" | grep -c '^diff\|^Only')
    diffs=$((diffs + d + 1))
    echo "DIFF $data"
    diff -r "$tmp/base-$name" "$tmp/new-$name" | head -${DIFF_LINES:-20}
    diff "$tmp/base-$name.stdout" "$tmp/new-$name.stdout" | head -5
  fi
  echo "$data: $(sed -n '$p' "$tmp/base-$name/calls.txt"), $nf files"
done
echo "$files files compared, $diffs differences"
[ "$diffs" -eq 0 ]
