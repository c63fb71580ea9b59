#!/bin/sh
# tests/bench/load.sh DATA_DIR -- the load targets of deals.csv, best of 5
# each, whole process:
#   - cold load (--no-cache) against the libcsv floor (csvcount: libcsv
#     alone counting fields), on 2 cores and on 1 (taskset): ratios
#     <= 1.3 and <= 2.5;
#   - peak RSS of the cold load: <= 120 MB at 1M deals;
#   - warm `revl inspect` from the snapshot (a private cache written by
#     one run first): <= 50 ms at 1M deals.
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
ratio() { awk "BEGIN{printf \"%.2f\", $1/$2}"; }
rows=$(( $(wc -l <"$data/deals.csv") - 1 ))
cores=$(nproc 2>/dev/null || echo 1)
for n in 2 1; do
  [ "$n" -le "$cores" ] || continue
  pin=""
  if command -v taskset >/dev/null 2>&1; then
    pin="taskset -c 0"
    [ "$n" = 2 ] && pin="taskset -c 0,1"
  elif [ "$n" != "$cores" ]; then
    continue
  fi
  want=1.3
  [ "$n" = 1 ] && want=2.5
  floor=$(best $pin "$build/csvcount" "$data/deals.csv")
  revl=$(best $pin "$build/revl" run "$tmp/count.lua" --data "$tmp/d" --as-of 2026-01-01 --no-cache)
  echo "cold load $rows deals, $n core(s): revl ${revl} ms, libcsv floor ${floor} ms, ratio $(ratio "$revl" "$floor") (target $want)"
done
rss=$(/usr/bin/time -f %M "$build/revl" run "$tmp/count.lua" --data "$tmp/d" --as-of 2026-01-01 --no-cache 2>&1 >/dev/null | tail -1)
echo "cold load peak RSS $((rss / 1024)) MB (target 120 MB at 1M deals)"
"$build/revl" inspect --data "$tmp/d" --cache "$tmp/cache" >/dev/null
warm=$(best "$build/revl" inspect --data "$tmp/d" --cache "$tmp/cache")
echo "warm inspect $rows deals (snapshot): ${warm} ms (target 50 ms at 1M deals)"
