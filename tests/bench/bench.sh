#!/bin/sh
# tests/bench/bench.sh -- revl against its peers on four tasks (docs/bench.md).
#
#   sh tests/bench/bench.sh deps   install the peers (Debian packages, DuckDB from npm)
#   sh tests/bench/bench.sh        SCALE=1: every tool on every task, checked
#                                  against revl, timed, written to RESULTS.md
#   SCALE=10 sh tests/bench/bench.sh   revl's load (T1) time and peak RSS at
#                                  10x the rows, against SCALE=1 (linearity)
#
# Environment: BUILD (build dir holding revl, default build), SCALE (1),
# RUNS (timed runs per command, default 5, after one warm-up run), TOOLS
# (space-separated subset of the tools, default all that are installed),
# MICRO=0 to skip the micro-benchmarks of tests/bench/run.sh, RESULTS (the
# file to update, default tests/bench/RESULTS.md; RESULTS=- for none).
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
SCALE=${SCALE:-1}
RUNS=${RUNS:-5}
MICRO=${MICRO:-1}
RESULTS=${RESULTS:-tests/bench/RESULTS.md}
B=tests/bench
ASOF=2026-01-01
# Same byte-oriented locale for every tool (gawk is 2x slower in UTF-8 locales).
LC_ALL=C
export LC_ALL

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- deps -----------------------------------------------------------------
DEBS="gawk sqlite3 python3-pandas miller lua5.4 luajit hyperfine time libcsv-dev"
duckdb_ok() {
  have node && (cd $B && node -e 'require("@duckdb/node-api")') >/dev/null 2>&1
}
deps() {
  missing=""
  for p in $DEBS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  if [ -n "$missing" ]; then
    say "bench-deps: installing$missing"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing ||
      { $sudo apt-get update -q &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing; } ||
      die "apt-get install failed"
  fi
  # DuckDB: the npm package @duckdb/node-api into tests/bench/node_modules
  # (git-ignored).  Optional: the benchmark skips DuckDB without it.
  if duckdb_ok; then
    :
  elif have npm; then
    say "bench-deps: npm install @duckdb/node-api into $B/node_modules"
    npm install --prefix $B --no-save --no-package-lock --no-audit --no-fund @duckdb/node-api >&2 ||
      say "bench-deps: DuckDB not installed (npm failed); the benchmark will skip it"
  else
    say "bench-deps: npm not found; DuckDB will be skipped (install nodejs and npm to add it)"
  fi
  return 0
}
if [ "${1:-}" = deps ]; then
  deps
  exit 0
fi

# ---- data -----------------------------------------------------------------
REVL=$BUILD/revl
[ -x "$REVL" ] || die "$REVL not found: run 'make BUILD=$BUILD' first"
case $SCALE in '' | *[!0-9]* | 0) die "SCALE must be a positive integer" ;; esac

