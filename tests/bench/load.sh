#!/bin/sh
# tests/bench/load.sh DATA_DIR -- load time of deals.csv by revl against
# the libcsv floor (csvcount: libcsv alone counting fields), same run,
# best of 5 each, plus revl's peak RSS.  Issue targets: ratio <= 1.3,
# peak RSS <= 120 MB at 1M deals.
set -e
data=$1
build=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/d"
ln -s "$(cd "$data" && pwd)/deals.csv" "$tmp/d/deals.csv"
printf 'print(#revl.deals)\n' >"$tmp/count.lua"
best() {
  b=999999
  for i in 1 2 3 4 5; do
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    [ "$t" -lt "$b" ] && b=$t
  done
  echo "$b"
}
floor=$(best "$build/csvcount" "$data/deals.csv")
revl=$(best "$build/revl" run "$tmp/count.lua" --data "$tmp/d" --as-of 2026-01-01)
rss=$(/usr/bin/time -f %M "$build/revl" run "$tmp/count.lua" --data "$tmp/d" --as-of 2026-01-01 2>&1 >/dev/null | tail -1)
rows=$(( $(wc -l <"$data/deals.csv") - 1 ))
echo "load $rows deals: revl ${revl} ms, libcsv floor ${floor} ms, ratio $(awk "BEGIN{printf \"%.2f\", $revl/$floor}"), peak RSS $((rss / 1024)) MB"
