/*
 * l_value.c -- money, date and datetime values for Lua.
 *
 * Money is an integer of minor units with its currency: sums and
 * differences are exact, mixing currencies is an error, and it compares
 * with plain Lua numbers in major units (deal.amount > 50000).  Dates
 * are days since 1970-01-01: they compare, subtract to a number of days,
 * and add days.  Datetimes are UTC seconds; subtracting two gives days
 * (a float).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lrevl.h"
#include "revl/metrics.h"
#include "revl/parse.h"
#include "metrics/mcore.h"

/* ---- money ---------------------------------------------------------- */

void revl_push_money(lua_State *L, int64_t minor, const char *cur) {
  revl_money_ud *m = lua_newuserdatauv(L, sizeof *m, 0);
  m->minor = minor;
  memcpy(m->cur, cur && cur[0] ? cur : "USD", 3);
  m->cur[3] = '\0';
  luaL_setmetatable(L, REVL_MONEY);
}

revl_money_ud *revl_test_money(lua_State *L, int idx) {
  return luaL_testudata(L, idx, REVL_MONEY);
}

void revl_money_format(int64_t minor, const char *cur, char *buf, size_t n) {
  char num[64];
  revl_format_money(minor, revl_currency_decimals(cur), 1, num, sizeof num);
  snprintf(buf, n, "%s %s", num, cur);
}

/* Round x (in minor units) half away from zero (revl_money_round). */
static int round_minor(lua_State *L, double x, int64_t *out) {
  if (revl_money_round(x, out)) return luaL_error(L, "money out of range");
  return 0;
}

/* Dates that arithmetic may produce: years 1-9999 (revl_date_plus ...).
 * Past them a result would wrap or overflow, so it is an error. */
#define DATE_RANGE_MSG "date out of range (years 1-9999)"

static int push_date_plus(lua_State *L, int32_t d, lua_Integer k) {
  int32_t r;
  if (revl_date_plus(d, k, &r)) return luaL_error(L, DATE_RANGE_MSG);
  revl_push_date(L, r);
  return 1;
}

static int push_datetime_plus(lua_State *L, int64_t secs, double x) {
  int64_t r;
  if (revl_datetime_plus(secs, x, &r)) return luaL_error(L, DATE_RANGE_MSG);
  revl_push_datetime(L, r);
  return 1;
}

/* revl.money(x [, currency]): x a string ("1,200.50", "EUR 10") parsed
 * exactly, or a number of major units rounded to the minor unit. */
static int money_new(lua_State *L) {
  const char *cur = luaL_optstring(L, 2, "USD");
  if (strlen(cur) != 3) return luaL_argerror(L, 2, "currency must be a 3-letter code");
  int dec = revl_currency_decimals(cur);
  int64_t minor;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    char code[4];
    if (revl_parse_money(s, n, NULL, dec, &minor, code))
      return luaL_error(L, "not an amount of money: \"%s\"", s);
    revl_push_money(L, minor, code[0] ? code : cur);
    return 1;
  }
  if (lua_isinteger(L, 1)) {
    if (revl_money_from_int(lua_tointeger(L, 1), dec, &minor))
      return luaL_error(L, "money out of range");
  } else {
    round_minor(L, luaL_checknumber(L, 1) * (double)revl_pow10(dec), &minor);
  }
  revl_push_money(L, minor, cur);
  return 1;
}

/* Minor units of a money or number (major units) operand in cur. */
static int64_t operand_minor(lua_State *L, int idx, const char *cur) {
  revl_money_ud *m = revl_test_money(L, idx);
  if (m) {
    if (memcmp(m->cur, cur, 3) != 0)
      luaL_error(L, "cannot mix currencies %s and %s", cur, m->cur);
    return m->minor;
  }
  int64_t v;
  round_minor(L, luaL_checknumber(L, idx) * (double)revl_pow10(revl_currency_decimals(cur)), &v);
  return v;
}

static revl_money_ud *either_money(lua_State *L) {
  revl_money_ud *m = revl_test_money(L, 1);
  return m ? m : revl_test_money(L, 2);
}

static int money_add(lua_State *L) {
  revl_money_ud *m = either_money(L);
  int64_t a = operand_minor(L, 1, m->cur), b = operand_minor(L, 2, m->cur), r;
  if (__builtin_add_overflow(a, b, &r)) return luaL_error(L, "money overflow");
  revl_push_money(L, r, m->cur);
  return 1;
}

static int money_sub(lua_State *L) {
  revl_money_ud *m = either_money(L);
  int64_t a = operand_minor(L, 1, m->cur), b = operand_minor(L, 2, m->cur), r;
  if (__builtin_sub_overflow(a, b, &r)) return luaL_error(L, "money overflow");
  revl_push_money(L, r, m->cur);
  return 1;
}