gen_data() { # gen_data SCALE -> tests/bench/data/sSCALE (cached)
  d=$B/data/s$1
  if [ ! -f "$d/.complete" ]; then
    say "bench: generating $((1000000 * $1)) deals into $d ..."
    mkdir -p "$d"
    rm -rf "$d.tmp"
    "$REVL" gen --out "$d.tmp" --deals $((1000000 * $1)) --accounts $((200000 * $1)) \
      --reps 500 --seed 1 --as-of $ASOF >/dev/null || die "revl gen failed"
    for f in "$d.tmp"/*.csv; do mv -f "$f" "$d/"; done
    rmdir "$d.tmp"
    touch "$d/.complete"
  fi
  # revl loads every CSV of its --data directory: one directory per task
  # holding only the files that task reads (symbolic links).
  mkdir -p "$d/revl-deals" "$d/revl-accounts" "$d/revl-join"
  ln -sf ../deals.csv "$d/revl-deals/deals.csv"
  ln -sf ../accounts.csv "$d/revl-accounts/accounts.csv"
  ln -sf ../deals.csv "$d/revl-join/deals.csv"
  ln -sf ../accounts.csv "$d/revl-join/accounts.csv"
}

# ---- tools ------------------------------------------------------------------
# cmd TOOL TASK: the shell command that runs TASK (t1..t4) with TOOL and
# writes $OUT/TOOL/TASK.csv; empty when TOOL does not run TASK.
cmd() {
  dl=$D/deals.csv
  ac=$D/accounts.csv
  o=$OUT/$1/$2.csv
  case $1 in
  revl | revl-cold) # revl-cold parses the CSV files every run (no snapshot cache)
    case $2 in t1 | t2) dd=revl-deals ;; t3) dd=revl-accounts ;; t4) dd=revl-join ;; esac
    cache="--cache $TMP/revl-cache"
    [ "$1" = revl-cold ] && cache=--no-cache
    echo "$REVL run $B/$2.lua --data $D/$dd --as-of $ASOF --out $OUT/$1 $cache" ;;
  gawk | mawk)
    case $2 in t3) in=$ac ;; t4) in="$ac $dl" ;; *) in=$dl ;; esac
    echo "$1 -F, -f $B/peers/awk/common.awk -f $B/peers/awk/$2.awk $in > $o" ;;
  sqlite3)
    s="sqlite3 :memory: -cmd '.read $B/peers/sqlite/schema.sql'"
    case $2 in
    t1 | t2) s="$s -cmd '.import --csv --skip 1 $dl deals'" ;;
    t3) s="$s -cmd '.import --csv --skip 1 $ac accounts' -cmd '.read $B/peers/sqlite/icp.sql'" ;;
    t4) s="$s -cmd '.import --csv --skip 1 $ac accounts' -cmd '.import --csv --skip 1 $dl deals' -cmd '.read $B/peers/sqlite/icp.sql'" ;;
    esac
    echo "$s < $B/peers/sqlite/$2.sql > $o" ;;
  pandas) echo "/usr/bin/python3 $B/peers/pandas/bench.py $2 $o $dl $ac" ;;
  mlr)
    case $2 in t3) in=$ac ;; t4) in="$ac $dl" ;; *) in=$dl ;; esac
    echo "mlr --icsv --ocsv put -q -f $B/peers/mlr/common.mlr -f $B/peers/mlr/$2.mlr $in > $o" ;;
  lua5.4 | luajit) echo "$1 $B/peers/lua/$2.lua $o $dl $ac" ;;
  duckdb) echo "node $B/peers/duckdb/bench.mjs $2 $o $dl $ac" ;;
  libcsv-floor) [ "$2" = t1 ] && echo "$BUILD/csvcount $dl > /dev/null" ;;
  cat-floor) [ "$2" = t1 ] && echo "cat $dl > /dev/null" ;;
  esac
}

available() { # available TOOL: installed here?
  case $1 in
  revl | revl-cold | cat-floor) return 0 ;;
  libcsv-floor) [ -x "$BUILD/csvcount" ] ;;
  pandas) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 ;;
  duckdb) duckdb_ok ;;
  *) have "$1" ;;
  esac
}

is_floor() { case $1 in *-floor) return 0 ;; esac; return 1; }

version() {
  case $1 in
  revl | revl-cold) "$REVL" version 2>/dev/null | head -n 1 ;;
  gawk) gawk --version | head -n 1 | sed 's/,.*//' ;;
  mawk) mawk -W version 2>&1 | head -n 1 | awk '{print $1, $2, $3}' ;;
  sqlite3) echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1)" ;;
  pandas) /usr/bin/python3 -c 'import sys, pandas, numpy; print("pandas", pandas.__version__, "numpy", numpy.__version__, "python", sys.version.split()[0])' ;;
  mlr) mlr --version ;;
  lua5.4) lua5.4 -v 2>&1 | cut -d' ' -f1-2 ;;
  luajit) luajit -v | cut -d' ' -f1-2 ;;
  duckdb) (cd $B && node -e 'const d=require("@duckdb/node-api/package.json"); process.stdout.write("@duckdb/node-api " + d.version + ", node " + process.version)') ;;
  libcsv-floor) echo "libcsv $(dpkg-query -W -f='${Version}' libcsv3 2>/dev/null || echo '?') (tests/bench/csvcount.c, cc -O2)" ;;
  cat-floor) cat --version | head -n 1 ;;
  esac
}

ALL_TOOLS="revl revl-cold gawk mawk sqlite3 pandas mlr lua5.4 luajit duckdb libcsv-floor cat-floor"
TOOLS=${TOOLS:-$ALL_TOOLS}
case " $TOOLS " in *" revl "*) ;; *) TOOLS="revl $TOOLS" ;; esac

# rss_run NAME COMMAND: run once under GNU time; prints peak RSS in KB.
rss_run() {
  /usr/bin/time -f %M -o "$TMP/rss" sh -c "$2" 2>"$TMP/err.$1"
  st=$?
  if [ $st -ne 0 ]; then
    say "bench: $1 failed (exit $st): $2"
    sed 's/^/  /' "$TMP/err.$1" | tail -n 5 >&2
    return 1
  fi
  tail -n 1 "$TMP/rss"
}

