#!/bin/sh
# tests/bench/smoke.sh -- correctness of the four benchmark tasks on small
# data, no timing (part of `make test`).  Needs only revl and a POSIX awk
# (gawk when installed, else the system awk: mawk on Debian; AWK=... overrides).
#
#   1. a hand-made fixture with answers worked out by hand (below): edge
#      cases of the ICP boundaries (employees 200 / 5000, revenue exactly
#      50,000,000, empty fields, scores 25 / 50 / 75) and of per-deal
#      rounding half away from zero (0.05 x 0.1 = 0.005 -> 0.01);
#      both revl's playbooks and the awk reference must give them;
#   2. `revl gen` with 10,000 deals: revl's outputs against the awk
#      reference (tests/bench/peers/awk), compared by tests/bench/compare.sh;
#   3. compare.sh itself must reject a wrong total.
# Last line: "N passed, N failed"; exit status 1 when anything failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
REVL=${REVL:-$BUILD/revl}
B=tests/bench
LC_ALL=C
export LC_ALL
if [ -z "${AWK:-}" ]; then
  if command -v gawk >/dev/null 2>&1; then AWK=gawk; else AWK=awk; fi
fi
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/revl-smoke.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL bench smoke: $*"; }

# check NAME EXPECTED GOT
check() {
  if sh $B/compare.sh "$2" "$3" 2>"$tmp/cmp"; then ok; else bad "$1"; sed 's/^/  /' "$tmp/cmp"; fi
}

# revl_task TASK DATA_DIR OUT_DIR: run tests/bench/TASK.lua on the files
# that task reads (revl loads every CSV of --data).
revl_task() {
  d=$tmp/revl-$1-$(basename "$2")
  rm -rf "$d"
  mkdir -p "$d"
  case $1 in
  t1 | t2) files=deals.csv ;;
  t3) files=accounts.csv ;;
  *) files="accounts.csv deals.csv" ;;
  esac
  for f in $files; do cp "$2/$f" "$d/$f"; done
  "$REVL" run $B/$1.lua --data "$d" --as-of 2026-01-01 --out "$3" >"$tmp/revl.out" 2>&1 ||
    { bad "revl $1 on $(basename "$2") exited non-zero"; sed 's/^/  /' "$tmp/revl.out" | tail -n 10; return 1; }
}

# awk_task TASK DATA_DIR OUT_FILE
awk_task() {
  case $1 in
  t1 | t2) in="$2/deals.csv" ;;
  t3) in="$2/accounts.csv" ;;
  *) in="$2/accounts.csv $2/deals.csv" ;;
  esac
  $AWK -F, -f $B/peers/awk/common.awk -f $B/peers/awk/$1.awk $in >"$3" ||
    { bad "$AWK $1 on $(basename "$2") exited non-zero"; return 1; }
}

if [ ! -x "$REVL" ]; then
  bad "$REVL not found"
  echo "$pass passed, $fail failed"
  exit 1
fi

