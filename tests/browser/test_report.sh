#!/bin/sh
# tests/browser/test_report.sh -- report.html in a real browser: renders
# the report of examples/data and of tests/browser/data with headless
# Chromium and checks, for each, at 1280 px and at 390 px (a phone):
#   - no console message while the page loads (the report has no script;
#     any console line is an error: a blocked fetch, a parse failure);
#   - the DOM Chromium builds holds every chart of the file, each chart's
#     marks are SVG elements (bars and funnel steps <rect>, lines <path>)
#     with <title>s, and each chart has a non-empty box;
#   - the page is no wider than the window (tables scroll on their own);
#   - the <title> of every bar and funnel step shown for pipeline by
#     owner, by close quarter and the lead funnel equals what the same
#     metrics give a playbook (tests/browser/values.lua through revl run);
#   - the screenshots are not blank (tests/tools/pngcheck.c: more than one
#     colour, at least 1% of pixels differ from the background).
# REVL_UPDATE=1 also writes the 1280-px screenshot of examples/data to
# docs/report.png (the README shows it).
# Ends with "N passed, N failed".  Needs $REVL, chromium and a C compiler
# with zlib (make deps installs both).

REVL=${REVL:-$(pwd)/build/revl}
CC=${CC:-cc}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
pass=0
fail=0
t=$(mktemp -d "${TMPDIR:-/tmp}/revl-browser.XXXXXX")
trap 'rm -rf "$t"' EXIT INT TERM
mkdir -p "$t/home"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check NAME COMMAND...: passes when the command succeeds
  what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}

# browse ARGS...: one headless Chromium run with its own profile and HOME;
# stderr (the browser's log) goes to $t/log
browse() {
  HOME="$t/home" timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$t/profile" --no-first-run --hide-scrollbars \
    --enable-logging=stderr --v=0 --allow-file-access-from-files "$@" 2>"$t/log"
}
console_clean() { ! grep -q ':CONSOLE' "$t/log"; }

$CC -std=c11 -O1 -o "$t/pngcheck" tests/tools/pngcheck.c -lz || { echo "0 passed, 1 failed"; exit 1; }

# shot NAME FILE WIDTH: the screenshot is WIDTH wide and not blank
shot() {
  set -- "$1" "$2" "$3" "$("$t/pngcheck" "$2")"
  # $4 = "WIDTH HEIGHT COLOURS INKED_PERMILLE"
  echo "$4" | awk -v w="$3" '{ exit !($1 == w && $3 > 1 && $4 >= 10) }' ||
    { bad "$1: screenshot blank or the wrong size ($4)"; return; }
  ok
}

for spec in examples:examples/data small:tests/browser/data; do
  name=${spec%%:*}
  data=${spec#*:}
  out="$t/$name"
  "$REVL" report --data "$data" --as-of 2025-12-31 --out "$out" >/dev/null ||
    { bad "$name: revl report failed"; continue; }
  cp tests/browser/probe.html "$out/"
  H="$out/report.html"
  url="file://$out"

  # the page itself: loads without a console message, every chart in the DOM
  browse --window-size=1280,2000 --dump-dom "$url/report.html" >"$t/dom.html"
  check "$name: console messages loading report.html: $(grep ':CONSOLE' "$t/log")" console_clean
  nfile=$(grep -o '<svg class="chart [a-z_]*' "$H" | wc -l)
  ndom=$(grep -o '<svg class="chart [a-z_]*' "$t/dom.html" | wc -l)
  check "$name: $nfile charts in the file, $ndom in the DOM" test "$nfile" -gt 0 -a "$nfile" = "$ndom"

  # --window-size wider than the iframe: the probe's own page must not clip it
  for w in 1280 390; do
    browse --window-size=1400,2000 --dump-dom "$url/probe.html#$w" |
      sed -n '/<pre id="out">/,/<\/pre>/p' | sed 's/<[^>]*>//g' >"$t/probe.$w"
    check "$name $w px: console messages in the probe: $(grep ':CONSOLE' "$t/log")" console_clean
    check "$name $w px: probe read the report: $(head -1 "$t/probe.$w")" grep -q '^chart ' "$t/probe.$w"
    n=$(grep -c '^chart ' "$t/probe.$w")
    check "$name $w px: $n charts probed, $nfile in the file" test "$n" = "$nfile"
    # each chart: its kind's marks, titles, a real box
    grep '^chart ' "$t/probe.$w" | while read -r _ kind rest; do
      echo "$rest" | tr ' =' '\n ' | awk -v k="$kind" '
        { v[$1] = $2 }
        END {
          marks = (k == "line") ? v["path"] : v["rect"]
          if (v["svg"] != 1 || marks < 1 || v["title"] < 2 || v["w"] < 100 || v["h"] < 50) {
            print "chart " k ": " marks " marks, " v["title"] " titles, box " v["w"] "x" v["h"]; exit 1 }
        }' || echo "bad"
    done >"$t/charts"
    check "$name $w px: every chart drawn: $(cat "$t/charts")" test ! -s "$t/charts"
    check "$name $w px: page wider than the window: $(grep '^page' "$t/probe.$w")" \
      sh -c "grep '^page' '$t/probe.$w' | awk -F'[ =]' '{ exit !(\$3 > 0 && \$3 <= \$5) }'"
  done

  # the chart values are the metric values a playbook gets
  "$REVL" run tests/browser/values.lua --data "$data" --as-of 2025-12-31 --out "$t/run" >"$t/want.raw" ||
    { bad "$name: revl run values.lua failed"; continue; }
  awk -F, 'NR == FNR { if (FNR > 1) name[$1] = $2; next }
    { for (id in name) if (index($0, "bar " id " · ") == 1) { sub(" " id " ", " " name[id] " ") ; break } print }' \
    "$data/reps.csv" "$t/want.raw" >"$t/want"
  grep '^value ' "$t/probe.1280" | sed 's/^value //' >"$t/got"
  nwant=$(wc -l <"$t/want")
  missing=$(grep -vxFf "$t/got" "$t/want")
  check "$name: $nwant chart values from revl run, not in the page: $missing" \
    test "$nwant" -gt 4 -a -z "$missing"

  # screenshots, desktop and phone
  for w in 1280 390; do
    browse --window-size=$w,2000 --screenshot="$t/$name.$w.png" "$url/report.html" >/dev/null
    shot "$name $w px" "$t/$name.$w.png" "$w"
  done
  if [ -n "$REVL_UPDATE" ] && [ "$name" = examples ]; then
    cp "$t/$name.1280.png" docs/report.png
  fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
