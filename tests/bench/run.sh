#!/bin/sh
# tests/bench/run.sh -- `make bench`: generate the benchmark data once
# (cached in tests/bench/data), then measure load and runtime figures.
# The peer comparison is tests/bench/bench.sh, which also runs this.
set -e
build=${BUILD:-build}
scale=${SCALE:-1}
deals=$((1000000 * scale))
data=tests/bench/data/s$scale
if [ ! -f "$data/deals.csv" ]; then
  echo "generating $deals deals into $data ..."
  "$build/revl" gen --out "$data" --deals "$deals" --accounts $((200000 * scale)) --reps 500 --seed 1 --as-of 2026-01-01 >/dev/null
  touch "$data/.complete"   # the cache marker of tests/bench/bench.sh
fi
cc -O2 -o "$build/csvcount" tests/bench/csvcount.c -lcsv
sh tests/bench/load.sh "$data"
if [ "$scale" = 1 ]; then
  mkdir -p "$build/benchdata"
  ln -sf "$(pwd)/$data/deals.csv" "$build/benchdata/deals.csv"
  "$build/revl" run tests/bench/runtime.lua --data "$build/benchdata" --as-of 2026-01-01
  s=$(date +%s%N)
  for i in 1 2 3 4 5 6 7 8 9 10; do echo "" | "$build/revl" repl >/dev/null 2>&1 || true; done
  e=$(date +%s%N)
  echo "repl start-up without data: $(( (e - s) / 10000000 )) ms"
  # the first prompt on a generated 200k-deal directory (every table:
  # activities, usage, stage history), without the cache: target 200 ms
  r=tests/bench/data/repl200k
  if [ ! -f "$r/.complete" ]; then
    "$build/revl" gen --out "$r" --deals 200000 --seed 1 --as-of 2026-01-01 >/dev/null
    touch "$r/.complete"
  fi
  b=999999
  for i in 1 2 3 4 5; do
    s=$(date +%s%N)
    echo "" | "$build/revl" repl --data "$r" --no-cache >/dev/null 2>&1 || true
    e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    [ "$t" -lt "$b" ] && b=$t
  done
  echo "repl first prompt, 200k-deal directory (no cache): $b ms (target 200 ms)"
fi
