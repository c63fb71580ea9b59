/*
 * l_calendar.c -- Lua bindings of business calendars (src/rules/calendar.c):
 * revl._route.cal_new and the methods of calendar objects (business
 * minutes and days, opening hours, local dates and times), and the
 * instants that routers, funnels and SLAs take as arguments.
 *
 * lua/route.lua checks calendar definitions and adds the Lua methods;
 * luaopen_revl_route (l_route.c) calls revl_route_open_calendar.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lrevl.h"
#include "metrics/mcore.h"
#include "revl/parse.h"
#include "revl/route.h"

#define CAL_MT REVL_CALENDAR

/* ---- times ------------------------------------------------------------ */

/* An instant from a datetime, a date (its local midnight) or text
 * ("2025-03-07T16:00:00Z"; without an offset: local time of cal). */
int64_t revl_check_time(lua_State *L, int idx, revl_calendar *cal) {
  int64_t *dt = luaL_testudata(L, idx, REVL_DATETIME);
  if (dt) return *dt;
  int32_t *d = luaL_testudata(L, idx, REVL_DATE);
  if (d) return cal ? revl_cal_day_start(cal, *d) : (int64_t)*d * 86400;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    revl_parse_opts o;
    memset(&o, 0, sizeof o);
    int64_t v;
    if (revl_parse_datetime(s, n, &o, &v) == 0) {
      int zone = 0;
      while (n && (s[n - 1] == ' ')) n--;
      for (size_t i = 11; i < n; i++)
        if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || (s[i] == '-' && i > 12)) zone = 1;
      if (zone || !cal) return v;
      int64_t day = revl_floor_div64(v, 86400);
      return revl_cal_local(cal, (int32_t)day, (int)(v - day * 86400));
    }
    luaL_error(L, "not a date or datetime: '%s'", s);
  }
  luaL_error(L, "expected a datetime, a date or an ISO text, got %s", luaL_typename(L, idx));
  return 0;
}

/* ---- calendars --------------------------------------------------------- */

typedef struct cal_ud {
  revl_calendar *c;
  int open_min, close_min;
  unsigned days;
} cal_ud;

static cal_ud *check_cal(lua_State *L, int idx) {
  cal_ud *u = luaL_checkudata(L, idx, CAL_MT);
  if (!u->c) luaL_error(L, "calendar was freed");
  return u;
}

static int cal_gc(lua_State *L) {
  cal_ud *u = luaL_checkudata(L, 1, CAL_MT);
  revl_calendar_free(u->c);
  u->c = NULL;
  return 0;
}

/* cal_new{tz=, open=, close=, days=, holidays={days...}} */
static int l_cal_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  revl_cal_spec s;
  memset(&s, 0, sizeof s);
  lua_getfield(L, 1, "tz");
  s.tz = lua_tostring(L, -1);
  lua_getfield(L, 1, "open");
  s.open_min = (int)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "close");
  s.close_min = (int)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "days");
  s.days = (unsigned)luaL_checkinteger(L, -1);
  lua_getfield(L, 1, "holidays");
  size_t nh = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
  int32_t *hol = lua_newuserdatauv(L, (nh ? nh : 1) * sizeof *hol, 0);
  for (size_t i = 0; i < nh; i++) {
    lua_rawgeti(L, -2, (lua_Integer)i + 1);
    hol[i] = (int32_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
  }
  s.holidays = hol;
  s.nholidays = nh;
  cal_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->c = NULL;
  luaL_setmetatable(L, CAL_MT);
  revl_error err;
  u->c = revl_calendar_new(&s, &err);
  if (!u->c) return luaL_error(L, "%s", err.msg);
  u->open_min = s.open_min;
  u->close_min = s.close_min;
  u->days = s.days;
  return 1;
}

static int cal_business_minutes(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = revl_check_time(L, 2, u->c), b = revl_check_time(L, 3, u->c);
  revl_push_minutes(L, revl_cal_business_seconds(u->c, a, b));
  return 1;
}