# ---- 1. the fixture ----------------------------------------------------------
fx=$tmp/fixture
mkdir -p "$fx" "$tmp/want"
cat >"$fx/accounts.csv" <<'EOF'
account_id,name,domain,industry,employees,annual_revenue,country,segment,created_date
A1,One,one.com,Software,200,50000001,US,Mid-Market,2024-01-01
A2,Two,two.com,Fintech,5000,50000000,CA,Enterprise,2024-01-01
A3,Three,,Healthcare,5001,,GB,Enterprise,2024-01-01
A4,Four,four.de,Retail,199,60000000,DE,SMB,2024-01-01
A5,Five,five.fr,Software,10,,FR,SMB,2024-01-01
A6,Six,six.jp,Media,300,,JP,Mid-Market,2024-01-01
A7,Seven,seven.fr,Media,6000,1000,FR,Enterprise,2024-01-01
A8,Eight,eight.com,Fintech,199,,US,SMB,2024-01-01
A9,Nine,,Education,,,BR,,2024-01-01
EOF
cat >"$fx/deals.csv" <<'EOF'
deal_id,account_id,owner,stage,amount,created_date,close_date,forecast_category
D01,A1,R1,Prospecting,0.05,2025-06-01,2026-03-01,Pipeline
D02,A1,R1,Prospecting,0.15,2025-06-01,2026-03-01,Pipeline
D03,A2,R1,Negotiation,100.01,2025-06-01,2026-03-01,Commit
D04,A3,R2,Demo,1234.56,2025-06-01,2026-03-01,Best Case
D05,A3,R2,Closed Won,5000.00,2025-06-01,2025-09-01,Closed
D06,A4,R2,Closed Lost,700.00,2025-06-01,2025-09-01,Omitted
D07,A5,R3,Proposal,0.01,2025-06-01,2026-03-01,Best Case
D08,A5,R3,Discovery,10.25,2025-06-01,2026-03-01,Pipeline
D09,A7,R3,Discovery,0.03,2025-06-01,2026-03-01,Pipeline
D10,A7,R2,Prospecting,999999.95,2025-06-01,2026-03-01,Pipeline
D11,A9,R1,Closed Won,1.00,2025-06-01,2025-09-01,Closed
EOF
# Worked by hand.  T2: R1 = 0.01 + 0.02 + 80.01 (100.01 x .8 = 80.008);
# R2 = 493.82 (1234.56 x .4 = 493.824) + 100000.00 (99999.995 rounds up);
# R3 = 0.01 (0.006) + 2.05 + 0.01 (0.006).
cat >"$tmp/want/t1.csv" <<'EOF'
rows,amount_sum
11,1007046.01
EOF
cat >"$tmp/want/t2.csv" <<'EOF'
owner,weighted_total
R1,80.04
R2,100493.82
R3,2.07
EOF
cat >"$tmp/want/t3.csv" <<'EOF'
account_id,score,tier
A1,100,A
A2,75,A
A3,65,B
A4,45,C
A5,30,C
A6,25,C
A7,15,D
A8,50,B
A9,0,D
EOF
cat >"$tmp/want/t4.csv" <<'EOF'
tier,accounts,accounts_with_open,open_deals,open_pipeline
A,2,2,3,100.21
B,2,1,1,1234.56
C,3,1,2,10.26
D,2,1,2,999999.98
EOF
for t in t1 t2 t3 t4; do
  revl_task $t "$fx" "$tmp/fx-revl" && check "revl $t (fixture)" "$tmp/want/$t.csv" "$tmp/fx-revl/$t.csv"
  awk_task $t "$fx" "$tmp/fx-awk-$t.csv" && check "$AWK $t (fixture)" "$tmp/want/$t.csv" "$tmp/fx-awk-$t.csv"
done

# ---- 2. generated data: revl against the awk reference -----------------------
gen=$tmp/gen
if "$REVL" gen --out "$gen" --deals 10000 --accounts 2000 --reps 50 --seed 1 --as-of 2026-01-01 >"$tmp/gen.out" 2>&1; then
  for t in t1 t2 t3 t4; do
    revl_task $t "$gen" "$tmp/gen-revl" && awk_task $t "$gen" "$tmp/gen-awk-$t.csv" &&
      check "revl $t vs $AWK (10k deals)" "$tmp/gen-awk-$t.csv" "$tmp/gen-revl/$t.csv"
  done
else
  bad "revl gen failed"
  sed 's/^/  /' "$tmp/gen.out" | tail -n 5
fi

# ---- 3. the comparator rejects a wrong cent --------------------------------
printf 'owner,weighted_total\nR1,80.05\nR2,100493.82\nR3,2.07\n' >"$tmp/wrong.csv"
if sh $B/compare.sh "$tmp/want/t2.csv" "$tmp/wrong.csv" 2>/dev/null; then
  bad "compare.sh accepted a total one cent off"
else
  ok
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
