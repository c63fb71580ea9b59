#!/bin/sh
# tests/repl/test_repl.sh -- `revl repl` on a terminal, driven through
# tmux: auto-print, continuation lines, tab completion, Ctrl-C, :commands,
# history, Ctrl-D.  Every check polls the screen (no fixed sleeps), with
# a generous timeout.  Last line: "N passed, N failed"; exits non-zero
# when a check failed.
#
#   sh tests/repl/test_repl.sh          (REVL=path/to/revl to choose)

REVL=${REVL:-$(pwd)/build/revl}
pass=0
fail=0

if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux is not installed: the terminal tests are skipped"
  echo "0 passed, 0 failed"
  exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/revl-repl.XXXXXX")
SOCK="$TMP/tmux.sock"
cleanup() {
  tmux -S "$SOCK" kill-server >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$REVL" gen --out "$TMP/data" --deals 200 --seed 1 >/dev/null || {
  echo "FAIL could not generate test data"
  echo "0 passed, 1 failed"
  exit 1
}

tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
screen() { tm capture-pane -p -J -S -1000 -t repl; }
type_text() { tm send-keys -t repl -l "$1"; }
key() { tm send-keys -t repl "$@"; }

# wait_for PATTERN [TENTHS]: poll the screen until grep -E finds PATTERN
# (default timeout 10 s)
wait_for() {
  n=${2:-100}
  i=0
  while [ $i -lt $n ]; do
    screen | grep -Eq -- "$1" && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# check NAME PATTERN [TENTHS]
check() {
  if wait_for "$2" "$3"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $1: no line matching /$2/ on the screen:"
    screen | grep -v '^$' | tail -15 | sed 's/^/    /'
  fi
}

# the last non-empty line of the screen, trailing blanks removed
last_line() { screen | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -n 1; }

# wait_last PATTERN [TENTHS]: until the last line matches
wait_last() {
  n=${2:-100}
  i=0
  while [ $i -lt $n ]; do
    last_line | grep -Eq -- "$1" && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# type TEXT at a fresh prompt and wait until it shows: the keys after it
# (Tab, Ctrl-C, Enter) then reach a line editor that has read it -- the
# terminal drops unread input on Ctrl-C
enter_text() {
  wait_last '^(revl|\.\.\.)>$'
  type_text "$1"
  wait_last "$(printf '%s' "$1" | sed 's/[][\\.*^$(){}+?|]/\\&/g')\$"
}

# a line: text then Enter
line() {
  enter_text "$1"
  key Enter
}

# a session that lives as long as the test: killing the last session
# ends the tmux server, and a new-session racing with that exit found no
# server under load (three checks failed at once)
tm new-session -d -s keep "sleep 600"
tm new-session -d -s repl -x 160 -y 50 \
  "env REVL_HISTORY='$TMP/history' '$REVL' repl --data '$TMP/data' --as-of 2026-01-01; echo EXIT:\$?; sleep 120"

check "prompt" '^revl> $'

# an expression prints its value; a statement prints nothing
line '1 + 41'
check "expression" '^42$'
line 'revl.deals:limit(2)'
check "view as a table" '^\(deals: 2 rows\)$'
line 'revl.deals:row(1)'
check "row as fields" '^id +=  ?D0000001$'

# an unfinished statement continues on a second prompt
line 'for i = 1, 2 do'
check "continuation prompt" '^\.\.\.> $'
line 'print(i * 1000)'
line 'end'
check "continued loop ran" '^2000$'

# tab completion
enter_text 'revl.de'
key Tab
check "complete revl.de" '^revl> revl\.deals$'
type_text ':count()'   # continues the completed line
key Enter
check "completed line runs" '^200$'
enter_text 'revl.deals:where{sta'
key Tab
check "complete a column in where{}" 'where\{stage$'
key C-u
line 'd = revl.deals:row(2)'
enter_text 'd.clo'
key Tab
check "complete a row field" '^revl> d\.close_date$'
key C-u

# Ctrl-C stops a running command; the session keeps its globals
line 'kept = 7'
line 'while true do end'
sleep 0.3
key C-c
if ! wait_for 'revl: stdin:1: interrupted' 30; then key C-c; fi
check "Ctrl-C interrupts" 'revl: stdin:1: interrupted'
line 'kept * 11'
check "globals survive an interrupt" '^77$'

# Ctrl-C at the prompt discards the line
enter_text 'discard_me()'
key C-c
check "Ctrl-C at the prompt" 'discard_me\(\)\^C$'
line '"after" .. "ctrl-c"'
check "prompt after Ctrl-C" '^afterctrl-c$'

# errors keep the session
line 'error("boom")'
check "error message" '^revl: stdin:1: boom$'
line '3 * 3 * 3'
check "session after an error" '^27$'

# an error shows its message line; :trace the whole traceback of the
# last one; :trace on shows it with every error
line 'function deep_fail() error("deep") end'
line 'deep_fail()'
check "error: the message line" '^revl: stdin:1: deep$'
if screen | grep -q 'stack traceback:'; then
  fail=$((fail + 1))
  echo "FAIL :trace off: an error printed its traceback"
else
  pass=$((pass + 1))
fi
line ':trace'
check ":trace: the last error's traceback" "in function 'deep_fail'"
line ':trace on'
check ":trace on" '^trace on$'
line 'revl.deals:where{amout = 1}'
check ":trace on: revl's frames" "\\[C\\]: in method 'where'"
line ':trace off'
check ":trace off" '^trace off$'
line ':trace maybe'
check ":trace bad argument" "revl: :trace takes on or off, not 'maybe'"
line ':trce'
check "unknown command: nearest" "unknown command ':trce' \\(did you mean ':trace'\\?\\)"

# :commands
line ':tables'
check ":tables" '^deals +200 +10$'
check ":tables: a table not used yet is not parsed" '^usage +- +- \(loads on first use\)$'
line ':schema deals'
check ":schema" '^close_date +date +0'
line ':nope'
check "unknown command" "unknown command ':nope'"

# Ctrl-D leaves with status 0
wait_last '^revl>$'
key C-d
check "Ctrl-D exits 0" '^EXIT:0$'

# a table that cannot load: its FILE:LINE:COL at the prompt, the session
# goes on with what did load
tm kill-session -t repl
mkdir "$TMP/broken"
printf 'id,name\nA1,Acme\n' > "$TMP/broken/accounts.csv"
printf 'id,account_id,amount,stage\nD1,A1,"10.00,Demo\n' > "$TMP/broken/deals.csv"
tm new-session -d -s repl -x 160 -y 50 \
  "cd '$TMP' && '$REVL' repl --data broken --as-of 2026-01-01; echo EXIT:\$?; sleep 120"
check "lazy: prompt" '^revl> $'
line '#revl.deals'
check "lazy: the load error" '^revl: broken/deals\.csv:2:3: unterminated quoted field'
line '#revl.accounts * 5'
check "lazy: session after a failed load" '^5$'
wait_last '^revl>$'
key C-d
check "lazy: Ctrl-D exits 0" '^EXIT:0$'
tm kill-session -t repl

# --color=always: a bold prompt, results in colour, errors in red
# (escape sequences kept by capture-pane -e)
tm new-session -d -s color -x 160 -y 50 \
  "env REVL_HISTORY= '$REVL' repl --data '$TMP/data' --as-of 2026-01-01 --color=always; sleep 120"
cscreen() { tm capture-pane -p -e -t color | cat -v; }
cwait() {
  i=0
  while [ $i -lt 100 ]; do
    cscreen | grep -Eq -- "$1" && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
ccheck() {
  if cwait "$2"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $1: no /$2/ on the coloured screen:"
    cscreen | grep -v '^$' | tail -8 | sed 's/^/    /'
  fi
}
ccheck "coloured prompt" '^\^\[\[1mrevl>'
tm send-keys -t color -l '6 * 7'
tm send-keys -t color Enter
ccheck "coloured result" '^\^\[\[32m42'
tm send-keys -t color -l 'error("red")'
tm send-keys -t color Enter
ccheck "coloured error" '^\^\[\[31mrevl: stdin:1: red'
tm kill-session -t color

# libedit writes spaces as \040
if grep -q '^kept' "$TMP/history" 2>/dev/null; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL history: 'kept = 7' not in \$REVL_HISTORY"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
