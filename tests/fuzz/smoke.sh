#!/bin/sh
# tests/fuzz/smoke.sh HARNESS... -- run each libFuzzer harness for
# FUZZ_TIME seconds (default 12) on its seed corpus tests/fuzz/corpus/NAME
# with its dictionary, one at a time and niced.  New inputs go to a
# scratch directory (the committed corpus is not changed); a crash, leak,
# sanitizer report or timeout leaves its input under
# $FUZZ_BUILD/crashes/ and makes the script exit 1.  One line per
# harness: runs, seconds, corpus size; then "N passed, N failed".
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_TIME=${FUZZ_TIME:-12}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/revl-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$FUZZ_BUILD/crashes"
pass=0
fail=0
for h in "$@"; do
  name=${h#fuzz_}
  bin=$FUZZ_BUILD/$h
  corpus=tests/fuzz/corpus/$name
  dict=tests/fuzz/$name.dict
  mkdir -p "$scratch/$name"
  set -- -max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/crashes/$name-"
  [ -f "$dict" ] && set -- "$@" -dict="$dict"
  log=$scratch/$name.log
  start=$(date +%s)
  nice -n 10 "$bin" "$@" "$scratch/$name" "$corpus" >"$log" 2>&1
  st=$?
  secs=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  units=$(ls "$scratch/$name" | wc -l)
  if [ "$st" -eq 0 ]; then
    pass=$((pass + 1))
    echo "ok   $h: ${runs:-?} runs in ${secs} s, $units new inputs"
  else
    fail=$((fail + 1))
    echo "FAIL $h: exit $st after ${secs} s (input in $FUZZ_BUILD/crashes/)"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 20
  fi
done
echo "fuzz-smoke: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
