#!/bin/sh
# stages_compare.sh BASE NEW -- run tests/tools/metrics_calls_stages.lua
# through metrics_csv.lua with two revl binaries on examples/data,
# tests/lua/data and generated data sets (with stage history; a second
# snapshot for two-store waterfalls), every frame written as CSV, and
# compare the output directories byte for byte.  Exit 1 on any
# difference.  Run from the top of the repository.
set -u
base=${1:?usage: stages_compare.sh BASE_REVL NEW_REVL}
new=${2:?usage: stages_compare.sh BASE_REVL NEW_REVL}
tmp=${STAGES_TMP:-$(mktemp -d)}
mkdir -p "$tmp"
for g in "g1 7 3000 600" "g2 8 3000 600" "g3 7 12000 2000"; do
  set -- $g
  [ -d "$tmp/$1" ] || "$new" gen --out "$tmp/$1" --seed "$2" --deals "$3" --accounts "$4" \
    --as-of 2026-01-01 >/dev/null || exit 2
done
fail=0 n=0 files=0 order=0
one() { # label data as_of after
  label=$1
  for b in base new; do
    eval "bin=\$$b"
    # REUSE_BASE=1 keeps the base outputs of an earlier run in STAGES_TMP
    # (REUSE_NEW=1 the new ones too: only compare again)
    if [ "$b" = base ] && [ "${REUSE_BASE:-0}" = 1 ] && [ -f "$tmp/base-$label/calls.txt" ]; then
      continue
    fi
    if [ "$b" = new ] && [ "${REUSE_NEW:-0}" = 1 ] && [ -f "$tmp/new-$label/calls.txt" ]; then
      continue
    fi
    rm -rf "$tmp/$b-$label"
    mkdir -p "$tmp/$b-$label"
    "$bin" run tests/tools/metrics_csv.lua --allow-io --out "$tmp/out" --data "$2" --as-of "$3" \
      --set csvdir="$tmp/$b-$label" --set script=tests/tools/metrics_calls_stages.lua \
      ${4:+--set after="$4"} >"$tmp/$b-$label.stdout" 2>&1
    echo "exit $?" >>"$tmp/$b-$label.stdout"
    cp "$tmp/$b-$label.stdout" "$tmp/$b-$label/stdout.txt"
  done
  n=$((n + $(tail -1 "$tmp/new-$label/calls.txt" | cut -d' ' -f1)))
  files=$((files + $(ls "$tmp/new-$label" | wc -l)))
  if ! diff -r "$tmp/base-$label" "$tmp/new-$label" >"$tmp/diff-$label.txt"; then
    # a frame whose rows tie on every sort key (stage_conversion by
    # "stage": the row's stage replaces the key) came in the order of
    # Lua's unstable table.sort before and comes in group order now:
    # such files count apart when they hold the same lines
    strict=0
    for f in $(diff -rq "$tmp/base-$label" "$tmp/new-$label" | sed -n 's/^Files \([^ ]*\) and .*/\1/p'); do
      g="$tmp/new-$label/${f##*/}"
      case $f in *.csv)
        if [ "$(head -1 "$f")" = "$(head -1 "$g")" ] &&
           [ "$(LC_ALL=C sort "$f" | md5sum)" = "$(LC_ALL=C sort "$g" | md5sum)" ]; then
          order=$((order + 1))
          c=${f##*/}
          echo "ORDER $label ${f##*/}: $(grep -m1 "^${c%%_*} " "$tmp/new-$label/calls.txt")"
          continue
        fi ;;
      esac
      if [ "${f##*/}" = calls.txt ]; then # the same calls and frames, the row types reordered
        [ "$(grep -v '^   [0-9]' "$f" | md5sum)" = "$(grep -v '^   [0-9]' "$g" | md5sum)" ] &&
          [ "$(sed 's/^   [0-9]* /   /' "$f" | LC_ALL=C sort | md5sum)" = \
            "$(sed 's/^   [0-9]* /   /' "$g" | LC_ALL=C sort | md5sum)" ] && continue
      fi
      strict=$((strict + 1))
    done
    if [ "$strict" -gt 0 ] || diff -rq "$tmp/base-$label" "$tmp/new-$label" | grep -q "^Only in"; then
      fail=$((fail + 1))
      echo "DIFF $label"
      head -${DIFF_LINES:-20} "$tmp/diff-$label.txt"
    fi
  fi
}
one examples examples/data 2025-06-30 tests/lua/metrics_waterfall/after
one testdata tests/lua/data 2025-06-30 ""
one gen1 "$tmp/g1" 2026-01-01 "$tmp/g2"
one gen3 "$tmp/g3" 2026-01-01 "$tmp/g1"
one gen1b "$tmp/g1" 2025-10-15 "$tmp/g3"
echo "$n calls, $files files compared, $order differ only in the order of tied rows, $fail data sets differ"
[ "$fail" -eq 0 ]
