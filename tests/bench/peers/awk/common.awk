# Shared helpers, concatenated in front of each task script (awk -f common.awk -f tN.awk).
# POSIX awk: runs under gawk, mawk and busybox awk.  Money is handled in
# integer cents (doubles are exact below 2^53 cents).
function cents(s,   c) {        # "1234.56" -> 123456, rounded half away from zero
  c = s * 100
  return c < 0 ? -int(-c + 0.5) : int(c + 0.5)
}
function wcents(c, tenths,   w) { # c x tenths/10, rounded half away from zero
  w = c * tenths
  return w < 0 ? -int((-w + 5) / 10) : int((w + 5) / 10)
}
function money(c,   s) {        # cents -> "1234.56"
  s = ""
  if (c < 0) { s = "-"; c = -c }
  return s sprintf("%.0f", int(c / 100)) "." sprintf("%02d", c - int(c / 100) * 100)
}
function icp(industry, employees, country, revenue,   s) {
  s = 0
  if (industry == "Software" || industry == "Fintech" || industry == "Healthcare") s += 30
  if (employees != "") {
    if (employees + 0 >= 200 && employees + 0 <= 5000) s += 25
    else if (employees + 0 > 5000) s += 15
  }
  if (country == "US" || country == "CA" || country == "GB" || country == "DE") s += 20
  if (revenue != "" && revenue + 0 > 50000000) s += 25
  return s
}
function tier(s) { return s >= 75 ? "A" : s >= 50 ? "B" : s >= 25 ? "C" : "D" }