static int money_unm(lua_State *L) {
  revl_money_ud *m = luaL_checkudata(L, 1, REVL_MONEY);
  if (m->minor == INT64_MIN) return luaL_error(L, "money overflow");
  revl_push_money(L, -m->minor, m->cur);
  return 1;
}

/* money * number, rounded half away from zero to the minor unit. */
static int money_mul(lua_State *L) {
  int mi = revl_test_money(L, 1) ? 1 : 2;
  revl_money_ud *m = revl_test_money(L, mi);
  if (revl_test_money(L, 3 - mi)) return luaL_error(L, "cannot multiply money by money");
  double f = luaL_checknumber(L, 3 - mi);
  int64_t r;
  round_minor(L, (double)m->minor * f, &r);
  revl_push_money(L, r, m->cur);
  return 1;
}

/* money / number -> money (rounded); money / money -> number. */
static int money_div(lua_State *L) {
  revl_money_ud *a = luaL_checkudata(L, 1, REVL_MONEY);
  revl_money_ud *b = revl_test_money(L, 2);
  if (b) {
    if (memcmp(a->cur, b->cur, 3) != 0)
      return luaL_error(L, "cannot mix currencies %s and %s", a->cur, b->cur);
    if (b->minor == 0) return luaL_error(L, "division by zero money");
    lua_pushnumber(L, (double)a->minor / (double)b->minor);
    return 1;
  }
  double f = luaL_checknumber(L, 2);
  if (f == 0) return luaL_error(L, "division of money by zero");
  int64_t r;
  round_minor(L, (double)a->minor / f, &r);
  revl_push_money(L, r, a->cur);
  return 1;
}

/* Compare: <0, 0, >0.  Numbers are major units. */
static int money_cmp(lua_State *L) {
  revl_money_ud *a = revl_test_money(L, 1), *b = revl_test_money(L, 2);
  if (a && b) {
    if (memcmp(a->cur, b->cur, 3) != 0)
      return luaL_error(L, "cannot compare %s with %s", a->cur, b->cur);
    return (a->minor > b->minor) - (a->minor < b->minor);
  }
  revl_money_ud *m = a ? a : b;
  double x = revl_money_major(m->minor, m->cur);
  double y = luaL_checknumber(L, a ? 2 : 1);
  int c = (x > y) - (x < y);
  return a ? c : -c;
}

static int money_lt(lua_State *L) {
  lua_pushboolean(L, money_cmp(L) < 0);
  return 1;
}
static int money_le(lua_State *L) {
  lua_pushboolean(L, money_cmp(L) <= 0);
  return 1;
}
static int money_eq(lua_State *L) {
  revl_money_ud *a = revl_test_money(L, 1), *b = revl_test_money(L, 2);
  lua_pushboolean(L, a && b && a->minor == b->minor && memcmp(a->cur, b->cur, 3) == 0);
  return 1;
}

static int money_tostring(lua_State *L) {
  revl_money_ud *m = luaL_checkudata(L, 1, REVL_MONEY);
  char buf[96];
  revl_money_format(m->minor, m->cur, buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int money_index(lua_State *L) {
  revl_money_ud *m = luaL_checkudata(L, 1, REVL_MONEY);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "minor") == 0) lua_pushinteger(L, m->minor);
  else if (strcmp(k, "currency") == 0) lua_pushstring(L, m->cur);
  else if (strcmp(k, "major") == 0 || strcmp(k, "number") == 0)
    lua_pushnumber(L, revl_money_major(m->minor, m->cur));
  else if (strcmp(k, "plain") == 0) {
    char num[64];
    revl_format_money(m->minor, revl_currency_decimals(m->cur), 0, num, sizeof num);
    lua_pushstring(L, num);
  } else lua_pushnil(L);
  return 1;
}

/* ---- dates ---------------------------------------------------------- */

void revl_push_date(lua_State *L, int32_t days) {
  int32_t *d = lua_newuserdatauv(L, sizeof *d, 0);
  *d = days;
  luaL_setmetatable(L, REVL_DATE);
}

void revl_push_datetime(lua_State *L, int64_t secs) {
  int64_t *d = lua_newuserdatauv(L, sizeof *d, 0);
  *d = secs;
  luaL_setmetatable(L, REVL_DATETIME);
}

int revl_opt_date(lua_State *L, int idx, int32_t *days) {
  int32_t *d = luaL_testudata(L, idx, REVL_DATE);
  if (d) {
    *days = *d;
    return 1;
  }
  int64_t *dt = luaL_testudata(L, idx, REVL_DATETIME);
  if (dt) {
    *days = (int32_t)revl_floor_div64(*dt, 86400);
    return 1;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if (revl_parse_date(s, n, NULL, days) == 0) return 1;
    luaL_error(L, "not a date: \"%s\"", s);
  }
  return 0;
}

