#!/bin/sh
# tests/bench/compare.sh EXPECTED GOT -- do two task outputs (CSV with a
# header) agree?  Exit 0 when they do, 1 (with the first differences on
# stderr) when they do not, 2 when a file is missing.
#
# Rules (docs/bench.md):
#   - carriage returns are ignored (sqlite3 writes CRLF);
#   - the headers must be equal; the data rows are compared after sorting
#     (byte order), so the row order of a tool does not matter;
#   - fields that are numbers on both sides are compared as numbers:
#     integers exactly, decimals (money) to the cent, i.e. |a - b| < 0.005.
#     Every peer rounds each deal's weighted amount half away from zero to
#     the cent in integer cents, as revl's `money * number` does, and sums
#     exact cents, so their totals equal revl's exact money sums;
#   - any other field must be equal as text.
export LC_ALL=C
[ $# -eq 2 ] || { echo "usage: compare.sh EXPECTED GOT" >&2; exit 2; }
for f in "$1" "$2"; do
  [ -f "$f" ] || { echo "compare: $f: no such file" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/revl-cmp.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
for i in 1 2; do
  eval "f=\$$i"
  tr -d '\r' <"$f" >"$tmp/$i"
  head -n 1 "$tmp/$i" >"$tmp/h$i"
  tail -n +2 "$tmp/$i" | grep -v '^$' | sort >"$tmp/b$i"
done
if ! cmp -s "$tmp/h1" "$tmp/h2"; then
  echo "compare: headers differ: '$(cat "$tmp/h1")' vs '$(cat "$tmp/h2")'" >&2
  exit 1
fi
n1=$(wc -l <"$tmp/b1"); n2=$(wc -l <"$tmp/b2")
if [ "$n1" -ne "$n2" ]; then
  echo "compare: $n1 rows expected, $n2 found" >&2
  exit 1
fi
paste -d '\n' "$tmp/b1" "$tmp/b2" | awk -F, '
  function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ }
  NR % 2 == 1 { want = $0; nw = split($0, w, ","); next }
  {
    ng = split($0, g, ","); ok = (nw == ng)
    for (i = 1; ok && i <= nw; i++) {
      if (num(w[i]) && num(g[i])) {
        if (index(w[i], ".") || index(g[i], ".")) { d = w[i] - g[i]; if (d < 0) d = -d; if (d >= 0.005) ok = 0 }
        else if (w[i] + 0 != g[i] + 0) ok = 0
      } else if (w[i] != g[i]) ok = 0
    }
    if (!ok) { bad++; if (bad <= 5) printf "compare: row %d: expected %s, found %s\n", NR / 2, want, $0 > "/dev/stderr" }
  }
  END { if (bad) { printf "compare: %d of %d rows differ\n", bad, NR / 2 > "/dev/stderr"; exit 1 } }'