static int cal_business_seconds(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = revl_check_time(L, 2, u->c), b = revl_check_time(L, 3, u->c);
  lua_pushinteger(L, revl_cal_business_seconds(u->c, a, b));
  return 1;
}

static int cal_add(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int64_t a = revl_check_time(L, 2, u->c);
  double m = luaL_checknumber(L, 3);
  revl_push_datetime(L, revl_cal_add(u->c, a, (int64_t)llround(m * 60)));
  return 1;
}

static int cal_is_open(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  lua_pushboolean(L, revl_cal_is_open(u->c, revl_check_time(L, 2, u->c)));
  return 1;
}

static int cal_is_business_day(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int32_t d;
  revl_check_date(L, 2, &d);
  lua_pushboolean(L, revl_cal_is_business_day(u->c, d));
  return 1;
}

static int cal_business_days(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  int32_t a, b;
  revl_check_date(L, 2, &a);
  revl_check_date(L, 3, &b);
  lua_pushinteger(L, revl_cal_business_days(u->c, a, b));
  return 1;
}

static int cal_local_date(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  revl_push_date(L, revl_cal_day(u->c, revl_check_time(L, 2, u->c)));
  return 1;
}

static void fmt_local(revl_calendar *c, int64_t t, char *buf, size_t n) {
  int off = revl_cal_utc_offset(c, t);
  int64_t lt = t + off;
  int64_t day = revl_floor_div64(lt, 86400), sod = lt - day * 86400;
  int y;
  unsigned m, d;
  revl_civil_from_days((int32_t)day, &y, &m, &d);
  int ao = off < 0 ? -off : off;
  snprintf(buf, n, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
           (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), off < 0 ? '-' : '+',
           ao / 3600, ao / 60 % 60);
}

static int cal_local_time(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  char buf[64];
  fmt_local(u->c, revl_check_time(L, 2, u->c), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int cal_instant(lua_State *L) {
  cal_ud *u = check_cal(L, 1);
  revl_push_datetime(L, revl_check_time(L, 2, u->c));
  return 1;
}

static int cal_timezone(lua_State *L) {
  lua_pushstring(L, revl_cal_tz(check_cal(L, 1)->c));
  return 1;
}

static int cal_tostring(lua_State *L) {
  cal_ud *u = luaL_checkudata(L, 1, CAL_MT);
  if (!u->c) return lua_pushliteral(L, "calendar (freed)"), 1;
  static const char *dn[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  char days[64] = "";
  for (int i = 0; i < 7; i++)
    if (u->days >> i & 1) {
      if (days[0]) strcat(days, ",");
      strcat(days, dn[i]);
    }
  char buf[256];
  snprintf(buf, sizeof buf, "calendar %s %02d:%02d-%02d:%02d %s", revl_cal_tz(u->c),
           u->open_min / 60, u->open_min % 60, u->close_min / 60, u->close_min % 60, days);
  lua_pushstring(L, buf);
  return 1;
}

static const luaL_Reg cal_methods[] = {
    {"business_minutes", cal_business_minutes},
    {"business_seconds", cal_business_seconds},
    {"add", cal_add},
    {"is_open", cal_is_open},
    {"is_business_day", cal_is_business_day},
    {"business_days", cal_business_days},
    {"local_date", cal_local_date},
    {"local_time", cal_local_time},
    {"instant", cal_instant},
    {"timezone", cal_timezone},
    {NULL, NULL}};

revl_calendar *revl_check_calendar(lua_State *L, int idx) {
  return check_cal(L, idx)->c;
}

static const luaL_Reg cal_funcs[] = {{"cal_new", l_cal_new}, {NULL, NULL}};

void revl_route_open_calendar(lua_State *L) {
  luaL_setfuncs(L, cal_funcs, 0);
  luaL_newmetatable(L, CAL_MT);
  lua_pushcfunction(L, cal_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, cal_tostring);
  lua_setfield(L, -2, "__tostring");
  luaL_newlib(L, cal_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