int revl_check_date(lua_State *L, int idx, int32_t *days) {
  if (!revl_opt_date(L, idx, days))
    return luaL_typeerror(L, idx, "date");
  return 1;
}

static int date_new(lua_State *L) {
  int32_t d;
  if (lua_isinteger(L, 1) && lua_isinteger(L, 2) && lua_isinteger(L, 3)) {
    lua_Integer y = lua_tointeger(L, 1), m = lua_tointeger(L, 2), dd = lua_tointeger(L, 3);
    if (m < 1 || m > 12 || dd < 1 || y < 1 || y > 9999 || dd > revl_days_in_month((int)y, (unsigned)m))
      return luaL_error(L, "no such date: %d-%d-%d", (int)y, (int)m, (int)dd);
    revl_push_date(L, revl_days_from_civil((int)y, (unsigned)m, (unsigned)dd));
    return 1;
  }
  revl_check_date(L, 1, &d);
  revl_push_date(L, d);
  return 1;
}

static int datetime_new(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int64_t secs;
  if (revl_parse_datetime(s, n, NULL, &secs))
    return luaL_error(L, "not a date-time: \"%s\"", s);
  revl_push_datetime(L, secs);
  return 1;
}

static int date_tostring(lua_State *L) {
  int32_t *d = luaL_checkudata(L, 1, REVL_DATE);
  char buf[16];
  revl_format_date(*d, buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int datetime_tostring(lua_State *L) {
  int64_t *d = luaL_checkudata(L, 1, REVL_DATETIME);
  char buf[32];
  revl_format_datetime(*d, buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

/* Seconds of a date or datetime operand (dates are midnight UTC). */
static int time_secs(lua_State *L, int idx, int64_t *secs) {
  int32_t *d = luaL_testudata(L, idx, REVL_DATE);
  if (d) {
    *secs = (int64_t)*d * 86400;
    return 1;
  }
  int64_t *dt = luaL_testudata(L, idx, REVL_DATETIME);
  if (dt) {
    *secs = *dt;
    return 1;
  }
  return 0;
}

static int time_cmp(lua_State *L) {
  int64_t a, b;
  if (!time_secs(L, 1, &a) || !time_secs(L, 2, &b))
    return luaL_error(L, "cannot compare a date with %s",
                      luaL_typename(L, time_secs(L, 1, &a) ? 2 : 1));
  return (a > b) - (a < b);
}
static int time_lt(lua_State *L) {
  lua_pushboolean(L, time_cmp(L) < 0);
  return 1;
}
static int time_le(lua_State *L) {
  lua_pushboolean(L, time_cmp(L) <= 0);
  return 1;
}
static int time_eq(lua_State *L) {
  int64_t a, b;
  lua_pushboolean(L, time_secs(L, 1, &a) && time_secs(L, 2, &b) && a == b);
  return 1;
}

/* date - date -> days; date - n -> date; datetime - datetime -> days. */
static int time_sub(lua_State *L) {
  int32_t *d = luaL_testudata(L, 1, REVL_DATE);
  int64_t a = 0, b = 0;
  if (lua_isinteger(L, 2) && d) {
    lua_Integer k = lua_tointeger(L, 2);
    if (k == LUA_MININTEGER) return luaL_error(L, DATE_RANGE_MSG);
    return push_date_plus(L, *d, -k);
  }
  if (lua_isnumber(L, 2) && luaL_testudata(L, 1, REVL_DATETIME)) {
    time_secs(L, 1, &a);
    return push_datetime_plus(L, a, -lua_tonumber(L, 2));
  }
  if (!time_secs(L, 1, &a) || !time_secs(L, 2, &b))
    return luaL_error(L, "cannot subtract %s from a date", luaL_typename(L, 2));
  int32_t *d2 = luaL_testudata(L, 2, REVL_DATE);
  if (d && d2) lua_pushinteger(L, *d - *d2);
  else lua_pushnumber(L, (double)(a - b) / 86400.0);
  return 1;
}

/* date + n days (either order); datetime + n days. */
static int time_add(lua_State *L) {
  int di = lua_isnumber(L, 1) ? 2 : 1;
  int32_t *d = luaL_testudata(L, di, REVL_DATE);
  if (d) {
    return push_date_plus(L, *d, luaL_checkinteger(L, 3 - di));
  }
  int64_t *dt = luaL_checkudata(L, di, REVL_DATETIME);
  return push_datetime_plus(L, *dt, luaL_checknumber(L, 3 - di));
}

static int date_index(lua_State *L) {
  int32_t days;
  int64_t secs = 0;
  int32_t *d = luaL_testudata(L, 1, REVL_DATE);
  if (d) days = *d;
  else {
    secs = *(int64_t *)luaL_checkudata(L, 1, REVL_DATETIME);
    days = (int32_t)revl_floor_div64(secs, 86400);
  }
  const char *k = luaL_checkstring(L, 2);
  int y;
  unsigned m, dd;
  revl_civil_from_days(days, &y, &m, &dd);
  if (strcmp(k, "year") == 0) lua_pushinteger(L, y);
  else if (strcmp(k, "month") == 0) lua_pushinteger(L, m);
  else if (strcmp(k, "day") == 0) lua_pushinteger(L, dd);
  else if (strcmp(k, "days") == 0) lua_pushinteger(L, days);
  else if (strcmp(k, "weekday") == 0) /* 1 = Monday .. 7 = Sunday */
    lua_pushinteger(L, revl_weekday(days));
  else if (strcmp(k, "epoch") == 0) lua_pushinteger(L, d ? (int64_t)days * 86400 : secs);
  else if (strcmp(k, "date") == 0) revl_push_date(L, days);
  else lua_pushnil(L);
  return 1;
}

/* ---- periods (labels: revl_period_key in src/metrics/period.c) ---- */

static int l_period(lua_State *L, const char *period) {
  int32_t d;
  revl_check_date(L, 1, &d);
  revl_rt_state *rt = revl_rt_get(L);
  int fs = (int)luaL_optinteger(L, 2, rt ? rt->fiscal_start : 1);
  if (fs < 1 || fs > 12) return luaL_argerror(L, 2, "fiscal start month must be 1-12");
  char buf[32];
  revl_period_key(d, period, fs, buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}
static int l_month(lua_State *L) { return l_period(L, "month"); }
static int l_quarter(lua_State *L) { return l_period(L, "quarter"); }
static int l_year(lua_State *L) { return l_period(L, "year"); }
static int l_week(lua_State *L) { return l_period(L, "week"); }
static int l_fquarter(lua_State *L) { return l_period(L, "fiscal_quarter"); }
static int l_fyear(lua_State *L) { return l_period(L, "fiscal_year"); }

/* revl.period_start(date, "month"|"quarter"|"year"|"fiscal_year"...) */
static int l_period_start(lua_State *L) {
  int32_t d;
  revl_check_date(L, 1, &d);
  const char *p = luaL_checkstring(L, 2);
  revl_rt_state *rt = revl_rt_get(L);
  int32_t start;
  if (revl_period_start(d, p, rt ? rt->fiscal_start : 1, &start))
    return luaL_argerror(L, 2, "period must be month, quarter, year, fiscal_quarter or fiscal_year");
  revl_push_date(L, start);
  return 1;
}

/* revl.add_months(date, n): same day, clamped to the month's end. */
static int l_add_months(lua_State *L) {
  int32_t d;
  revl_check_date(L, 1, &d);
  int32_t r;
  if (revl_add_months(d, luaL_checkinteger(L, 2), &r)) return luaL_error(L, DATE_RANGE_MSG);
  revl_push_date(L, r);
  return 1;
}

static const luaL_Reg money_meta[] = {
    {"__add", money_add}, {"__sub", money_sub}, {"__unm", money_unm},
    {"__mul", money_mul}, {"__div", money_div}, {"__lt", money_lt},
    {"__le", money_le},   {"__eq", money_eq},   {"__tostring", money_tostring},
    {"__index", money_index}, {NULL, NULL}};

static const luaL_Reg date_meta[] = {
    {"__sub", time_sub}, {"__add", time_add}, {"__lt", time_lt},
    {"__le", time_le},   {"__eq", time_eq},   {"__tostring", date_tostring},
    {"__index", date_index}, {NULL, NULL}};

static const luaL_Reg datetime_meta[] = {
    {"__sub", time_sub}, {"__add", time_add}, {"__lt", time_lt},
    {"__le", time_le},   {"__eq", time_eq},   {"__tostring", datetime_tostring},
    {"__index", date_index}, {NULL, NULL}};

static const luaL_Reg funcs[] = {
    {"money", money_new},     {"date", date_new},
    {"datetime", datetime_new}, {"month", l_month},
    {"quarter", l_quarter},   {"year", l_year},
    {"week", l_week},         {"fiscal_quarter", l_fquarter},
    {"fiscal_year", l_fyear}, {"period_start", l_period_start},
    {"add_months", l_add_months}, {NULL, NULL}};

int luaopen_revl_value(lua_State *L) {
  luaL_newmetatable(L, REVL_MONEY);
  luaL_setfuncs(L, money_meta, 0);
  lua_pushliteral(L, "money");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  luaL_newmetatable(L, REVL_DATE);
  luaL_setfuncs(L, date_meta, 0);
  lua_pop(L, 1);
  luaL_newmetatable(L, REVL_DATETIME);
  luaL_setfuncs(L, datetime_meta, 0);
  lua_pop(L, 1);
  luaL_setfuncs(L, funcs, 0);
  return 0;
}