# hyper TASK NAME1 CMD1 NAME2 CMD2 ...: one hyperfine invocation, commands
# interleaved by task; appends "task,tool,median,mean,min,max,cpu" to
# $TIMES (cpu: mean user + system seconds).
hyper() {
  task=$1
  shift
  args=""
  i=0
  while [ $# -ge 2 ]; do
    i=$((i + 1))
    eval "hn_$i=\$1; hc_$i=\$2"
    args="$args -n \"\$hn_$i\" \"\$hc_$i\""
    shift 2
  done
  eval "hyperfine --style basic --warmup 1 --runs $RUNS --export-json \"\$OUT/$task.json\" --export-csv \"\$TMP/$task.csv\" $args" >&2 ||
    { say "bench: hyperfine failed for $task"; return 1; }
  awk -F, -v t="$task" 'NR > 1 { print t "," $1 "," $4 "," $2 "," $7 "," $8 "," $5 + $6 }' "$TMP/$task.csv" >>"$TIMES"
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/revl-bench.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM
have hyperfine || die "hyperfine not found: run 'sh tests/bench/bench.sh deps' (make bench-deps)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found: run 'sh tests/bench/bench.sh deps'"
cc -O2 -o "$BUILD/csvcount" $B/csvcount.c -lcsv 2>/dev/null || say "bench: libcsv floor skipped (cc -lcsv failed)"

machine() {
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  echo "$(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.0f GB RAM", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
}

# replace_section NAME FILE_WITH_BODY: put the body between the markers
# <!-- NAME begin --> / <!-- NAME end --> of $RESULTS (appended if absent).
replace_section() {
  [ "$RESULTS" = - ] && return 0
  [ -f "$RESULTS" ] || printf '# revl benchmark results\n\nWritten by `make bench` (tests/bench/bench.sh); see docs/bench.md.\n' >"$RESULTS"
  if grep -q "<!-- $1 begin -->" "$RESULTS"; then
    awk -v name="$1" -v body="$2" '
      $0 == "<!-- " name " begin -->" { print; while ((getline l < body) > 0) print l; skip = 1; next }
      $0 == "<!-- " name " end -->" { skip = 0 }
      !skip' "$RESULTS" >"$TMP/results" && cat "$TMP/results" >"$RESULTS"
  else
    { printf '\n<!-- %s begin -->\n' "$1"; cat "$2"; printf '<!-- %s end -->\n' "$1"; } >>"$RESULTS"
  fi
  say "bench: updated $RESULTS ($1)"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# ---- SCALE > 1: revl's load time and peak RSS only -----------------------
if [ "$SCALE" != 1 ]; then
  gen_data 1
  gen_data "$SCALE"
  TIMES=$TMP/times
  : >"$TIMES"
  for s in 1 "$SCALE"; do
    D=$B/data/s$s
    OUT=$B/out/s$s
    mkdir -p "$OUT/revl"
    eval "rss_$s=\$(rss_run revl-s$s \"\$(cmd revl t1)\")" || exit 1
    compare_t1=$(tail -n 1 "$OUT/revl/t1.csv")
    say "bench: s$s revl t1: $compare_t1"
  done
  D=$B/data/s1 OUT=$B/out/s1
  c1=$(cmd revl t1)
  D=$B/data/s$SCALE OUT=$B/out/s$SCALE
  cS=$(cmd revl t1)
  OUT=$B/out/s$SCALE
  hyper t1 "revl s1" "$c1" "revl s$SCALE" "$cS" || exit 1
  t_1=$(awk -F, '$2 == "revl s1" {print $3}' "$TIMES")
  t_S=$(awk -F, -v n="revl s$SCALE" '$2 == n {print $3}' "$TIMES")
  row() { # row SCALE RSS_KB
    awk -F, -v n="revl s$1" -v d=$((1000000 * $1)) -v kb="$2" '$2 == n {
      s = sprintf("%d", d); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
      printf "| %s | %.3f | %.3f | %.3f | %.0f |\n", s, $3, $5, $7, kb / 1024 }' "$TIMES"
  }
  eval "r1=\$rss_1; rS=\$rss_$SCALE"
  {
    echo
    echo "## Scaling: T1 load at SCALE=$SCALE ($(echo $((1000000 * SCALE)) | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') deals)"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(machine), load average at start $(cut -d' ' -f1-3 /proc/loadavg), $(version revl)."
    echo
    echo "Median and fastest wall seconds of $RUNS runs after 1 warm-up (one hyperfine invocation), mean CPU (user + system) seconds, peak RSS."
    echo
    echo "| deals | median s | min s | CPU s | peak RSS MB |"
    echo "|---|---|---|---|---|"
    row 1 "$r1"
    row "$SCALE" "$rS"
    echo
    c_1=$(awk -F, '$2 == "revl s1" {print $7}' "$TIMES")
    c_S=$(awk -F, -v n="revl s$SCALE" '$2 == n {print $7}' "$TIMES")
    awk -v a="$t_1" -v b="$t_S" -v s="$SCALE" -v m1="$r1" -v m2="$rS" -v c1="$c_1" -v c2="$c_S" 'BEGIN {
      printf "Wall time ratio %.2f for %dx the rows (%.2f of linear; 1.00 = linear), CPU time ratio %.2f.  ", b / a, s, b / a / s, c2 / c1
      printf "Peak RSS ratio %.2f (%.0f -> %.0f MB).\n", m2 / m1, m1 / 1024, m2 / 1024 }'
  } >"$TMP/section"
  cat "$TMP/section"
  replace_section scaling "$TMP/section"
  exit 0
fi

# ---- SCALE=1: every tool, every task -------------------------------------
gen_data 1
D=$B/data/s1
OUT=$B/out/s1
TIMES=$TMP/times
: >"$TIMES"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
tools=""
skipped=""
for t in $TOOLS; do
  if available "$t"; then tools="$tools $t"; else skipped="$skipped $t"; fi
done
[ -n "$skipped" ] && say "bench: not installed, skipped:$skipped"

# 1. correctness and peak RSS: one run of each, outputs against revl's.
for task in t1 t2 t3 t4; do
  for t in $tools; do
    c=$(cmd "$t" "$task")
    [ -n "$c" ] || continue
    mkdir -p "$OUT/$t"
    rm -f "$OUT/$t/$task.csv"
    if kb=$(rss_run "$t" "$c"); then
      st=ok
      if [ "$t" != revl ] && ! is_floor "$t"; then
        sh $B/compare.sh "$OUT/revl/$task.csv" "$OUT/$t/$task.csv" 2>"$TMP/cmp" ||
          { st=WRONG; say "bench: $t $task output differs from revl's:"; cat "$TMP/cmp" >&2; }
      fi
    else
      kb=0
      st=FAILED
    fi
    echo "$task,$t,$st,$kb" >>"$TMP/status"
    say "bench: $task $t: $st, peak $(mb "$kb") MB"
  done
done

# 2. timing: one hyperfine invocation per task with every tool that passed.
for task in t1 t2 t3 t4; do
  set --
  for t in $tools; do
    c=$(cmd "$t" "$task")
    [ -n "$c" ] || continue
    grep -q "^$task,$t,ok," "$TMP/status" || continue
    set -- "$@" "$t" "$c"
  done
  hyper "$task" "$@"
done

# 3. the table
title() {
  case $1 in
  t1) echo "T1 load (rows + sum of amount, 1M deals)" ;;
  t2) echo "T2 weighted open pipeline per owner" ;;
  t3) echo "T3 ICP score + tier per account (200k)" ;;
  t4) echo "T4 tiers x open deals join" ;;
  esac
}
{
  echo
  echo "## Results at SCALE=1 (1,000,000 deals, 200,000 accounts)"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') on $(machine)."
  echo "Load average at start: $LOAD0 (other work on the machine makes the figures noisy)."
  echo "Median (and fastest) wall seconds of $RUNS runs after 1 warm-up (hyperfine, one invocation per task);"
  echo "peak RSS of one run (GNU time %M).  \"÷ revl\" is the tool's median over revl's (> 1: revl is faster)."
  echo "Every output was checked against revl's (tests/bench/compare.sh): \"ok\" = equal, money to the cent."
  echo
  echo "| task | tool | median s | min s | peak MB | ÷ revl | check |"
  echo "|---|---|---|---|---|---|---|"
  for task in t1 t2 t3 t4; do
    rt=$(awk -F, -v k="$task" '$1 == k && $2 == "revl" {print $3}' "$TIMES")
    awk -F, -v k="$task" '$1 == k' "$TMP/status" | while IFS=, read -r _ t st kb; do
      med=$(awk -F, -v k="$task" -v n="$t" '$1 == k && $2 == n {print $3}' "$TIMES")
      min=$(awk -F, -v k="$task" -v n="$t" '$1 == k && $2 == n {printf "%.3f", $5}' "$TIMES")
      ratio=-
      if [ -n "$med" ] && [ -n "$rt" ] && [ "$t" != revl ]; then ratio=$(awk -v a="$med" -v b="$rt" 'BEGIN {printf "%.2f", a / b}'); fi
      chk=$st
      is_floor "$t" && chk="floor"
      [ -n "$med" ] && med=$(printf '%.3f' "$med") || med=-
      echo "| $(echo "$task" | tr t T) | $t | $med | ${min:--} | $(mb "$kb") | $ratio | $chk |"
    done
  done
  echo
  echo "### revl against the best peer"
  echo
  echo "Targets (not enforced): every task ≤ 0.7× the best peer; T1 ≤ 1.3× the libcsv floor; peak RSS ≤ 120 MB at 1M deals."
  echo "\"revl\" reads its snapshots (a private cache, written by the first run); \"revl-cold\" parses the CSV files every run (\`--no-cache\`)."
  echo
  echo "| task | revl s | revl-cold s | best peer | peer s | revl ÷ best peer | revl-cold ÷ best peer | revl peak MB |"
  echo "|---|---|---|---|---|---|---|---|"
  for task in t1 t2 t3 t4; do
    awk -F, -v k="$task" -v title="$(title "$task")" -v status="$TMP/status" '
      BEGIN { while ((getline l < status) > 0) { split(l, f, ","); st[f[1] "," f[2]] = f[3]; kb[f[1] "," f[2]] = f[4] } }
      $1 != k { next }
      $2 == "revl" { rt = $3; next }
      $2 == "revl-cold" { ct = $3; next }
      $2 ~ /-floor$/ { next }
      st[k "," $2] == "ok" && (best == "" || $3 < bt) { best = $2; bt = $3 }
      END {
        cs = ct ? sprintf("%.3f", ct) : "-"
        if (best == "") printf "| %s | %.3f | %s | - | - | - | - | %.0f |\n", title, rt, cs, kb[k ",revl"] / 1024
        else printf "| %s | %.3f | %s | %s | %.3f | **%.2f** | %s | %.0f |\n", title, rt, cs, best, bt, rt / bt,
          ct ? sprintf("%.2f", ct / bt) : "-", kb[k ",revl"] / 1024
      }' "$TIMES"
  done
  awk -F, '$1 == "t1" && $2 == "revl" {r = $3} $1 == "t1" && $2 == "revl-cold" {c = $3}
    $1 == "t1" && $2 == "libcsv-floor" {f = $3}
    END { if (r && f) printf "\nT1: revl ÷ libcsv floor = **%.2f**", r / f
          if (c && f) printf ", revl-cold ÷ libcsv floor = **%.2f**", c / f
          if (r && f) printf " (target ≤ 1.3 for the cold load).\n" }' "$TIMES"
  echo
  echo "### Versions"
  echo
  for t in $tools; do echo "- $t: $(version "$t")"; done
  echo "- hyperfine: $(hyperfine --version)"
  [ -n "$skipped" ] && echo "- not installed, skipped:$skipped"
  if grep -q ',\(WRONG\|FAILED\),' "$TMP/status"; then
    echo
    echo "Not timed (wrong output or failed): $(grep ',\(WRONG\|FAILED\),' "$TMP/status" | cut -d, -f1-3 | tr '\n' ' ')"
  fi
} >"$TMP/section"

# 4. the micro-benchmarks of tests/bench/run.sh (load vs libcsv, runtime costs)
if [ "$MICRO" != 0 ]; then
  say "bench: micro-benchmarks (tests/bench/run.sh)"
  if BUILD=$BUILD SCALE=1 sh $B/run.sh >"$TMP/micro" 2>&1; then
    { echo; echo "### Micro-benchmarks (tests/bench/run.sh)"; echo; echo '```'; cat "$TMP/micro"; echo '```'; } >>"$TMP/section"
  else
    say "bench: tests/bench/run.sh failed:"
    tail -n 5 "$TMP/micro" >&2
  fi
fi

cat "$TMP/section"
replace_section scale1 "$TMP/section"
if grep -q ',\(WRONG\|FAILED\),' "$TMP/status"; then
  say "bench: some outputs were wrong or failed (see above)"
  exit 1
fi
exit 0
